"""JSON API: sign up, bearer tokens, /me — and CSRF applies to pages, not to the API."""

import re

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_store, gen_user


def user_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(User.id)))


def test_shopper_signs_up_gets_a_token_and_sees_themself(api):
    response = api.post("/auth/register", {"email": "Siti@Test.id", "password": PASSWORD, "name": "Siti Aminah"})
    assert response.status_code == 201
    assert response.get_json() == {
        "email": "siti@test.id",
        "name": "Siti Aminah",
        "roles": ["shopper"],
        "email_confirmed": False,
    }

    token = api.token("siti@test.id")
    me = api.get("/me", token=token)
    assert me.status_code == 200
    assert me.get_json() == {
        "email": "siti@test.id",
        "name": "Siti Aminah",
        "roles": ["shopper"],
        "email_confirmed": False,
        "stores": [],
    }


def test_me_lists_the_sellers_stores_with_their_status(app, api):
    seller = gen_user("penjual@test.id", role="seller", name="Pak Darto")
    gen_store(seller, name="Batik Sari")
    gen_store(seller, name="Logam Jaya", approved=False, sector="logam-furnitur")
    body = api.get("/me", token=api.token("penjual@test.id")).get_json()
    assert body["roles"] == ["shopper", "seller"]
    assert body["stores"] == [
        {"slug": "batik-sari", "name": "Batik Sari", "status": "approved"},
        {"slug": "logam-jaya", "name": "Logam Jaya", "status": "pending"},
    ]


def test_taken_email_is_a_conflict_naming_the_field(app, api):
    gen_user("budi@test.id")
    response = api.post("/auth/register", {"email": "BUDI@test.id", "password": PASSWORD, "name": "Budi"})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert "email" in error["fields"]
    assert user_count() == 1


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"email": "bukan-email", "password": PASSWORD, "name": "Budi"}, {"email"}),
        ({"email": "budi@test.id", "password": "pendek", "name": "Budi"}, {"password"}),
        ({"email": "budi@test.id", "password": PASSWORD, "name": ""}, {"name"}),
        ({}, {"email", "password", "name"}),
        ({"email": 12, "password": ["x"], "name": "Budi"}, {"email", "password"}),
    ],
)
def test_bad_sign_up_is_422_with_fields_and_writes_nothing(api, body, fields):
    response = api.post("/auth/register", body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert user_count() == 0


def test_body_must_be_a_json_object(api):
    assert api.post("/auth/register", ["a"]).status_code == 422
    response = api.client.post("/api/v1/auth/tokens", data="email=x", content_type="text/plain")
    assert response.status_code == 422
    assert "body" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"email": "budi@test.id", "password": "salah12345"},
        {"email": "siapa@test.id", "password": PASSWORD},
        {"email": "budi@test.id"},
    ],
)
def test_wrong_credentials_are_401_in_the_error_shape(app, api, body):
    gen_user("budi@test.id")
    response = api.post("/auth/tokens", body)
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthorized", "message": "E-mail atau kata sandi salah.", "fields": {}}
    }


def test_me_needs_a_valid_token(app, api):
    gen_user("budi@test.id")
    token = api.token("budi@test.id")
    assert api.get("/me", token=token).status_code == 200
    for headers in ({}, {"Authorization": "Bearer apk_palsu"}, {"Authorization": f"Basic {token}"}):
        response = api.get("/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_session_cookie_does_not_open_the_api(app, client, api):
    gen_user("budi@test.id")
    assert client.post("/login", data={"email": "budi@test.id", "password": PASSWORD}).status_code == 302
    assert api.get("/me").status_code == 401


def csrf_token_of(response) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_pages_need_a_csrf_token_but_the_api_does_not(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        gen_user("budi@test.id")
    browser = app.test_client()

    refused = browser.post("/login", data={"email": "budi@test.id", "password": PASSWORD})
    assert refused.status_code == 400
    with browser.session_transaction() as session:
        assert "_user_id" not in session

    token = csrf_token_of(browser.get("/login"))
    signed_in = browser.post("/login", data={"email": "budi@test.id", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    assert browser.get("/account").status_code == 200

    assert browser.post("/logout").status_code == 400  # a cross-site form cannot sign anyone out
    assert browser.get("/account").status_code == 200

    api_client = app.test_client()
    response = api_client.post("/api/v1/auth/tokens", json={"email": "budi@test.id", "password": PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["token"].startswith("apk_")
    assert (
        api_client.post(
            "/api/v1/auth/register", json={"email": "siti@test.id", "password": PASSWORD, "name": "Siti"}
        ).status_code
        == 201
    )
