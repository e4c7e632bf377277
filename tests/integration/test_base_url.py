"""Every absolute link the app writes comes from BASE_URL, never from the request (issue #15).

A ``Host: evil.example`` on /password/forgot once mailed the victim a working reset
token at http://evil.example/... . Two layers hold now, and each is tested on every
flow that mails a link or renders an absolute one:

* the host check (Flask's TRUSTED_HOSTS, set from BASE_URL): a forged Host is a 400
  and nothing is sent;
* the links themselves (marketplace/urls.py): even when an operator lets the forged
  name through (TRUSTED_HOSTS lists it, a trusted proxy forwards X-Forwarded-Host),
  every link in mail, pages, payment redirects and E-Smart payloads is under BASE_URL.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

import click
import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup

from marketplace import create_app, mail, urls
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.production import ConfigurationError
from tests.buying_factories import SHIPPING, gen_listing
from tests.factories import PASSWORD, gen_product, gen_store, gen_user

BASE = "https://pasar.tegalkota.go.id"
EVIL = "evil.example"
FORGED = {"Host": EVIL, "X-Forwarded-Host": EVIL}
PLUGINS = "cash_on_delivery,insurance"


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr(mail, "deliver", messages.append)
    return messages


def forging(client, headers=FORGED):
    """Every request of ``client`` carries the forged Host and X-Forwarded-Host."""
    plain = client.open

    def open_(*args, **kwargs):
        kwargs["headers"] = {**headers, **dict(kwargs.get("headers") or {})}
        return plain(*args, **kwargs)

    client.open = open_
    return client


def lenient_app(make_app, **config):
    """The worst set-up an operator could choose: the forged name is a trusted host and a
    trusted proxy's X-Forwarded-Host is believed. The links must still be BASE_URL's."""
    return make_app(plugins=PLUGINS, BASE_URL=BASE, TRUSTED_HOSTS=EVIL, TRUSTED_PROXIES=1, PROXY_FIX_X_HOST=1, **config)


def login(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def bearer(client, email) -> dict:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


# --- the flows that mail a link, each as a visitor would go through it ----------------------


def reset_flow(client):
    gen_user("budi@test.id")
    return [client.post("/password/forgot", data={"email": "budi@test.id"})]


def invite_flow(client):
    gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari")
    login(client, "sari@test.id")
    return [client.post("/seller/stores/batik-sari/staff", data={"email": "rina@test.id"})]


def claim_mail_flow(client):
    agency = gen_user("petugas@disnakerin.test", role="agency")
    expo.create_expo(agency, "apik", "Apik Banget", now(), now() + timedelta(days=7), zones=["Kuliner"])
    db.session.commit()
    login(client, "petugas@disnakerin.test")
    return [
        client.post(
            "/agency/onboard",
            data={
                "name": "Tahu Aci Bu Tarni",
                "sector": "kuliner",
                "city": "Kota Tegal",
                "nib": "",
                "whatsapp": "",
                "owner_email": "tarni@example.com",
                "expo": "apik",
                "booth": "K-20",
                "zone": "Kuliner",
            },
        )
    ]


def order_flow(client):
    """Checkout (the shopper's and the seller's mails), then the seller moves the order on."""
    variant = gen_listing(store=gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari"))
    gen_user("siti@test.id", name="Siti Aminah")
    shopper, seller = bearer(client, "siti@test.id"), bearer(client, "sari@test.id")
    responses = [client.post("/api/v1/cart/items", json={"variant_id": variant.id, "quantity": 1}, headers=shopper)]
    placed = client.post(
        "/api/v1/checkout", json={"payment_method": "cash_on_delivery", "shipping": SHIPPING}, headers=shopper
    )
    responses.append(placed)
    if placed.status_code == 201:
        number = placed.get_json()["orders"][0]["number"]
        responses.append(
            client.post(f"/api/v1/seller/orders/{number}/status", json={"status": "processing"}, headers=seller)
        )
    return responses


def insurance_flow(client):
    """A policy granted, a claim filed, a claim decided: each mails a link."""
    store = gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari")
    gen_user("petugas@disnakerin.test", role="agency")
    gen_user("klaim@jasindo.test", role="insurer", insurer="jasindo")
    agency, seller = bearer(client, "petugas@disnakerin.test"), bearer(client, "sari@test.id")
    granted = client.post(
        "/api/v1/insurance/policies", json={"store": store.slug, "product": "warungku"}, headers=agency
    )
    responses = [granted]
    if granted.status_code == 201:
        policy = granted.get_json()
        filed = client.post(
            "/api/v1/insurance/claims",
            headers=seller,
            json={
                "policy": policy["number"],
                "incident_date": policy["starts_on"],
                "cause": "kebakaran",
                "description": "Kebakaran kecil di dapur membakar etalase.",
                "amount": 1_500_000,
            },
        )
        responses.append(filed)
        if filed.status_code == 201:
            insurer = bearer(client, "klaim@jasindo.test")
            responses.append(
                client.post(
                    f"/api/v1/insurance/claims/{filed.get_json()['id']}/decision",
                    json={"decision": "reject", "note": "Di luar pertanggungan."},
                    headers=insurer,
                )
            )
    return responses


MAIL_FLOWS = {
    "reset": reset_flow,
    "invite": invite_flow,
    "claim_mail": claim_mail_flow,
    "order": order_flow,
    "insurance": insurance_flow,
}


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", text)


@pytest.mark.parametrize("flow", list(MAIL_FLOWS))
def test_every_mailed_link_is_under_base_url_whatever_host_the_request_names(make_app, sent, flow):
    app = lenient_app(make_app)
    with app.app_context():
        responses = MAIL_FLOWS[flow](forging(app.test_client()))
    assert all(r.status_code < 400 for r in responses), [
        (r.status_code, r.get_data(as_text=True)[:200]) for r in responses
    ]
    assert sent, "the flow mailed nothing"
    for message in sent:
        body = message.get_content()
        links = links_in(body)
        assert links, (message["Subject"], body)
        assert all(link.startswith(BASE + "/") for link in links), links
        assert EVIL not in body and EVIL not in str(message)


@pytest.mark.parametrize("flow", list(MAIL_FLOWS))
def test_a_forged_host_is_refused_and_nothing_is_mailed(make_app, sent, flow):
    """The default set-up: only BASE_URL's host (and, outside production, loopback names)."""
    app = make_app(plugins=PLUGINS, BASE_URL=BASE)
    client = forging(app.test_client())
    with app.app_context():
        try:
            responses = MAIL_FLOWS[flow](client)
        except AssertionError:  # the flow's sign-in was refused already
            responses = []
        responses.append(client.post("/password/forgot", data={"email": "budi@test.id"}))
    assert [r.status_code for r in responses] == [400] * len(responses)
    assert sent == []


