"""Accounts and limits (issue 15): sign-in answers and work that do not tell which addresses have
accounts, failed passwords counted per address with growing waits, API tokens that expire and can be
listed and revoked, and the e-mail confirmation that opening a store and uploading photos wait for."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from marketplace import jobs, mail
from marketplace.accounts import mails, services
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.models import ApiToken, SignInFailure, User
from marketplace.clock import now
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

WRONG = "salah-sekali"


@pytest.fixture
def hash_checks(monkeypatch):
    """Every password hash check the accounts services run, as (hash method) entries."""
    calls = []
    real = services.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return calls


def text(response) -> str:
    return response.get_data(as_text=True)


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def fresh(obj):
    db.session.rollback()
    return db.session.get(type(obj), obj.id)


# --- (a) the same work whether or not an account has the address ---------------------


def test_token_endpoint_does_the_same_work_for_unknown_and_known_addresses(app, api, hash_checks, count_queries):
    gen_user("budi@test.id")
    inactive = gen_user("lama@test.id")
    inactive.active = False
    db.session.commit()
    answers, statements = {}, {}
    for email in ("budi@test.id", "siapa@test.id", "lama@test.id"):
        hash_checks.clear()
        with count_queries() as counted:
            response = api.post("/auth/tokens", {"email": email, "password": WRONG})
        answers[email] = (response.status_code, response.get_json())
        statements[email] = len(counted.statements)
        assert len(hash_checks) == 1, email  # one hash check, of the configured method, every time
        assert hash_checks[0] == app.config["PASSWORD_HASH_METHOD"], email
    assert len(set(map(repr, answers.values()))) == 1
    assert answers["budi@test.id"][0] == 401
    assert len(set(statements.values())) == 1, statements


def test_login_page_does_the_same_work_for_unknown_and_known_addresses(client, hash_checks):
    gen_user("budi@test.id")
    pages = {}
    for email in ("budi@test.id", "siapa@test.id"):
        hash_checks.clear()
        response = login(client, email, WRONG)
        assert response.status_code == 401
        assert len(hash_checks) == 1
        pages[email] = text(response).replace(email, "EMAIL")
    assert re.sub(r'value="[^"]{40,}"', "", pages["budi@test.id"]) == re.sub(
        r'value="[^"]{40,}"', "", pages["siapa@test.id"]
    )  # the same page but for the CSRF token


def test_forgot_password_renders_the_same_mail_either_way_and_sends_only_to_the_account(
    make_app, outbox, monkeypatch, tmp_path
):
    """Counted as in production: the request queues a job either way (the queue is a file here,
    not run in the request); the job writes and sends only the real account's message."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    client = app.test_client()
    with app.app_context():
        gen_user("budi@test.id")
        engine = db.engine
    rendered, answers, statements = [], [], []
    real = mails.render_template
    monkeypatch.setattr(mails, "render_template", lambda *a, **kw: rendered.append(a[0]) or real(*a, **kw))
    counted: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: counted.append(args[2]))
    for email in ("budi@test.id", "siapa@test.id"):
        counted.clear()
        response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
        answers.append(text(response))
        statements.append(len(counted))
    assert rendered == ["accounts/mail/password_reset.txt"] * 2
    assert statements[0] == statements[1]
    assert "Jika e-mail itu terdaftar" in answers[0] and "Jika e-mail itu terdaftar" in answers[1]
    huey = jobs.huey_for(app)
    assert huey.pending_count() == 2 and outbox == []
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    mail.flush()
    assert [m["To"] for m in outbox] == ["budi@test.id"]


def test_dummy_hash_is_made_like_real_ones(app):
    user = gen_user("budi@test.id")
    method = app.config["PASSWORD_HASH_METHOD"]
    assert services._dummy_hash(method).split("$")[0] == user.password_hash.split("$")[0] == method


# --- (c) failed passwords counted per address, growing bounded waits ------------------------


def test_after_five_wrong_passwords_even_the_right_one_waits_a_minute(api):
    gen_user("budi@test.id")
    for _ in range(5):
        assert api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG}).status_code == 401
    response = api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited" and "Coba lagi dalam 1 menit" in error["message"]
    with time_machine.travel(now() + timedelta(seconds=61)):
        assert api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD}).status_code == 201
    db.session.rollback()
    assert db.session.scalars(select(SignInFailure)).all() == []  # a success forgets the failures


