"""The mail outbox: retries with back-off, leases that two senders respect, a dead sender's
messages sent again, the admin's list of failed messages with a retry button (never the body)."""

from __future__ import annotations

import smtplib
import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace import mail
from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from tests.agency_support import login, text
from tests.factories import gen_user


def _queue(n: int, body: str = "Tautan rahasia: https://apik.test/reset/SECRET") -> None:
    for i in range(n):
        mail.queue_rendered(f"user{i}@test.id", f"Pesan {i}", body, kind="test")


def _refuse(message):
    raise ConnectionRefusedError(111, "Connection refused")


def test_a_message_that_keeps_failing_backs_off_then_is_marked_failed(app, monkeypatch):
    monkeypatch.setattr(mail, "deliver", _refuse)
    start = now()
    with time_machine.travel(start, tick=False) as traveller:
        _queue(1)
        db.session.commit()  # the first try, at the commit (immediate mode)
        waits = []
        for _ in range(5):
            message = db.session.scalars(select(OutboxMessage)).one()
            waits.append(round((message.next_attempt_at - now()).total_seconds() / 60))
            assert mail.send_due() == 0 and message.status == "pending"  # not due yet: nothing tried
            traveller.move_to(message.next_attempt_at)
            mail.send_due()
            db.session.expire_all()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert waits == [1, 2, 4, 8, 16]
    assert (message.status, message.attempts) == ("failed", 6)
    assert message.last_error.startswith("ConnectionRefusedError")


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(app, monkeypatch):
    sent = []

    def deliver(message):
        if message["To"] == "user1@test.id":
            raise smtplib.SMTPRecipientsRefused({"user1@test.id": (550, b"no such user")})
        sent.append(message["To"])

    monkeypatch.setattr(mail, "deliver", deliver)
    _queue(3)
    db.session.commit()
    assert sent == ["user0@test.id", "user2@test.id"]
    statuses = dict(db.session.execute(select(OutboxMessage.to, OutboxMessage.status)).all())
    assert statuses == {"user0@test.id": "sent", "user1@test.id": "pending", "user2@test.id": "sent"}


def test_a_leased_message_is_not_claimed_twice_until_its_lease_runs_out(make_app, outbox, tmp_path):
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"), MAIL_LEASE_SECONDS=60)
    with app.app_context():
        _queue(2)
        db.session.commit()
        claimed = mail._claim(10)  # a sender that dies after claiming
        assert [row.to for row in claimed] == ["user0@test.id", "user1@test.id"]
        assert mail.send_due() == 0 and outbox == []  # leased: another sender leaves them
        with time_machine.travel(now() + timedelta(seconds=61), tick=False):
            assert mail.send_due() == 2
        assert sorted(m["To"] for m in outbox) == ["user0@test.id", "user1@test.id"]


def test_two_senders_at_once_send_each_message_exactly_once(make_app, monkeypatch, tmp_path):
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    delivered, lock = [], threading.Lock()

    def deliver(message):
        with lock:
            delivered.append(message["To"])

    monkeypatch.setattr(mail, "deliver", deliver)
    with app.app_context():
        for i in range(120):
            mail.queue_rendered(f"user{i}@test.id", "Pesan", "isi")
        db.session.commit()
    counts = []

    def sender():
        with app.app_context():
            counts.append(mail.send_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(counts) == 120 and len(delivered) == 120 and len(set(delivered)) == 120
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent")) == 120


@pytest.fixture
def failed_message(app, monkeypatch):
    monkeypatch.setattr(mail, "deliver", _refuse)
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    _queue(1)
    db.session.commit()
    monkeypatch.undo()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.status == "failed"
    return message


def test_an_admin_sees_failed_messages_without_their_body_and_retries_one(app, client, failed_message, outbox):
    gen_user("admin@test.id", role="admin", name="Admin Pasar")
    db.session.commit()
    login(client, "admin@test.id")
    page = text(client.get("/agency/outbox"))
    assert "user0@test.id" in page and "Pesan 0" in page and "ConnectionRefusedError" in page
    assert "SECRET" not in page and "Tautan rahasia" not in page
    assert 'id="count-failed">Gagal: <b>1</b>' in page
    response = client.post(f"/agency/outbox/{failed_message.id}/retry")
    assert response.status_code == 302
    assert [m["To"] for m in outbox] == ["user0@test.id"]  # queued again, and sent (immediate mode)
    db.session.expire_all()
    assert failed_message.status == "sent"
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "outbox.retry")) == 1
    again = client.post(f"/agency/outbox/{failed_message.id}/retry", follow_redirects=True)
    assert "tidak sedang gagal" in text(again)
    assert client.post("/agency/outbox/999999/retry").status_code == 404


def test_only_admins_see_the_outbox(app, client, failed_message):
    gen_user("officer@test.id", role="agency", name="Petugas")
    db.session.commit()
    login(client, "officer@test.id")
    assert client.get("/agency/outbox").status_code == 403
    assert client.post(f"/agency/outbox/{failed_message.id}/retry").status_code == 403
    assert "Kotak keluar" not in text(client.get("/agency/jobs"))
    db.session.expire_all()
    assert failed_message.status == "failed"


def test_the_retry_button_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        gen_user("admin@test.id", role="admin")
        db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": "admin@test.id", "password": "rahasia123", "csrf_token": token})
    assert client.post("/agency/outbox/1/retry").status_code == 400


def test_a_claim_takes_no_more_than_its_batch(make_app, tmp_path):
    """PostgreSQL once ran an ``IN (... LIMIT n FOR UPDATE SKIP LOCKED)`` again per row and
    leased every due message at once; the claim is a CTE now."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    with app.app_context():
        _queue(30)
        db.session.commit()
        assert len(mail._claim(10)) == 10
        leased = select(func.count()).where(OutboxMessage.status == "sending")
        assert db.session.scalar(leased) == 10


def test_a_sender_whose_lease_ran_out_leaves_the_message_to_the_one_that_took_it(make_app, outbox, tmp_path):
    """Each message's lease is renewed (compare-and-set) just before it goes: a slow sender that
    lost a message to another sender does not send it too."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"), MAIL_LEASE_SECONDS=60)
    with app.app_context():
        _queue(2)
        db.session.commit()
        slow = mail._claim(10)
        with time_machine.travel(now() + timedelta(seconds=61), tick=False):
            other = mail._claim(1)  # the first lease ran out: another sender takes user0's message
            assert [row.to for row in other] == ["user0@test.id"]
            # the slow sender goes on with its batch (user1's first): user0's is no longer its own
            assert mail._send_batch(list(reversed(slow))) == 1
        assert [m["To"] for m in outbox] == ["user1@test.id"]
