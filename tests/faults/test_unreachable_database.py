"""An unreachable or locked database answers 503 with Retry-After on every kind of request, never 500.

In-process and quick: an app pointed at a PostgreSQL port nobody listens on
(connection refused at once), and SQLite answering "database is locked" after
its busy timeout. The real outage, a PostgreSQL server stopped and started
under load, is test_database_outage.py.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event, select, text
from sqlalchemy import exc as sa_exc

from marketplace.accounts.models import User
from marketplace.accounts.sessions import SESSION_ID_KEY
from marketplace.config import engine_options
from marketplace.errors import RETRY_AFTER_SECONDS, database_unavailable
from marketplace.extensions import db
from tests.buying_factories import gen_listing
from tests.conftest import ON_POSTGRES
from tests.factories import gen_user
from tests.live_server import free_port

pytestmark = pytest.mark.faults


@pytest.fixture
def dead_app(make_app):
    """An app whose PostgreSQL server is not running (nothing listens on the port)."""
    return make_app(
        plugins="cash_on_delivery,stripe_payments",
        DATABASE_URL=f"postgresql://apik@127.0.0.1:{free_port()}/apik",
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_WEBHOOK_SECRET="whsec_x",
    )


def _assert_unavailable(response, json: bool) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    if json:
        assert response.get_json() == {
            "error": {"code": "unavailable", "message": response.get_json()["error"]["message"], "fields": {}}
        }
        assert response.get_json()["error"]["message"]
    else:
        assert response.mimetype == "text/html"
        assert "503" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/search?q=batik", "/stores/batik-sari", "/expo/apik", "/?lang=en"])
def test_pages_answer_a_503_page(dead_app, path):
    _assert_unavailable(dead_app.test_client().get(path), json=False)


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/api/v1/products"),
        ("GET", "/api/v1/stores"),
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/auth/tokens"),
        ("POST", "/api/v1/checkout"),
        ("GET", "/api/v1/categories"),
    ],
)
def test_the_api_answers_its_json_error_shape(dead_app, method, path):
    headers = {"Authorization": "Bearer some-token"} if path in ("/api/v1/me", "/api/v1/checkout") else {}
    body = {"email": "siti@test.id", "password": "rahasia123"} if method == "POST" else None
    response = dead_app.test_client().open(path, method=method, json=body, headers=headers)
    _assert_unavailable(response, json=True)


def test_a_signed_in_visitor_gets_the_503_page_from_the_user_loader(dead_app):
    client = dead_app.test_client()
    with client.session_transaction() as session:  # a signed-in session cookie: the loader must query
        session["_user_id"] = "1:0"
        session[SESSION_ID_KEY] = "abc"
        session["_fresh"] = True
    _assert_unavailable(client.get("/orders"), json=False)
    missing = client.get("/this-page-does-not-exist")  # the layout asks the loader too: still the 404 page
    assert missing.status_code == 404 and "404" in missing.get_data(as_text=True)


def test_a_payment_webhook_is_refused_with_503_so_the_provider_retries(dead_app):
    from tests.fakes.stripe_server import sign

    body = b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": "cs_1"}}}'
    response = dead_app.test_client().post(
        "/webhooks/stripe",
        data=body,
        headers={"Content-Type": "application/json", "Stripe-Signature": sign(body, "whsec_x")},
    )
    _assert_unavailable(response, json=True)


def test_healthz_still_says_what_is_down(dead_app):
    response = dead_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


@pytest.fixture
def locked(app):
    """Every SELECT of the ``variants`` table fails as SQLite does once its busy timeout runs out
    (the same driver exception; the real wait would be the 10 s busy_timeout)."""
    state = {"on": False}

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if state["on"] and "variants" in statement:
            raise sqlite3.OperationalError("database is locked")

    event.listen(db.engine, "before_cursor_execute", refuse)
    yield state
    event.remove(db.engine, "before_cursor_execute", refuse)


def test_sqlite_database_is_locked_is_a_503_and_the_next_request_works(app, client, locked):
    variant = gen_listing(price=15000, stock=4)
    locked["on"] = True
    _assert_unavailable(client.get(f"/api/v1/products/{variant.product_id}"), json=True)
    locked["on"] = False
    response = client.get(f"/api/v1/products/{variant.product_id}")
    assert response.status_code == 200
    assert response.get_json()["variants"][0]["stock"] == 4


def test_what_counts_as_the_database_being_unavailable():
    locked_error = sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    bug = sa_exc.OperationalError("SELECT nope", {}, sqlite3.OperationalError("no such column: nope"))
    assert database_unavailable(locked_error) is locked_error
    assert database_unavailable(bug) is None  # a mistake in SQL stays a bug (500, logged with its traceback)
    assert database_unavailable(ValueError("x")) is None
    try:
        try:
            raise locked_error
        except sa_exc.OperationalError as inner:
            raise sa_exc.PendingRollbackError("rolled back") from inner
    except sa_exc.PendingRollbackError as outer:
        assert database_unavailable(outer) is locked_error
    assert database_unavailable(sa_exc.TimeoutError("QueuePool limit reached")) is not None


def test_server_databases_get_a_pre_ping_and_a_connect_timeout_and_settings_still_win():
    pg = "postgresql+psycopg://apik@db/apik"
    assert engine_options(pg, None) == {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
    assert engine_options(pg, {"pool_pre_ping": False, "pool_size": 20}) == {
        "pool_pre_ping": False,
        "pool_size": 20,
        "connect_args": {"connect_timeout": 5},
    }
    assert engine_options(pg, {"connect_args": {"connect_timeout": 1, "sslmode": "require"}})["connect_args"] == {
        "connect_timeout": 1,
        "sslmode": "require",
    }
    assert engine_options(pg + "?connect_timeout=2", None) == {"pool_pre_ping": True}
    assert engine_options("sqlite:///x.sqlite", None) == {}
    assert engine_options("mysql+pymysql://u@h/d", {}) == {"pool_pre_ping": True}


def test_the_app_engine_uses_them(make_app):
    app = make_app(DATABASE_URL=f"postgresql://apik@127.0.0.1:{free_port()}/apik")
    with app.app_context():
        assert db.engine.pool._pre_ping is True


def test_a_signed_in_request_after_an_outage_is_served_again(app, client):
    """The request after a failed one gets a working session: nothing of the failure is left behind."""
    user = gen_user("siti@test.id")
    state = {"on": True}

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if state["on"] and statement.lstrip().upper().startswith("SELECT") and "users" in statement:
            raise sqlite3.OperationalError("database is locked")

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        assert client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"}).status_code == 503
        state["on"] = False
        assert client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"}).status_code == 302
        assert client.get("/orders").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)
    db.session.rollback()
    assert db.session.scalar(select(User.email).where(User.id == user.id)) == "siti@test.id"
    assert db.session.execute(text("SELECT 1")).scalar() == 1


@pytest.mark.skipif(
    ON_POSTGRES,
    reason="a simulation of SQLite's dead-connection error: on PostgreSQL the "
    "connection it pretends is dead stays alive in its transaction; there the real case (the "
    "server stopped just after an answer) is run by test_database_outage on a private server",
)
def test_a_connection_lost_after_the_answer_was_made_does_not_turn_it_into_a_500(app, client, api):
    """The database goes away between the view's answer and the end of the request (the rollback
    that closes the read transaction fails): the answer stands, the next request is served."""
    from marketplace.accounts import tokens as api_tokens

    token = api_tokens.issue_token(gen_user("siti@test.id"))
    db.session.commit()
    state = {"armed": False, "raised": 0}

    @app.after_request
    def arm(response):
        state["armed"] = True
        return response

    def lose_connection(conn):
        if state["armed"]:
            state["armed"] = False
            state["raised"] += 1
            raise sqlite3.OperationalError("disk I/O error")  # what a dead connection reports on SQLite

    event.listen(db.engine, "rollback", lose_connection)
    try:
        answer = api.get("/cart", token=token)
        assert state["raised"] == 1  # the request did end its transaction, and that failed
        assert answer.status_code == 200 and answer.get_json()["items"] == []
        assert api.get("/me", token=token).status_code == 200
    finally:
        event.remove(db.engine, "rollback", lose_connection)
