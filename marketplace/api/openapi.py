"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the JSON API.

Written by hand from CONTRACT.md ("JSON API" and "Plugin endpoints"), as plain
dicts: the schemas once under ``components``, then one entry per endpoint.
Paths are absolute (``/api/v1/...``) because the Stripe webhook lives outside
``/api/v1``. Endpoints that a plugin adds carry ``x-provided-by`` with the
plugin's name and answer 404 while that plugin is switched off.
"""
from __future__ import annotations

import copy
import re
from functools import cache

from flask import Flask, current_app, jsonify

from marketplace.api import bp
from marketplace.inputs import DIGITS_MAX_TEXT
from marketplace.catalog.models import PRODUCT_STATUSES as _PRODUCT_STATUSES
from marketplace.catalog.search import SORTS as _SORTS
from marketplace.catalog.sectors import SECTORS
# the claim causes are the insurance plugin's vocabulary; the document describes its endpoints whether it is on
CLAIM_CAUSES = ("kebakaran", "petir", "ledakan", "kejatuhan_pesawat", "asap", "pencurian", "banjir", "gempa_bumi",
                "barang_rusak", "tidak_sampai")
from marketplace.cart.models import MAX_LINE_QUANTITY
from marketplace.catalog.services import MAX_PRICE, MAX_STOCK, MAX_VARIANTS
from marketplace.orders.models import ORDER_STATUSES as _ORDER_STATUSES
from marketplace.stores.models import STORE_STATUSES as _STORE_STATUSES

API = "/api/v1"

STORE_STATUSES = list(_STORE_STATUSES)
ORDER_STATUSES = list(_ORDER_STATUSES)
PRODUCT_STATUSES = list(_PRODUCT_STATUSES)
PRODUCT_SORTS = list(_SORTS)
MAX_ID = 2_147_483_647  # the database's integer columns


# --- small builders -------------------------------------------------------------

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: list[str] | tuple = (), **extra) -> dict:
    schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


def array(items: dict, **extra) -> dict:
    return {"type": "array", "items": items, **extra}


def items_of(item: dict, paged: bool = False) -> dict:
    """``{"items": [...]}``; paged lists add ``total``, ``page`` and ``per_page``."""
    properties = {"items": array(item)}
    if paged:
        properties.update({
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
        })
    return obj(properties, ["items", "total", "page", "per_page"] if paged else ["items"])


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
RUPIAH = {"type": "integer", "minimum": 0, "description": "whole rupiah"}
PRICE = {"type": "integer", "minimum": 1, "maximum": MAX_PRICE, "description": "whole rupiah, > 0"}
STOCK = {"type": "integer", "minimum": 0, "maximum": MAX_STOCK}
QUANTITY = {"type": "integer", "minimum": 1, "maximum": MAX_LINE_QUANTITY}
IDEMPOTENCY_KEY = {"type": "string", "pattern": "^[A-Za-z0-9_\\-:.]{8,100}$"}
# Text that must say something: leading and trailing white space is dropped and what is left may not be empty.
# (\x1c-\x1f count as white space for Python's strip(), not for JSON Schema's \s.)
NOT_BLANK = "[^\\s\\x1c-\\x1f]"
# An Indonesian mobile number as the code accepts it (national 08..., or +62 8...); E.164 in answers.
PHONE = "^(0|\\+62)8[1-35-9][0-9]{7,10}$"


def text(max_length: int | None = None, *, required: bool = True, nullable: bool = False, **extra) -> dict:
    """A text field. ``required``: blank is refused (422); otherwise blank, and null when ``nullable``, mean none.
    ``max_length`` is the column's, counted after trimming."""
    schema: dict = {"type": ["string", "null"] if nullable else "string"}
    if required:
        schema.update(minLength=1, pattern=NOT_BLANK)
    if max_length is not None:
        schema["maxLength"] = max_length
    return {**schema, **extra}
DATETIME = {"type": "string", "format": "date-time"}
DATE = {"type": "string", "format": "date"}
EMAIL = {"type": "string", "format": "email"}
URL = {"type": "string", "format": "uri-reference"}
NULLABLE_STRING = {"type": ["string", "null"]}
SECTOR = {"type": "string", "enum": list(SECTORS), "description": "ESMART.md sector slug"}


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def body(schema: dict, description: str = "", required: bool = True) -> dict:
    out = {"required": required, "content": json_content(schema)}
    if description:
        out["description"] = description
    return out


def answer(description: str, schema: dict | None = None) -> dict:
    out = {"description": description}
    if schema is not None:
        out["content"] = json_content(schema)
    return out


def whole_number_text(schema: dict) -> dict:
    """An integer query parameter as the text it is on the wire: decimal digits (leading zeros allowed) of a
    number in ``minimum``..``maximum``. Exactly what the code reads; an integer schema would also admit
    ``2.0``, which it refuses."""
    low, high = schema["minimum"], schema["maximum"]
    out = {"type": "string", "pattern": f"^0*{_digits_between(low, high)}$", "maxLength": DIGITS_MAX_TEXT,
           "description": " ".join(filter(None, [schema.get("description"), f"a whole number {low}..{high}"]))}
    if "default" in schema:
        out["default"] = str(schema["default"])
    return out


def _digits_between(low: int, high: int) -> str:
    """A regular expression for the numbers ``low``..``high`` written without leading zeros."""
    def same_length(a: str, b: str) -> str:
        if a == b:
            return a
        if len(a) == 1:
            return f"[{a}-{b}]"
        if a[0] == b[0]:
            return a[0] + same_length(a[1:], b[1:])
        rest = len(a) - 1
        parts = [a[0] + same_length(a[1:], "9" * rest)]
        if int(b[0]) - int(a[0]) > 1:
            parts.append(f"[{int(a[0]) + 1}-{int(b[0]) - 1}]" + "[0-9]" * rest)
        parts.append(b[0] + same_length("0" * rest, b[1:]))
        return "(?:" + "|".join(parts) + ")"

    parts = []
    for length in range(len(str(low)), len(str(high)) + 1):
        first = max(low, 10 ** (length - 1) if length > 1 else 0)
        last = min(high, 10 ** length - 1)
        if first <= last:
            parts.append(same_length(str(first), str(last)))
    return "(?:" + "|".join(parts) + ")"


def query(name: str, schema: dict, description: str = "") -> dict:
    # every query parameter: empty is the same as absent (``?sort=`` sorts as by default)
    if schema.get("type") == "integer":
        schema = whole_number_text(schema)
    param = {"name": name, "in": "query", "required": False, "allowEmptyValue": True, "schema": schema}
    if description:
        param["description"] = description
    return param


def path_param(name: str, schema: dict | None = None, description: str = "") -> dict:
    param = {"name": name, "in": "path", "required": True, "schema": schema or text()}
    if description:
        param["description"] = description
    return param


