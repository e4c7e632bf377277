"""Schemathesis against GET /api/v1/openapi.json, in process, on the test database.

One test per operation of the served spec, every bundled plugin on. The app is
seeded with a store, products, a cart line, an order, an expo, an insurance
policy and claim, and bearer tokens for a shopper, a seller, an agency officer
and an insurer, so authorised paths run too: cases use generated and the real
path parameters of the seeded objects, and are sent with the token of the role
the operation names (fuzzed cases sometimes with none; schemathesis' own
auth probes send none and a wrong one).

Every check schemathesis 4.32.5 has runs on every answer, valid requests and
invalid ones alike: no 5xx; documented status, content type, headers and body;
valid data accepted (2xx, or 401/403/404/409 for the state it meets) and
invalid data refused with a 4xx; a required header left out refused; an
undeclared method 405; auth enforced (ignored_auth). Three phases: coverage
(schemathesis' boundary values of every parameter and field, positive and
negative, each once), fuzzing (``MAX_EXAMPLES`` valid and half as many invalid
cases per operation) and a stateful run over the operations the links connect
(use_after_free, ensure_resource_availability). Bounded for CI
(``SCHEMATHESIS_MAX_EXAMPLES`` changes the budget), derandomised (the same
cases on every run), no deadline. NUL characters are not generated: every
request refuses them (one rule, its own tests), as the document says.
"""

from __future__ import annotations

import os
from functools import cache

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import is_check_class, load_all_checks
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import NO_FEEDBACK
from schemathesis.generation.overrides import Override

from marketplace.api.openapi import build_spec
from marketplace.extensions import db
from tests.buying_factories import buy, fill_cart, variant_of
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

pytestmark = pytest.mark.security

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "20"))
NEGATIVE_EXAMPLES = max(1, MAX_EXAMPLES // 2)
PLUGINS = "stripe_payments,bank_transfer,cash_on_delivery,esmart_sync,insurance,shipping_table,biteship,xendit,whatsapp"
load_all_checks()
# Every check schemathesis ships (14 in 4.32.5), for valid and invalid requests alike.
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if not is_check_class(check)]


def _price_range_reversed(case) -> bool:
    query = case.query or {}
    try:
        return int(query["min_price"]) > int(query["max_price"])
    except (KeyError, TypeError, ValueError):
        return False


def _region_query_too_short(case) -> bool:
    query = case.query or {}
    words = " ".join(str(query.get("q") or "").split())
    return 0 < len(words) < 2 and not query.get("parent")


def _synonym_terms_refused(case) -> bool:
    """Terms the group refuses once normalized (fewer than two distinct, one under 2 letters, over
    500 characters joined): the operation's description says so."""
    from marketplace.catalog.synonyms import parse_terms
    from marketplace.errors import ValidationError

    terms = case.body.get("terms") if isinstance(case.body, dict) else None
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        return False
    try:
        parse_terms(terms)
    except ValidationError:
        return True
    return False


# Rules between two fields, which JSON Schema cannot state: the operation's description says each, and valid
# requests that break one (refused with 422, as they should be) are left out of the valid ones.
CROSS_FIELD_RULES = {
    "GET /api/v1/products": _price_range_reversed,
    "GET /api/v1/regions": _region_query_too_short,
    "POST /api/v1/agency/search-synonyms": _synonym_terms_refused,
    "PATCH /api/v1/agency/search-synonyms/{group_id}": _synonym_terms_refused,
}
# Valid requests that still cannot succeed, and the documented status they get instead.
REFUSED_WHATEVER_THE_DATA = {
    # Only Stripe can sign an event (HMAC of the body with STRIPE_WEBHOOK_SECRET): anything else is a 400.
    "POST /webhooks/stripe": ["400"],
    # Only a request carrying BITESHIP_WEBHOOK_SECRET is applied; none is configured here: 403.
    "POST /webhooks/biteship": ["401", "403"],
    # whatsapp (issue #22): only Meta knows WHATSAPP_VERIFY_TOKEN and WHATSAPP_APP_SECRET; neither is set here.
    "GET /webhooks/whatsapp": ["403"],
    "POST /webhooks/whatsapp": ["401"],
}


@cache
def _spec() -> dict:
    """The document with PLUGINS enabled (collection runs before any app exists: each plugin's hook is asked
    directly)."""
    from marketplace.plugin_api import find_plugin

    plugins = [find_plugin(name) for name in PLUGINS.split(",")]
    return build_spec(plugin.openapi_spec() for plugin in plugins if hasattr(plugin, "openapi_spec"))


def _operations() -> list[tuple[str, str]]:
    spec = _spec()
    return sorted(
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    )


