"""The building blocks of the OpenAPI document, public for plugins too.

A plugin describes its endpoints with these (``operation``, ``ref``, ``obj``,
``answer``, ``body``, ``query``, ``path_param``, the error responses named by
status in ``operation(errors=...)``) rather than copying them, so its part of
the document reads like the core's: see ``openapi_spec`` in docs/PLUGINS.md.
"""

from __future__ import annotations

from marketplace.cart.models import MAX_LINE_QUANTITY
from marketplace.catalog.sectors import SECTORS
from marketplace.catalog.services import MAX_PRICE, MAX_STOCK
from marketplace.inputs import DIGITS_MAX_TEXT

API = "/api/v1"
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
        properties.update(
            {
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
            }
        )
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
    out = {
        "type": "string",
        "pattern": f"^0*{_digits_between(low, high)}$",
        "maxLength": DIGITS_MAX_TEXT,
        "description": " ".join(filter(None, [schema.get("description"), f"a whole number {low}..{high}"])),
    }
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
        last = min(high, 10**length - 1)
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
PAGE_PARAMS = [
    query("page", {"type": "integer", "minimum": 1, "maximum": 100_000, "default": 1}),
    query("per_page", {"type": "integer", "minimum": 1, "maximum": 100}),
]
ERROR_RESPONSES = {  # status -> components/responses name
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "422": "ValidationFailed",
    "429": "RateLimited",
}


def error_response(status: str) -> dict:
    """The shared answer of an error status ("400" ... "429"): the error shape of CONTRACT.md."""
    return {"$ref": f"#/components/responses/{ERROR_RESPONSES[status]}"}


def operation(
    op_id: str,
    summary: str,
    tag: str,
    responses: dict,
    *,
    auth: str | None = None,
    params: list | None = None,
    request: dict | None = None,
    errors: tuple = (),
    plugin: str | None = None,
    description: str = "",
) -> dict:
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
        notes.append(f"Provided by the `{plugin}` plugin; 404 (and not in this document) while it is switched off.")
    if request is not None:
        op["requestBody"] = request
        errors = ("400", "422", *errors)
    if params:
        op["parameters"] = params
        if any(param.get("in") == "query" for param in params):
            errors = ("422", *errors)  # a query parameter that is not valid (a NUL, a number out of range)
    for status in sorted(set(errors)):
        op["responses"].setdefault(status, error_response(status))
    if notes:
        op["description"] = " ".join(notes)
    return op
