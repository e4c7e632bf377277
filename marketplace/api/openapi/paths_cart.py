"""The cart's and checkout's paths, with what the plugins offer at checkout."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    STRING,
    answer,
    body,
    items_of,
    operation,
    ref,
)
from marketplace.api.openapi.parameters import (
    CART_LINE,
)


def cart_paths() -> dict:
    """Every path of the cart and checkout."""
    return {
        **_cart(),
        **_cart_lines(),
        **_checkout(),
        **_plugin_offers(),
    }


def _cart() -> dict:
    """The shopper's cart and putting a variant in it."""
    return {
        "/cart": {
            "get": operation(
                "getCart", "The shopper's cart", "cart", {"200": answer("The cart.", ref("Cart"))}, auth="shopper"
            )
        },
        "/cart/items": {
            "post": operation(
                "addCartItem",
                "Put a variant in the cart (adds to the quantity already there)",
                "cart",
                {"201": answer("The cart.", ref("Cart"))},
                auth="shopper",
                request=body(ref("CartItemInput")),
                errors=("404", "409"),
            )
        },
    }


def _cart_lines() -> dict:
    """One line of the cart: its quantity, taking it out."""
    return {
        "/cart/items/{id}": {
            "patch": operation(
                "setCartItemQuantity",
                "Set a cart line's quantity",
                "cart",
                {"200": answer("The cart.", ref("Cart"))},
                auth="shopper",
                params=[CART_LINE],
                request=body(ref("CartQuantityInput")),
                errors=("404", "409"),
            ),
            "delete": operation(
                "deleteCartItem",
                "Take a line out of the cart",
                "cart",
                {"200": answer("The cart.", ref("Cart"))},
                auth="shopper",
                params=[CART_LINE],
                errors=("404",),
            ),
        },
    }


def _checkout() -> dict:
    """Turning the cart into orders and a payment."""
    return {
        "/checkout": {
            "post": operation(
                "checkout",
                "Turn the cart into one order per store and one payment",
                "checkout",
                {
                    "201": answer(
                        "The orders and the payment to make (the first answer again for a repeated "
                        "idempotency key, with the header `Idempotent-Replayed: true`).",
                        ref("CheckoutResult"),
                    ),
                    "503": answer("The payment provider failed; nothing was kept.", ref("Error")),
                },
                auth="shopper",
                request=body(ref("CheckoutInput")),
                errors=("409",),
                params=[{"name": "Idempotency-Key", "in": "header", "required": False, "schema": STRING}],
                description="409 when stock is short or the cart changed: nothing is reserved.",
            )
        },
    }


def _plugin_offers() -> dict:
    """What the enabled plugins offer at checkout: payment methods and extras."""
    return {
        "/payment-methods": {
            "get": operation(
                "listPaymentMethods",
                "What the enabled payment plugins offer",
                "checkout",
                {"200": answer("Payment methods of the enabled plugins.", items_of(ref("Offer")))},
            )
        },
        "/checkout/extras": {
            "get": operation(
                "listCheckoutExtras",
                "Paid add-ons the enabled plugins offer at checkout",
                "checkout",
                {"200": answer("Checkout extras of the enabled plugins.", items_of(ref("Offer")))},
            )
        },
    }
