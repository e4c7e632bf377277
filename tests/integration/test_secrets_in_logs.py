"""Live secrets never reach the log in production (issue #15).

Without a mail server the log once carried every e-mail's body, reset links
included. The class: anything that lets its holder act as someone — reset
links, store invitations and claim links, API tokens — in any log line the app
or the server writes: the mail fallback, the request lines, the ``path`` of
every record, error lines, and the server's access log (request line and
Referer, redacted in the environ; gunicorn itself in test_production.py).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest

from marketplace import logsafe
from marketplace.accounts import services as accounts
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.buying_factories import SHIPPING, gen_listing
from tests.factories import PASSWORD, gen_store, gen_user

STRONG_KEY = "k" + "0123456789abcdef" * 3
BASE = "https://pasar.tegalkota.go.id"
SECRET_IN_PATH = re.compile(r"/(?:password/reset|invites)/(?!\[redacted\])[A-Za-z0-9_.-]{8,}")


@pytest.fixture
def logged(caplog, capsys):
    """Everything logged, as records (caplog) and as the handler wrote it (stderr)."""
    caplog.set_level(logging.DEBUG)

    def read() -> str:
        records = "\n".join(f"{r.getMessage()} path={getattr(r, 'path', '')}" for r in caplog.records)
        return records + "\n" + capsys.readouterr().err

    return read


def production(make_app, **config):
    return make_app(
        plugins="cash_on_delivery", MARKETPLACE_ENV="production", SECRET_KEY=STRONG_KEY, BASE_URL=BASE, **config
    )


def login(client, email):
    assert client.post("/login", data={"email": email, "password": PASSWORD}, base_url=BASE).status_code == 302


def test_production_without_a_mail_server_logs_who_and_what_never_the_link(make_app, logged):
    app = production(make_app)
    with app.app_context():
        gen_user("budi@test.id")
    response = app.test_client().post("/password/forgot", data={"email": "budi@test.id"}, base_url=BASE)
    assert response.status_code == 302
    text = logged()
    assert "mail to=budi@test.id subject=" in text and "not sent: MAIL_SERVER is not set" in text
    assert "/password/reset/" not in text and BASE not in text


def test_development_still_logs_the_whole_message_for_the_developer(make_app, logged):
    app = make_app()
    with app.app_context():
        gen_user("budi@test.id")
    app.test_client().post("/password/forgot", data={"email": "budi@test.id"})
    assert re.search(r"http://localhost/password/reset/\S{20,}", logged())


def test_production_warns_at_start_up_that_no_mail_is_sent(make_app, logged):
    production(make_app)
    assert "without MAIL_SERVER: no e-mail is sent" in logged()


def test_every_mail_with_a_link_stays_out_of_the_production_log(make_app, logged):
    """Reset, store invitation, claim link, order mails: recipients and subjects only."""
    app = production(make_app)
    with app.app_context():
        gen_user("budi@test.id")
        gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari")
        agency = gen_user("petugas@disnakerin.test", role="agency")
        expo.create_expo(agency, "apik", "Apik Banget", now(), now() + timedelta(days=7), zones=["Kuliner"])
        db.session.commit()
        variant_id = gen_listing(store=gen_store(name="Teh Poci")).id
        gen_user("siti@test.id")
    client = app.test_client()
    client.post("/password/forgot", data={"email": "budi@test.id"}, base_url=BASE)
    login(client, "sari@test.id")
    assert (
        client.post("/seller/stores/batik-sari/staff", data={"email": "rina@test.id"}, base_url=BASE).status_code == 302
    )
    client.post("/logout", base_url=BASE)
    login(client, "petugas@disnakerin.test")
    assert (
        client.post(
            "/agency/onboard",
            base_url=BASE,
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
        ).status_code
        == 302
    )
    token = client.post(
        "/api/v1/auth/tokens", json={"email": "siti@test.id", "password": PASSWORD}, base_url=BASE
    ).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    client.post("/api/v1/cart/items", json={"variant_id": variant_id, "quantity": 1}, headers=headers, base_url=BASE)
    placed = client.post(
        "/api/v1/checkout",
        json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
        headers=headers,
        base_url=BASE,
    )
    assert placed.status_code == 201
    text = logged()
    for recipient in ("budi@test.id", "rina@test.id", "tarni@example.com", "siti@test.id"):
        assert f"mail to={recipient} subject=" in text
    assert not SECRET_IN_PATH.search(text) and BASE not in text
    assert token not in text  # the API token, issued and used, is never logged


def test_request_lines_and_records_name_a_secret_route_without_its_secret(make_app, logged):
    app = production(make_app)
    with app.app_context():
        user = gen_user("budi@test.id")
        reset_token = accounts.password_reset_token(user)
    client = app.test_client()
    page = client.get(f"/password/reset/{reset_token}", base_url=BASE)
    assert page.status_code == 200
    invite = client.get("/invites/abcdefghijklmnopqrstuvwxyz0123456789", base_url=BASE)
    assert invite.status_code in (302, 404)
    text = logged()
    assert reset_token not in text and "abcdefghijklmnopqrstuvwxyz0123456789" not in text
    assert "GET /password/reset/[redacted] 200" in text
    assert '"path": "/password/reset/[redacted]"' in text  # the JSON request line's field


def test_the_servers_access_log_sees_the_uri_and_referer_without_the_secret(make_app):
    """gunicorn writes %(r)s, %(U)s and %(f)s from the environ after the app answered."""
    app = production(make_app)
    with app.app_context():
        user = gen_user("budi@test.id")
        reset_token = accounts.password_reset_token(user)
    url = f"/password/reset/{reset_token}"
    seen = []

    def server(environ, start_response):  # what a WSGI server holds when it writes its access log
        body = list(wsgi_app(environ, start_response))
        seen.append(environ)
        return body

    wsgi_app, app.wsgi_app = app.wsgi_app, server
    response = app.test_client().post(
        url + "?lang=en", base_url=BASE, data={"password": "x"}, headers={"Referer": f"{BASE}{url}"}
    )
    assert response.status_code in (200, 422)
    (environ,) = seen
    assert environ["RAW_URI"] == "/password/reset/[redacted]?lang=en"
    assert environ["REQUEST_URI"] == environ["RAW_URI"] and environ["PATH_INFO"] == "/password/reset/[redacted]"
    assert environ["HTTP_REFERER"] == f"{BASE}/password/reset/[redacted]"


@pytest.mark.parametrize(
    "uri",
    ["/login?next=/invites/s3cr3t-invite-0123456789", "/login?next=%2Finvites%2Fs3cr3t-invite-0123456789&lang=en"],
)
def test_a_secret_link_carried_in_a_query_is_redacted_too(make_app, uri):
    """An anonymous visitor of an invitation is sent to /login?next=/invites/<token>."""
    app = production(make_app)
    seen = []

    def server(environ, start_response):
        body = list(wsgi_app(environ, start_response))
        seen.append(environ)
        return body

    wsgi_app, app.wsgi_app = app.wsgi_app, server
    assert app.test_client().get(uri, base_url=BASE).status_code == 200
    assert "s3cr3t-invite" not in seen[0]["RAW_URI"] and "/invites/[redacted]" in seen[0]["RAW_URI"]


def test_any_route_with_a_token_variable_is_redacted_errors_included(make_app, logged):
    """The class, not the two examples: a route added later (e-mail confirmation, a plugin's
    callback) with a variable named like token or secret is covered by its name."""
    app = production(make_app)

    def boom(confirm_token):
        raise RuntimeError("the database fell over")

    app.add_url_rule("/confirm/<confirm_token>/now", "confirm_probe", boom)
    app.add_url_rule("/hooks/<int:store_id>/<webhook_secret>", "hook_probe", lambda store_id, webhook_secret: "ok")
    app.add_url_rule("/my/tokens/<int:token_id>", "token_row_probe", lambda token_id: "ok")  # a row id, kept
    client = app.test_client()
    assert client.get("/confirm/s3cr3t-value-1234/now", base_url=BASE).status_code == 500
    assert client.get("/hooks/7/another-s3cr3t-5678", base_url=BASE).status_code == 200
    text = logged()
    assert "s3cr3t-value-1234" not in text and "another-s3cr3t-5678" not in text
    assert "unhandled error on GET /confirm/[redacted]/now" in text
    assert "GET /hooks/7/[redacted] 200" in text
    assert client.get("/my/tokens/42", base_url=BASE).status_code == 200
    assert "GET /my/tokens/42 200" in logged()
    with app.app_context():
        assert logsafe.redact("/stores/batik-sari?q=token") == "/stores/batik-sari?q=token"  # others untouched