SEARCH_PRICE = {"type": "integer", "minimum": 0, "maximum": MAX_PRICE, "description": "whole rupiah"}
PAGE_PARAMS = [query("page", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1}),
               query("per_page", {"type": "integer", "minimum": 1, "maximum": 100})]
ERROR_RESPONSES = {  # status -> components/responses name
    "400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
    "409": "Conflict", "422": "ValidationFailed", "429": "RateLimited",
}


def operation(op_id: str, summary: str, tag: str, responses: dict, *, auth: str | None = None,
              params: list | None = None, request: dict | None = None, errors: tuple = (),
              plugin: str | None = None, description: str = "") -> dict:
    """One operation. ``auth``: None (anyone) or who may call it (then bearerAuth, 401 and 403)."""
    op = {"operationId": op_id, "summary": summary, "tags": [tag], "responses": dict(responses)}
    notes = [description] if description else []
    if auth:
        op["security"] = [{"bearerAuth": []}]
        op["x-allowed"] = auth
        notes.append(f"Who: {auth}.")
        errors = ("401", "403", *errors)
    else:
        op["security"] = []
    if plugin:
        op["x-provided-by"] = plugin
        notes.append(f"Provided by the `{plugin}` plugin; 404 while that plugin is switched off.")
    if request is not None:
        op["requestBody"] = request
        errors = ("400", "422", *errors)
    if params:
        op["parameters"] = params
        if any(param.get("in") == "query" for param in params):
            errors = ("422", *errors)  # a query parameter that is not valid (a NUL, a number out of range)
    for status in sorted(set(errors)):
        op["responses"].setdefault(status, {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"})
    if notes:
        op["description"] = " ".join(notes)
    return op


# --- components ----------------------------------------------------------------

def schemas() -> dict:
    variant_name = {"type": ["string", "null"], "maxLength": 120, "pattern": f"^$|{NOT_BLANK}",
                    "description": "empty or null: 'Standar' (a new variant) or unchanged (a change)"}
    sku = {"type": ["string", "null"], "maxLength": 64,
           "description": "empty or null: generated (a new variant) or unchanged (a change)"}
    variant_input = obj({"name": variant_name, "sku": sku, "price": PRICE, "stock": {**STOCK, "default": 0}},
                        ["price"], description="name defaults to 'Standar', sku is generated when empty")
    product_fields = {
        "name": text(160), "description": text(20000, required=False, nullable=True),
        "category": {"type": ["string", "null"], "description": "a slug of GET /categories; empty or null: none"},
        "unit": text(30, required=False, nullable=True),
        "weight_grams": {"type": ["integer", "null"], "minimum": 0, "maximum": 1_000_000},
    }
    return {
        "Error": obj({"error": obj({
            "code": {"type": "string", "examples": ["validation_error", "not_found", "conflict"]},
            "message": STRING,
            "fields": {"type": "object", "additionalProperties": STRING,
                       "description": "a message per invalid field, e.g. `variants.0.price`"},
        }, ["code", "message", "fields"])}, ["error"]),
        # accounts
        "Credentials": obj({"email": {**EMAIL, "maxLength": 254}, "password": STRING}, ["email", "password"]),
        "Registration": obj({"email": {**EMAIL, "maxLength": 254},
                             "password": {"type": "string", "minLength": 8, "maxLength": 200}, "name": text(120)},
                            ["email", "password", "name"]),
        "Token": obj({"token": STRING, "id": INTEGER, "expires_at": DATETIME}, ["token"]),
        "TokenInfo": obj({"id": INTEGER, "label": NULLABLE_STRING, "created_at": DATETIME,
                          "last_used_at": DATETIME, "expires_at": DATETIME, "current": BOOLEAN},
                         ["id", "label", "created_at", "last_used_at", "expires_at", "current"]),
        "User": obj({"email": EMAIL, "name": STRING, "email_confirmed": BOOLEAN,
                     "roles": array({"type": "string", "enum": ["shopper", "seller", "agency", "insurer", "admin"]})},
                    ["email", "name", "roles"]),
        "Me": {"allOf": [ref("User"), obj({"stores": array(ref("StoreMembership"))}, ["stores"])]},
        "StoreMembership": obj({"slug": STRING, "name": STRING, "status": {"enum": STORE_STATUSES}},
                               ["slug", "name", "status"]),
        # stores
        "Store": obj({
            "slug": STRING, "name": STRING, "city": STRING, "sector": SECTOR, "sector_name": STRING,
            "status": {"enum": STORE_STATUSES}, "logo_url": {"type": ["string", "null"], "format": "uri-reference"},
        }, ["slug", "name", "city", "sector", "status"]),
        "StoreDetail": {"allOf": [ref("Store"), obj({
            "description": STRING, "nib": NULLABLE_STRING, "address": STRING, "whatsapp": NULLABLE_STRING,
        })]},
        "StoreInput": obj({
            "name": text(120),
            "nib": {"type": ["string", "null"], "pattern": "^ *(?:[0-9] *){13}$|^ *$",
                    "description": "NIB, 13 digits (spaces ignored); empty or null: none"},
            "city": {"type": ["string", "null"], "description": "trimmed, cut to 80 characters"},
            "sector": SECTOR,
            "whatsapp": {"type": ["string", "null"], "pattern": f"^ *$|{PHONE}", "examples": ["081234567890"],
                         "description": "an Indonesian mobile number; empty or null: none. Stored in E.164."},
            "address": {"type": ["string", "null"], "description": "trimmed, cut to 255 characters"},
            "description": {"type": ["string", "null"], "description": "trimmed, cut to 5000 characters"},
        }, ["name", "sector"]),
        # catalogue
        "Category": obj({"slug": STRING, "name": STRING, "sector": SECTOR}, ["slug", "name", "sector"]),
        "Variant": obj({"id": INTEGER, "name": STRING, "sku": STRING, "price": PRICE, "stock": STOCK},
                       ["id", "name", "sku", "price", "stock"]),
        "VariantInput": variant_input,
        "VariantPatch": obj({"name": text(120), "sku": sku, "price": PRICE, "stock": STOCK}),
        "Image": obj({"id": INTEGER, "url": URL, "thumbnail_url": URL, "width": INTEGER, "height": INTEGER},
                     ["url", "thumbnail_url"]),
        "Product": obj({
            "id": INTEGER, "name": STRING, "description": STRING,
            "store": {"type": "string", "description": "the store's slug"},
            "category": {"type": ["string", "null"], "description": "the category's slug"},
            "status": {"enum": PRODUCT_STATUSES}, "price": {**RUPIAH, "description": "the cheapest variant's price"},
            "unit": NULLABLE_STRING, "weight_grams": {"type": ["integer", "null"]}, "created_at": DATETIME,
            "thumbnail_url": {"type": ["string", "null"], "format": "uri-reference",
                              "description": "the first photo, in listings"},
        }, ["id", "name", "store", "category", "status", "price"]),
        "ProductDetail": {"allOf": [ref("Product"), obj({
            "variants": array(ref("Variant")), "images": array(ref("Image")),
        }, ["variants"])]},
        "ProductInput": obj({**product_fields, "status": {"enum": PRODUCT_STATUSES, "default": "draft"},
                             "variants": array(ref("VariantInput"), minItems=1, maxItems=MAX_VARIANTS)},
                            ["name", "variants"]),
        "ProductPatch": obj({**product_fields, "status": {"enum": PRODUCT_STATUSES}}),
        # cart, checkout, orders
        "CartItemInput": obj({"variant_id": ID, "quantity": {**QUANTITY, "default": 1}}, ["variant_id"]),
        "CartQuantityInput": obj({"quantity": QUANTITY}, ["quantity"]),
        "CartLine": obj({
            "id": INTEGER, "variant_id": INTEGER, "product_id": INTEGER, "product": STRING, "variant": STRING,
            "sku": STRING, "store": STRING, "price": RUPIAH, "quantity": INTEGER, "line_total": RUPIAH,
            "stock": INTEGER, "image_url": {"type": ["string", "null"], "format": "uri-reference"},
            "problem": {"type": ["string", "null"], "description": "why this line cannot be bought as it is"},
        }, ["id", "variant_id", "quantity", "price"]),
        "Cart": obj({
            "items": array(ref("CartLine")),
            "stores": array(obj({"store": STRING, "name": STRING, "subtotal": RUPIAH, "items": array(INTEGER)})),
            "count": INTEGER, "total": RUPIAH,
            "version": {"type": ["string", "integer"], "description": "send back as `cart_version` at checkout"},
        }, ["items", "total"]),
        "Shipping": obj({"name": text(120), "phone": {"type": "string", "pattern": PHONE},
                         "address": text(500, minLength=10, description="street, number, RT/RW, kelurahan"),
                         "city": text(80), "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"}},
                        ["name", "phone", "address", "city", "postal_code"]),
        "CheckoutInput": obj({
            "payment_method": {"type": "string", "examples": ["stripe", "bank_transfer", "cash_on_delivery"]},
            "shipping": ref("Shipping"),
            "extras": array(STRING, description="ids from GET /checkout/extras, e.g. order_protection"),
            "cart_version": {"type": ["string", "integer"], "description": "409 when the cart changed since"},
            "idempotency_key": {**IDEMPOTENCY_KEY, "description": "or the `Idempotency-Key` header"},
        }, ["payment_method", "shipping"]),
        "OrderSummary": obj({"number": STRING, "store": STRING, "total": RUPIAH,
                             "status": {"enum": ORDER_STATUSES}}, ["number", "store", "total", "status"]),
        "Payment": obj({
            "id": INTEGER, "method": STRING, "amount": RUPIAH, "currency": {"type": "string", "examples": ["IDR"]},
            "status": STRING, "amount_due": RUPIAH, "expires_at": {"type": ["string", "null"], "format": "date-time"},
            "redirect_url": URL,
            "instructions": {"description": "what the shopper does next (bank account, amount, deadline)"},
        }, ["id", "method", "amount", "status"]),
        "CheckoutResult": obj({"orders": array(ref("OrderSummary")),
                               "payment": {"oneOf": [ref("Payment"), {"type": "null"}]}},
                              ["orders", "payment"]),
        "OrderLine": obj({"id": INTEGER, "product_id": {"type": ["integer", "null"]},
                          "variant_id": {"type": ["integer", "null"]}, "product": STRING, "variant": STRING,
                          "sku": STRING, "unit_price": RUPIAH, "quantity": INTEGER, "line_total": RUPIAH},
                         ["product", "unit_price", "quantity", "line_total"]),
        "Order": {"allOf": [ref("OrderSummary"), obj({
            "store_name": STRING, "subtotal": RUPIAH, "extras_total": RUPIAH, "payment_method": STRING,
            "pay_on_delivery": BOOLEAN, **{f"{when}_at": {"type": ["string", "null"], "format": "date-time"}
                                           for when in ("placed", "expires", "paid", "shipped", "completed",
                                                        "cancelled")},
            "courier": NULLABLE_STRING, "tracking_number": NULLABLE_STRING, "cancel_reason": NULLABLE_STRING,
            "shipping": ref("Shipping"), "lines": array(ref("OrderLine")),
            "extras": array(obj({"id": STRING, "name": STRING, "amount": RUPIAH})),
        })]},
        "OrderStatusInput": obj({
            "status": {"enum": ["processing", "shipped", "completed", "cancelled"]},
            "tracking_number": {"type": ["string", "null"], "maxLength": 80, "description": "required to ship"},
            "courier": {"type": ["string", "null"], "maxLength": 60},
            "reason": {"type": ["string", "null"], "description": "required when the seller cancels; cut to 1000"},
        }, ["status"]),
        "CancelInput": obj({"reason": {"type": ["string", "null"], "description": "cut to 1000 characters"}}),
        "ReviewInput": obj({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                            "comment": {"type": ["string", "null"], "maxLength": 2000},
                            "line_id": {**ID, "description": "review one line; default: the order's only line"}},
                           ["rating"]),
        "Review": obj({"id": INTEGER, "line_id": {"type": ["integer", "null"]},
                       "product_id": {"type": ["integer", "null"]}, "rating": INTEGER, "comment": STRING,
                       "created_at": DATETIME}, ["id", "rating"]),
        "Offer": obj({"id": STRING, "name": STRING, "description": STRING, "pay_on_delivery": BOOLEAN,
                      "reservation_minutes": {"type": ["integer", "null"]}}, ["id", "name"],
                     description="a payment method or checkout extra of an enabled plugin; more fields may follow"),
        # agency
        "ReasonInput": obj({"reason": text(description="shown to the store's seller")}, ["reason"]),
        "OptionalReasonInput": obj({"reason": {"type": ["string", "null"]}}),
        "FeaturedInput": obj({"stores": array(STRING, description="store slugs, in order")}, ["stores"]),
        "AgencyStore": {"allOf": [ref("StoreDetail"), obj({
            "status_reason": NULLABLE_STRING, "allow_agency_assist": BOOLEAN, "created_at": DATETIME,
            "owner": {"oneOf": [obj({"name": STRING, "email": EMAIL}, ["name", "email"]), {"type": "null"}],
                      "description": "null until someone claims a store the agency registered"},
        })]},
        "Commission": obj({"percent": {"type": "number", "minimum": 0, "maximum": 100},
                           "basis_points": {"type": "integer", "minimum": 0, "maximum": 10000}},
                          ["percent", "basis_points"]),
        "CommissionInput": obj({"percent": {
            "anyOf": [{"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                      {"type": "string", "pattern": "^\\s*(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)\\s*%?\\s*$"}],
            "examples": [2.5, "2,5", 0], "description": "0 to 100, at most two decimals"}}, ["percent"]),
        "ExpoInput": obj({
            "slug": {"type": ["string", "null"], "description": "made URL-safe; empty: from the name"},
            "name": text(160),
            "starts_at": {"type": "string", "description": "ISO date-time (or date); without an offset it is "
                                                           "Asia/Jakarta time", "examples": ["2026-12-01T08:00"]},
            "ends_at": {"type": "string", "description": "as starts_at; a bare date means the end of that day",
                        "examples": ["2026-12-14T21:00"]},
            "description": {"type": ["string", "null"]},
            "zones": array(text(80), description="zone names, in the hall's order"),
        }, ["slug", "name", "starts_at", "ends_at"]),
        "Exhibitor": obj({"store": STRING, "name": STRING, "booth": STRING, "zone": STRING, "rank": INTEGER},
                         ["store", "booth"]),
        "ExhibitorInput": obj({"store": {"type": "string", "description": "the store's slug"},
                               "booth": {"type": "string", "maxLength": 20, "description": "unique in the expo"},
                               "zone": {"type": "string", "description": "a zone slug or name of the expo; default: "
                                                                         "the store's sector"}},
                              ["store", "booth"]),
        "ExpoZone": obj({"slug": STRING, "name": STRING}, ["slug", "name"]),
        "Expo": obj({
            "slug": STRING, "name": STRING, "description": STRING, "starts_at": DATETIME, "ends_at": DATETIME,
            "state": {"enum": ["upcoming", "live", "ended"]},
            "banner_url": {"type": ["string", "null"], "format": "uri-reference"},
            "zones": array(ref("ExpoZone")), "exhibitors": array(ref("Exhibitor")),
        }, ["slug", "name", "starts_at", "ends_at", "state"]),
        "SalesFigures": obj({"orders": INTEGER, "gross_sales": RUPIAH, "shoppers": INTEGER,
                             "average_order_value": RUPIAH}, ["orders", "gross_sales", "shoppers"]),
        "SalesReport": {"allOf": [ref("SalesFigures"), obj({
            "expo": NULLABLE_STRING, "from": DATE, "to": DATE,
            "per_store": array({"allOf": [ref("SalesFigures"), obj({
                "store": STRING, "name": STRING, "sector": {"type": ["string", "null"]}})]}),
            "per_sector": array({"allOf": [ref("SalesFigures"), obj({"sector": STRING, "name": STRING})]}),
            "per_zone": array({"allOf": [ref("SalesFigures"), obj({"zone": STRING, "name": STRING})]},
                              description="an expo report only"),
            "per_day": array({"allOf": [ref("SalesFigures"), obj({
                "date": DATE, "phase": {"enum": ["during", "after"], "description": "an expo report only"}})]},
                description="every Asia/Jakarta day of the period, days without sales too"),
            "during": ref("SalesFigures"), "after": ref("SalesFigures"),
        }, ["expo", "from", "to", "per_store", "per_sector", "per_day"])],
            "description": "Sales = orders paid, processing, shipped or completed. An expo report counts the "
                           "exhibitors' orders from the expo's opening; `during` until it closes, `after` since."},
        "Ledger": obj({
            "store": STRING, "earnings": RUPIAH, "commission": RUPIAH, "refunds": RUPIAH, "payouts": RUPIAH,
            "balance": {"type": "integer", "description": "whole rupiah owed to the store: the sum of its rows"},
            "items": array(obj({
                "at": DATETIME,
                "kind": {"type": "string", "enum": ["sale", "commission", "refund", "payout", "adjustment"]},
                "order": NULLABLE_STRING, "amount": {"type": "integer", "description": "signed: credit > 0"},
                "commission_bps": {"type": ["integer", "null"]}, "note": STRING})),
        }, ["store", "earnings", "commission", "refunds", "payouts", "balance", "items"]),
        # plugins
        "EsmartRun": obj({
            "id": INTEGER, "kind": {"type": "string", "examples": ["pull", "push"]}, "source": STRING,
            "dry_run": BOOLEAN, "status": STRING, "started_at": DATETIME,
            "finished_at": {"type": ["string", "null"], "format": "date-time"},
            "updated_since": {"type": ["string", "null"], "format": "date-time"}, "message": NULLABLE_STRING,
            "counts": {"type": "object", "additionalProperties": INTEGER},
            "error_count": INTEGER, "errors": array(ref("EsmartIssue")),
            "page": INTEGER, "per_page": INTEGER,
        }, ["id", "dry_run", "status", "counts", "errors"]),
        "EsmartIssue": obj({"kind": STRING, "row": {"type": ["integer", "null"]}, "record_id": NULLABLE_STRING,
                            "field": NULLABLE_STRING, "reason": STRING}),
        "EsmartFailure": {"allOf": [ref("Error"), obj({"run": ref("EsmartRun")})],
                          "description": "the error shape; `run` beside it when a run was recorded and failed"},
        "EsmartDryRunInput": obj({"dry_run": {"type": "boolean", "default": False}}),
        "EsmartPullUpload": obj({"file": {"type": "string", "contentMediaType": "application/octet-stream",
                                          "description": "JSON, CSV or XLSX in the ESMART.md format"},
                                 "dry_run": BOOLEAN}, ["file"]),
        "InsuranceProduct": obj({"insurer": {"enum": ["jasindo", "askrindo"]}, "insurer_name": STRING,
                                 "code": {"type": "string", "examples": ["warungku", "kiosku", "gerobakku"]},
                                 "name": STRING, "object_kind": {"enum": ["shop", "kiosk", "cart"]},
                                 "coverage": STRING, "description": STRING, "causes": array(STRING),
                                 "sum_insured": RUPIAH, "premium": RUPIAH, "period_months": INTEGER,
                                 "active": BOOLEAN},
                                ["insurer", "code", "name", "sum_insured", "premium", "period_months"]),
        "PolicyInput": obj({"store": {"type": "string", "description": "the store's slug"},
                            "product": {"type": "string", "examples": ["warungku"]},
                            "expo": {"type": "string", "description": "instead of store: every exhibitor of "
                                                                       "this expo that has no active policy"}},
                           ["product"]),
        "Policy": obj({"id": INTEGER, "number": {"type": "string", "examples": ["JSD-2611-000123"]},
                       "store": STRING, "store_name": STRING, "insurer": STRING, "product": STRING,
                       "insured_object": obj({"kind": {"enum": ["shop", "kiosk", "cart"]}, "address": STRING}),
                       "sum_insured": RUPIAH, "premium": RUPIAH, "starts_on": DATE, "ends_on": DATE,
                       "status": {"enum": ["active", "expired", "cancelled"]},
                       "expo_id": {"type": ["integer", "null"]}},
                      ["id", "number", "store", "insurer", "product", "status", "starts_on", "ends_on"]),
        "PolicyGrantResult": obj({"items": array(ref("Policy")), "granted": INTEGER, "skipped": array(STRING)},
                                 ["items", "granted", "skipped"]),
        "ClaimInput": obj({"policy": {"anyOf": [ID, {"type": "string"}], "description": "policy id or number"},
                           "order": {"type": "string", "description": "instead of policy: the shopper's "
                                                                      "protected order number"},
                           "incident_date": DATE,
                           "cause": {"enum": list(CLAIM_CAUSES), "description": "one the policy's product covers"},
                           "description": text(2000, minLength=10), "amount": {**ID, "description": "whole rupiah, "
                                                                                      "at most the sum insured"},
                           "photos": array({"type": "string", "contentMediaType": "image/*"},
                                           description="multipart only: JPEG, PNG or WebP, up to 5")},
                          ["incident_date", "cause", "description", "amount"]),
        "Claim": obj({"id": INTEGER, "policy": NULLABLE_STRING, "order": NULLABLE_STRING, "insurer": STRING,
                      "incident_date": DATE, "cause": STRING, "description": STRING, "amount": RUPIAH,
                      "status": {"enum": ["filed", "approved", "rejected", "paid"]},
                      "paid_amount": {"type": ["integer", "null"]}, "note": NULLABLE_STRING,
                      "photos": array(STRING),
                      "documents_complete_at": {"type": ["string", "null"], "format": "date-time"},
                      "days_since_documents": {"type": ["integer", "null"]}, "created_at": DATETIME},
                     ["id", "policy", "order", "status", "amount", "incident_date", "cause"]),
        "ClaimDecisionInput": obj({"decision": {"enum": ["approve", "reject", "paid"]},
                                   "note": {"type": ["string", "null"], "description": "required to reject; "
                                                                                       "cut to 2000 characters"},
                                   "amount": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_ID,
                                              "description": "approve: the amount to pay (default: the claim's)"}},
                                  ["decision"]),
        "StripeEvent": obj({"id": STRING, "type": {"type": "string", "examples": [
            "checkout.session.completed", "checkout.session.expired", "charge.refunded"]},
            "data": {"type": "object"}}, ["id", "type", "data"]),
    }


def responses() -> dict:
    error = json_content(ref("Error"))
    return {
        "BadRequest": {"description": "The body is not a JSON object.", "content": error},
        "Unauthorized": {"description": "No valid bearer token.", "content": error},
        "Forbidden": {"description": "The token's user may not do this.", "content": error},
        "NotFound": {"description": "No such object (or not one this user may see).", "content": error},
        "Conflict": {"description": "Conflicts with the current state (taken, out of stock, illegal "
                                    "state change).", "content": error},
        "ValidationFailed": {"description": "Invalid fields; `error.fields` names each.", "content": error},
        "RateLimited": {
            "description": "Too many requests from this address (or for this account); `error.code` is "
                           "`rate_limited`. Nothing was done: try again after `Retry-After` seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 0},
                                        "description": "seconds until the limit resets"}},
            "content": error},
    }


