"""The opt-in to notices by WhatsApp (issue #22): the page /account/notifications and the API
/api/v1/me/notifications, the opt-out, STOP by number, the admin's outbox per channel, and the
checkout's statements for an opted-in shopper (one more) and an opted-out one (none more)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from marketplace import plugin_api
from marketplace.accounts import notice_prefs
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from tests.agency_support import login, text
from tests.buying_factories import SHIPPING, buy, fill_cart, gen_listing, gen_shopper
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.channel_plugin import CHANNEL_ID, NUMBER, FakeChannelPlugin, opt_in, permanent
from tests.channel_plugin import channel_plugin as channel_plugin
from tests.factories import gen_user
from tests.integration.test_checkout_statements import statements_of


def _user(email: str = "siti@test.id") -> User:
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.email == email)).one()


def _audits(action: str) -> int:
    return len(db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all())


# --- the page ------------------------------------------------------------------------------


def test_the_page_opts_in_with_a_number_and_consent_and_stops(channel_plugin, cod_app):
    gen_shopper(email="siti@test.id")
    db.session.commit()
    client = cod_app.test_client()
    login(client, "siti@test.id")
    page = client.get("/account/notifications")
    assert page.status_code == 200 and "BERHENTI" in text(page) and "belum tersedia" not in text(page)
    response = client.post("/account/notifications", data={"whatsapp": "0812-3456-7890", "consent": "y"})
    assert response.status_code == 302
    user = _user()
    assert (user.whatsapp, user.whatsapp_opt_in_at is not None) == (NUMBER, True)
    assert _audits("notices.opt_in") == 1
    page = client.get("/account/notifications")
    assert "0812-3456-7890" in text(page) and "Berhenti" in text(page)
    response = client.post("/account/notifications", data={"stop-submit": "1"})
    assert response.status_code == 302
    user = _user()
    assert (user.whatsapp, user.whatsapp_opt_in_at) == (None, None)
    assert _audits("notices.opt_out") == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"whatsapp": "12345", "consent": "y"}, "whatsapp", "Nomor telepon tidak valid"),
        ({"whatsapp": "", "consent": "y"}, "whatsapp", "Wajib diisi"),
        ({"whatsapp": "0812-3456-7890"}, "consent", "Centang persetujuan"),
        ({"whatsapp": "0812\x003456", "consent": "y"}, "whatsapp", ""),
    ],
)
def test_bad_input_on_the_page_changes_nothing(channel_plugin, cod_app, data, field, message):
    user = gen_shopper(email="siti@test.id")
    opt_in(user, "+6281298765432")
    client = cod_app.test_client()
    login(client, "siti@test.id")
    response = client.post("/account/notifications", data=data)
    assert response.status_code == 422
    if message:  # (a NUL is refused before the form reads it)
        assert message in text(response) and f'id="{field}-error"' in response.get_data(as_text=True)
    assert _user().whatsapp == "+6281298765432"
    assert _audits("notices.opt_in") == 0


def test_without_a_channel_the_page_says_so_and_refuses(cod_app):
    gen_shopper(email="siti@test.id")
    db.session.commit()
    client = cod_app.test_client()
    login(client, "siti@test.id")
    page = client.get("/account/notifications")
    assert "Notifikasi WhatsApp belum tersedia" in text(page)
    assert '<fieldset class="plain" disabled>' in page.get_data(as_text=True)
    response = client.post("/account/notifications", data={"whatsapp": "0812-3456-7890", "consent": "y"})
    assert response.status_code == 409
    assert _user().whatsapp is None


def test_the_account_page_and_menu_link_to_it(channel_plugin, cod_app):
    gen_shopper(email="siti@test.id")
    db.session.commit()
    client = cod_app.test_client()
    login(client, "siti@test.id")
    html = client.get("/account").get_data(as_text=True)
    assert html.count('href="/account/notifications"') == 2  # the account menu and the page


# --- the API -------------------------------------------------------------------------------


def _token(email: str = "siti@test.id") -> dict:
    user = _user(email)
    token = api_tokens.issue_token(user)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_api_reads_opts_in_and_out(channel_plugin, cod_app):
    gen_shopper(email="siti@test.id")
    db.session.commit()
    client, headers = cod_app.test_client(), _token()
    answer = client.get("/api/v1/me/notifications", headers=headers)
    assert answer.get_json() == {"whatsapp": None, "whatsapp_opt_in": False, "available": True}
    answer = client.put(
        "/api/v1/me/notifications", headers=headers, json={"whatsapp": "0812 3456 7890", "whatsapp_opt_in": True}
    )
    assert answer.status_code == 200
    assert answer.get_json() == {"whatsapp": NUMBER, "whatsapp_opt_in": True, "available": True}
    assert _user().whatsapp_opt_in_at is not None
    answer = client.put("/api/v1/me/notifications", headers=headers, json={"whatsapp_opt_in": False})
    assert answer.get_json() == {"whatsapp": None, "whatsapp_opt_in": False, "available": True}
    assert (_user().whatsapp, _user().whatsapp_opt_in_at) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"whatsapp": "12345", "whatsapp_opt_in": True}, "whatsapp"),
        ({"whatsapp_opt_in": True}, "whatsapp"),
        ({"whatsapp": NUMBER}, "whatsapp_opt_in"),
        ({"whatsapp": NUMBER, "whatsapp_opt_in": "yes"}, "whatsapp_opt_in"),
        ({"whatsapp": 812345678, "whatsapp_opt_in": True}, "whatsapp"),
    ],
)
def test_bad_input_on_the_api_is_422_and_changes_nothing(channel_plugin, cod_app, body, field):
    opt_in(gen_shopper(email="siti@test.id"), "+6281298765432")
    client, headers = cod_app.test_client(), _token()
    answer = client.put("/api/v1/me/notifications", headers=headers, json=body)
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]
    assert _user().whatsapp == "+6281298765432"


def test_the_api_is_409_when_no_channel_is_enabled(cod_app):
    gen_shopper(email="siti@test.id")
    db.session.commit()
    client, headers = cod_app.test_client(), _token()
    assert client.get("/api/v1/me/notifications", headers=headers).get_json()["available"] is False
    answer = client.put("/api/v1/me/notifications", headers=headers, json={"whatsapp": NUMBER, "whatsapp_opt_in": True})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "no_channel"
    assert _user().whatsapp is None
    answer = client.put("/api/v1/me/notifications", headers=headers, json={"whatsapp_opt_in": False})
    assert answer.status_code == 200  # opting out is always allowed


def test_anonymous_gets_401_and_a_redirect(cod_app):
    client = cod_app.test_client()
    assert client.get("/api/v1/me/notifications").status_code == 401
    assert client.put("/api/v1/me/notifications", json={"whatsapp_opt_in": False}).status_code == 401
    response = client.get("/account/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- STOP by number ------------------------------------------------------------------------


def test_stop_from_a_number_opts_its_users_out(channel_plugin):
    opt_in(gen_shopper(email="siti@test.id"))
    opt_in(gen_shopper(email="rina@test.id", name="Rina"), "+6281298765432")
    assert notice_prefs.opt_out_number("0812-3456-7890") == 1
    db.session.commit()
    assert (_user().whatsapp, _user().whatsapp_opt_in_at) == (None, None)
    assert _user("rina@test.id").whatsapp_opt_in_at is not None
    assert notice_prefs.opt_out_number("0812-3456-7890") == 0  # nobody left on it
    assert notice_prefs.opt_out_number("not a number") == 0
    assert _audits("notices.opt_out") == 1


# --- the admin's outbox --------------------------------------------------------------------


def test_the_admin_outbox_counts_per_channel_and_retries_a_channel_row(channel_plugin, cod_app, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    channel_plugin.channel.failures.append(permanent())
    buy(shopper, (gen_listing(), 1))
    gen_user("admin@test.id", role="admin")
    db.session.commit()
    client = cod_app.test_client()
    login(client, "admin@test.id")
    html = client.get("/agency/outbox").get_data(as_text=True)
    assert f'id="channel-{CHANNEL_ID}"' in html and 'id="count-held"' in html and 'id="count-skipped"' in html
    [failed] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == CHANNEL_ID)).all()
    assert f'id="message-{failed.id}"' in html
    response = client.post(f"/agency/outbox/{failed.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert (db.session.get(OutboxMessage, failed.id).status, channel_plugin.channel.sent[0][0]) == ("sent", NUMBER)


# --- the checkout's statements -------------------------------------------------------------


@pytest.fixture
def two_shoppers(make_app, tmp_path):
    app = make_app(plugins="cash_on_delivery", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    app.test_client_class = FlaskClient
    plugin_api.register(app, FakeChannelPlugin(), CHANNEL_ID)
    tokens = {}
    for email, name in (("siti@test.id", "Kain Batik"), ("rina@test.id", "Teh Poci")):
        with app.app_context():  # one context each: the cart is kept on g
            shopper = gen_user(email)
            fill_cart(shopper, (gen_listing(name=name), 2))
            tokens[email] = api_tokens.issue_token(shopper)
            if email == "rina@test.id":
                opt_in(shopper)
            db.session.commit()
            db.session.remove()
    yield app, tokens


def test_an_opted_in_shopper_costs_the_checkout_one_statement(two_shoppers):
    app, tokens = two_shoppers
    counts = {}
    for email, token in tokens.items():
        client = app.test_client()
        response, statements = statements_of(
            app,
            lambda token=token, client=client: client.post(
                "/api/v1/checkout",
                headers={"Authorization": f"Bearer {token}"},
                json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
            ),
        )
        assert response.status_code == 201, (email, response.get_json())
        counts[email] = statements
    assert len(counts["rina@test.id"]) == len(counts["siti@test.id"]) + 1
    [extra] = [s for s in counts["rina@test.id"] if s.startswith("INSERT INTO outbox_messages") and "RETURNING" in s]
    assert extra
