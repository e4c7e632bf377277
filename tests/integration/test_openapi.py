"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document of every endpoint of CONTRACT.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from marketplace.plugin_api import hookimpl

# CONTRACT.md, "JSON API" (under /api/v1) and "Plugin endpoints": (method, path, plugin or None)
CONTRACT_ENDPOINTS = [
    ("post", "/api/v1/auth/register", None),
    ("post", "/api/v1/auth/tokens", None),
    ("get", "/api/v1/me", None),
    ("get", "/api/v1/stores", None),
    ("get", "/api/v1/stores/{slug}", None),
    ("post", "/api/v1/stores", None),
    ("get", "/api/v1/products", None),
    ("get", "/api/v1/categories", None),
    ("get", "/api/v1/products/{id}", None),
    ("post", "/api/v1/stores/{slug}/products", None),
    ("patch", "/api/v1/products/{id}", None),
    ("patch", "/api/v1/variants/{id}", None),
    ("get", "/api/v1/cart", None),
    ("post", "/api/v1/cart/items", None),
    ("delete", "/api/v1/cart/items/{id}", None),
    ("post", "/api/v1/checkout", None),
    ("post", "/api/v1/checkout/shipping-options", None),
    ("get", "/api/v1/orders", None),
    ("get", "/api/v1/orders/{number}", None),
    ("post", "/api/v1/orders/{number}/cancel", None),
    ("get", "/api/v1/seller/orders", None),
    ("post", "/api/v1/seller/orders/{number}/status", None),
    ("get", "/api/v1/payment-methods", None),
    ("get", "/api/v1/checkout/extras", None),
    ("post", "/api/v1/orders/{number}/reviews", None),
    ("get", "/api/v1/agency/stores", None),
    ("post", "/api/v1/agency/stores/{slug}/approve", None),
    ("post", "/api/v1/agency/stores/{slug}/suspend", None),
    ("put", "/api/v1/agency/featured", None),
    ("post", "/api/v1/expos", None),
    ("get", "/api/v1/expos/{slug}", None),
    ("post", "/api/v1/expos/{slug}/exhibitors", None),
    ("get", "/api/v1/agency/reports/sales", None),
    ("get", "/api/v1/seller/ledger", None),
    ("post", "/webhooks/stripe", "stripe_payments"),
    ("get", "/api/v1/esmart/runs", "esmart_sync"),
    ("post", "/api/v1/esmart/pull", "esmart_sync"),
    ("get", "/api/v1/insurance/products", "insurance"),
    ("post", "/api/v1/insurance/policies", "insurance"),
    ("get", "/api/v1/insurance/policies", "insurance"),
    ("post", "/api/v1/insurance/claims", "insurance"),
    ("post", "/api/v1/insurance/claims/{id}/decision", "insurance"),
]


def served(app) -> dict:
    response = app.test_client().get("/api/v1/openapi.json")  # no token: the document is public
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def bundled_plugins() -> list[str]:
    """The bundled plugins this release ships."""
    from marketplace import plugin_api

    root = Path(__file__).resolve().parents[2] / "plugins"
    return [name for name in plugin_api.bundled_plugins() if (root / name / "__init__.py").exists()]


@pytest.fixture
def spec(app):
    """The document of the core alone (no plugin enabled)."""
    return served(app)


@pytest.fixture
def full_app(make_app):
    return make_app(plugins=",".join(bundled_plugins()))


@pytest.fixture
def full_spec(full_app):
    """The document with every bundled plugin enabled."""
    return served(full_app)


def shape(path: str) -> str:
    """A path with its parameters unnamed: /stores/<slug>, /stores/{x} -> /stores/{}."""
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_document_is_valid_openapi_3_1(spec, full_spec):
    for document in (spec, full_spec):
        assert document["openapi"].startswith("3.1")
        validate(document)  # raises on any error, unresolved $ref included


def test_every_contract_endpoint_is_described(full_spec):
    for method, path, plugin in CONTRACT_ENDPOINTS:
        operation = full_spec["paths"].get(path, {}).get(method)
        assert operation, f"{method.upper()} {path} is not described"
        assert operation["summary"] and operation["responses"]
        assert operation.get("x-provided-by") == plugin, path
        for name in re.findall(r"\{([^}]+)\}", path):
            assert any(p["in"] == "path" and p["name"] == name for p in operation["parameters"]), path


