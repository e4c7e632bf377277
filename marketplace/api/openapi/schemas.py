"""components/schemas of the core document, by area; ``schemas()`` gathers them.

Enums are the models' own tuples (statuses, roles, ledger kinds), never restated here.
"""

from __future__ import annotations

from marketplace.accounts.models import ROLES
from marketplace.agency.reports import REPORT_PHASES
from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATE,
    DATETIME,
    EMAIL,
    ID,
    IDEMPOTENCY_KEY,
    INTEGER,
    NOT_BLANK,
    NULLABLE_STRING,
    PHONE,
    PRICE,
    QUANTITY,
    RUPIAH,
    SECTOR,
    STOCK,
    STRING,
    URL,
    array,
    items_of,
    json_content,
    obj,
    ref,
    text,
)
from marketplace.catalog.models import PRODUCT_STATUSES
from marketplace.catalog.services import MAX_VARIANTS
from marketplace.expo.models import EXPO_STATES
from marketplace.ledger.models import LEDGER_KINDS
from marketplace.orders.lifecycle import REQUESTABLE_STATUSES
from marketplace.orders.models import ORDER_STATUSES
from marketplace.stores.models import STORE_STATUSES


def schemas() -> dict:
    """Every schema of the core, by name."""
    return {
        **_error(),
        **_accounts(),
        **_stores(),
        **_catalogue(),
        **_cart(),
        **_orders(),
        **_order_actions(),
        **_agency(),
        **_expos(),
        **_reports(),
        **_pages(),
    }


def _error() -> dict:
    """The error shape of every refusal."""
    return {
        "Error": obj(
            {
                "error": obj(
                    {
                        "code": {"type": "string", "examples": ["validation_error", "not_found", "conflict"]},
                        "message": STRING,
                        "fields": {
                            "type": "object",
                            "additionalProperties": STRING,
                            "description": "a message per invalid field, e.g. `variants.0.price`",
                        },
                    },
                    ["code", "message", "fields"],
                )
            },
            ["error"],
        ),
    }


def _accounts() -> dict:
    """Sign-up, tokens, the signed-in user."""
    return {
        "Credentials": obj({"email": {**EMAIL, "maxLength": 254}, "password": STRING}, ["email", "password"]),
        "Registration": obj(
            {
                "email": {**EMAIL, "maxLength": 254},
                "password": {"type": "string", "minLength": 8, "maxLength": 200},
                "name": text(120),
            },
            ["email", "password", "name"],
        ),
        "Token": obj({"token": STRING, "id": INTEGER, "expires_at": DATETIME}, ["token"]),
        "TokenInfo": obj(
            {
                "id": INTEGER,
                "label": NULLABLE_STRING,
                "created_at": DATETIME,
                "last_used_at": DATETIME,
                "expires_at": DATETIME,
                "current": BOOLEAN,
            },
            ["id", "label", "created_at", "last_used_at", "expires_at", "current"],
        ),
        "User": obj(
            {
                "email": EMAIL,
                "name": STRING,
                "email_confirmed": BOOLEAN,
                "roles": array({"type": "string", "enum": list(ROLES)}),
            },
            ["email", "name", "roles"],
        ),
        "Me": {"allOf": [ref("User"), obj({"stores": array(ref("StoreMembership"))}, ["stores"])]},
        "StoreMembership": obj(
            {"slug": STRING, "name": STRING, "status": {"enum": list(STORE_STATUSES)}}, ["slug", "name", "status"]
        ),
    }


def _stores() -> dict:
    """Stores as the public sees them and as a seller opens one."""
    return {
        "Store": obj(
            {
                "slug": STRING,
                "name": STRING,
                "city": STRING,
                "sector": SECTOR,
                "sector_name": STRING,
                "status": {"enum": list(STORE_STATUSES)},
                "logo_url": {"type": ["string", "null"], "format": "uri-reference"},
            },
            ["slug", "name", "city", "sector", "status"],
        ),
        "StoreDetail": {
            "allOf": [
                ref("Store"),
                obj(
                    {
                        "description": STRING,
                        "nib": NULLABLE_STRING,
                        "address": STRING,
                        "whatsapp": NULLABLE_STRING,
                    }
                ),
            ]
        },
        "StoreInput": obj(
            {
                "name": text(120),
                "nib": {
                    "type": ["string", "null"],
                    "pattern": "^ *(?:[0-9] *){13}$|^ *$",
                    "description": "NIB, 13 digits (spaces ignored); empty or null: none",
                },
                "city": {"type": ["string", "null"], "description": "trimmed, cut to 80 characters"},
                "sector": SECTOR,
                "whatsapp": {
                    "type": ["string", "null"],
                    "pattern": f"^ *$|{PHONE}",
                    "examples": ["081234567890"],
                    "description": "an Indonesian mobile number; empty or null: none. Stored in E.164.",
                },
                "address": {"type": ["string", "null"], "description": "trimmed, cut to 255 characters"},
                "description": {"type": ["string", "null"], "description": "trimmed, cut to 5000 characters"},
            },
            ["name", "sector"],
        ),
    }