# --- the endpoints ----------------------------------------------------------------

def core_paths() -> dict:
    store_slug = path_param("slug", description="the store's slug")
    product_id = path_param("id", ID, "the product's id")
    number = path_param("number", description="the order number")
    seller = "that store's members (agency staff when the store allows assistance)"
    store_arg = query("store", STRING, "the store's slug, when the user belongs to several")
    cart_line = path_param("id", ID, "the cart line's id")
    order_status = query("status", {"enum": ORDER_STATUSES})
    return {
        "/auth/register": {"post": operation(
            "register", "Create a shopper account", "accounts",
            {"201": answer("The new user.", ref("User"))}, request=body(ref("Registration")), errors=("409",),
            description="409 when the e-mail is taken.")},
        "/auth/tokens": {"post": operation(
            "createToken", "Get a bearer token", "accounts",
            {"201": answer("A new token; send it as `Authorization: Bearer <token>`.", ref("Token"))},
            request=body(ref("Credentials")), errors=("401",))},
        "/me": {"get": operation(
            "me", "The signed-in user, their roles and stores", "accounts",
            {"200": answer("The token's user.", ref("Me"))}, auth="any signed-in user")},
        # accounts and limits (issue 15): token list and revocation, e-mail confirmation
        "/auth/tokens/current": {"delete": operation(
            "revokeCurrentToken", "Revoke the token of this request", "accounts",
            {"204": answer("Revoked.")}, auth="any signed-in user")},
        "/me/tokens": {"get": operation(
            "myTokens", "The user's live API tokens (never the secret)", "accounts",
            {"200": answer("Tokens.", obj({"items": array(ref("TokenInfo"))}, ["items"]))},
            auth="any signed-in user")},
        "/me/tokens/{id}": {"delete": operation(
            "revokeToken", "Revoke one of the user's tokens", "accounts", {"204": answer("Revoked.")},
            auth="the token's user", params=[path_param("id", {"type": "integer"}, "the token's id")],
            errors=("404",), description="404 for an id that is not one of the user's live tokens.")},
        "/me/email-confirmation": {"post": operation(
            "resendEmailConfirmation", "Mail a new e-mail confirmation link", "accounts",
            {"202": answer("Sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"])),
             "200": answer("Already confirmed; nothing sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"]))},
            auth="any signed-in user", description="At most 3 an hour.")},
        "/stores": {
            "get": operation(
                "listStores", "Approved stores", "stores", {"200": answer("A page of stores.", ref("StorePage"))},
                params=[query("featured", {"enum": ["1", "true", "0", "false"]},
                              "1 or true: only the featured vendors, in order"),
                        query("expo", STRING, "only this expo's exhibitors (expo slug)"),
                        query("sector", SECTOR), *PAGE_PARAMS], errors=("404", "422")),
            "post": operation(
                "openStore", "Open a store (pending until the agency approves it)", "stores",
                {"201": answer("The new store, status `pending`.", ref("StoreDetail"))},
                auth="seller (any signed-in user becomes one)", request=body(ref("StoreInput"))),
        },
        "/stores/{slug}": {"get": operation(
            "getStore", "One approved store", "stores", {"200": answer("The store.", ref("StoreDetail"))},
            params=[store_slug], errors=("404",))},
        "/stores/{slug}/products": {"post": operation(
            "createProduct", "Add a product with its variants", "catalogue",
            {"201": answer("The product.", ref("ProductDetail"))}, auth=seller, params=[store_slug],
            request=body(ref("ProductInput")), errors=("404", "409"))},
        "/products": {"get": operation(
            "listProducts", "Search and browse active products of approved stores", "catalogue",
            {"200": answer("A page of products.", ref("ProductPage"))},
            params=[query("q", STRING, "words; relevance first when given"), query("sector", SECTOR),
                    query("category", {"type": "string"}, "a slug of GET /categories"), query("store", STRING, "store slug"),
                    query("city", STRING), query("min_price", SEARCH_PRICE), query("max_price", SEARCH_PRICE),
                    query("sort", {"enum": PRODUCT_SORTS}), *PAGE_PARAMS], errors=("422",),
            description="`min_price` may not be above `max_price` (422).")},
        "/products/{id}": {
            "get": operation("getProduct", "One product with its variants and photos", "catalogue",
                             {"200": answer("The product.", ref("ProductDetail"))}, params=[product_id],
                             errors=("404",)),
            "patch": operation("updateProduct", "Change a product", "catalogue",
                               {"200": answer("The product.", ref("ProductDetail"))}, auth=seller,
                               params=[product_id], request=body(ref("ProductPatch")), errors=("404",)),
        },
        "/products/{id}/variants": {"post": operation(
            "addVariant", "Add a variant to a product", "catalogue",
            {"201": answer("The variant.", ref("Variant"))}, auth=seller, params=[product_id],
            request=body(ref("VariantInput")), errors=("404", "409"))},
        "/products/{id}/images": {"post": operation(
            "addProductImage", "Upload a photo (JPEG, PNG or WebP)", "catalogue",
            {"201": answer("The stored photo.", ref("Image"))}, auth=seller, params=[product_id],
            request={"required": True, "content": {"multipart/form-data": {"schema": obj(
                {"photo": {"type": "string", "contentMediaType": "application/octet-stream"}}, ["photo"])}}},
            errors=("404",))},
        "/products/{id}/images/{image_id}": {"delete": operation(
            "deleteProductImage", "Remove a photo", "catalogue", {"204": answer("Removed.")}, auth=seller,
            params=[product_id, path_param("image_id", ID)], errors=("404",))},
        "/variants/{id}": {
            "patch": operation("updateVariant", "Change a variant's name, SKU, price or stock", "catalogue",
                               {"200": answer("The variant.", ref("Variant"))}, auth=seller,
                               params=[path_param("id", ID)], request=body(ref("VariantPatch")),
                               errors=("404", "409")),
            "delete": operation("deleteVariant", "Delete a variant (not a product's last one)", "catalogue",
                                {"204": answer("Deleted.")}, auth=seller,
                                params=[path_param("id", ID)], errors=("404", "409")),
        },
        "/categories": {"get": operation(
            "listCategories", "The product categories", "catalogue",
            {"200": answer("Every category.", items_of(ref("Category")))})},
        "/cart": {"get": operation("getCart", "The shopper's cart", "cart",
                                   {"200": answer("The cart.", ref("Cart"))}, auth="shopper")},
        "/cart/items": {"post": operation(
            "addCartItem", "Put a variant in the cart (adds to the quantity already there)", "cart",
            {"201": answer("The cart.", ref("Cart"))}, auth="shopper", request=body(ref("CartItemInput")),
            errors=("404", "409"))},
        "/cart/items/{id}": {
            "patch": operation("setCartItemQuantity", "Set a cart line's quantity", "cart",
                               {"200": answer("The cart.", ref("Cart"))}, auth="shopper", params=[cart_line],
                               request=body(ref("CartQuantityInput")), errors=("404", "409")),
            "delete": operation("deleteCartItem", "Take a line out of the cart", "cart",
                                {"200": answer("The cart.", ref("Cart"))}, auth="shopper", params=[cart_line],
                                errors=("404",)),
        },
        "/checkout": {"post": operation(
            "checkout", "Turn the cart into one order per store and one payment", "checkout",
            {"201": answer("The orders and the payment to make (the first answer again for a repeated "
                           "idempotency key, with the header `Idempotent-Replayed: true`).", ref("CheckoutResult")),
             "503": answer("The payment provider failed; nothing was kept.", ref("Error"))},
            auth="shopper", request=body(ref("CheckoutInput")), errors=("409",),
            params=[{"name": "Idempotency-Key", "in": "header", "required": False, "schema": STRING}],
            description="409 when stock is short or the cart changed: nothing is reserved.")},
        "/payment-methods": {"get": operation(
            "listPaymentMethods", "What the enabled payment plugins offer", "checkout",
            {"200": answer("Payment methods (`stripe`, `bank_transfer`, `cash_on_delivery`).", items_of(ref("Offer")))})},
        "/checkout/extras": {"get": operation(
            "listCheckoutExtras", "Paid add-ons the enabled plugins offer at checkout", "checkout",
            {"200": answer("Checkout extras, e.g. `order_protection`.", items_of(ref("Offer")))})},
        "/orders": {"get": operation(
            "listOrders", "The shopper's orders, newest first", "orders",
            {"200": answer("A page of orders.", ref("OrderPage"))}, auth="shopper",
            params=[order_status, *PAGE_PARAMS], errors=("422",))},
        "/orders/{number}": {"get": operation(
            "getOrder", "One of the shopper's orders", "orders", {"200": answer("The order.", ref("Order"))},
            auth="the shopper who placed it", params=[number], errors=("404",))},
        "/orders/{number}/cancel": {"post": operation(
            "cancelOrder", "Cancel an order before it ships (stock back; refund when paid)", "orders",
            {"200": answer("The order.", ref("Order"))}, auth="the shopper who placed it", params=[number],
            request=body(ref("CancelInput"), required=False), errors=("404", "409"))},
        "/orders/{number}/complete": {"post": operation(
            "completeOrder", "Confirm a shipped order arrived", "orders", {"200": answer("The order.", ref("Order"))},
            auth="the shopper who placed it", params=[number], errors=("404", "409"))},
        "/orders/{number}/reviews": {"post": operation(
            "reviewOrder", "Review a completed order", "orders", {"201": answer("The review.", ref("Review"))},
            auth="the shopper who placed it, once it is completed", params=[number],
            request=body(ref("ReviewInput")), errors=("404", "409"))},
        "/seller/orders": {"get": operation(
            "listSellerOrders", "Orders of the seller's store", "seller",
            {"200": answer("A page of orders.", ref("OrderPage"))}, auth=seller,
            params=[store_arg, order_status, *PAGE_PARAMS], errors=("422",))},
        "/seller/orders/{number}": {"get": operation(
            "getSellerOrder", "One order of the seller's store", "seller", {"200": answer("The order.", ref("Order"))},
            auth=seller, params=[number], errors=("404",))},
        "/seller/orders/{number}/status": {"post": operation(
            "setOrderStatus", "Move an order on: accept, ship (with tracking), complete or cancel", "seller",
            {"200": answer("The order.", ref("Order"))}, auth=seller, params=[number],
            request=body(ref("OrderStatusInput")), errors=("404", "409"),
            description="An illegal transition is a 409.")},
        "/seller/ledger": {"get": operation(
            "getLedger", "Earnings, commission, payouts and balance of the seller's store", "seller",
            {"200": answer("The ledger.", ref("Ledger"))}, auth=seller, params=[store_arg], errors=("404",))},
        "/agency/stores": {"get": operation(
            "agencyListStores", "Stores in a status (the verification queue), oldest first", "agency",
            {"200": answer("Stores with their owners.", items_of(ref("AgencyStore"), paged=True))},
            auth="agency", params=[query("status", {"enum": STORE_STATUSES}, "all statuses when absent"),
                                   *PAGE_PARAMS], errors=("422",))},
        "/agency/stores/{slug}/approve": {"post": operation(
            "approveStore", "Verify a store: it starts selling", "agency",
            {"200": answer("The store.", ref("AgencyStore"))}, auth="agency", params=[store_slug],
            errors=("404", "409"))},
        "/agency/stores/{slug}/reject": {"post": operation(
            "rejectStore", "Reject a pending store, with the reason shown to its seller", "agency",
            {"200": answer("The store.", ref("AgencyStore"))}, auth="agency", params=[store_slug],
            request=body(ref("ReasonInput")), errors=("404", "409"))},
        "/agency/stores/{slug}/suspend": {"post": operation(
            "suspendStore", "Suspend a store, with the reason shown to its seller", "agency",
            {"200": answer("The store.", ref("AgencyStore"))}, auth="agency", params=[store_slug],
            request=body(ref("ReasonInput")), errors=("404", "409"),
            description="Its products leave the catalogue and new orders stop; open orders go on.")},
        "/agency/stores/{slug}/reinstate": {"post": operation(
            "reinstateStore", "Lift a store's suspension", "agency",
            {"200": answer("The store.", ref("AgencyStore"))}, auth="agency", params=[store_slug],
            request=body(ref("OptionalReasonInput"), required=False), errors=("404", "409"))},
        "/agency/featured": {"put": operation(
            "setFeatured", "Replace the featured vendors, in order", "agency",
            {"200": answer("The featured vendors.", items_of(ref("Store")))}, auth="agency",
            request=body(ref("FeaturedInput")))},
        "/agency/commission": {
            "get": operation("getCommission", "The marketplace commission", "agency",
                             {"200": answer("The commission.", ref("Commission"))}, auth="agency"),
            "put": operation("setCommission", "Set the marketplace commission (0 % allowed)", "agency",
                             {"200": answer("The commission.", ref("Commission"))}, auth="agency",
                             request=body(ref("CommissionInput"))),
        },
        "/expos": {
            "get": operation("listExpos", "Every expo, the newest first", "expo",
                             {"200": answer("Expos (without exhibitors).", items_of(ref("Expo")))}),
            "post": operation("createExpo", "Create an expo", "expo", {"201": answer("The expo.", ref("Expo"))},
                              auth="agency", request=body(ref("ExpoInput")), errors=("409",)),
        },
        "/expos/{slug}": {"get": operation(
            "getExpo", "An expo with its zones and exhibitors", "expo", {"200": answer("The expo.", ref("Expo"))},
            params=[path_param("slug", description="the expo's slug")], errors=("404",))},
        "/expos/{slug}/exhibitors": {"post": operation(
            "addExhibitor", "Add a store to an expo with its booth", "expo",
            {"201": answer("The exhibitor.", ref("Exhibitor"))}, auth="agency",
            params=[path_param("slug", description="the expo's slug")], request=body(ref("ExhibitorInput")),
            errors=("404", "409"), description="409 when the store is in already or the booth is taken.")},
        "/agency/reports/sales": {"get": operation(
            "salesReport", "Orders, gross sales and shoppers: per store, per sector (zone), per day", "agency",
            {"200": {"description": "The report, as JSON or as CSV (`format=csv`: a header row `section,key,"
                                    "label,orders,gross_sales,shoppers,average_order_value`, UTF-8, attachment).",
                     "content": {**json_content(ref("SalesReport")),
                                 "text/csv": {"schema": {"type": "string"}}}}},
            auth="agency", params=[query("expo", STRING, "expo slug"),
                                   query("from", DATE, "first day (Asia/Jakarta)"),
                                   query("to", DATE, "last day (Asia/Jakarta)"),
                                   query("format", {"enum": ["json", "csv"], "default": "json"})],
            errors=("404", "422"))},
        "/openapi.json": {"get": operation(
            "openapi", "This document", "meta", {"200": answer("OpenAPI 3.1.", {"type": "object"})})},
    }