def test_the_count_is_shared_by_the_login_page_the_api_and_password_change(client, api):
    budi = gen_user("budi@test.id")
    browser = client.application.test_client()
    login(browser, "budi@test.id")  # budi's own signed-in browser
    change = {"current_password": WRONG, "password": "barubaru123", "password_confirm": "barubaru123"}
    for _ in range(2):
        assert login(client, "Budi@test.id", WRONG).status_code == 401
    for _ in range(2):
        assert api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG}).status_code == 401
    assert browser.post("/account/password", data=change).status_code == 422  # the fifth failure

    page = login(client, "budi@test.id", PASSWORD)
    assert page.status_code == 429
    assert "Terlalu banyak percobaan kata sandi yang salah" in text(page)
    assert 1 <= int(page.headers["Retry-After"]) <= 60
    assert api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD}).status_code == 429
    blocked = browser.post("/account/password", data={**change, "current_password": PASSWORD})
    assert blocked.status_code == 429
    assert fresh(budi).check_password(PASSWORD)


def test_strangers_guesses_do_not_keep_the_owner_out_of_a_browser_they_signed_in_from(client, api):
    gen_user("budi@test.id")
    assert login(client, "budi@test.id").status_code == 302  # budi's own phone, signed in before
    client.post("/logout")
    for _ in range(5):  # someone else guesses from elsewhere
        api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG})
    stranger = client.application.test_client()
    assert login(stranger, "budi@test.id").status_code == 429
    assert login(client, "budi@test.id", WRONG).status_code == 401  # the phone is still asked the password
    assert login(client, "budi@test.id").status_code == 302
    assert login(stranger, "budi@test.id").status_code == 302  # the owner's success cleared the count


def test_unknown_addresses_wait_the_same_way(api):
    for _ in range(5):
        api.post("/auth/tokens", {"email": "siapa@test.id", "password": WRONG})
    assert api.post("/auth/tokens", {"email": "siapa@test.id", "password": WRONG}).status_code == 429


def test_waits_grow_but_are_capped(app, api):
    gen_user("budi@test.id")
    assert [services.block_minutes(n) for n in range(1, 12)] == [0, 0, 0, 0, 1, 2, 4, 8, 15, 15, 15]
    assert services.block_minutes(10_000) == services.MAX_BLOCK_MINUTES
    moment = now()
    for minutes in (1, 2, 4, 8, 15, 15):
        with time_machine.travel(moment):
            while True:
                response = api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG})
                if response.status_code == 429:
                    break
        assert int(response.headers["Retry-After"]) == minutes * 60
        moment += timedelta(minutes=minutes, seconds=1)
    with time_machine.travel(moment):  # the cap passed: the owner gets in with the right password
        assert api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD}).status_code == 201


def test_a_quiet_day_forgets_old_failures(api):
    gen_user("budi@test.id")
    for _ in range(4):
        api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG})
    with time_machine.travel(now() + timedelta(hours=25)):
        for _ in range(4):
            assert api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG}).status_code == 401
        assert api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD}).status_code == 201


def test_a_password_reset_ends_the_wait(client, api, outbox):
    gen_user("budi@test.id")
    for _ in range(5):
        api.post("/auth/tokens", {"email": "budi@test.id", "password": WRONG})
    client.post("/password/forgot", data={"email": "budi@test.id"})
    link = re.search(r"http://[^\s]+/password/reset/\S+", outbox[-1].get_content()).group(0)
    path = link.split("localhost", 1)[1]
    client.post(path, data={"password": "barubaru123", "password_confirm": "barubaru123"})
    assert api.post("/auth/tokens", {"email": "budi@test.id", "password": "barubaru123"}).status_code == 201


# --- (b) API tokens: expiry, list, revoke ---------------------------------------------


def test_tokens_are_listed_without_their_secret_and_one_is_current(api):
    gen_user("budi@test.id")
    phone = api.client.post(
        "/api/v1/auth/tokens",
        json={"email": "budi@test.id", "password": PASSWORD},
        headers={"User-Agent": "ApikKasir/2.1 (Android 13)"},
    )
    assert phone.status_code == 201
    issued = phone.get_json()
    assert set(issued) == {"token", "id", "expires_at"}
    laptop = api.post("/auth/tokens", {"email": "budi@test.id", "password": PASSWORD, "label": "Laptop kantor"})
    body = api.get("/me/tokens", token=laptop.get_json()["token"]).get_json()
    assert sorted((t["label"], t["current"]) for t in body["items"]) == [
        ("ApikKasir/2.1 (Android 13)", False),
        ("Laptop kantor", True),
    ]
    for item in body["items"]:
        assert set(item) == {"id", "label", "created_at", "last_used_at", "expires_at", "current"}
    assert issued["token"] not in text(api.get("/me/tokens", token=issued["token"]))