def _catalogue() -> dict:
    """Categories, products, variants, photos."""
    variant_name = {
        "type": ["string", "null"],
        "maxLength": 120,
        "pattern": f"^$|{NOT_BLANK}",
        "description": "empty or null: 'Standar' (a new variant) or unchanged (a change)",
    }
    sku = {
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "empty or null: generated (a new variant) or unchanged (a change)",
    }
    variant_input = obj(
        {"name": variant_name, "sku": sku, "price": PRICE, "stock": {**STOCK, "default": 0}},
        ["price"],
        description="name defaults to 'Standar', sku is generated when empty",
    )
    product_fields = {
        "name": text(160),
        "description": text(20000, required=False, nullable=True),
        "category": {"type": ["string", "null"], "description": "a slug of GET /categories; empty or null: none"},
        "unit": text(30, required=False, nullable=True),
        "weight_grams": {"type": ["integer", "null"], "minimum": 0, "maximum": 1_000_000},
    }
    return {
        "Category": obj({"slug": STRING, "name": STRING, "sector": SECTOR}, ["slug", "name", "sector"]),
        "Variant": obj(
            {"id": INTEGER, "name": STRING, "sku": STRING, "price": PRICE, "stock": STOCK},
            ["id", "name", "sku", "price", "stock"],
        ),
        "VariantInput": variant_input,
        "VariantPatch": obj({"name": text(120), "sku": sku, "price": PRICE, "stock": STOCK}),
        "Image": obj(
            {"id": INTEGER, "url": URL, "thumbnail_url": URL, "width": INTEGER, "height": INTEGER},
            ["url", "thumbnail_url"],
        ),
        "Product": obj(
            {
                "id": INTEGER,
                "name": STRING,
                "description": STRING,
                "store": {"type": "string", "description": "the store's slug"},
                "category": {"type": ["string", "null"], "description": "the category's slug"},
                "status": {"enum": list(PRODUCT_STATUSES)},
                "price": {**RUPIAH, "description": "the cheapest variant's price"},
                "unit": NULLABLE_STRING,
                "weight_grams": {"type": ["integer", "null"]},
                "created_at": DATETIME,
                "thumbnail_url": {
                    "type": ["string", "null"],
                    "format": "uri-reference",
                    "description": "the first photo, in listings",
                },
            },
            ["id", "name", "store", "category", "status", "price"],
        ),
        "ProductDetail": {
            "allOf": [
                ref("Product"),
                obj(
                    {
                        "variants": array(ref("Variant")),
                        "images": array(ref("Image")),
                    },
                    ["variants"],
                ),
            ]
        },
        "ProductInput": obj(
            {
                **product_fields,
                "status": {"enum": list(PRODUCT_STATUSES), "default": "draft"},
                "variants": array(ref("VariantInput"), minItems=1, maxItems=MAX_VARIANTS),
            },
            ["name", "variants"],
        ),
        "ProductPatch": obj({**product_fields, "status": {"enum": list(PRODUCT_STATUSES)}}),
    }


def _cart() -> dict:
    """The cart and what checkout takes."""
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
        "Shipping": obj(
            {
                "name": text(120),
                "phone": {"type": "string", "pattern": PHONE},
                "address": text(500, minLength=10, description="street, number, RT/RW, kelurahan"),
                "city": text(80),
                "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"},
            },
            ["name", "phone", "address", "city", "postal_code"],
        ),
        "CheckoutInput": obj(
            {
                "payment_method": {"type": "string", "description": "an id from GET /payment-methods"},
                "shipping": ref("Shipping"),
                "extras": array(STRING, description="ids from GET /checkout/extras"),
                "cart_version": {"type": ["string", "integer"], "description": "409 when the cart changed since"},
                "idempotency_key": {**IDEMPOTENCY_KEY, "description": "or the `Idempotency-Key` header"},
            },
            ["payment_method", "shipping"],
        ),
    }


