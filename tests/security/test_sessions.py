"""Sessions against replay: what tests/integration/test_accounts_pages.py does not cover.

Covered there already: the session is renewed at sign-in
(test_signing_in_renews_the_session_but_keeps_the_language) and a password
change ends every other session and token
(test_password_change_ends_other_sessions_and_tokens_but_not_this_one).
Here: a cookie copied before sign-out (a stolen or cached one) no longer signs
anyone in after sign-out, and a cookie planted before sign-in does not become
a signed-in one.
"""

from __future__ import annotations

import pytest

from tests.factories import gen_user

pytestmark = pytest.mark.security


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def login(client, email="budi@test.id", password="rahasia123", **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_logout_ends_the_session_for_a_replayed_cookie(app, client):
    gen_user("budi@test.id")
    assert login(client).status_code == 302
    assert signed_in(client)
    stolen = client.get_cookie("session").value

    assert client.post("/logout").status_code == 302
    assert not signed_in(client)

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    assert not signed_in(attacker)
    page = attacker.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Budi Santoso" not in page


def test_logout_ends_only_this_browsers_session(app, client):
    gen_user("budi@test.id")
    phone = app.test_client()
    login(client)
    login(phone)
    client.post("/logout")
    assert not signed_in(client)
    assert signed_in(phone)


def test_a_cookie_planted_before_sign_in_is_not_signed_in_afterwards(app, client):
    """Session fixation: the victim signs in; the attacker's copy of the old cookie stays anonymous."""
    gen_user("budi@test.id")
    client.get("/login")
    planted = client.get_cookie("session")
    login(client)
    assert signed_in(client)
    attacker = app.test_client()
    if planted is not None:
        attacker.set_cookie("session", planted.value)
    assert not signed_in(attacker)


def test_a_replayed_cookie_after_password_change_is_refused(app, client):
    gen_user("budi@test.id")
    login(client)
    stolen = client.get_cookie("session").value
    response = client.post(
        "/account/password",
        data={"current_password": "rahasia123", "password": "barubaru123", "password_confirm": "barubaru123"},
    )
    assert response.status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    assert not signed_in(attacker)
    assert signed_in(client)


def test_remember_me_restores_a_session_but_not_after_its_sign_out(app, client):
    """The remember-me cookie names its session: it signs a browser back in after the session
    cookie is gone, and a copy of it replayed after sign-out (a stolen one) stays anonymous."""
    gen_user("budi@test.id")
    assert login(client, remember="y").status_code == 302
    remember = client.get_cookie("remember_token").value
    assert remember.split("|")[0].count(":") == 2  # user:version:session id

    # the browser restarts: only the remember-me cookie is left, and it signs in
    browser = app.test_client()
    browser.set_cookie("remember_token", remember)
    assert signed_in(browser)
    assert signed_in(browser)  # and stays signed in on its restored session

    stolen = app.test_client()
    stolen.set_cookie("remember_token", remember)
    assert browser.post("/logout").status_code == 302
    assert not signed_in(browser)
    assert not signed_in(stolen)
    assert not signed_in(client)  # the original browser shared that session: signed out too


def test_a_remember_me_cookie_from_another_session_is_not_grafted(app, client):
    gen_user("budi@test.id")
    gen_user("ani@test.id")
    login(client, remember="y")
    other = app.test_client()
    login(other, email="ani@test.id", remember="y")
    # a session cookie of one sign-in with the remember-me cookie of another: the session wins
    other.set_cookie("remember_token", client.get_cookie("remember_token").value)
    page = other.get("/account")
    assert page.status_code == 200 and "ani@test.id" in page.get_data(as_text=True)