def test_a_user_revokes_one_token_and_only_their_own(api):
    gen_user("budi@test.id")
    gen_user("rina@test.id")
    first, second = api.token("budi@test.id"), api.token("budi@test.id")
    rinas = api.token("rina@test.id")
    rina_id = api.get("/me/tokens", token=rinas).get_json()["items"][0]["id"]
    first_id = [t["id"] for t in api.get("/me/tokens", token=first).get_json()["items"] if t["current"]][0]

    assert api._call("delete", f"/me/tokens/{rina_id}", token=first).status_code == 404
    assert api.get("/me", token=rinas).status_code == 200  # untouched
    assert api._call("delete", "/me/tokens/99999999999999999999", token=first).status_code == 404

    assert api._call("delete", f"/me/tokens/{first_id}", token=second).status_code == 204
    assert api.get("/me", token=first).status_code == 401
    assert api.get("/me", token=second).status_code == 200
    assert api._call("delete", f"/me/tokens/{first_id}", token=second).status_code == 404  # already gone


def test_signing_out_of_the_api_revokes_the_token_used(api):
    gen_user("budi@test.id")
    token, other = api.token("budi@test.id"), api.token("budi@test.id")
    assert api._call("delete", "/auth/tokens/current", token=token).status_code == 204
    assert api.get("/me", token=token).status_code == 401
    assert api.get("/me", token=other).status_code == 200


def test_a_token_expires_after_30_idle_days_and_use_slides_it(api):
    gen_user("budi@test.id")
    token = api.token("budi@test.id")
    start = now()
    with time_machine.travel(start + timedelta(days=29)):
        assert api.get("/me", token=token).status_code == 200  # use: 30 more days
    with time_machine.travel(start + timedelta(days=58)):
        assert api.get("/me", token=token).status_code == 200
    with time_machine.travel(start + timedelta(days=89)):
        assert api.get("/me", token=token).status_code == 401


def test_a_used_token_still_ends_at_its_maximum_age(app, api):
    app.config["API_TOKEN_MAX_DAYS"] = 50
    gen_user("budi@test.id")
    token = api.token("budi@test.id")
    start = now()
    for day in (20, 40):
        with time_machine.travel(start + timedelta(days=day)):
            assert api.get("/me", token=token).status_code == 200
    with time_machine.travel(start + timedelta(days=50, minutes=1)):
        assert api.get("/me", token=token).status_code == 401


def test_use_is_written_at_most_once_an_hour(api, count_queries):
    gen_user("budi@test.id")
    token = api.token("budi@test.id")

    def writes_of(when) -> list[str]:
        with time_machine.travel(when), count_queries() as counted:
            assert api.get("/me", token=token).status_code == 200
        return [s for s in counted.statements if s.lstrip().upper().startswith("UPDATE")]

    start = now()
    assert writes_of(start + timedelta(minutes=30)) == []
    assert len(writes_of(start + timedelta(minutes=90))) == 1
    assert writes_of(start + timedelta(minutes=120)) == []
    db.session.rollback()
    row = db.session.scalar(select(ApiToken))
    assert row.last_used_at >= start + timedelta(minutes=89)
    assert row.expires_at >= start + timedelta(days=30, minutes=89)


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_the_token_page_lists_and_revokes_with_csrf(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        budi, rina = gen_user("budi@test.id"), gen_user("rina@test.id")
        token, rinas = api_tokens.issue_token(budi, "Kasir toko"), api_tokens.issue_token(rina)
        db.session.commit()
        rina_id = api_tokens.token_id_of(rina, rinas)
    client = app.test_client()
    csrf = CSRF.search(text(client.get("/login"))).group(1)
    client.post("/login", data={"email": "budi@test.id", "password": PASSWORD, "csrf_token": csrf})
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "Kasir toko" in text(page) and token not in text(page)
    assert '<meta name="viewport" content="width=device-width' in text(page) and "<table" not in text(page)
    action = re.search(r'action="(/account/tokens/\d+/revoke)"', text(page)).group(1)
    csrf = CSRF.search(text(page)).group(1)

    def me(bearer) -> int:
        return client.get("/api/v1/me", headers={"Authorization": f"Bearer {bearer}"}).status_code

    assert client.post(action).status_code in (302, 400)  # without the CSRF token: nothing revoked
    assert me(token) == 200
    assert client.post(f"/account/tokens/{rina_id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert me(rinas) == 200

    response = client.post(action, data={"csrf_token": csrf}, follow_redirects=True)
    assert response.status_code == 200 and "Token dicabut" in text(response)
    assert me(token) == 401


# --- (d) e-mail confirmation ------------------------------------------------------------------


def confirmation_path(message) -> str:
    return re.search(r"http://localhost(/account/confirm/\S+)", message.get_content()).group(1)


STORE = {"name": "Batik Siti", "sector": "fesyen", "city": "Kota Tegal"}


def test_a_new_seller_confirms_the_address_before_opening_a_store(client, outbox):
    client.post(
        "/register",
        data={"name": "Siti Aminah", "email": "siti@test.id", "password": PASSWORD, "password_confirm": PASSWORD},
    )
    assert [m["Subject"] for m in outbox] == ["Konfirmasi e-mail Apik Market Anda"]
    form = client.get("/seller/stores/new")
    assert 'href="/account/email"' in text(form)
    refused = client.post("/seller/stores/new", data=STORE)
    assert refused.status_code == 403
    assert "Konfirmasi alamat e-mail Anda dulu" in text(refused)
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "siti@test.id")).email_confirmed_at is None

    confirmed = client.get(confirmation_path(outbox[0]))
    assert confirmed.status_code == 200 and "sudah dikonfirmasi" in text(confirmed)
    opened = client.post("/seller/stores/new", data=STORE)
    assert opened.status_code == 302


