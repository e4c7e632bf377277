"""Account pages: sign up, sign in and out, sessions, profile, password change and reset."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.clock import now
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_user

NEW_PASSWORD = "barubaru123"


def stored(email: str) -> User | None:
    db.session.rollback()  # a new transaction sees what the requests committed
    return db.session.scalar(select(User).where(User.email == email))


def user_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(User.id)))


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def login(client, email="budi@test.id", password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def text(response) -> str:
    return response.get_data(as_text=True)


def error_next_to(response, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', text(response))
    return match.group(1) if match else ""


# --- sign up ---------------------------------------------------------------------


def test_visitor_signs_up_as_a_shopper_and_is_signed_in(client):
    page = client.get("/register")
    assert page.status_code == 200
    for name in ("name", "email", "password", "password_confirm"):
        assert f'name="{name}"' in text(page)
    response = client.post(
        "/register",
        data={"name": "Siti Aminah", "email": "Siti@Test.id", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 302
    assert stored("siti@test.id").roles == ["shopper"]
    assert signed_in(client)


def test_taken_email_is_shown_next_to_the_field_and_input_kept(client):
    gen_user("budi@test.id")
    response = client.post(
        "/register",
        data={"name": "Budi Lain", "email": "BUDI@test.id", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert response.status_code == 422
    assert error_next_to(response, "email") == "E-mail ini sudah terdaftar."
    assert 'value="Budi Lain"' in text(response)
    assert 'value="BUDI@test.id"' in text(response)
    assert user_count() == 1
    assert not signed_in(client)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "bukan-email"}, "email", "Alamat e-mail tidak valid."),
        ({"password": "pendek", "password_confirm": "pendek"}, "password", "Kata sandi minimal 8 karakter."),
        ({"password_confirm": "lainlain123"}, "password_confirm", "Kedua kata sandi tidak sama."),
        ({"name": ""}, "name", "Wajib diisi."),
    ],
)
def test_bad_sign_up_is_422_with_the_error_next_to_the_field(client, data, field, message):
    form = {"name": "Siti", "email": "siti@test.id", "password": PASSWORD, "password_confirm": PASSWORD, **data}
    response = client.post("/register", data=form)
    assert response.status_code == 422
    assert error_next_to(response, field) == message
    assert user_count() == 0


# --- sign in and out -------------------------------------------------------------


def test_shopper_signs_in_and_out(client):
    gen_user("budi@test.id")
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="email"' in text(page) and 'name="password"' in text(page)
    assert not signed_in(client)
    response = login(client)
    assert response.status_code == 302
    assert signed_in(client)
    assert "Keluar" in text(client.get("/logout"))  # GET only asks
    assert signed_in(client)
    assert client.post("/logout").status_code == 302
    assert not signed_in(client)


def test_wrong_password_is_refused_with_one_vague_message(client):
    gen_user("budi@test.id")
    for email, password in (("budi@test.id", "salah12345"), ("siapa@test.id", PASSWORD)):
        response = login(client, email, password)
        assert response.status_code == 401
        assert "E-mail atau kata sandi salah." in text(response)
        assert f'value="{email}"' in text(response)
        assert not signed_in(client)


def test_signing_in_renews_the_session_but_keeps_the_language(client):
    user = gen_user("budi@test.id")
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "dari penyerang"
        session["lang"] = "en"
    before = client.get_cookie("session").value
    login(client)
    after = client.get_cookie("session").value
    assert before != after
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"
        assert session["_user_id"] == f"{user.id}:1:{session['sid']}"  # user, version, this session's id


def test_remember_me_survives_a_closed_browser_and_logout_ends_it(client):
    gen_user("budi@test.id")
    login(client, remember="y")
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser was closed
    assert signed_in(client)
    client.post("/logout")
    client.delete_cookie("session")
    assert not signed_in(client)


def test_account_pages_send_visitors_to_login_and_back(client):
    gen_user("budi@test.id")
    response = client.get("/account")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert "next=%2Faccount" in location.query
    response = client.post("/login?next=%2Faccount%3Ftab%3D1", data={"email": "budi@test.id", "password": PASSWORD})
    assert response.headers["Location"] == "/account?tab=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "http:evil.example",
        "evil.example",
    ],
)
def test_next_never_leads_off_the_site(app, client, target):
    gen_user("budi@test.id")
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "budi@test.id", "password": PASSWORD}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    with app.test_request_context():
        from flask import url_for

        assert location == url_for("catalog.home")


# --- profile -----------------------------------------------------------------------


def test_phone_is_stored_e164_and_shown_national(client):
    gen_user("budi@test.id")
    login(client)
    response = client.post("/account", data={"name": "Budi Santoso", "phone": "0812 3456 7890", "locale": "en"})
    assert response.status_code == 302
    user = stored("budi@test.id")
    assert (user.phone, user.locale) == ("+6281234567890", "en")
    with client.session_transaction() as session:
        assert session["lang"] == "en"
    assert 'value="0812-3456-7890"' in text(client.get("/account"))


@pytest.mark.parametrize(
    "data, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        ({"locale": "fr"}, "locale"),
    ],
)
def test_bad_profile_is_422_and_nothing_written(client, data, field):
    gen_user("budi@test.id", phone="081234567890")
    login(client)
    form = {"name": "Nama Baru", "phone": "0857-1234-5678", "locale": "id", **data}
    response = client.post("/account", data=form)
    assert response.status_code == 422
    assert error_next_to(response, field)
    user = stored("budi@test.id")
    assert (user.name, user.phone, user.locale) == ("Budi Santoso", "+6281234567890", None)


# --- password change -----------------------------------------------------------------


def test_password_change_ends_other_sessions_and_tokens_but_not_this_one(app, client, api, outbox):
    gen_user("budi@test.id")
    laptop, phone = client, app.test_client()
    login(laptop)
    login(phone, remember="y")
    token = api.token("budi@test.id")
    assert api.get("/me", token=token).status_code == 200

    response = laptop.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert signed_in(laptop)
    assert not signed_in(phone)  # neither its session nor its remember-me cookie works
    assert api.get("/me", token=token).status_code == 401
    assert api.get("/me", token=api.token("budi@test.id", NEW_PASSWORD)).status_code == 200
    assert login(app.test_client()).status_code == 401
    assert [m["To"] for m in outbox] == ["budi@test.id"]


def test_password_change_renews_this_browsers_remember_me(client):
    gen_user("budi@test.id")
    login(client, remember="y")
    client.post(
        "/account/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    client.delete_cookie("session")  # the browser was closed
    assert signed_in(client)


def test_password_change_needs_the_current_password(client):
    gen_user("budi@test.id")
    login(client)
    response = client.post(
        "/account/password",
        data={"current_password": "salah12345", "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert error_next_to(response, "current_password") == "Kata sandi saat ini salah."
    assert stored("budi@test.id").check_password(PASSWORD)
    assert signed_in(client)


# --- forgotten password -------------------------------------------------------------


def reset_link(message) -> str:
    url = re.search(r"http://localhost(/password/reset/\S+)", message.get_content()).group(1)
    return url


def test_password_reset_end_to_end(app, client, outbox):
    gen_user("budi@test.id")
    response = client.post("/password/forgot", data={"email": "Budi@test.id"})
    assert response.status_code == 302
    assert len(outbox) == 1
    assert outbox[0]["To"] == "budi@test.id"
    link = reset_link(outbox[0])

    page = client.get(link)
    assert page.status_code == 200
    assert 'name="password"' in text(page)
    mismatch = client.post(link, data={"password": NEW_PASSWORD, "password_confirm": "lainlain123"})
    assert mismatch.status_code == 422
    assert client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 302

    assert login(client, password=PASSWORD).status_code == 401
    assert login(client, password=NEW_PASSWORD).status_code == 302
    used = client.get(link)
    assert used.status_code == 404
    assert "sudah dipakai" in text(used)
    assert client.post(link, data={"password": "ketiga12345", "password_confirm": "ketiga12345"}).status_code == 404
    assert stored("budi@test.id").check_password(NEW_PASSWORD)
    assert len(outbox) == 2  # the "your password was changed" notice


def test_expired_reset_link_says_so(app, client, outbox):
    gen_user("budi@test.id")
    client.post("/password/forgot", data={"email": "budi@test.id"})
    link = reset_link(outbox[0])
    with time_machine.travel(now() + timedelta(seconds=app.config["PASSWORD_RESET_MAX_AGE"] + 60)):
        response = client.get(link)
        assert response.status_code == 422
        assert "Tautan sudah kedaluwarsa. Minta tautan baru." in text(response)
        assert 'href="/password/forgot"' in text(response)
        client.post(link, data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert stored("budi@test.id").check_password(PASSWORD)


def test_forged_reset_link_is_not_found(client):
    gen_user("budi@test.id")
    assert client.get("/password/reset/bukan-token").status_code == 404


def test_forgot_password_answers_the_same_for_unknown_emails(client, outbox):
    gen_user("budi@test.id")
    known = client.post("/password/forgot", data={"email": "budi@test.id"}, follow_redirects=True)
    unknown = client.post("/password/forgot", data={"email": "siapa@test.id"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert [r.request.path for r in known.history] == [r.request.path for r in unknown.history]
    assert text(known) == text(unknown)
    assert "Jika e-mail itu terdaftar" in text(unknown)
    assert len(outbox) == 1


def test_reset_link_uses_base_url_not_the_host_header(make_app, outbox):
    # evil.example made a trusted host, so the request gets through (tests/integration/test_base_url.py)
    app = make_app(BASE_URL="https://pasar.tegalkota.go.id", TRUSTED_HOSTS="evil.example")
    with app.app_context():
        gen_user("budi@test.id")
    app.test_client().post("/password/forgot", data={"email": "budi@test.id"}, headers={"Host": "evil.example"})
    assert "https://pasar.tegalkota.go.id/password/reset/" in outbox[0].get_content()
    assert "evil" not in outbox[0].get_content()
