"""No bad input answers 500, on any route (issue #15, "Server errors from bad input").

Every rule of ``app.url_map`` (every method, API and pages) is called by a role allowed to call
it, with the route arguments of the seeded world of the access matrix, and one bad value of each
class at a time:

- JSON parsing: a body nested 1,000 deep, a body cut short, a body that is not UTF-8;
- text that cannot be stored: NUL, a lone surrogate (JSON ``\\ud800``), invalid UTF-8
  percent-escapes (``%ED%A0%80``, ``%FF``) in the query and in form fields;
- whole numbers beyond the columns (2**31, 10**30, -2**63 - 1, 5,000 digits, "²");
- values of the wrong JSON type (a list, an object, true, 1.5 where the API document says
  otherwise);
- dates at the edges (0001-01-01, 9999-12-31).

API bodies: each field the OpenAPI document names for the operation (nested objects and list
items too) gets each bad value in turn, on top of the matrix's own body for the route. API
queries: each documented parameter. Pages: every form field name of the app's forms at once
(POST), every query parameter the pages read at once (GET).

What a reply must be: never 5xx; from the API a 4xx carries the error shape; a page's 4xx is a
page. Where the class is certain to be wrong (deep JSON, NUL, a surrogate, a value whose JSON type
is not the documented one, an integer or date out of range for a documented integer or date) the
reply must be a 4xx.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise
from urllib.parse import quote

import pytest
from wtforms.fields.core import UnboundField

from tests.security.access_matrix import MATRIX, STATE_CHANGING, app_routes, is_api, named_body, route_url
from tests.security.test_access_matrix import world  # noqa: F401  the seeded world, put back after writes

pytestmark = pytest.mark.security

# the role that calls a route: the first of these it allows (anonymous when it allows none)
PREFERENCE = ("seller_a", "shopper", "agency", "jasindo", "admin", "anonymous")

DEEP = b"[" * 1000 + b"]" * 1000  # 2 KB; the example
RAW_BODIES = {
    "deep": (DEEP, True),
    "deep object": (b'{"a": ' * 200 + b"1" + b"}" * 200, True),
    "cut short": (b'{"email": "a@test.id", "password": [1, 2', False),
    "not utf-8": (b'{"name": "\xff\xfe"}', False),
    "surrogate key": (b'{"\\ud800": "x"}', True),
    "surrogate value": (b'{"name": "a\\ud800b", "email": "a\\udfffb@test.id"}', True),
    "nul value": (b'{"name": "a\\u0000b"}', True),
    "a list": (b'["x"]', False),
    "NaN": (b'{"email": "a@test.id", "password": "rahasia123", "quantity": NaN, "price": NaN}', False),
    "1e999": (b'{"email": "a@test.id", "password": "rahasia123", "quantity": 1e999, "percent": 1e999}', False),
}

# JSON values: (value, the JSON types it is acceptable as; None: any type may take it)
JSON_VALUES = {
    "surrogate": ("a\ud800b", ()),
    "nul": ("a\x00b", ()),
    "2**31": (2**31, ("number", "string")),
    "10**30": (10**30, ("number", "string")),
    "-2**63-1": (-(2**63) - 1, ("number", "string")),
    "1.5": (1.5, ("number", "string")),
    "true": (True, ("boolean", "string")),
    "a list": (["x"], ("array",)),
    "an object": ({"a": "b"}, ("object",)),
    "null": (None, None),
    "30 digits": ("9" * 30, None),
    "5000 digits": ("9" * 5000, None),
    "superscript two": ("\u00b2", None),
    "year 1": ("0001-01-01", ("string",)),
    "year 9999": ("9999-12-31", ("string",)),
    "year 9999 time": ("9999-12-31T23:59:59", ("string",)),
}
# integers out of every column: refused where the document says integer (strings: digits are fine text)
OUT_OF_RANGE = {"2**31", "10**30", "-2**63-1"}
EDGE_DATES = {"year 1", "year 9999", "year 9999 time"}

# query and form values, already percent-encoded: (value, refused on every route)
RAW_VALUES = {
    "nul": ("a%00b", True),
    "surrogate bytes": ("a%ED%A0%80b", False),
    "not utf-8": ("a%FFb", False),
    "30 digits": ("9" * 30, False),
    "minus 30 digits": ("-" + "9" * 30, False),
    "5000 digits": ("9" * 5000, False),
    "1.5": ("1.5", False),
    "1e400": ("1e400", False),
    "superscript two": (quote("\u00b2"), False),
    "year 1": ("0001-01-01", False),
    "year 9999": ("9999-12-31", False),
}
# query parameters the pages read (the API's come from its document)
PAGE_QUERY = (
    "q",
    "page",
    "per_page",
    "status",
    "from",
    "to",
    "expo",
    "store",
    "sector",
    "category",
    "city",
    "min_price",
    "max_price",
    "in_stock",
    "sort",
    "format",
    "size",
    "lang",
    "next",
    "featured",
    "kind",
    "run",
    "funnel_sort",
)


def caller_role(entry) -> str:
    return next((role for role in PREFERENCE if role in entry.allow), "anonymous")


def form_field_names() -> list[str]:
    """Every field name of every form of the app (and of the product form's variant rows)."""
    from flask_wtf import FlaskForm

    names, classes, seen = (
        {
            "variants-0-name",
            "variants-0-sku",
            "variants-0-price",
            "variants-0-stock",
            "variants-0-id",
            "store",
            "product",
            "expo",
            "booth",
            "zone",
            "reason",
            "amount",
            "incident_date",
            "decision",
            "note",
            "policy",
            "order",
        },
        [FlaskForm],
        set(),
    )
    while classes:
        cls = classes.pop()
        if cls in seen:
            continue
        seen.add(cls)
        classes.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    names.discard("csrf_token")
    return sorted(names)


# --- the OpenAPI document: which fields and parameters, of which type ------------------------------


def schema_ref_parts(ref: str) -> list[str]:
    return ref.lstrip("#/").split("/")


def resolve(spec: dict, schema: dict | None) -> dict:
    seen = 0
    while schema and "$ref" in schema and seen < 20:
        node = spec
        for part in schema_ref_parts(schema["$ref"]):
            node = node[part]
        schema, seen = node, seen + 1
    return schema or {}


def json_types(schema: dict) -> set[str] | None:
    """The JSON types a schema allows (None: it does not say)."""
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        found = set(kinds)
        if schema.get("nullable"):
            found.add("null")
        if "integer" in found:
            found.add("number")
        return found
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:
        found: set[str] = set()
        for option in options:
            kinds = json_types(option)
            if kinds is None:
                return None
            found |= kinds
        return found
    return None


def body_fields(spec: dict, schema: dict, prefix: tuple = (), depth: int = 0) -> list[tuple[tuple, dict]]:
    """(path, schema) of every property of a JSON body, nested objects and list items included."""
    schema = resolve(spec, schema)
    fields = []
    for name, sub in (schema.get("properties") or {}).items():
        sub = resolve(spec, sub)
        path = prefix + (name,)
        fields.append((path, sub))
        if depth < 2 and sub.get("type") == "object":
            fields += body_fields(spec, sub, path, depth + 1)
        if depth < 2 and sub.get("type") == "array" and resolve(spec, sub.get("items")).get("properties"):
            fields += body_fields(spec, sub["items"], path + (0,), depth + 1)
    return fields


def put(body, path: tuple, value):
    """A copy of ``body`` with ``value`` at ``path`` (dicts and lists made on the way)."""
    body = json.loads(json.dumps(body)) if body is not None else {}
    node = body
    for step, nxt in pairwise(path):
        child = (
            node[step]
            if (isinstance(node, list) and step < len(node)) or (isinstance(node, dict) and step in node)
            else None
        )
        if not isinstance(child, (dict, list)) or (isinstance(nxt, int)) != isinstance(child, list):
            child = [{}] if isinstance(nxt, int) else {}
            if isinstance(node, list):
                node[step] = child
            else:
                node[step] = child
        node = child
    node[path[-1]] = value
    return body


def operation(spec: dict, method: str, rule: str) -> dict:
    path = rule.replace("<int:", "<").replace("<", "{").replace(">", "}")
    for documented, item in spec["paths"].items():
        if documented.replace("{id}", "{}") == path or _shape(documented) == _shape(path):
            return item.get(method.lower(), {})
    return {}


def _shape(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "{}", path)


# --- sending and judging ----------------------------------------------------------------------------


class Walk:
    def __init__(self, world, key: str):
        self.world, self.key = world, key
        self.info = app_routes(world.app)[key]
        self.entry = MATRIX[key]
        self.method = self.info["method"]
        self.url = route_url(world.values, self.info, self.entry)
        self.api = is_api(self.url)
        self.caller = world.callers[caller_role(self.entry)]
        self.wrong: list[str] = []

    def send(self, query: str = "", body: bytes | None = None, content_type: str | None = None):
        client = self.world.app.test_client()
        headers = {}
        if self.api and self.caller.token:
            headers["Authorization"] = f"Bearer {self.caller.token}"
        if not self.api and self.caller.cookie:
            client.set_cookie("session", self.caller.cookie)
        url = self.url + (("&" if "?" in self.url else "?") + query if query else "")
        response = client.open(url, method=self.method, headers=headers, data=body, content_type=content_type)
        if self.method in STATE_CHANGING and response.status_code < 400 or self.key == "POST /logout":
            self.world.restore()
        return response

    def judge(self, what: str, response, must_refuse: bool) -> None:
        status = response.status_code
        problem = None
        if status >= 500:
            problem = "server error"
        elif must_refuse and not 400 <= status < 500:
            problem = "not refused"
        elif 400 <= status < 500 and self.url.startswith("/webhooks/"):
            pass  # a provider's callback answers in the provider's terms; only no 5xx matters
        elif 400 <= status < 500 and (self.api or response.is_json):
            error = (response.get_json(silent=True) or {}).get("error")
            if not isinstance(error, dict) or not {"code", "message", "fields"} <= set(error):
                problem = "4xx without the error shape"
        elif 400 <= status < 500 and "text/html" not in response.content_type:
            problem = f"4xx that is not a page ({response.content_type})"
        if problem:
            self.wrong.append(f"{what}: {status} {problem}: {response.get_data(as_text=True)[:160]!r}")

    def form(self, pairs: dict[str, str]) -> bytes:
        """An urlencoded form of already-encoded values, with the caller's CSRF token."""
        pairs = {**pairs, "csrf_token": quote(self.caller.csrf, safe="")}
        return "&".join(f"{k}={v}" for k, v in pairs.items()).encode("ascii")


def raw_body_cases(walk: Walk) -> None:
    for name, (raw, refuse_everywhere) in RAW_BODIES.items():
        response = walk.send(body=raw, content_type="application/json")
        # a route that reads no body may ignore one it cannot parse; deep JSON and text no database
        # takes are refused everywhere (the body is checked before any view runs)
        takes_body = walk.api and walk.method in ("POST", "PUT", "PATCH") and name not in ("not utf-8",)
        walk.judge(
            f"JSON body {name}",
            response,
            refuse_everywhere or (takes_body and name != "a list" and walk.key not in OPTIONAL_BODIES),
        )


# bodies the route reads only when sent, or never: an unparsable one is ignored
OPTIONAL_BODIES = {
    "POST /api/v1/me/email-confirmation",
    "POST /api/v1/orders/<number>/cancel",
    "POST /api/v1/agency/stores/<slug>/reinstate",
    "POST /api/v1/agency/stores/<slug>/approve",
    "POST /api/v1/orders/<number>/complete",
    "POST /api/v1/esmart/pull",
    "POST /api/v1/esmart/push",
    "POST /api/v1/products/<int:product_id>/images",
}


def api_body_cases(walk: Walk, spec: dict) -> None:
    op = operation(spec, walk.method, walk.info["rule"].rule)
    schema = ((op.get("requestBody") or {}).get("content") or {}).get("application/json", {}).get("schema")
    if not schema:
        return
    base = named_body(walk.world.values, walk.entry)
    for path, sub in body_fields(spec, schema):
        items = resolve(spec, sub.get("items"))
        if "binary" in (sub.get("format"), items.get("format")) or "contentMediaType" in items:
            continue  # files come as multipart, never in a JSON body
        kinds = json_types(sub)
        fmt = sub.get("format")
        for name, (value, fits) in JSON_VALUES.items():
            body = put(base, path, value)
            response = walk.send(body=json.dumps(body).encode(), content_type="application/json")
            wrong_type = fits is not None and kinds is not None and not (set(fits) & kinds)
            refuse = (
                name in ("surrogate", "nul")
                or wrong_type
                or (name in OUT_OF_RANGE and kinds is not None and "integer" in kinds and "string" not in kinds)
                or (name in EDGE_DATES and fmt in ("date", "date-time"))
            )
            walk.judge(f"body {'.'.join(map(str, path))}={name}", response, refuse)


def api_query_cases(walk: Walk, spec: dict) -> None:
    op = operation(spec, walk.method, walk.info["rule"].rule)
    for param in op.get("parameters") or []:
        if param.get("in") != "query":
            continue
        schema = resolve(spec, param.get("schema") or {})
        kinds, fmt = json_types(schema) or set(), schema.get("format")
        for name, (value, refuse_everywhere) in RAW_VALUES.items():
            response = walk.send(query=f"{param['name']}={value}")
            refuse = (
                refuse_everywhere
                or (name in ("30 digits", "minus 30 digits", "5000 digits") and "integer" in kinds)
                or (name in ("year 1", "year 9999") and fmt in ("date", "date-time"))
            )
            walk.judge(f"query {param['name']}={name}", response, refuse)


# path segments: (value, refused): a path naming nothing is a 404 (or a page saying the link is bad)
PATH_VALUES = {
    "nul": ("a%00b", True),
    "surrogate bytes": ("a%ED%A0%80b", False),
    "not utf-8": ("a%FFb", False),
    "2**31": (str(2**31), False),
    "10**30": (str(10**30), False),
    "5000 digits": ("9" * 5000, False),
    "superscript two": (quote("\u00b2"), False),
}


def path_cases(walk: Walk) -> None:
    """Each path argument (int ones too) replaced by each bad segment, the others left as the world's."""
    from tests.security.access_matrix import route_values

    rule, values = walk.info["rule"], route_values(walk.world.values, walk.info, walk.entry)
    for arg in sorted(rule.arguments - set(walk.info["fixed"])):
        if arg in ("filename", "path"):
            continue  # static files: a name, not an id or text the database sees
        marker = 987654321 if "int" in type(rule._converters[arg]).__name__.lower() else "zz-marker-zz"
        url = rule.build({**values, arg: marker}, append_unknown=False)[1]
        for name, (value, refuse) in PATH_VALUES.items():
            if isinstance(marker, int) and not value.isdigit():
                continue  # not an int: the rule does not match (404 by routing)
            bad = Walk.__new__(Walk)
            bad.__dict__.update(walk.__dict__)
            bad.url, bad.wrong = url.replace(str(marker), value), walk.wrong
            body = bad.form({}) if not walk.api and walk.method in STATE_CHANGING else None
            kind = "application/x-www-form-urlencoded" if body else None
            walk.judge(f"path {arg}={name}", bad.send(body=body, content_type=kind), refuse)


def page_query_cases(walk: Walk, forms: dict) -> None:
    """Every parameter the pages read at once; then one at a time each field of the page's own GET forms."""
    own = sorted(forms.get(("GET", walk.url.split("?")[0]), ()))
    for name, (value, refuse_everywhere) in RAW_VALUES.items():
        query = "&".join(f"{param}={value}" for param in PAGE_QUERY)
        walk.judge(f"query (every parameter)={name}", walk.send(query=query), refuse_everywhere)
        for param in own:
            walk.judge(f"query {param}={name}", walk.send(query=f"{param}={value}"), refuse_everywhere)


def page_form_cases(walk: Walk, fields: list[str], forms: dict) -> None:
    """Every form field name of the app at once; then, one at a time, each field of the forms the
    pages show for this URL (the others filled as the page filled them)."""
    base = {k: quote(str(v), safe="") for k, v in named_body(walk.world.values, walk.entry).items()}
    shown = forms.get(("POST", walk.url), {})
    filled = {**{k: quote(v, safe="") for k, v in shown.items()}, **base}
    for name, (value, refuse_everywhere) in RAW_VALUES.items():
        every = walk.form({**base, **dict.fromkeys(fields, value)})
        walk.judge(
            f"form (every field)={name}",
            walk.send(body=every, content_type="application/x-www-form-urlencoded"),
            refuse_everywhere,
        )
        for field in sorted(set(base) | set(shown)):
            one = walk.form({**filled, field: value})
            walk.judge(
                f"form {field}={name}",
                walk.send(body=one, content_type="application/x-www-form-urlencoded"),
                refuse_everywhere,
            )


FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)


