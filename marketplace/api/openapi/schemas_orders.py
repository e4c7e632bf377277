"""The schemas of buying: the cart, checkout, orders and what moves them, the plugins' offers."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATETIME,
    ID,
    IDEMPOTENCY_KEY,
    INTEGER,
    NULLABLE_STRING,
    QUANTITY,
    RUPIAH,
    STRING,
    URL,
    array,
    obj,
    ref,
)
from marketplace.orders.lifecycle import REQUESTABLE_STATUSES
from marketplace.orders.models import ORDER_STATUSES
from marketplace.shipping.quotes import TRACKING_STATUSES


def order_schemas() -> dict:
    """Every schema of the cart, checkout and orders."""
    return {
        **_cart(),
        **_checkout(),
        **_checkout_result(),
        **_order_line(),
        **_order(),
        **_order_actions(),
        **_offers(),
    }


def _cart() -> dict:
    """The cart, its lines and what changes them."""
    return {
        "CartItemInput": obj({"variant_id": ID, "quantity": {**QUANTITY, "default": 1}}, ["variant_id"]),
        "CartQuantityInput": obj({"quantity": QUANTITY}, ["quantity"]),
        "CartLine": obj(
            {
                "id": INTEGER,
                "variant_id": INTEGER,
                "product_id": INTEGER,
                "product": STRING,
                "variant": STRING,
                "sku": STRING,
                "store": STRING,
                "price": RUPIAH,
                "quantity": INTEGER,
                "line_total": RUPIAH,
                "stock": INTEGER,
                "image_url": {"type": ["string", "null"], "format": "uri-reference"},
                "problem": {"type": ["string", "null"], "description": "why this line cannot be bought as it is"},
            },
            ["id", "variant_id", "quantity", "price"],
        ),
        "Cart": obj(
            {
                "items": array(ref("CartLine")),
                "stores": array(obj({"store": STRING, "name": STRING, "subtotal": RUPIAH, "items": array(INTEGER)})),
                "count": INTEGER,
                "total": RUPIAH,
                "version": {"type": ["string", "integer"], "description": "send back as `cart_version` at checkout"},
            },
            ["items", "total"],
        ),
    }


def _checkout() -> dict:
    """What checkout takes."""
    return {
        "CheckoutInput": obj(
            {
                "payment_method": {"type": "string", "description": "an id from GET /payment-methods"},
                "payment_channel": {
                    "type": ["string", "null"],
                    "description": "one of the method's `channels` ids (the bank, the e-wallet): required when "
                    "the method has channels, refused (422) when it has none",
                    "examples": ["BCA"],
                },
                "shipping": ref("Shipping"),
                "extras": array(STRING, description="ids from GET /checkout/extras"),
                "cart_version": {"type": ["string", "integer"], "description": "409 when the cart changed since"},
                "idempotency_key": {**IDEMPOTENCY_KEY, "description": "or the `Idempotency-Key` header"},
            },
            ["payment_method", "shipping"],
        ),
    }


def _checkout_result() -> dict:
    """What checkout answers: the orders placed and the payment to make."""
    return {
        "OrderSummary": obj(
            {
                "number": STRING,
                "store": STRING,
                "subtotal": RUPIAH,
                "shipping_cost": {**RUPIAH, "description": "ongkir; total = subtotal + shipping_cost + extras_total"},
                "extras_total": RUPIAH,
                "total": RUPIAH,
                "status": {"enum": list(ORDER_STATUSES)},
                "shipping": ref("OrderShipping"),
            },
            ["number", "store", "total", "status"],
        ),
        "Payment": obj(
            {
                "id": INTEGER,
                "method": STRING,
                "channel": {
                    "type": ["string", "null"],
                    "description": "the channel picked at checkout (null: the method has none)",
                    "examples": ["BCA"],
                },
                "amount": RUPIAH,
                "currency": {"type": "string", "examples": ["IDR"]},
                "status": STRING,
                "amount_due": RUPIAH,
                "expires_at": {"type": ["string", "null"], "format": "date-time"},
                "redirect_url": URL,
                "instructions": {"description": "what the shopper does next (bank account, amount, deadline)"},
            },
            ["id", "method", "amount", "status"],
        ),
        "CheckoutResult": obj(
            {"orders": array(ref("OrderSummary")), "payment": {"oneOf": [ref("Payment"), {"type": "null"}]}},
            ["orders", "payment"],
        ),
    }


def _order_line() -> dict:
    """One line of an order."""
    return {
        "OrderLine": obj(
            {
                "id": INTEGER,
                "product_id": {"type": ["integer", "null"]},
                "variant_id": {"type": ["integer", "null"]},
                "product": STRING,
                "variant": STRING,
                "sku": STRING,
                "unit_price": RUPIAH,
                "quantity": INTEGER,
                "line_total": RUPIAH,
            },
            ["product", "unit_price", "quantity", "line_total"],
        ),
    }


def _order() -> dict:
    """An order with its payment, shipping, lines and extras."""
    return {
        "Order": {
            "allOf": [
                ref("OrderSummary"),
                obj(
                    {
                        "store_name": STRING,
                        "subtotal": RUPIAH,
                        "extras_total": RUPIAH,
                        "payment_method": STRING,
                        "pay_on_delivery": BOOLEAN,
                        **{
                            f"{when}_at": {"type": ["string", "null"], "format": "date-time"}
                            for when in ("placed", "expires", "paid", "shipped", "completed", "cancelled", "delivered")
                        },
                        **{
                            deadline: {
                                "type": ["string", "null"],
                                "format": "date-time",
                                "description": description,
                            }
                            for deadline, description in (
                                ("accept_by", "a paid order: cancelled and refunded unless the seller accepts by then"),
                                ("complete_by", "a shipped order: completes by itself then (the order clock)"),
                                ("complaint_until", "a shipped or completed order: the shopper may complain until"),
                            )
                        },
                        "courier": {
                            "type": ["string", "null"],
                            "description": "the courier's code (jne, jnt, sicepat, anteraja, pos, gojek, grab); "
                            "orders shipped before couriers were codes keep the name typed then",
                        },
                        "tracking_number": NULLABLE_STRING,
                        "tracking_link": {**NULLABLE_STRING, "description": "the courier's public tracking page"},
                        "shipment_status": {
                            "type": ["string", "null"],
                            "enum": [*TRACKING_STATUSES, None],
                            "description": "the courier's latest tracking status",
                        },
                        "cancel_reason": NULLABLE_STRING,
                        "lines": array(ref("OrderLine")),
                        "extras": array(obj({"id": STRING, "name": STRING, "amount": RUPIAH})),
                    }
                ),
            ]
        },
    }


def _order_actions() -> dict:
    """What a seller or shopper sends to move, cancel or review an order."""
    return {
        "OrderStatusInput": obj(
            {
                "status": {"enum": list(REQUESTABLE_STATUSES)},
                "tracking_number": {
                    "type": ["string", "null"],
                    "maxLength": 80,
                    "description": "the waybill (resi), required to ship by courier, in the courier's format "
                    "(spaces ignored, capitals); not needed for pickup or the store's own delivery",
                },
                "courier": {
                    "type": ["string", "null"],
                    "maxLength": 60,
                    "description": "a courier code or name, any case (jne or JNE, jnt or J&T, sicepat, anteraja, "
                    "pos, gojek or GoSend, grab); left out: the courier the buyer chose (an order without one "
                    "ships its waybill unchecked)",
                },
                "reason": {"type": ["string", "null"], "description": "required when the seller cancels; cut to 1000"},
            },
            ["status"],
        ),
        "CancelInput": obj({"reason": {"type": ["string", "null"], "description": "cut to 1000 characters"}}),
        "ReviewInput": obj(
            {
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "comment": {"type": ["string", "null"], "maxLength": 2000},
                "line_id": {**ID, "description": "review one line; default: the order's only line"},
            },
            ["rating"],
        ),
        "Review": obj(
            {
                "id": INTEGER,
                "line_id": {"type": ["integer", "null"]},
                "product_id": {"type": ["integer", "null"]},
                "rating": INTEGER,
                "comment": STRING,
                "created_at": DATETIME,
            },
            ["id", "rating"],
        ),
    }


def _offers() -> dict:
    """The plugins' offers at checkout."""
    return {
        "Offer": obj(
            {
                "id": STRING,
                "name": STRING,
                "description": STRING,
                "pay_on_delivery": BOOLEAN,
                "reservation_minutes": {"type": ["integer", "null"]},
                "channels": array(
                    obj({"id": STRING, "name": STRING}, ["id", "name"]),
                    description="payment methods: the banks or wallets to pick one of at checkout "
                    "(send its id as `payment_channel`); empty when there is nothing to pick",
                ),
                "group": {
                    "enum": ["qris", "virtual_account", "ewallet", "transfer", "card", "cod", "other"],
                    "description": "payment methods: the heading the checkout lists it under",
                },
            },
            ["id", "name"],
            description="a payment method or checkout extra of an enabled plugin; more fields may follow",
        ),
    }
