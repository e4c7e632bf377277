"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document of every endpoint of CONTRACT.md."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

# CONTRACT.md, "JSON API" (under /api/v1) and "Plugin endpoints": (method, path, plugin or None)
CONTRACT_ENDPOINTS = [
    ("post", "/api/v1/auth/register", None), ("post", "/api/v1/auth/tokens", None), ("get", "/api/v1/me", None),
    ("get", "/api/v1/stores", None), ("get", "/api/v1/stores/{slug}", None), ("post", "/api/v1/stores", None),
    ("get", "/api/v1/products", None), ("get", "/api/v1/categories", None), ("get", "/api/v1/products/{id}", None),
    ("post", "/api/v1/stores/{slug}/products", None), ("patch", "/api/v1/products/{id}", None),
    ("patch", "/api/v1/variants/{id}", None),
    ("get", "/api/v1/cart", None), ("post", "/api/v1/cart/items", None), ("delete", "/api/v1/cart/items/{id}", None),
    ("post", "/api/v1/checkout", None),
    ("get", "/api/v1/orders", None), ("get", "/api/v1/orders/{number}", None),
    ("post", "/api/v1/orders/{number}/cancel", None),
    ("get", "/api/v1/seller/orders", None), ("post", "/api/v1/seller/orders/{number}/status", None),
    ("get", "/api/v1/payment-methods", None), ("get", "/api/v1/checkout/extras", None),
    ("post", "/api/v1/orders/{number}/reviews", None),
    ("get", "/api/v1/agency/stores", None), ("post", "/api/v1/agency/stores/{slug}/approve", None),
    ("post", "/api/v1/agency/stores/{slug}/suspend", None), ("put", "/api/v1/agency/featured", None),
    ("post", "/api/v1/expos", None), ("get", "/api/v1/expos/{slug}", None),
    ("post", "/api/v1/expos/{slug}/exhibitors", None),
    ("get", "/api/v1/agency/reports/sales", None), ("get", "/api/v1/seller/ledger", None),
    ("post", "/webhooks/stripe", "stripe_payments"),
    ("get", "/api/v1/esmart/runs", "esmart_sync"), ("post", "/api/v1/esmart/pull", "esmart_sync"),
    ("get", "/api/v1/insurance/products", "insurance"), ("post", "/api/v1/insurance/policies", "insurance"),
    ("get", "/api/v1/insurance/policies", "insurance"), ("post", "/api/v1/insurance/claims", "insurance"),
    ("post", "/api/v1/insurance/claims/{id}/decision", "insurance"),
]


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")  # no token: the document is public
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def shape(path: str) -> str:
    """A path with its parameters unnamed: /stores/<slug>, /stores/{x} -> /stores/{}."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # raises on any error, unresolved $ref included


def test_every_contract_endpoint_is_described(spec):
    for method, path, plugin in CONTRACT_ENDPOINTS:
        operation = spec["paths"].get(path, {}).get(method)
        assert operation, f"{method.upper()} {path} is not described"
        assert operation["summary"] and operation["responses"]
        assert operation.get("x-provided-by") == plugin, path
        for name in re.findall(r"\{([^}]+)\}", path):
            assert any(p["in"] == "path" and p["name"] == name for p in operation["parameters"]), path


def undescribed_routes(app, spec) -> set[tuple[str, str]]:
    described = {(method.upper(), shape(path)) for path, item in spec["paths"].items() for method in item}
    served = {(method, shape(rule.rule)) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(("/api/", "/webhooks/"))
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    return served - described


def test_every_route_the_api_serves_is_described(app, spec):
    assert undescribed_routes(app, spec) == set(), "document these routes in marketplace/api/openapi.py"


def test_signed_in_endpoints_ask_for_the_bearer_token_and_answer_the_error_shape(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"], "type": "http", "scheme": "bearer"}
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert me["responses"]["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert spec["paths"]["/api/v1/products"]["get"]["security"] == []
    error = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["required"]) == {"code", "message", "fields"}


def test_paged_lists_and_slugs_follow_the_contract(spec):
    products = spec["components"]["schemas"]["ProductPage"]
    assert set(products["required"]) == {"items", "total", "page", "per_page"}
    product = spec["components"]["schemas"]["Product"]["properties"]
    assert product["store"]["type"] == "string" and product["price"]["type"] == "integer"
    listing = spec["paths"]["/api/v1/products"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {
        "q", "sector", "category", "store", "city", "min_price", "max_price", "sort", "page", "per_page"}
    checkout = spec["paths"]["/api/v1/checkout"]["post"]
    assert set(checkout["responses"]) >= {"201", "409", "422"}


def test_every_route_the_bundled_plugins_serve_is_described(make_app, spec):
    from marketplace.config import BUNDLED_PLUGINS

    root = Path(__file__).resolve().parents[2] / "plugins"
    present = [name for name in BUNDLED_PLUGINS if (root / name / "__init__.py").exists()]
    app = make_app(plugins=",".join(present))
    assert undescribed_routes(app, spec) == set(), "document these routes in marketplace/api/openapi.py"
