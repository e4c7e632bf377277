"""The paths and schemas of the visitor figures (marketplace/api/funnel.py): the agency's expo
funnel and a store's own booth figures (marketplace/agency/funnel.py says what each counts)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATE,
    RUPIAH,
    STRING,
    answer,
    array,
    json_content,
    obj,
    operation,
    query,
    ref,
)
from marketplace.api.openapi.parameters import SELLER

COUNT = {"type": "integer", "minimum": 0}
RATE = {"type": ["number", "null"], "minimum": 0, "description": "a ratio (0.125 = 12.5 %); null when its base is 0"}
STEP_NAMES = ("visitors", "booth_views", "product_views", "whatsapp", "carts", "orders")


def funnel_paths() -> dict:
    return {
        "/agency/reports/funnel": {
            "get": operation(
                "expoFunnelReport",
                "An expo's funnel per booth and zone: visitors, WhatsApp taps, carts, orders, during and after",
                "agency",
                {
                    "200": {
                        "description": "The funnel, as JSON or as CSV (`format=csv`: a header row `section,key,label,"
                        "zone,booth,phase,visitors,booth_views,product_views,whatsapp,carts,orders,sales,"
                        "whatsapp_rate,cart_rate,order_rate,hall_views`, UTF-8, attachment).",
                        "content": {**json_content(ref("ExpoFunnel")), "text/csv": {"schema": {"type": "string"}}},
                    }
                },
                auth="agency",
                params=[
                    query("expo", STRING, "expo slug (required)"),
                    query("from", DATE, "first day (Asia/Jakarta); the expo's opening by default"),
                    query("to", DATE, "last day (Asia/Jakarta); 30 days past the end or today by default"),
                    query("format", {"enum": ["json", "csv"], "default": "json"}),
                ],
                errors=("404", "422"),
                description="`visitors` is the sum of daily unique visitors of the booth page and of the store's "
                "product pages (kunjungan harian unik): someone who comes on two days counts twice.",
            )
        },
        "/seller/booth-stats": {
            "get": operation(
                "sellerBoothStats",
                "A store's own booth figures: per expo it exhibits in, and per day over the last 14 days",
                "seller",
                {"200": answer("The booth figures.", ref("BoothStats"))},
                auth=SELLER,
                params=[query("store", STRING, "the store's slug (required)")],
                errors=("404", "422"),
            )
        },
    }


def funnel_schemas() -> dict:
    steps = {**dict.fromkeys(STEP_NAMES, COUNT), "sales": RUPIAH}
    rates = {"whatsapp_rate": RATE, "cart_rate": RATE, "order_rate": RATE}
    required = [*STEP_NAMES, "sales", *rates]
    return {
        "FunnelSteps": obj({**steps, **rates}, required),
        "FunnelPhases": obj(
            {**steps, **rates, "during": ref("FunnelSteps"), "after": ref("FunnelSteps")},
            [*required, "during", "after"],
        ),
        "ExpoFunnel": obj(
            {
                "expo": STRING,
                "from": DATE,
                "to": DATE,
                "zones": array({"allOf": [ref("FunnelPhases"), obj({"zone": STRING, "name": STRING})]}),
                "booths": array(
                    {
                        "allOf": [
                            ref("FunnelPhases"),
                            obj({"store": STRING, "name": STRING, "booth": STRING, "zone": STRING}),
                        ]
                    }
                ),
                "hall": obj(
                    {
                        "views": COUNT,
                        "visitors": COUNT,
                        "days": array(obj({"date": DATE, "phase": STRING, "views": COUNT, "visitors": COUNT})),
                    },
                    ["views", "visitors", "days"],
                ),
            },
            ["expo", "from", "to", "zones", "booths", "hall"],
        ),
        "BoothStats": obj(
            {
                "store": STRING,
                "expos": array(
                    {
                        "allOf": [
                            ref("FunnelPhases"),
                            obj(
                                {
                                    "expo": STRING,
                                    "name": STRING,
                                    "booth": STRING,
                                    "zone": STRING,
                                    "from": DATE,
                                    "to": DATE,
                                }
                            ),
                        ]
                    }
                ),
                "days": array({"allOf": [ref("FunnelSteps"), obj({"date": DATE}, ["date"])]}),
            },
            ["store", "expos", "days"],
        ),
    }