def crawl_forms(world) -> dict:
    """(method, action path) -> {field name: the value the page put in it} of every form on every
    page, each page seen by the role that may open it."""
    import html

    forms: dict[tuple[str, str], dict[str, str]] = {}
    for key in sorted(MATRIX):
        if not key.startswith("GET ") or key not in app_routes(world.app):
            continue
        walk = Walk(world, key)
        if walk.api:
            continue
        response = walk.send()
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        for attrs, inner in FORM.findall(response.get_data(as_text=True)):
            attr = dict(ATTR.findall(attrs))
            method = attr.get("method", "get").upper()
            action = html.unescape(attr.get("action") or walk.url).split("?")[0]
            found = forms.setdefault((method, action), {})
            for _tag, field_attrs in FIELD.findall(inner):
                field = {k: html.unescape(v) for k, v in ATTR.findall(field_attrs)}
                if field.get("name") and field["name"] != "csrf_token" and field.get("type") != "file":
                    found.setdefault(field["name"], field.get("value", ""))
    return forms


@pytest.fixture(scope="module")
def spec(world):
    return world.app.test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture(scope="module")
def forms(world):
    return crawl_forms(world)


@pytest.fixture(scope="module")
def fields(world):
    with world.app.app_context():
        return form_field_names()


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_every_route_answers_bad_input_with_a_client_error(world, spec, fields, forms, key):
    if key not in app_routes(world.app):
        pytest.skip("not served (tests/security/test_access_matrix.py reports it)")
    walk = Walk(world, key)
    raw_body_cases(walk)
    if not walk.key.startswith("POST /webhooks/"):
        path_cases(walk)
    if walk.api:
        if walk.method in ("POST", "PUT", "PATCH"):
            api_body_cases(walk, spec)
        api_query_cases(walk, spec)
    elif walk.method == "GET":
        page_query_cases(walk, forms)
    elif walk.method in STATE_CHANGING and not walk.key.startswith("POST /webhooks/"):
        page_form_cases(walk, fields, forms)
    assert not walk.wrong, f"{key} as {walk.caller.role} ({walk.method} {walk.url}):\n  " + "\n  ".join(walk.wrong)


def test_the_walk_reaches_the_forms_and_fields_it_claims(spec, forms, fields):
    """The control: the crawl found the pages' forms and the document's bodies, so the walk above
    sent bad values to real fields rather than to nothing."""
    posts = {action for method, action in forms if method == "POST"}
    assert len(posts) >= 30, sorted(posts)
    assert {"email", "password", "quantity"} <= set(fields)
    assert any("q" in found for (method, _action), found in forms.items() if method == "GET")
    checkout = resolve(
        spec, spec["paths"]["/api/v1/checkout"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    )
    assert {("payment_method",), ("shipping", "name")} <= {path for path, _s in body_fields(spec, checkout)}