def _role(path: str, method: str) -> str | None:
    """Whose token an operation is called with."""
    op = _spec()["paths"][path][method.lower()]
    allowed = op.get("x-allowed", "")
    if not allowed:
        return None
    p = path.removeprefix("/api/v1")
    if p.startswith(("/agency", "/esmart")) or (p.startswith("/expos") and method != "GET"):
        return "agency"
    if p.startswith("/insurance/claims/") and p.endswith("/decision"):
        return "insurer"
    if p == "/insurance/policies" and method == "POST":
        return "agency"
    if p.startswith(("/seller", "/stores/{slug}/products", "/products/", "/variants/", "/insurance")):
        return "seller"
    if p == "/stores" and method == "POST":
        return "seller"
    return "shopper"


def _seed(app, client) -> dict:
    from marketplace.catalog import services as catalog
    from marketplace.expo import services as expos
    from marketplace.expo.services import parse_local_datetime

    people = {
        "shopper": gen_user("siti@test.id", name="Siti Aminah"),
        "seller": gen_user("sari@test.id", role="seller", name="Sari Rahayu"),
        "agency": gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno"),
        "insurer": gen_user("klaim@jasindo.test", role="insurer", name="Dewi Lestari", insurer="jasindo"),
    }
    store = gen_store(people["seller"], name="Batik Sari", sector="fesyen", address="Jl. Kapten Sudibyo No. 12")
    product = gen_product(store, name="Batik Tulis Tegalan", price=350_000, stock=50)
    other = gen_product(
        store,
        name="Batik Cap",
        price=150_000,
        stock=50,
        variants=[
            {"name": "S", "sku": None, "price": 150_000, "stock": 50},
            {"name": "M", "sku": None, "price": 160_000, "stock": 50},
        ],
    )
    image = catalog.add_image(product, people["seller"], image_bytes())
    db.session.commit()
    order = buy(people["shopper"], (variant_of(product), 1)).orders[0]
    fill_cart(people["shopper"], (variant_of(other), 1))
    expo = expos.create_expo(
        people["agency"],
        "apik-banget-2026",
        "Apik Banget Virtual Expo",
        parse_local_datetime("2026-12-01T08:00", "starts_at"),
        parse_local_datetime("2026-12-14T21:00", "ends_at", end_of_day=True),
    )
    expos.add_exhibitor(people["agency"], expo, store, booth="A-01")
    db.session.commit()
    ids = {"slug": store.slug, "id": product.id, "number": order.number, "expo": expo.slug}
    try:  # the insurance plugin's objects, when it is there
        from plugins.insurance import claims, policies, terms

        policy = policies.grant(people["agency"], store, terms.get_product("warungku"))
        db.session.commit()
        claim = claims.file_policy_claim(
            people["seller"],
            policy.id,
            {
                "incident_date": policies.today().isoformat(),
                "cause": "kebakaran",
                "description": "Kebakaran kecil di dapur membakar etalase.",
                "amount": 1_500_000,
            },
        )
        db.session.commit()
        ids.update(ref=policy.number, claim=claim.id)
    except ImportError:
        pass
    tokens = {}
    for role, user in people.items():
        response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 201, response.get_data(as_text=True)
        tokens[role] = response.get_json()["token"]
    cart = client.get("/api/v1/cart", headers={"Authorization": f"Bearer {tokens['shopper']}"}).get_json()
    ids["cart_line"] = cart["items"][0]["id"]
    ids["variant"] = variant_of(other, 1).id
    ids["image_id"] = image.id
    return {"tokens": tokens, "ids": ids}


def _real_path_parameters(path: str, ids: dict) -> dict:
    p = path.removeprefix("/api/v1")
    values = {}
    if "{slug}" in p:
        values["slug"] = ids["expo"] if p.startswith("/expos") else ids["slug"]
    if "{number}" in p:
        values["number"] = ids["number"]
    if "{image_id}" in p:
        values["image_id"] = ids["image_id"]
    if "{ref}" in p:
        values["ref"] = ids.get("ref", "1")
    if "{group_id}" in p:
        values["group_id"] = 1  # the first group migration 0028 seeds
    if "{id}" in p:
        if p.startswith("/cart/"):
            values["id"] = ids["cart_line"]
        elif p.startswith("/variants/"):
            values["id"] = ids["variant"]
        elif p.startswith("/insurance/claims/"):
            values["id"] = ids.get("claim", 1)
        elif p.startswith("/esmart/runs/"):
            values["id"] = 1
        else:
            values["id"] = ids["id"]
    return values


@pytest.fixture
def seeded(make_app):
    """The seeded app; no app context stays open, so every request (and every probe a check sends) gets its own,
    as in production: a user cached on ``g`` by one request cannot answer the next."""
    app = make_app(plugins=PLUGINS)
    with app.app_context():
        data = _seed(app, app.test_client())
        db.session.remove()
    return app, data


