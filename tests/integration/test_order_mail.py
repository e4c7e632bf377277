"""Order e-mails: to the shopper at every change, to the seller on each new order;
written to the outbox in the transaction of the change and sent only after the commit,
by a job, through a real SMTP server when MAIL_* is set (tests/integration/test_outbox.py
covers retries, leases and the admin's page)."""

from __future__ import annotations

import asyncio
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from sqlalchemy import func, select

from marketplace import jobs
from marketplace.accounts import tokens as api_tokens
from marketplace.accounts.models import User
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.stores.models import Store
from tests.buying_factories import SHIPPING, buy, cod_app, fill_cart, gen_listing, plugin_logs  # noqa: F401
from tests.factories import gen_store, gen_user
from tests.live_server import free_port


class Inbox:
    def __init__(self):
        self.messages: list = []
        self.sessions: list = []  # the SMTP session (connection) of each message
        self.open = threading.Event()  # cleared: the server holds every message until it is set
        self.open.set()

    async def handle_DATA(self, server, session, envelope):
        await asyncio.get_running_loop().run_in_executor(None, self.open.wait, 10)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf8", "replace")))
        self.sessions.append(session)
        return "250 Message accepted for delivery"

    @property
    def connections(self) -> int:
        return len({id(s) for s in self.sessions})


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr("marketplace.mail.deliver", messages.append)
    return messages