@pytest.mark.parametrize("path", ["/password/forgot", "/login", "/api/v1/auth/tokens", "/healthz", "/"])
@pytest.mark.parametrize(
    "headers", [{"Host": EVIL}, {"Host": f"{EVIL}:443"}, {"Host": "pasar.tegalkota.go.id.evil.example"}]
)
def test_production_answers_400_to_any_host_but_base_urls(make_app, path, headers):
    app = make_app(MARKETPLACE_ENV="production", SECRET_KEY="k" + "0123456789abcdef" * 3, BASE_URL=BASE)
    client = app.test_client()
    refused = client.post(path, headers=headers) if path != "/" else client.get(path, headers=headers)
    assert refused.status_code == 400
    assert EVIL not in refused.get_data(as_text=True)
    assert client.get("/healthz", base_url=BASE).status_code == 200
    assert client.get("/healthz", base_url="https://localhost").status_code == 400  # no loopback in production


def test_a_refused_host_gets_the_error_shape_on_the_api_and_a_page_elsewhere(make_app, caplog):
    client = make_app(BASE_URL=BASE).test_client()
    api = client.post("/api/v1/auth/tokens", json={}, headers={"Host": EVIL})
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "bad_request"
    page = client.get("/login", headers={"Host": EVIL})
    assert page.status_code == 400 and "Permintaan tidak valid" in page.get_data(as_text=True)
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")  # the usual headers
    assert "Host 'evil.example' refused" in caplog.text  # a developer sees why


# --- pages and payloads --------------------------------------------------------------------------


def test_store_and_product_pages_share_links_under_base_url(make_app):
    app = lenient_app(make_app)
    with app.app_context():
        store = gen_store(name="Batik Sari")
        slug, product_id = store.slug, gen_product(store).id
    client = forging(app.test_client())
    for path, own in (
        (f"/stores/{slug}", f"{BASE}/stores/{slug}"),
        (f"/products/{product_id}", f"{BASE}/products/{product_id}"),
    ):
        response = client.get(path)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert quote(own) in html  # the link the WhatsApp button shares
        assert EVIL not in html


def test_stripe_return_urls_are_under_base_url(make_app):
    from plugins.stripe_payments import session_params

    app = make_app(plugins="stripe_payments,cash_on_delivery", BASE_URL=BASE, TRUSTED_HOSTS=EVIL)
    with app.app_context():
        variant = gen_listing()
        from tests.buying_factories import buy

        result = buy(gen_user("siti@test.id"), (variant, 1))
        with app.test_request_context("/checkout", base_url=f"http://{EVIL}", headers=FORGED):
            params = session_params(result.payment)
    assert params["success_url"].startswith(f"{BASE}/") and "{CHECKOUT_SESSION_ID}" in params["success_url"]
    assert params["cancel_url"] == f"{BASE}/orders"


def test_esmart_payloads_link_under_base_url_inside_a_forged_request_too(make_app):
    from plugins.esmart_sync import payload

    app = make_app(plugins="esmart_sync", BASE_URL=BASE, TRUSTED_HOSTS=EVIL)
    with app.app_context():
        product = gen_product(gen_store())
        with app.test_request_context("/", base_url=f"http://{EVIL}"):
            body = payload.product_payload(product.id)
            assert payload.product_url(product.id) == f"{BASE}/products/{product.id}"
    assert EVIL not in str(body) and f"{BASE}/products/{product.id}" in str(body)


