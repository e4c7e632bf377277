"""CSRF on every cookie-authenticated state change.

With CSRF on and every bundled plugin loaded, every rule of the URL map that
takes POST, PUT, PATCH or DELETE outside /api/ (bearer tokens only) and
/webhooks/ (signed by the provider) is sent, by a signed-in admin who also owns
a store and has an order, a cart and a policy, without a CSRF token: each must
be refused with 400 by the CSRF check itself and change nothing in the
database. The rules are read from the app, so a new route is covered (or fails)
without anyone adding it here.
"""

from __future__ import annotations

import re

import pytest
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select, text
from werkzeug.routing.converters import AnyConverter, IntegerConverter

from marketplace.errors import error_response
from marketplace.extensions import db
from tests.buying_factories import buy, fill_cart, variant_of
from tests.factories import PASSWORD, gen_product, gen_staff, gen_store, gen_user

pytestmark = pytest.mark.security

ALL_PLUGINS = (
    "stripe_payments",
    "bank_transfer",
    "cash_on_delivery",
    "esmart_sync",
    "insurance",
    "shipping_table",
    "biteship",
    "xendit",
)
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT_PREFIXES = ("/api/", "/webhooks/")
# The visitor beacon: sendBeacon cannot send a token, and it changes no one's data (a count with
# no cookie read or set: tests/integration/test_visits.py checks it for a signed-in visitor).
EXEMPT_ROUTES = {"/beacon"}


def bundled_plugins() -> str:
    from importlib.util import find_spec

    return ",".join(name for name in ALL_PLUGINS if find_spec(f"plugins.{name}") is not None)


@pytest.fixture
def csrf_app(make_app):
    app = make_app(plugins=bundled_plugins(), WTF_CSRF_ENABLED=True)
    refused: list[tuple[str, str]] = []

    @app.errorhandler(CSRFError)
    def record_csrf_refusal(exc):  # the app's own 400, noting that it was the CSRF check that refused
        from flask import request

        refused.append((request.method, request.path))
        return error_response(400, "bad_request", exc.description)

    app.extensions["csrf_refused"] = refused
    with app.app_context():
        yield app


def snapshot() -> dict[str, list]:
    """Every row of every table (the test database is small)."""
    db.session.rollback()
    rows = {}
    for table in db.metadata.sorted_tables:
        rows[table.name] = sorted(tuple(str(v) for v in row) for row in db.session.execute(select(table)))
    return rows


def diff(before: dict, after: dict) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


def seed() -> dict:
    admin = gen_user("admin@test.id", role="admin", name="Admin Uji")
    store = gen_store(name="Batik Sari", address="Jl. Kapten Sudibyo No. 12")
    product = gen_product(store, name="Batik Tulis Tegalan", price=350_000, stock=20)
    order = buy(admin, (variant_of(product), 1)).orders[0]
    fill_cart(admin, (variant_of(product), 1))
    gen_staff(store, admin, role="owner")  # then takes the store over: a store's people may not buy from it
    values = {
        "slug": store.slug,
        "store_slug": store.slug,
        "product_id": product.id,
        "variant_id": variant_of(product).id,
        "number": order.number,
    }
    return values


def url_for_rule(rule, known: dict) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif name in known:
            values[name] = known[name]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def state_changing_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.rule.startswith(EXEMPT_PREFIXES) or rule.rule in EXEMPT_ROUTES:
            continue
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            yield rule, method


def login_with_form(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token, "the login page carries no CSRF token"
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert client.get("/account").status_code == 200


def test_every_cookie_authenticated_state_change_needs_a_csrf_token(csrf_app):
    known = seed()
    client = csrf_app.test_client()
    login_with_form(client, "admin@test.id")
    refused = csrf_app.extensions["csrf_refused"]
    rules = list(state_changing_rules(csrf_app))
    assert len(rules) > 30, "the URL map looks too small: are the blueprints and plugins loaded?"

    before = snapshot()
    failures = []
    for rule, method in rules:
        url = url_for_rule(rule, known)
        refused.clear()
        response = client.open(
            url,
            method=method,
            data={
                "email": "admin@test.id",
                "password": PASSWORD,
                "name": "Penyerang",
                "quantity": "1",
                "status": "shipped",
                "reason": "csrf",
                "q": "x",
            },
        )
        if response.status_code != 400 or refused != [(method, url)]:
            failures.append(
                f"{method} {url} ({rule.endpoint}): {response.status_code}, "
                f"{'refused by the CSRF check' if refused else 'NOT refused by the CSRF check'}"
            )
    changed = diff(before, snapshot())
    assert not failures, "state changes that went through without a CSRF token:\n  " + "\n  ".join(failures)
    assert not changed, f"tables changed by requests without a CSRF token: {changed}"
    assert client.get("/account").status_code == 200  # even POST /logout did not sign out


def test_a_valid_token_is_accepted(csrf_app):
    """The control: the same client with the token from a page gets through (so 400 above means CSRF)."""
    seed()
    client = csrf_app.test_client()
    login_with_form(client, "admin@test.id")
    page = client.get("/logout").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    assert client.post("/logout", data={"csrf_token": token.group(1)}).status_code == 302
    assert client.get("/account").status_code == 302


def test_api_and_webhooks_are_the_only_exemptions(csrf_app):
    """Bearer-token API and provider-signed webhooks (and the beacon, EXEMPT_ROUTES) skip CSRF; a
    cookie never authenticates them."""
    client = csrf_app.test_client()
    seed()
    login_with_form(client, "admin@test.id")
    response = client.get("/api/v1/me")
    assert response.status_code == 401  # the session cookie is not an API credential
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(text("users"))) >= 1