def test_checkout_mails_the_shopper_and_each_seller_over_real_smtp(make_app, smtp):
    controller, inbox = smtp
    app = make_app(plugins="cash_on_delivery", MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        shopper = gen_user("siti@test.id", name="Siti Aminah")
        batik = gen_store(owner=gen_user("batik@test.id", role="seller", name="Bu Sari"), name="Batik Sari")
        logam = gen_store(owner=gen_user("logam@test.id", role="seller", name="Pak Joko"), name="Logam Jaya")
        result = buy(
            shopper,
            (gen_listing(store=batik, price=120000, name="Kain Batik Tulis"), 1),
            (gen_listing(store=logam, price=45000, name="Wajan Besi"), 2),
        )
        numbers = [o.number for o in result.orders]
    by_recipient = {rcpt[0]: body for rcpt, body in inbox.messages}
    assert set(by_recipient) == {"siti@test.id", "batik@test.id", "logam@test.id"}
    confirmation = by_recipient["siti@test.id"]
    assert all(number in confirmation for number in numbers)
    assert "Kain Batik Tulis" in confirmation and "Rp 210.000" in confirmation
    assert "Siapkan uang tunai" in confirmation
    seller_mail = by_recipient["logam@test.id"]
    assert "Pesanan baru" in seller_mail and "Wajan Besi" in seller_mail and "Kain Batik" not in seller_mail
    assert "bayar di tempat" in seller_mail.lower() and "/seller/orders/APK-" in seller_mail


def test_the_shopper_hears_of_every_change(cod_app, sent):
    seller = gen_user("seller@test.id", role="seller")
    store = gen_store(owner=seller)
    shopper = gen_user("siti@test.id")
    order = buy(shopper, (gen_listing(store=store), 1)).orders[0]
    sent.clear()
    transition(order, "processing", seller)
    db.session.commit()
    transition(order, "shipped", seller, courier="SiCepat", tracking_number="SC-778899")
    db.session.commit()
    transition(order, "completed", shopper)
    db.session.commit()
    to_shopper = [m for m in sent if m["To"] == "siti@test.id"]
    assert [m["Subject"].split(": ", 1)[1] for m in to_shopper] == [
        "Dikemas penjual — bayar saat barang tiba",
        "Dikirim — siapkan uang tunai",
        "Selesai",
    ]
    assert "SC-778899" in to_shopper[1].get_content()
    to_seller = [m["Subject"] for m in sent if m["To"] == "seller@test.id"]
    assert to_seller == [f"Pesanan {order.number}: Selesai"]  # the shopper's move; its own moves are not echoed


def test_a_shopper_s_cancellation_is_told_to_the_seller(cod_app, sent):
    seller = gen_user("seller@test.id", role="seller")
    shopper = gen_user("siti@test.id")
    order = buy(shopper, (gen_listing(store=gen_store(owner=seller)), 1)).orders[0]
    sent.clear()
    transition(order, "cancelled", shopper, reason="Salah alamat")
    db.session.commit()
    seller_mail = next(m for m in sent if m["To"] == "seller@test.id")
    assert "Jangan kirim pesanan ini" in seller_mail.get_content()


def test_nothing_is_mailed_when_the_transaction_rolls_back(cod_app, sent):
    shopper = gen_user("siti@test.id")
    order = buy(shopper, (gen_listing(), 1)).orders[0]
    sent.clear()
    transition(order, "cancelled", shopper)
    db.session.rollback()
    assert sent == []
    with pytest.raises(Conflict):
        transition(order, "shipped", shopper, tracking_number="X")
    db.session.rollback()
    assert sent == []


def _api_checkout(app, client, email: str):
    token = api_tokens.issue_token(db.session.scalar(select(User).where(User.email == email)))
    db.session.commit()
    return client.post(
        "/api/v1/checkout",
        headers={"Authorization": f"Bearer {token}"},
        json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
    )


def _queued_app(make_app, tmp_path, **config):
    """An app with a real queue (a SQLite file), as in production: a request only queues its mail."""
    app = make_app(
        plugins="cash_on_delivery", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"), **config
    )
    app.test_client_class = FlaskClient  # the plain client: it does not flush the outbox
    return app


def _run_queued_jobs(app) -> int:
    """Run what the worker would: every queued task, in this process. The number run."""
    huey = jobs.huey_for(app)
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def _statuses() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_the_checkout_answers_before_its_mail_is_sent(make_app, smtp, tmp_path):
    controller, inbox = smtp
    app = _queued_app(make_app, tmp_path, MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        shopper = gen_user("siti@test.id")
        store = gen_store(owner=gen_user("batik@test.id", role="seller"))
        fill_cart(shopper, (gen_listing(store=store, name="Kain Batik Tulis"), 1))
        response = _api_checkout(app, app.test_client(), "siti@test.id")
        assert response.status_code == 201
        # written with the order, in its transaction; one job queued to send them
        assert inbox.messages == [] and _statuses() == ["pending", "pending"]
        assert jobs.huey_for(app).pending_count() == 1
        assert _run_queued_jobs(app) == 1
        assert _statuses() == ["sent", "sent"]
    number = response.get_json()["orders"][0]["number"]
    assert sorted(rcpt[0] for rcpt, _body in inbox.messages) == ["batik@test.id", "siti@test.id"]
    assert all(number in body for _rcpt, body in inbox.messages)


def test_a_burst_of_orders_sends_its_mail_over_one_connection(make_app, smtp, tmp_path):
    controller, inbox = smtp
    app = _queued_app(make_app, tmp_path, MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        store = gen_store(owner=gen_user("batik@test.id", role="seller"))
        emails = [gen_user(f"pembeli{n}@test.id").email for n in range(3)]
        for email in emails:
            fill_cart(db.session.scalar(select(User).where(User.email == email)), (gen_listing(store=store), 1))
        store_id = store.id

    def check_out(email: str) -> None:
        with app.app_context():  # each request its own context, as in a server
            answer = _api_checkout(app, app.test_client(), email)
            assert answer.status_code == 201, answer.get_json()

    for email in emails:
        check_out(email)
    assert jobs.huey_for(app).pending_count() == 3
    assert _run_queued_jobs(app) == 3  # the first sends all six; the others find nothing due
    assert len(inbox.messages) == 6 and inbox.connections == 1  # not one connection per message

    # the batch was sent and the connection closed: the next order opens a new one
    with app.app_context():
        fill_cart(
            db.session.scalar(select(User).where(User.email == emails[0])),
            (gen_listing(store=db.session.get(Store, store_id)), 1),
        )
    check_out(emails[0])
    _run_queued_jobs(app)
    assert len(inbox.messages) == 8 and inbox.connections == 2
    assert [rcpt[0] for rcpt, _body in inbox.messages].count("batik@test.id") == 4


def test_a_mail_server_that_is_down_does_not_undo_the_order(make_app, plugin_logs):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    app = make_app(plugins="cash_on_delivery", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with app.app_context():
        shopper = gen_user("siti@test.id")
        fill_cart(shopper, (gen_listing(), 1))
        response = _api_checkout(app, app.test_client(), "siti@test.id")  # tries at the commit
        assert response.status_code == 201
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Order)) == 1
        message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == "siti@test.id")).one()
        assert (message.status, message.attempts) == ("pending", 1)  # kept, to be tried again
        assert "ConnectionRefusedError" in message.last_error
    assert "mail to siti@test.id failed" in plugin_logs.text


def test_mail_queued_outside_a_request_is_sent_at_the_commit(cod_app, sent):
    """A CLI command or a script: its mail goes when it commits, as a request's does."""
    order = buy(gen_user("siti@test.id"), (gen_listing(), 1)).orders[0]
    assert any(order.number in m["Subject"] for m in sent)
