"""The orders' paths: the shopper's orders, and a store's orders and ledger."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    PAGE_PARAMS,
    answer,
    body,
    operation,
    ref,
)
from marketplace.api.openapi.parameters import (
    NUMBER,
    ORDER_STATUS,
    SELLER,
    STORE_ARG,
)


def order_paths() -> dict:
    """Every path of the shopper's and the seller's orders."""
    return {
        **_orders(),
        **_order_moves(),
        **_reviews(),
        **_seller_orders(),
        **_ledger(),
    }


def _orders() -> dict:
    """The shopper's orders: the list and one order."""
    return {
        "/orders": {
            "get": operation(
                "listOrders",
                "The shopper's orders, newest first",
                "orders",
                {"200": answer("A page of orders.", ref("OrderPage"))},
                auth="shopper",
                params=[ORDER_STATUS, *PAGE_PARAMS],
                errors=("422",),
            )
        },
        "/orders/{number}": {
            "get": operation(
                "getOrder",
                "One of the shopper's orders",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                errors=("404",),
            )
        },
    }


def _order_moves() -> dict:
    """What the shopper does with an order: cancel it, confirm it arrived."""
    return {
        "/orders/{number}/cancel": {
            "post": operation(
                "cancelOrder",
                "Cancel an order before it ships (stock back; refund when paid)",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                request=body(ref("CancelInput"), required=False),
                errors=("404", "409"),
            )
        },
        "/orders/{number}/complete": {
            "post": operation(
                "completeOrder",
                "Confirm a shipped order arrived",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                errors=("404", "409"),
            )
        },
    }


def _reviews() -> dict:
    """The shopper's review of a completed order."""
    return {
        "/orders/{number}/reviews": {
            "post": operation(
                "reviewOrder",
                "Review a completed order",
                "orders",
                {"201": answer("The review.", ref("Review"))},
                auth="the shopper who placed it, once it is completed",
                params=[NUMBER],
                request=body(ref("ReviewInput")),
                errors=("404", "409"),
            )
        },
    }


def _seller_orders() -> dict:
    """A store's orders and moving one on."""
    return {
        "/seller/orders": {
            "get": operation(
                "listSellerOrders",
                "Orders of the seller's store",
                "seller",
                {"200": answer("A page of orders.", ref("OrderPage"))},
                auth=SELLER,
                params=[STORE_ARG, ORDER_STATUS, *PAGE_PARAMS],
                errors=("422",),
            )
        },
        "/seller/orders/{number}": {
            "get": operation(
                "getSellerOrder",
                "One order of the seller's store",
                "seller",
                {"200": answer("The order.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                errors=("404",),
            )
        },
        "/seller/orders/{number}/status": {
            "post": operation(
                "setOrderStatus",
                "Move an order on: accept, ship (with tracking), complete or cancel",
                "seller",
                {"200": answer("The order.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                request=body(ref("OrderStatusInput")),
                errors=("404", "409"),
                description="An illegal transition is a 409.",
            )
        },
    }


def _ledger() -> dict:
    """A store's ledger."""
    return {
        "/seller/ledger": {
            "get": operation(
                "getLedger",
                "Earnings, commission, payouts and balance of the seller's store",
                "seller",
                {"200": answer("The ledger.", ref("Ledger"))},
                auth=SELLER,
                params=[STORE_ARG],
                errors=("404",),
            )
        },
    }