def _breaks_a_cross_field_rule(case) -> bool:
    rule = CROSS_FIELD_RULES.get(f"{case.method} {case.operation.path}")
    return bool(rule and case.meta is not None and case.meta.generation.mode.is_positive and rule(case))


def _schema(app, label: str = ""):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    if label in REFUSED_WHATEVER_THE_DATA:
        accepted = schema.config.checks.positive_data_acceptance
        accepted.expected_statuses = [*accepted.expected_statuses, *REFUSED_WHATEVER_THE_DATA[label]]
    # NUL is refused in every string of every request (the info description says so), like a format:
    # generating it in each field would only test that one rule over and over.
    schema.config.generation.update(allow_x00=False)
    return schema


def _headers(case, token: str | None) -> dict:
    """The role's token, unless the case itself is about the Authorization header (sent, left out on purpose)."""
    data = case.meta.phase.data if case.meta is not None else None
    named = {getattr(data, "parameter", None), *(m.parameter for m in getattr(data, "mutations", None) or ())}
    named |= set(case.headers or {})
    if not token or any(name and name.lower() == "authorization" for name in named):
        return {}
    return {"Authorization": f"Bearer {token}"}


def _failures(exc: BaseException) -> list[Failure]:
    if isinstance(exc, FailureGroup):
        return list(exc.exceptions)
    return [exc]


def _describe(case, failure: Failure) -> str:
    return (
        f"{failure.title}: {failure.message.splitlines()[0] if failure.message else ''}\n    {case.as_curl_command()}"
    )


def _coverage(app, schema, operation, role_token, real: dict) -> list[str]:
    """The coverage phase: schemathesis' boundary values, one case each, valid and invalid."""
    found = []
    overrides = [Override()]
    if real:
        overrides.append(Override(path_parameters=real))
    for override in overrides:
        generator = CoverageGenerator(
            operation=operation,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
            auth_storage=None,
            override=override,
            feedback=NO_FEEDBACK,
        )
        for case in generator:
            if _breaks_a_cross_field_rule(case):
                continue
            try:
                case.call_and_validate(headers=_headers(case, role_token), checks=CHECKS)
            except (Failure, FailureGroup) as exc:
                found.extend(_describe(case, failure) for failure in _failures(exc))
    return found


def _fuzz(app, operation, mode, tokens, real: dict, max_examples: int) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if real:
        strategy = st.one_of(strategy, operation.as_strategy(generation_mode=mode, path_parameters=real))
    strategy = strategy.filter(lambda case: not _breaks_a_cross_field_rule(case))

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, token=tokens)
    def run(case, token):
        case.call_and_validate(headers=_headers(case, token), checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise  # an operation always takes some valid request


@pytest.mark.parametrize("path,method", _operations(), ids=lambda v: v)
def test_operation_conforms_to_the_spec(seeded, path, method):
    """Valid and invalid requests, as the operation's role and without a token: every check schemathesis has.

    Valid requests are accepted (2xx, or 401/403/404/409 for the state they meet) and answered as documented;
    invalid ones are refused with a documented 4xx, never a 5xx.
    """
    app, data = seeded
    schema = _schema(app, f"{method} {path}")
    operation = schema[path][method]
    real = _real_path_parameters(path, data["ids"])
    role = _role(path, method)
    token = data["tokens"][role] if role else None
    found = _coverage(app, schema, operation, token, real)
    tokens = st.sampled_from([token] * 4 + [None]) if role else st.just(None)
    for mode, examples in ((GenerationMode.POSITIVE, MAX_EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):
        try:
            _fuzz(app, operation, mode, tokens, real, examples)
        except (Failure, FailureGroup) as exc:
            found.append(f"{mode.value} fuzzing: {exc}")
    assert not found, f"{len(found)} case(s) failed:\n" + "\n".join(found[:20])


STATEFUL_SCENARIOS = max(1, MAX_EXAMPLES // 2)


def test_linked_operations_keep_their_promises(seeded):
    """Stateful: schemathesis chains the operations its links connect (a listing's ids into a read, a change,
    a delete), each as the role the operation names; on top of every check above, a deleted object is gone
    (use_after_free) and a created one can be read back (ensure_resource_availability)."""
    app, data = seeded
    schema = _schema(app)

    class Scenario(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            role = _role(case.operation.path, case.method)
            return {"headers": _headers(case, data["tokens"][role] if role else None)}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # a case about the Authorization header goes without a token (_headers): its 401 comes
            # before any rule about the body
            if _breaks_a_cross_field_rule(case) and kwargs.get("headers"):
                assert response.status_code == 422, case.as_curl_command()
                return
            case.validate_response(
                response, checks=CHECKS, headers=kwargs.get("headers"), transport_kwargs=kwargs, recorder=self.recorder
            )

    Scenario.run(
        settings=settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