def plugin_paths() -> dict:
    esmart_failed = answer("The run failed; the error shape with the run beside it.", ref("EsmartFailure"))
    return {
        "/esmart/runs": {"get": operation(
            "esmartRuns", "Catalogue sync runs with their counts and row errors", "plugins",
            {"200": answer("Runs, newest first.", items_of(ref("EsmartRun")))}, auth="agency",
            plugin="esmart_sync", params=PAGE_PARAMS, errors=("422",))},
        "/esmart/pull": {"post": operation(
            "esmartPull", "Pull IKMs and products from a file or the configured E-Smart source", "plugins",
            {"201": answer("The run.", ref("EsmartRun")), "422": esmart_failed}, auth="agency", plugin="esmart_sync",
            request={"required": False, "content": {
                "multipart/form-data": {"schema": ref("EsmartPullUpload")},
                "application/json": {"schema": ref("EsmartDryRunInput")}}},
            errors=("409",), description="Without a file: from the configured ESMART_BASE_URL.")},
        "/esmart/runs/{id}": {"get": operation(
            "esmartRun", "One sync run with its row errors, paged", "plugins",
            {"200": answer("The run.", ref("EsmartRun"))}, auth="agency", plugin="esmart_sync",
            params=[path_param("id", ID),
                    query("page", {"type": "integer", "minimum": 1, "maximum": 100_000}),
                    query("per_page", {"type": "integer", "minimum": 1, "maximum": 500})], errors=("404",))},
        "/esmart/push": {"post": operation(
            "esmartPush", "Push new and changed products to E-Smart", "plugins",
            {"201": answer("The run.", ref("EsmartRun")), "422": esmart_failed}, auth="agency", plugin="esmart_sync",
            request=body(ref("EsmartDryRunInput"), required=False))},
        "/insurance/products": {"get": operation(
            "insuranceProducts", "Insurers and their products (warungku, kiosku, gerobakku ...)", "plugins",
            {"200": answer("Insurance products.", items_of(ref("InsuranceProduct")))}, plugin="insurance")},
        "/insurance/policies": {
            "post": operation("grantPolicy", "Grant a store (or every exhibitor of an expo) a policy", "plugins",
                              {"201": answer("The policy (with expo: the grant result).",
                                             {"oneOf": [ref("Policy"), ref("PolicyGrantResult")]})},
                              auth="agency", plugin="insurance", request=body(ref("PolicyInput")),
                              errors=("404", "409")),
            "get": operation("listPolicies", "Policies the user may see", "plugins",
                             {"200": answer("Policies.", items_of(ref("Policy"), paged=True))},
                             auth="a seller: its store's; an insurer: its own insurer's; agency: all",
                             plugin="insurance", params=PAGE_PARAMS, errors=("422",)),
        },
        "/insurance/policies/{ref}": {"get": operation(
            "getPolicy", "One policy, by id or number", "plugins", {"200": answer("The policy.", ref("Policy"))},
            auth="those who may list it", plugin="insurance",
            params=[path_param("ref", STRING, "policy id or number")], errors=("404",))},
        "/insurance/claims": {
            "post": operation(
                "fileClaim", "File a claim on a policy (or on a protected order)", "plugins",
                {"201": answer("The claim.", ref("Claim"))},
                auth="the insured store's members; for an order: its shopper", plugin="insurance",
                request={"required": True, "content": {"application/json": {"schema": ref("ClaimInput")},
                                                       "multipart/form-data": {"schema": ref("ClaimInput")}}},
                errors=("404", "409")),
            "get": operation("listClaims", "Claims the user may see", "plugins",
                             {"200": answer("Claims.", items_of(ref("Claim"), paged=True))},
                             auth="members: their store's; shoppers: their own; an insurer: its own; agency: all",
                             plugin="insurance",
                             params=[*PAGE_PARAMS, query("status", {"enum": ["filed", "approved", "rejected",
                                                                              "paid"]})], errors=("422",)),
        },
        "/insurance/claims/{id}": {"get": operation(
            "getClaim", "One claim", "plugins", {"200": answer("The claim.", ref("Claim"))},
            auth="those who may list it", plugin="insurance", params=[path_param("id", ID)],
            errors=("404",))},
        "/insurance/claims/{id}/decision": {"post": operation(
            "decideClaim", "Approve, reject or mark a claim paid", "plugins",
            {"200": answer("The claim.", ref("Claim"))}, auth="the policy's insurer", plugin="insurance",
            params=[path_param("id", ID)], request=body(ref("ClaimDecisionInput")),
            errors=("404", "409"), description="Another insurer's claim is 404."),
        },
    }


