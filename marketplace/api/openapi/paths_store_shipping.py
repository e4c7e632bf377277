"""What a store offers for shipping: ``GET`` and ``PUT /stores/{slug}/shipping``, and its schemas."""

from __future__ import annotations

from marketplace.api.openapi.builders import BOOLEAN, STRING, answer, array, body, obj, operation, ref, text
from marketplace.api.openapi.parameters import STORE_SLUG
from marketplace.shipping.couriers import COURIERS
from marketplace.shipping.offer_input import MAX_ETD_DAYS, MAX_FREE_ABOVE, MAX_LOCAL_PRICE
from marketplace.shipping.store_models import PICKUP_PLACES

DISTRICT = {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{2}$", "description": "a Kemendagri district code"}
WHO = "a member of the store, or an agency officer assisting it"


def store_shipping_paths() -> dict:
    return {
        "/stores/{slug}/shipping": {
            "get": operation(
                "getStoreShipping",
                "The store's origin, pickup, local delivery and couriers",
                "stores",
                {
                    "200": answer(
                        "The settings (the defaults, `configured` false, before the first save).", ref("StoreShipping")
                    )
                },
                auth=WHO,
                params=[STORE_SLUG],
                errors=("404",),
            ),
            "put": operation(
                "putStoreShipping",
                "Change the store's shipping",
                "stores",
                {"200": answer("The saved settings.", ref("StoreShipping"))},
                auth=WHO,
                params=[STORE_SLUG],
                request=body(ref("StoreShippingInput")),
                errors=("404",),
                description=(
                    "Any of the four sections; a section or key left out keeps its value, `local.prices` "
                    "when given is the whole list. Errors name fields as `origin_district_code`, "
                    "`origin_postal_code`, `pickup.address`, `local.prices.<district code>`, `local.free_above`, "
                    "`local.etd_days`, `couriers.<courier>`, `couriers.services`, `methods`."
                ),
            ),
        }
    }


def _sections(output: bool) -> dict:
    nullable_text = {"type": ["string", "null"]}
    services = {
        "type": "object",
        "description": 'courier code → its service codes, e.g. `{"jne": ["reg", "yes"]}`',
        "properties": {code: array({"enum": list(c.services)}, uniqueItems=True) for code, c in COURIERS.items()},
        "additionalProperties": False,
    }
    price = {"type": "integer", "minimum": 0, "maximum": MAX_LOCAL_PRICE, "description": "whole rupiah; 0: free"}
    price_row = {"district_code": DISTRICT, "price": price}
    if output:
        price_row["name"] = STRING
    origin = {
        "district_code": {**DISTRICT, "type": ["string", "null"]},
        "postal_code": {**nullable_text, "pattern": r"^\d{5}$"},
    }
    origin["address"] = text(255, required=False, nullable=True)
    if output:
        origin["label"] = {"type": "string", "description": '"Tegal Barat, Kota Tegal, Jawa Tengah"'}
    return {
        "origin": obj(origin),
        "pickup": obj(
            {
                "enabled": BOOLEAN,
                "place": {"enum": list(PICKUP_PLACES), "description": "at the shop or at the expo booth"},
                "address": text(255, required=False, nullable=True),
                "hours": text(120, required=False, nullable=True),
                "instructions": text(1000, required=False, nullable=True),
                "cod": {**BOOLEAN, "description": "cash on delivery allowed (default true)"},
            }
        ),
        "local": obj(
            {
                "enabled": BOOLEAN,
                "prices": array(
                    obj(price_row, ["district_code", "price"]),
                    description="districts of the origin's own regency or city",
                ),
                "free_above": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_FREE_ABOVE},
                "etd_days": array({"type": "integer", "minimum": 0, "maximum": MAX_ETD_DAYS}, minItems=2, maxItems=2),
                "cod": {**BOOLEAN, "description": "cash on delivery allowed (default true)"},
            }
        ),
        "couriers": obj({"enabled": BOOLEAN, "services": services, "cod": {**BOOLEAN, "description": "default false"}}),
    }


def store_shipping_schemas() -> dict:
    return {
        "StoreShipping": obj(
            {**_sections(output=True), "configured": BOOLEAN},
            ["origin", "pickup", "local", "couriers", "configured"],
        ),
        "StoreShippingInput": obj(_sections(output=False)),
    }