def _orders() -> dict:
    """Orders and their payment."""
    return {
        "OrderSummary": obj(
            {"number": STRING, "store": STRING, "total": RUPIAH, "status": {"enum": list(ORDER_STATUSES)}},
            ["number", "store", "total", "status"],
        ),
        "Payment": obj(
            {
                "id": INTEGER,
                "method": STRING,
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
                            for when in ("placed", "expires", "paid", "shipped", "completed", "cancelled")
                        },
                        "courier": NULLABLE_STRING,
                        "tracking_number": NULLABLE_STRING,
                        "cancel_reason": NULLABLE_STRING,
                        "shipping": ref("Shipping"),
                        "lines": array(ref("OrderLine")),
                        "extras": array(obj({"id": STRING, "name": STRING, "amount": RUPIAH})),
                    }
                ),
            ]
        },
    }


def _order_actions() -> dict:
    """What a seller or shopper sends to move, cancel or review an order; the plugins' offers."""
    return {
        "OrderStatusInput": obj(
            {
                "status": {"enum": list(REQUESTABLE_STATUSES)},
                "tracking_number": {"type": ["string", "null"], "maxLength": 80, "description": "required to ship"},
                "courier": {"type": ["string", "null"], "maxLength": 60},
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
        "Offer": obj(
            {
                "id": STRING,
                "name": STRING,
                "description": STRING,
                "pay_on_delivery": BOOLEAN,
                "reservation_minutes": {"type": ["integer", "null"]},
            },
            ["id", "name"],
            description="a payment method or checkout extra of an enabled plugin; more fields may follow",
        ),
    }


def _agency() -> dict:
    """The agency's decisions on stores and the commission."""
    return {
        "ReasonInput": obj({"reason": text(description="shown to the store's seller")}, ["reason"]),
        "OptionalReasonInput": obj({"reason": {"type": ["string", "null"]}}),
        "FeaturedInput": obj({"stores": array(STRING, description="store slugs, in order")}, ["stores"]),
        "AgencyStore": {
            "allOf": [
                ref("StoreDetail"),
                obj(
                    {
                        "status_reason": NULLABLE_STRING,
                        "allow_agency_assist": BOOLEAN,
                        "created_at": DATETIME,
                        "owner": {
                            "oneOf": [obj({"name": STRING, "email": EMAIL}, ["name", "email"]), {"type": "null"}],
                            "description": "null until someone claims a store the agency registered",
                        },
                    }
                ),
            ]
        },
        "Commission": obj(
            {
                "percent": {"type": "number", "minimum": 0, "maximum": 100},
                "basis_points": {"type": "integer", "minimum": 0, "maximum": 10000},
            },
            ["percent", "basis_points"],
        ),
        "CommissionInput": obj(
            {
                "percent": {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                        {"type": "string", "pattern": "^\\s*(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)\\s*%?\\s*$"},
                    ],
                    "examples": [2.5, "2,5", 0],
                    "description": "0 to 100, at most two decimals",
                }
            },
            ["percent"],
        ),
    }


def _expos() -> dict:
    """Expos, their zones and exhibitors."""
    return {
        "ExpoInput": obj(
            {
                "slug": {"type": ["string", "null"], "description": "made URL-safe; empty: from the name"},
                "name": text(160),
                "starts_at": {
                    "type": "string",
                    "description": "ISO date-time (or date); without an offset it is Asia/Jakarta time",
                    "examples": ["2026-12-01T08:00"],
                },
                "ends_at": {
                    "type": "string",
                    "description": "as starts_at; a bare date means the end of that day",
                    "examples": ["2026-12-14T21:00"],
                },
                "description": {"type": ["string", "null"]},
                "zones": array(text(80), description="zone names, in the hall's order"),
            },
            ["slug", "name", "starts_at", "ends_at"],
        ),
        "Exhibitor": obj(
            {"store": STRING, "name": STRING, "booth": STRING, "zone": STRING, "rank": INTEGER}, ["store", "booth"]
        ),
        "ExhibitorInput": obj(
            {
                "store": {"type": "string", "description": "the store's slug"},
                "booth": {"type": "string", "maxLength": 20, "description": "unique in the expo"},
                "zone": {
                    "type": "string",
                    "description": "a zone slug or name of the expo; default: the store's sector",
                },
            },
            ["store", "booth"],
        ),
        "ExpoZone": obj({"slug": STRING, "name": STRING}, ["slug", "name"]),
        "Expo": obj(
            {
                "slug": STRING,
                "name": STRING,
                "description": STRING,
                "starts_at": DATETIME,
                "ends_at": DATETIME,
                "state": {"enum": list(EXPO_STATES)},
                "banner_url": {"type": ["string", "null"], "format": "uri-reference"},
                "zones": array(ref("ExpoZone")),
                "exhibitors": array(ref("Exhibitor")),
            },
            ["slug", "name", "starts_at", "ends_at", "state"],
        ),
    }


def _reports() -> dict:
    """The sales report and the seller's ledger."""
    return {
        "SalesFigures": obj(
            {"orders": INTEGER, "gross_sales": RUPIAH, "shoppers": INTEGER, "average_order_value": RUPIAH},
            ["orders", "gross_sales", "shoppers"],
        ),
        "SalesReport": {
            "allOf": [
                ref("SalesFigures"),
                obj(
                    {
                        "expo": NULLABLE_STRING,
                        "from": DATE,
                        "to": DATE,
                        "per_store": array(
                            {
                                "allOf": [
                                    ref("SalesFigures"),
                                    obj({"store": STRING, "name": STRING, "sector": {"type": ["string", "null"]}}),
                                ]
                            }
                        ),
                        "per_sector": array({"allOf": [ref("SalesFigures"), obj({"sector": STRING, "name": STRING})]}),
                        "per_zone": array(
                            {"allOf": [ref("SalesFigures"), obj({"zone": STRING, "name": STRING})]},
                            description="an expo report only",
                        ),
                        "per_day": array(
                            {
                                "allOf": [
                                    ref("SalesFigures"),
                                    obj(
                                        {
                                            "date": DATE,
                                            "phase": {
                                                "enum": list(REPORT_PHASES),
                                                "description": "an expo report only",
                                            },
                                        }
                                    ),
                                ]
                            },
                            description="every Asia/Jakarta day of the period, days without sales too",
                        ),
                        "during": ref("SalesFigures"),
                        "after": ref("SalesFigures"),
                    },
                    ["expo", "from", "to", "per_store", "per_sector", "per_day"],
                ),
            ],
            "description": "Sales = orders paid, processing, shipped or completed. An expo report counts the "
            "exhibitors' orders from the expo's opening; `during` until it closes, `after` since.",
        },
        "Ledger": obj(
            {
                "store": STRING,
                "earnings": RUPIAH,
                "commission": RUPIAH,
                "refunds": RUPIAH,
                "payouts": RUPIAH,
                "balance": {"type": "integer", "description": "whole rupiah owed to the store: the sum of its rows"},
                "items": array(
                    obj(
                        {
                            "at": DATETIME,
                            "kind": {"type": "string", "enum": list(LEDGER_KINDS)},
                            "order": NULLABLE_STRING,
                            "amount": {"type": "integer", "description": "signed: credit > 0"},
                            "commission_bps": {"type": ["integer", "null"]},
                            "note": STRING,
                        }
                    )
                ),
            },
            ["store", "earnings", "commission", "refunds", "payouts", "balance", "items"],
        ),
    }


def _pages() -> dict:
    """The paged lists."""
    return {
        "StorePage": items_of(ref("Store"), paged=True),
        "ProductPage": items_of(ref("Product"), paged=True),
        "OrderPage": items_of(ref("Order"), paged=True),
    }


def responses() -> dict:
    error = json_content(ref("Error"))
    return {
        "BadRequest": {"description": "The body is not a JSON object.", "content": error},
        "Unauthorized": {"description": "No valid bearer token.", "content": error},
        "Forbidden": {"description": "The token's user may not do this.", "content": error},
        "NotFound": {"description": "No such object (or not one this user may see).", "content": error},
        "Conflict": {
            "description": "Conflicts with the current state (taken, out of stock, illegal state change).",
            "content": error,
        },
        "ValidationFailed": {"description": "Invalid fields; `error.fields` names each.", "content": error},
        "RateLimited": {
            "description": "Too many requests from this address (or for this account); `error.code` is "
            "`rate_limited`. Nothing was done: try again after `Retry-After` seconds.",
            "headers": {
                "Retry-After": {
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "seconds until the limit resets",
                }
            },
            "content": error,
        },
    }