def test_links_outside_a_request_are_under_base_url_too(make_app):
    app = make_app(BASE_URL=BASE + "/")
    with app.app_context():
        assert urls.absolute_url("accounts.reset_password", token="t0k") == f"{BASE}/password/reset/t0k"
        assert urls.absolute_url("catalog.home", _anchor="expo") == f"{BASE}/#expo"


def test_a_base_url_under_a_path_keeps_the_path(make_app):
    app = make_app(BASE_URL="https://tegalkota.go.id/pasar/")
    with app.app_context():
        assert urls.absolute_url("orders.index") == "https://tegalkota.go.id/pasar/orders"


# --- what BASE_URL defaults to, and what production demands ---------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "pasar.example.id",
        "ftp://pasar.example.id",
        "https://",
        "/pasar",
        "https://pasar.example.id/?a=1",
        "https://user@pasar.example.id",
    ],
)
def test_a_base_url_that_is_not_an_http_origin_stops_start_up(make_app, value):
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        make_app(BASE_URL=value)


def test_testing_defaults_to_the_test_clients_host(make_app):
    app = make_app()
    assert app.config["BASE_URL"] == "http://localhost"
    assert "localhost" in app.config["TRUSTED_HOSTS"] and EVIL not in app.config["TRUSTED_HOSTS"]


def test_development_defaults_to_where_make_run_serves(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "gunicorn", raising=False)
    assert urls.started_at() == "http://127.0.0.1:5000"
    monkeypatch.setenv("PORT", "5001")
    assert urls.started_at() == "http://127.0.0.1:5001"


def test_under_gunicorn_development_uses_its_bind(monkeypatch):
    import gunicorn  # noqa: F401 - present in sys.modules, as in a gunicorn worker

    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:8123")
    assert urls.started_at() == "http://127.0.0.1:8123"  # a wildcard is not an address to link to
    monkeypatch.delenv("GUNICORN_BIND")
    assert urls.started_at() == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], "http://127.0.0.1:5000"),
        (["--port", "5099"], "http://127.0.0.1:5099"),
        (["--host", "localhost", "--port", "5001"], "http://localhost:5001"),
        (["--host", "0.0.0.0"], "http://127.0.0.1:5000"),
    ],
)
def test_flask_run_links_to_the_address_it_was_started_on(database_url, tmp_path, monkeypatch, args, expected):
    """`flask run` builds the app inside its own command: the host and port it was given are the base."""
    import flask.cli

    served = []
    monkeypatch.setattr(flask.cli, "run_simple", lambda host, port, app, **kw: served.append(app))
    monkeypatch.delenv("PORT", raising=False)
    for name in ("BASE_URL", "MARKETPLACE_ENV", "TRUSTED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    cli = FlaskGroup(
        create_app=lambda: create_app(
            {
                "DATABASE_URL": database_url,
                "SECRET_KEY": "x" * 40,
                "MARKETPLACE_PLUGINS": "",
                "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            }
        )
    )
    result = CliRunner().invoke(cli, ["run", "--no-reload", "--no-debugger", *args])
    assert result.exit_code == 0, result.output
    app = served[0]
    assert app.config["BASE_URL"] == expected
    assert app.test_client().get("/healthz", headers={"Host": EVIL}).status_code == 400
    assert app.test_client().get("/healthz", base_url=expected).status_code == 200
    with app.app_context():
        assert urls.absolute_url("accounts.login") == expected + "/login"


def test_production_refuses_to_start_without_base_url(make_app):
    with pytest.raises(ConfigurationError, match="BASE_URL is not set.*Host header.*https://pasar.example.id"):
        make_app(MARKETPLACE_ENV="production", SECRET_KEY="k" + "0123456789abcdef" * 3, BASE_URL=None)


def test_trusted_hosts_adds_names_to_base_urls(make_app):
    app = make_app(
        MARKETPLACE_ENV="production",
        SECRET_KEY="k" + "0123456789abcdef" * 3,
        BASE_URL=BASE,
        TRUSTED_HOSTS="www.pasar.tegalkota.go.id, 10.0.0.11",
    )
    assert app.config["TRUSTED_HOSTS"] == ["pasar.tegalkota.go.id", "www.pasar.tegalkota.go.id", "10.0.0.11"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "10.0.0.11:8000"}).status_code == 200  # a load balancer's check
    assert client.get("/healthz", headers={"Host": "www.pasar.tegalkota.go.id"}).status_code == 200
    assert client.get("/healthz", headers={"Host": EVIL}).status_code == 400


def test_the_click_context_of_another_command_is_not_mistaken_for_flask_run(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "gunicorn", raising=False)
    seen = []

    @click.command("load")
    @click.option("--port", default=9999)
    def load(port):
        seen.append(urls.started_at())

    CliRunner().invoke(load, [])
    assert seen == ["http://127.0.0.1:5000"]
