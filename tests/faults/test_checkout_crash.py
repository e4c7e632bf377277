"""A checkout that dies after its stock was reserved leaves nothing behind: the reservation
is part of the checkout's transaction and goes with it.

The reservation is the checkout's last write before its COMMIT (the rows of
sought-after variants stay locked for as short as can be). In-process, on SQLite
and PostgreSQL alike (the normal fixtures): the database connection is lost
between two variants' reservations, and at the COMMIT (PostgreSQL: the backend
is really terminated with ``pg_terminate_backend``; SQLite: the driver reports
"database is locked", as after its busy timeout), and a payment method fails
unexpectedly. Over real HTTP: the gunicorn worker serving a checkout is killed
with SIGKILL just before its COMMIT, after the orders and the stock were
written. Each time stock, cart, orders, payments, checkouts and the
ledger are exactly as before, and the same cart then checks out normally.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading

import pytest
import requests
from sqlalchemy import create_engine, event, func, select, text

from marketplace.accounts import tokens as api_tokens
from marketplace.extensions import db
from tests.buying_factories import SHIPPING, cod_app, fill_cart, gen_listing, gen_shopper, prepaid  # noqa: F401
from tests.conftest import ON_POSTGRES
from tests.faults.pg_cluster import wait_until
from tests.live_server import LiveServer, live_config

pytestmark = pytest.mark.faults

# What a checkout writes; none of it may survive a checkout that died.
WRITTEN = (
    "variants",
    "carts",
    "cart_items",
    "checkouts",
    "orders",
    "order_lines",
    "order_extras",
    "order_events",
    "payments",
    "ledger_entries",
)


def snapshot() -> dict[str, list]:
    db.session.rollback()
    tables = {t.name: t for t in db.metadata.sorted_tables if t.name in WRITTEN}
    assert set(tables) == set(WRITTEN)
    return {
        name: sorted(tuple(str(v) for v in row) for row in db.session.execute(select(table)))
        for name, table in tables.items()
    }


@pytest.fixture
def shop(cod_app):
    shopper = gen_shopper("siti@test.id")
    tea, batik = gen_listing(price=25000, stock=5), gen_listing(price=150000, stock=2, name="Batik Tulis")
    fill_cart(shopper, (tea, 2), (batik, 1))
    token = api_tokens.issue_token(shopper)
    db.session.commit()
    return {"shopper": shopper, "tea": tea.id, "batik": batik.id, "token": token}


def _checkout(client, token, method="cash_on_delivery", key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/checkout", json={"payment_method": method, "shipping": SHIPPING}, headers=headers)


def _stock(variant_id: int) -> int:
    db.session.rollback()
    return db.session.scalar(text("SELECT stock FROM variants WHERE id = :id"), {"id": variant_id})


class CutAfterReservation:
    """Lose the database connection once stock was taken off the shelf: at the next
    statement (``at="statement"``: the next variant's reservation) or at the COMMIT."""

    def __init__(self, engine, at: str):
        self.engine, self.at = engine, at
        self.reserved = 0
        self.cut = 0
        self.admin = create_engine(engine.url, isolation_level="AUTOCOMMIT") if ON_POSTGRES else None
        self._real_commit = engine.dialect.do_commit

    def _lose(self, dbapi_connection) -> None:
        self.cut += 1
        if self.admin is None:
            raise sqlite3.OperationalError("database is locked")
        pid = getattr(dbapi_connection, "dbapi_connection", dbapi_connection).info.backend_pid  # under a pool proxy
        with self.admin.connect() as admin:
            assert admin.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            wait_until(
                lambda: not admin.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}),
                timeout=10,
            )
        # what comes next goes to a server process that is gone

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.reserved and self.at == "statement" and not self.cut:
            self._lose(conn.connection.dbapi_connection)
            return  # (PostgreSQL: the statement goes on, to fail)
        sql = statement.lstrip().upper()
        if sql.startswith("UPDATE VARIANTS") and "STOCK" in sql:
            self.reserved += 1

    def _commit(self, dbapi_connection) -> None:
        if self.reserved and self.at == "commit" and not self.cut:
            self._lose(dbapi_connection)
        self._real_commit(dbapi_connection)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        self.engine.dialect.do_commit = self._commit
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self)
        del self.engine.dialect.do_commit
        if self.admin is not None:
            self.admin.dispose()