def webhook_paths() -> dict:
    return {"/webhooks/stripe": {"post": operation(
        "stripeWebhook", "Stripe events", "plugins",
        {"200": answer("Received: applied, duplicate (applied once per event id), mismatch or ignored."),
         "400": answer("Bad signature, stale timestamp, malformed body or unknown payment; nothing written.")},
        plugin="stripe_payments",
        params=[{"name": "Stripe-Signature", "in": "header", "required": True, "schema": STRING}],
        request=body(ref("StripeEvent")),
        description="Signature checked with STRIPE_WEBHOOK_SECRET (300 s tolerance) on the raw body; handles "
                    "checkout.session.completed, checkout.session.async_payment_succeeded, "
                    "checkout.session.expired and charge.refunded, each event id once. Other types: 200, ignored.")}}


@cache
def build_spec() -> dict:
    paths = {API + path: item for path, item in {**core_paths(), **plugin_paths()}.items()}
    paths.update(webhook_paths())
    component_schemas = schemas()
    component_schemas["StorePage"] = items_of(ref("Store"), paged=True)
    component_schemas["ProductPage"] = items_of(ref("Product"), paged=True)
    component_schemas["OrderPage"] = items_of(ref("Order"), paged=True)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Apik Market API",
            "version": "1.0.0",
            "summary": "The marketplace of the Apik Banget Virtual Expo, for the IKMs of Kota Tegal.",
            "description": (
                "Money is an integer number of rupiah. A product names its store and category by slug. "
                "Every list answers `{\"items\": [...]}`, paged ones with `total`, `page`, `per_page`. "
                "Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`. Sign in with "
                "`POST /api/v1/auth/tokens` and send `Authorization: Bearer <token>`. Messages are in "
                "Indonesian; add `?lang=en` for English. No text anywhere in a request may hold a NUL "
                "character (U+0000): 422. An empty query parameter counts as absent. Operations that are rate "
                "limited say so with a 429 answer (`Retry-After` tells when to try again)."
            ),
        },
        "tags": [{"name": name} for name in (
            "accounts", "stores", "catalogue", "cart", "checkout", "orders", "seller", "agency", "expo",
            "plugins", "meta")],
        "paths": paths,
        "components": {
            "schemas": component_schemas,
            "responses": responses(),
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "a token from POST /api/v1/auth/tokens"}},
        },
    }


