"""components/schemas of the core document; ``schemas()`` gathers them from the modules of each area
(``schemas_accounts.py``, ``schemas_catalogue.py``, ``schemas_orders.py``, ``schemas_agency.py``).
``responses()`` are the error answers every operation refers to.

Enums are the models' own tuples (statuses, roles, ledger kinds), never restated here.
"""

from __future__ import annotations

from marketplace.api.openapi.builders import NULLABLE_STRING, STRING, items_of, json_content, obj, ref
from marketplace.api.openapi.paths_checkout_shipping import checkout_shipping_schemas
from marketplace.api.openapi.paths_funnel import funnel_schemas
from marketplace.api.openapi.paths_refunds import refund_schemas
from marketplace.api.openapi.paths_sessions import session_schemas
from marketplace.api.openapi.paths_store_shipping import store_shipping_schemas
from marketplace.api.openapi.paths_synonyms import synonym_schemas
from marketplace.api.openapi.paths_tracking import tracking_schemas
from marketplace.api.openapi.schemas_accounts import account_schemas
from marketplace.api.openapi.schemas_addresses import address_schemas
from marketplace.api.openapi.schemas_agency import agency_schemas
from marketplace.api.openapi.schemas_catalogue import catalogue_schemas
from marketplace.api.openapi.schemas_complaints import complaint_schemas
from marketplace.api.openapi.schemas_gov import gov_schemas
from marketplace.api.openapi.schemas_orders import order_schemas


def schemas() -> dict:
    """Every schema of the core, by name."""
    return {
        **_error(),
        **account_schemas(),
        **address_schemas(),
        **catalogue_schemas(),
        **store_shipping_schemas(),
        **order_schemas(),
        **checkout_shipping_schemas(),
        **complaint_schemas(),
        **tracking_schemas(),
        **refund_schemas(),
        **agency_schemas(),
        **funnel_schemas(),
        **session_schemas(),
        **synonym_schemas(),
        **gov_schemas(),
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


def _product_page() -> dict:
    page = items_of(ref("Product"), paged=True)
    page["properties"]["suggestion"] = {
        **NULLABLE_STRING,
        "description": "when `q` found little: the words spelled as the catalogue spells them (`btaik` → "
        '`batik`), to offer as "Maksud Anda"; when nothing matched `q` as typed, the items are '
        "this suggestion's. null otherwise",
    }
    return page


def _pages() -> dict:
    """The paged lists."""
    return {
        "StorePage": items_of(ref("Store"), paged=True),
        "ProductPage": _product_page(),
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