def undescribed_routes(app, spec) -> set[tuple[str, str]]:
    described = {(method.upper(), shape(path)) for path, item in spec["paths"].items() for method in item}
    served = {
        (method, shape(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(("/api/", "/webhooks/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    return served - described


def test_every_route_the_api_serves_is_described(app, spec):
    assert undescribed_routes(app, spec) == set(), "document these routes in marketplace/api/openapi/paths_<area>.py"


def test_signed_in_endpoints_ask_for_the_bearer_token_and_answer_the_error_shape(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        **spec["components"]["securitySchemes"]["bearerAuth"],
        "type": "http",
        "scheme": "bearer",
    }
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
        "q",
        "sector",
        "category",
        "store",
        "city",
        "min_price",
        "max_price",
        "sort",
        "page",
        "per_page",
    }
    checkout = spec["paths"]["/api/v1/checkout"]["post"]
    assert set(checkout["responses"]) >= {"201", "409", "422"}


def test_every_route_the_bundled_plugins_serve_is_described(full_app, full_spec):
    assert undescribed_routes(full_app, full_spec) == set(), "document these routes in the plugin's openapi_spec"


@pytest.mark.parametrize("plugin", ["esmart_sync", "insurance", "stripe_payments"])
def test_hook_openapi_spec__a_plugin_switched_off_takes_its_paths_and_schemas_with_it(make_app, full_spec, plugin):
    others = [name for name in bundled_plugins() if name != plugin]
    spec = served(make_app(plugins=",".join(others)))
    validate(spec)
    theirs = {
        path
        for path, item in full_spec["paths"].items()
        if any(op.get("x-provided-by") == plugin for op in item.values())
    }
    assert theirs, f"{plugin} describes no path"
    assert theirs.isdisjoint(spec["paths"])
    assert all(op.get("x-provided-by") != plugin for item in spec["paths"].values() for op in item.values())
    assert set(spec["paths"]) == set(full_spec["paths"]) - theirs  # the others' paths stay
    assert set(spec["components"]["schemas"]) < set(full_spec["components"]["schemas"])


class _BrokenDescription:
    """A plugin whose openapi_spec raises, beside one that adds a path over a core path."""

    @hookimpl
    def openapi_spec(self) -> dict:
        raise RuntimeError("the plugin's own bug")


class _Trespasser:
    @hookimpl
    def openapi_spec(self) -> dict:
        return {
            "paths": {
                "/api/v1/me": {"get": {"summary": "not mine"}},
                "/api/v1/trespass": {"get": {"summary": "mine", "responses": {"200": {"description": "ok"}}}},
            },
            "schemas": {"Error": {"type": "string"}},
        }


def test_hook_openapi_spec__one_that_raises_is_left_out_and_none_replaces_a_path(make_app, caplog):
    from marketplace import plugin_api

    app = make_app(plugins="insurance")
    plugin_api.register(app, _BrokenDescription(), name="broken_description")
    plugin_api.register(app, _Trespasser(), name="trespasser")
    with caplog.at_level("ERROR", logger="marketplace.plugins"):
        spec = served(app)
    assert "/api/v1/insurance/products" in spec["paths"]  # the sound plugin's part is there
    assert "broken_description" in caplog.text and "openapi_spec" in caplog.text
    assert spec["paths"]["/api/v1/me"]["get"]["operationId"] == "me"  # the core's is kept
    assert spec["components"]["schemas"]["Error"]["type"] == "object"
    assert spec["paths"]["/api/v1/trespass"]["get"]["summary"] == "mine"  # what is new is added


def test_the_core_document_names_no_plugin():
    from marketplace.api import openapi

    package = Path(openapi.__file__).parent
    # "whatsapp" is also the core's field of a store's and a user's number (CONTRACT.md: POST /stores)
    core_words = {"whatsapp"}
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        for name in set(bundled_plugins()) - core_words:
            assert name not in source, f"{module.name} names the plugin {name}"
        for word in ("insurance", "stripe", "order_protection"):
            assert word not in source.lower(), f"{module.name} names {word}"


# --- the description says what the code enforces (issue 15, "The API description and reality") ----------------


def _schemathesis_operation(app, path: str, method: str):
    import schemathesis

    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]


def test_every_rate_limited_operation_documents_429_with_the_error_shape(make_app):
    from marketplace.api.openapi import rate_limited_operations
    from marketplace.plugin_api import bundled_plugins

    app = make_app(plugins=",".join(bundled_plugins()), RATELIMIT_ENABLED=True)
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    limited = {(method, path) for method, path in rate_limited_operations(app) if path in spec["paths"]}
    assert {("POST", "/api/v1/auth/register"), ("POST", "/api/v1/auth/tokens")} <= limited
    for method, path in limited:
        assert spec["paths"][path][method.lower()]["responses"]["429"] == {
            "$ref": "#/components/responses/RateLimited"
        }, f"{method} {path}"
    unlimited = spec["paths"]["/api/v1/products"]["get"]["responses"]
    assert "429" not in unlimited  # only what is counted says it may be refused
    rate_limited = spec["components"]["responses"]["RateLimited"]
    assert rate_limited["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in rate_limited["headers"]


def test_token_requests_refused_by_count_or_by_wait_are_429s_as_documented(make_app):
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    address = {"REMOTE_ADDR": "198.51.100.15"}
    # a new e-mail each time: the per-address wait after 5 failures (its own 429, below) stays out of it
    tries = [{"email": f"tidak.ada{n}@test.id", "password": "salah-sekali"} for n in range(21)]
    answers = [client.post("/api/v1/auth/tokens", json=body, environ_base=address) for body in tries]
    assert [a.status_code for a in answers[:20]] == [401] * 20
    per_client = answers[20]
    same_address = {"email": "siti@test.id", "password": "salah-sekali"}
    waits = [
        client.post("/api/v1/auth/tokens", json=same_address, environ_base={"REMOTE_ADDR": "198.51.100.16"})
        for _ in range(6)
    ]
    assert [a.status_code for a in waits] == [401] * 5 + [429]
    operation = _schemathesis_operation(app, "/api/v1/auth/tokens", "POST")
    for body, refused in ((tries[20], per_client), (same_address, waits[5])):
        assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        operation.Case(body=body).validate_response(
            refused,
            checks=[
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
                response_headers_conformance,
            ],
        )


def test_ids_are_described_as_the_database_integers_and_blank_text_as_refused(spec):
    from marketplace.api.openapi import MAX_ID

    cart_item = spec["components"]["schemas"]["CartItemInput"]["properties"]["variant_id"]
    assert (cart_item["minimum"], cart_item["maximum"]) == (1, MAX_ID) == (1, 2**31 - 1)
    product_id = spec["paths"]["/api/v1/products/{id}"]["get"]["parameters"][0]["schema"]
    assert (product_id["minimum"], product_id["maximum"]) == (1, MAX_ID)
    name = spec["components"]["schemas"]["Registration"]["properties"]["name"]
    assert name["minLength"] == 1 and name["maxLength"] == 120 and "pattern" in name
    assert spec["components"]["schemas"]["VariantPatch"]["properties"]["sku"]["type"] == ["string", "null"]
    statuses = spec["components"]["schemas"]["OrderSummary"]["properties"]["status"]["enum"]
    from marketplace.orders.models import ORDER_STATUSES

    assert statuses == list(ORDER_STATUSES)
    categories = spec["components"]["schemas"]["ProductInput"]["properties"]["category"]["enum"]
    assert None in categories and "" in categories  # then the slugs of GET /categories


def test_enums_are_the_models_own(full_spec):
    from marketplace.accounts.models import ROLES
    from marketplace.ledger.models import LEDGER_KINDS
    from plugins.insurance.models import CLAIM_STATUSES, POLICY_STATUSES
    from plugins.insurance.terms import CAUSES

    schemas = full_spec["components"]["schemas"]
    assert schemas["ClaimInput"]["properties"]["cause"]["enum"] == list(CAUSES)
    assert schemas["Claim"]["properties"]["status"]["enum"] == list(CLAIM_STATUSES)
    assert schemas["Policy"]["properties"]["status"]["enum"] == list(POLICY_STATUSES)
    assert schemas["User"]["properties"]["roles"]["items"]["enum"] == list(ROLES)
    assert schemas["Ledger"]["properties"]["items"]["items"]["properties"]["kind"]["enum"] == list(LEDGER_KINDS)


@pytest.fixture
def shop(make_app):
    """A store with an order placed (cash on delivery), and the tokens of its shopper, its seller, the agency."""
    from tests.buying_factories import buy, variant_of
    from tests.conftest import ApiClient
    from tests.factories import PASSWORD, gen_product, gen_store, gen_user

    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        api = ApiClient(app.test_client())
        shopper = gen_user("siti@test.id", name="Siti Aminah")
        seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
        agency = gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
        store = gen_store(seller, name="Batik Sari")
        product = gen_product(store, name="Batik Tulis Tegalan", price=350_000, stock=50)
        order = buy(shopper, (variant_of(product), 1)).orders[0]
        yield {
            "api": api,
            "store": store.slug,
            "order": order.number,
            "status": order.status,
            "shopper": api.token(shopper.email, PASSWORD),
            "seller": api.token(seller.email, PASSWORD),
            "agency": api.token(agency.email, PASSWORD),
        }


@pytest.mark.parametrize("query", ["min_price=0.5", "max_price=0.5", "min_price=1e3", "max_price=25.000"])
def test_a_price_filter_that_is_not_whole_rupiah_digits_is_refused(api, query):
    response = api.get(f"/products?{query}")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {query.partition("=")[0]}


def test_the_featured_filter_takes_only_yes_or_no(api):
    assert api.get("/stores?featured=0").status_code == 200
    response = api.get("/stores?featured=maybe")
    assert response.status_code == 422 and "featured" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "field,value", [("tracking_number", {}), ("tracking_number", 12345), ("courier", []), ("status", ["shipped"])]
)
def test_an_order_move_with_a_field_of_the_wrong_json_type_is_refused(shop, field, value):
    api = shop["api"]
    order = f"/seller/orders/{shop['order']}"
    body = {"status": "processing", field: value}
    response = api.post(f"{order}/status", body, token=shop["seller"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert api.get(order, token=shop["seller"]).get_json()["status"] == shop["status"]  # nothing moved


def test_a_cancel_body_that_is_not_a_json_object_or_has_a_reason_of_another_type_is_refused(shop):
    api = shop["api"]
    order = f"/orders/{shop['order']}"
    garbled = api.post(f"{order}/cancel", token=shop["shopper"], data=b"\x00", content_type="application/json")
    assert garbled.status_code in (400, 422)
    wrong = api.post(f"{order}/cancel", {"reason": {"salah": "tipe"}}, token=shop["shopper"])
    assert wrong.status_code == 422 and "reason" in wrong.get_json()["error"]["fields"]
    assert api.get(order, token=shop["shopper"]).get_json()["status"] == shop["status"]
    assert api.post(f"{order}/cancel", token=shop["shopper"]).get_json()["status"] == "cancelled"  # no body: fine


@pytest.mark.parametrize("action", ["suspend", "reinstate"])
def test_a_store_decision_reason_of_another_json_type_is_refused_not_stringified(shop, action):
    api = shop["api"]
    response = api.post(
        f"/agency/stores/{shop['store']}/{action}", {"reason": {"kata": "alasan panjang"}}, token=shop["agency"]
    )
    assert response.status_code == 422 and "reason" in response.get_json()["error"]["fields"]
    store = api.get(f"/stores/{shop['store']}")
    assert store.status_code == 200  # still approved and selling


def test_an_insurance_claim_or_decision_field_of_another_json_type_is_refused(make_app):
    from plugins.insurance import policies, terms
    from tests.factories import PASSWORD, gen_store, gen_user

    app = make_app(plugins="insurance")
    client = app.test_client()
    with app.app_context():
        seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
        gen_user("klaim@jasindo.test", role="insurer", name="Dewi Lestari", insurer="jasindo")
        agency = gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
        policy = policies.grant(agency, gen_store(seller, name="Warung Sari"), terms.get_product("warungku"))
        from marketplace.extensions import db

        db.session.commit()
        policy_id, today = policy.id, policies.today().isoformat()

    def token(email):
        return client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD}).get_json()["token"]

    seller_auth = {"Authorization": f"Bearer {token('sari@test.id')}"}
    claim = {
        "policy": policy_id,
        "incident_date": today,
        "cause": "kebakaran",
        "amount": 1_500_000,
        "description": {"isi": "Kebakaran kecil di dapur membakar etalase."},
    }
    refused = client.post("/api/v1/insurance/claims", json=claim, headers=seller_auth)
    assert refused.status_code == 422 and "description" in refused.get_json()["error"]["fields"]
    claim["description"] = "Kebakaran kecil di dapur membakar etalase."
    filed = client.post("/api/v1/insurance/claims", json=claim, headers=seller_auth)
    assert filed.status_code == 201
    insurer_auth = {"Authorization": f"Bearer {token('klaim@jasindo.test')}"}
    decision = client.post(
        f"/api/v1/insurance/claims/{filed.get_json()['id']}/decision",
        json={"decision": "reject", "note": ["bukan", "teks"]},
        headers=insurer_auth,
    )
    assert decision.status_code == 422 and "note" in decision.get_json()["error"]["fields"]
    unknown = client.get("/api/v1/insurance/claims?status=ditolak", headers=insurer_auth)
    assert unknown.status_code == 422 and "status" in unknown.get_json()["error"]["fields"]
    assert client.get("/api/v1/insurance/claims?status=", headers=insurer_auth).get_json()["total"] == 1


def test_an_unknown_status_filter_is_refused_and_an_empty_one_means_all(shop):
    api = shop["api"]
    for path, token in [("/orders", shop["shopper"]), ("/seller/orders", shop["seller"])]:
        unknown = api.get(f"{path}?status=dikirim", token=token)
        assert unknown.status_code == 422 and "status" in unknown.get_json()["error"]["fields"]
        everything = api.get(f"{path}?status=", token=token)
        assert everything.status_code == 200 and everything.get_json()["total"] == 1


def test_an_empty_report_format_is_the_default_json(shop):
    response = shop["api"].get("/agency/reports/sales?format=", token=shop["agency"])
    assert response.status_code == 200 and response.mimetype == "application/json"


def test_every_query_parameter_is_described_as_empty_means_absent(spec):
    params = [
        p
        for item in spec["paths"].values()
        for op in item.values()
        for p in op.get("parameters", [])
        if p["in"] == "query"
    ]
    assert params and all(p["allowEmptyValue"] is True for p in params)
