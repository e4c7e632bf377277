"""The shipping part of checkout (issue 18): the options per store for an address, and the
``shipping`` object checkout takes and orders carry."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    ID,
    INTEGER,
    NULLABLE_STRING,
    PHONE,
    RUPIAH,
    STRING,
    answer,
    array,
    body,
    obj,
    operation,
    ref,
    text,
)

POSTAL = {"type": "string", "pattern": "^[1-9][0-9]{4}$"}
DISTRICT = {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{2}$", "description": "Kemendagri district code"}
OPTION_ID = {
    "type": "string",
    "maxLength": 60,
    "description": '"pickup", "local" or "courier:<courier>:<service>" (from POST /checkout/shipping-options)',
}


def checkout_shipping_paths() -> dict:
    return {
        "/checkout/shipping-options": {
            "post": operation(
                "checkoutShippingOptions",
                "The shipping options of the cart's stores for an address",
                "checkout",
                {"200": answer("Each store of the cart with its options, cheapest first.", ref("ShippingOptions"))},
                auth="shopper",
                request=body(ref("ShippingAddressInput")),
                description=(
                    "`address_id` (the address book) or the address fields. Pickup and the store's own "
                    "delivery come from its settings; courier rates from the enabled shipping plugins, asked "
                    "once for every store. `notices` says when live rates were unavailable (the table's "
                    "rates are shown instead). 422 for a bad address."
                ),
            )
        },
    }


def checkout_shipping_schemas() -> dict:
    address = {
        "address_id": ID,
        "name": text(120),
        "recipient": text(120),
        "phone": {"type": "string", "pattern": PHONE},
        "street": text(500, minLength=10),
        "district_code": DISTRICT,
        "village_code": {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"},
        "postal_code": POSTAL,
    }
    legacy = {
        "address": text(500, minLength=10, description="the older free-text address: street to kelurahan"),
        "city": text(80),
    }
    return {
        "ShippingAddressInput": obj(address, description="`address_id`, or the fields (`district_code` required)"),
        "Shipping": obj(
            {
                **address,
                **legacy,
                "options": {
                    "type": "object",
                    "additionalProperties": OPTION_ID,
                    "description": "store slug → option id; left out: each store's cheapest option for the address",
                },
                "prices": {
                    "type": "object",
                    "additionalProperties": RUPIAH,
                    "description": (
                        "store slug → the ongkir the client showed; 409 `shipping_changed` when it differs, "
                        "with the new price per store slug in the error's `prices`"
                    ),
                },
            },
            description=(
                "`address_id` or the address fields with `options`; the older shape (name, phone, address, "
                "city, postal_code) names no district and is served by each store's pickup."
            ),
        ),
        "ShippingOption": obj(
            {
                "id": OPTION_ID,
                "method": {"enum": ["pickup", "local", "courier"]},
                "courier": NULLABLE_STRING,
                "service": NULLABLE_STRING,
                "price": RUPIAH,
                "etd_days": {"type": "string", "examples": ["2-3", "0"], "description": "days; 0 the same day"},
                "label": STRING,
                "etd_min": INTEGER,
                "etd_max": INTEGER,
                "cod": {**BOOLEAN, "description": "the store takes cash on delivery with this option"},
                "kind": {"enum": ["store", "live", "table"]},
            },
            ["id", "method", "courier", "service", "price", "etd_days"],
        ),
        "ShippingOptions": obj(
            {
                "items": array(
                    obj(
                        {
                            "store": STRING,
                            "name": STRING,
                            "subtotal": RUPIAH,
                            "options": array(ref("ShippingOption")),
                            "cod": BOOLEAN,
                            "message": {**NULLABLE_STRING, "description": "why there is no option"},
                        },
                        ["store", "options"],
                    )
                ),
                "notices": array(STRING),
            },
            ["items", "notices"],
        ),
        "OrderShipping": obj(
            {
                "name": STRING,
                "phone": STRING,
                "address": STRING,
                "city": STRING,
                "postal_code": STRING,
                **dict.fromkeys(("region_code", "province", "district", "village"), NULLABLE_STRING),
                "method": {"enum": ["pickup", "local", "courier", None]},
                **dict.fromkeys(("courier", "service", "label", "etd_days", "source"), NULLABLE_STRING),
                "cost": RUPIAH,
            },
            ["name", "address", "method", "cost"],
            description="where to and the option chosen at checkout (null on orders from before shipping)",
        ),
    }