def test_api_sign_up_mails_the_link_and_the_api_refuses_a_store_until_confirmed(client, api, outbox):
    response = api.post("/auth/register", {"email": "siti@test.id", "password": PASSWORD, "name": "Siti"})
    assert response.get_json()["email_confirmed"] is False
    token = api.token("siti@test.id")
    refused = api.post("/stores", STORE, token=token)
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "email_not_confirmed" and "/api/v1/me/email-confirmation" in error["message"]
    assert api.post("/me/email-confirmation", {}, token=token).status_code == 202
    assert len(outbox) == 2
    client.get(confirmation_path(outbox[-1]))
    assert api.post("/stores", STORE, token=token).status_code == 201
    assert api.post("/me/email-confirmation", {}, token=token).get_json() == {"email_confirmed": True}


def test_photo_uploads_wait_for_the_confirmation(api):
    store = gen_store(gen_user("penjual@test.id", role="seller"))
    product = gen_product(store)
    token = api.token("penjual@test.id")
    owner = db.session.get(User, store.owner_id)
    owner.email_confirmed_at = None
    db.session.commit()
    response = api.post(
        f"/products/{product.id}/images",
        token=token,
        data={"photo": (image_bytes(), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "email_not_confirmed"
    from marketplace.catalog import services as catalog
    from marketplace.stores import services as stores

    for upload in (
        lambda: stores.set_logo(store, owner, image_bytes()),
        lambda: catalog.add_image(product, owner, image_bytes()),
    ):
        with pytest.raises(services.EmailNotConfirmed):
            upload()


def test_resending_is_limited(make_app, monkeypatch):
    sent = []
    monkeypatch.setattr(mail, "deliver", sent.append)
    app = make_app(RATELIMIT_ENABLED=True)
    email = f"siti.{secrets.token_hex(4)}@test.id"  # counts may live in a Redis shared with other runs
    with app.app_context():
        gen_user(email, confirmed=False)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    login(client, email)
    page = client.get("/account/email")
    assert "belum dikonfirmasi" in text(page)
    answers = [client.post("/account/email").status_code for _ in range(4)]
    assert answers == [302, 302, 302, 429]
    assert len(sent) == 3


def test_bad_and_expired_links(app, client):
    user = gen_user("siti@test.id", confirmed=False)
    token = services.email_confirmation_token(user)
    assert client.get("/account/confirm/palsu").status_code == 404
    with time_machine.travel(now() + timedelta(days=4)):
        expired = client.get(f"/account/confirm/{token}")
    assert expired.status_code == 422 and 'href="/account/email"' in text(expired)
    assert fresh(user).email_confirmed_at is None


def test_operators_demo_and_factory_users_are_confirmed(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "petugas@test.id", "--password", PASSWORD, "--role", "agency"]
    )
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "petugas@test.id")).email_confirmed_at is not None
    assert gen_user().email_confirmed_at is not None
    assert gen_user(confirmed=False).email_confirmed_at is None