# --- what only the running app knows --------------------------------------------------

# Operations that answer 429 from a count of their own rather than a Flask-Limiter limit (METHOD, path).
COUNTED_BY_HAND: set[tuple[str, str]] = set()

def rate_limited_operations(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every route Flask-Limiter counts, from the limits declared on the views,
    their blueprints and the whole app: what the 429 answers of the document are built from."""
    from marketplace import internals
    from marketplace.extensions import limiter

    everywhere = bool(internals.limiter_global_limits(limiter))
    out: set[tuple[str, str]] = set()
    with app.app_context():  # limits whose value is a setting (the upload budgets) read it from the app
        for rule in app.url_map.iter_rules():
            out |= _limited_methods(app, limiter, rule, everywhere)
    return out


def _limited_methods(app: Flask, limiter, rule, everywhere: bool) -> set[tuple[str, str]]:
    """The (METHOD, OpenAPI path) pairs of ``rule`` that a limit counts."""
    from marketplace import internals

    if rule.endpoint not in app.view_functions:
        return set()
    limits = internals.limiter_view_limits(limiter, app, rule.endpoint)
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    return {(method, path) for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
            if everywhere or any(not limit.methods or method.lower() in limit.methods for limit in limits)}


def served_spec(app: Flask) -> dict:
    """``build_spec()`` with what depends on the running app: 429 on every rate-limited operation, and the
    category slugs (reference data written by the migrations only) as the enum of every ``category`` field."""
    spec = app.extensions.get("openapi_spec")
    if spec is None:
        spec = copy.deepcopy(build_spec())
        for method, path in rate_limited_operations(app) | COUNTED_BY_HAND:
            op = spec["paths"].get(path, {}).get(method.lower())
            if op is not None:
                op["responses"]["429"] = {"$ref": f"#/components/responses/{ERROR_RESPONSES['429']}"}
        _category_enum(spec)
        app.extensions["openapi_spec"] = spec
    return spec


def _category_enum(spec: dict) -> None:
    from marketplace.catalog import queries

    slugs = sorted(category.slug for category in queries.categories())
    schemas_ = spec["components"]["schemas"]
    for name in ("ProductInput", "ProductPatch"):
        schemas_[name]["properties"]["category"]["enum"] = [*slugs, "", None]
    for param in spec["paths"][API + "/products"]["get"]["parameters"]:
        if param["name"] == "category":
            param["schema"]["enum"] = [*slugs, ""]


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this API (public)."""
    return jsonify(served_spec(current_app._get_current_object()))