@pytest.mark.parametrize("at", ["statement", "commit"])
def test_losing_the_database_right_after_the_reservation_keeps_every_unit(cod_app, shop, at):
    client = cod_app.test_client()
    before = snapshot()
    with CutAfterReservation(db.engine, at) as cut:
        answer = _checkout(client, shop["token"], key="crash-after-reserve-1")
    assert cut.reserved == (1 if at == "statement" else 2) and cut.cut == 1  # the crash came after a reservation
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["code"] == "unavailable" and answer.headers["Retry-After"]
    assert snapshot() == before  # stock, cart, checkout, orders, payment, ledger: as they were
    assert (_stock(shop["tea"]), _stock(shop["batik"])) == (5, 2)

    retry = _checkout(client, shop["token"], key="crash-after-reserve-1")  # the shopper presses again
    assert retry.status_code == 201, retry.get_data(as_text=True)
    assert (_stock(shop["tea"]), _stock(shop["batik"])) == (3, 1)
    assert db.session.scalar(text("SELECT count(*) FROM orders")) == 2


def test_a_payment_method_failing_unexpectedly_mid_checkout_keeps_every_unit(cod_app, prepaid, shop):
    prepaid.method.fail_start = True  # RuntimeError inside start(): the checkout, orders and payment were written
    client = cod_app.test_client()
    before = snapshot()
    answer = _checkout(client, shop["token"], method="fake_transfer")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    assert snapshot() == before
    prepaid.method.fail_start = False
    assert _checkout(client, shop["token"], method="fake_transfer").status_code == 201
    assert (_stock(shop["tea"]), _stock(shop["batik"])) == (3, 1)


# --- a worker killed mid-checkout -----------------------------------------------------------------


def test_a_worker_killed_mid_checkout_leaves_the_stock_untouched(make_app, tmp_path, monkeypatch):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        shopper = gen_shopper("siti@test.id")
        tea = gen_listing(price=25000, stock=5)
        tea_id = tea.id
        fill_cart(shopper, (tea, 2))
        token = api_tokens.issue_token(shopper)
        db.session.commit()
        before = snapshot()
    marker = tmp_path / "stalled"
    monkeypatch.setenv("APIK_STALL_FILE", str(marker))
    (tmp_path / "stalled.armed").touch()
    answers: list = []
    log_path = tmp_path / "server.log"
    with LiveServer(
        live_config(app), workers=2, threads=4, log_path=log_path, app="tests.faults.stalling_app:app"
    ) as server:

        def buy():
            try:
                answers.append(
                    requests.post(
                        server.url + "/api/v1/checkout",
                        timeout=60,
                        headers={"Authorization": f"Bearer {token}"},
                        json={"payment_method": "stalling_transfer", "shipping": SHIPPING},
                    )
                )
            except requests.RequestException as exc:
                answers.append(exc)

        buyer = threading.Thread(target=buy)
        buyer.start()
        wait_until(marker.exists, timeout=30)  # the worker is about to commit: orders written, stock reserved
        worker = int(marker.read_text())
        assert worker != server.process.pid
        os.kill(worker, signal.SIGKILL)
        buyer.join(30)
        (tmp_path / "stalled.armed").unlink()
        # gunicorn replaces the worker; the shop goes on
        wait_until(lambda: requests.get(server.url + "/healthz", timeout=5).status_code == 200, timeout=30)
        with app.app_context():
            # PostgreSQL ends the dead client's transaction when it sees the socket close
            wait_until(lambda: snapshot() == before, timeout=10)
            assert _stock(tea_id) == 5
        retry = requests.post(
            server.url + "/api/v1/checkout",
            timeout=60,
            headers={"Authorization": f"Bearer {token}"},
            json={"payment_method": "stalling_transfer", "shipping": SHIPPING},
        )
        assert server.process.poll() is None
    [answer] = answers
    assert isinstance(answer, requests.ConnectionError), answer  # the connection died with the worker
    assert retry.status_code == 201, retry.text
    with app.app_context():
        assert _stock(tea_id) == 3
        assert db.session.scalar(select(func.count()).select_from(db.metadata.tables["orders"])) == 1
    log = log_path.read_text(errors="replace")
    assert f"Worker (pid:{worker})" in log  # gunicorn noticed the kill
