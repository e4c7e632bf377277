"""Outgoing e-mail through a transactional outbox: SMTP when MAIL_SERVER is set, else the log.

Every message is rendered where the change it announces is made (in the recipient's language)
and written as a row of ``outbox_messages`` in the same transaction (:func:`queue_mail`): a
rollback forgets it, a commit keeps it whatever happens to the process next. After the commit a
job (``mail.send_outbox``) is queued to send what is due; the worker's sweep (every minute)
sends whatever a lost job or a killed worker left behind. :func:`send_due` claims due rows with a
lease (one conditional UPDATE: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's single writer
elsewhere), renewed (compare-and-set) just before each message goes, so two workers never send a
row twice unless one died, or stalled longer than ``MAIL_LEASE_SECONDS``, holding it. A batch
goes over one SMTP connection (``MESSAGES_PER_CONNECTION``). A failed try is retried after 1, 2,
4, 8, 16... minutes (``MAIL_RETRY_SECONDS`` doubled); after ``MAIL_MAX_ATTEMPTS`` tries the
row is ``failed`` and listed for admins, who can retry it. A row of another channel (WhatsApp) goes
through its plugin (marketplace/channel_outbox.py), never SMTP, its e-mail held (:func:`held_for`).

Without MAIL_SERVER, development and tests log the whole message (a developer follows the reset
link from the console). In production the log gets the recipient and subject only: a body
carries live secrets (reset links, invitation and claim links) that anyone reading the logs could
use, so production never logs one. Failures are logged with recipient and subject, never the body.

Tests run the job queue in immediate mode (``JOBS_IMMEDIATE``): the send job runs at the commit,
and :func:`flush` (the test client calls it after each request) sends anything else that is due,
through the same :func:`send_due`.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import NamedTuple

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import and_, or_, select, update

from marketplace import channel_outbox, channels, jobs
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from marketplace.rows import insert_plain

log = logging.getLogger("marketplace.mail")
BATCH_KEY = "apik_mail_batch"
HELD_KEY = "apik_mail_held_for"  # the channel message the e-mails written now stand in for
after_commit = jobs.after_commit  # the old home of the helper; plugins may still import it from here
_apps_with_mail: weakref.WeakSet = weakref.WeakSet()  # what flush() sends for

# Messages whose SMTP error is theirs alone (a refused recipient): the connection goes on.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def queue_mail(to: str | None, subject, template: str, locale: str | None = None, **context) -> None:
    """Render ``template`` now (in ``locale``) and write it to the outbox in the current
    transaction; it is sent once the transaction commits."""
    if not to:
        return
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, **context)
        subject = str(subject)
    queue_rendered(to, subject, body, kind=template)


def queue_rendered(to: str, subject: str, body: str, kind: str = "") -> None:
    """Write a rendered message to the outbox in the current transaction (the caller commits):
    one INSERT now, or one for all the messages of a :func:`batch`."""
    row = {"recipient": to, "subject": subject[:500], "body": body, "kind": kind[:120]}
    held_for = db.session.info.get(HELD_KEY)
    if held_for is not None:  # the fallback of a notice sent by another channel: kept back
        row.update(status="held", fallback_for=held_for)
    pending = db.session.info.get(BATCH_KEY)
    if pending is not None:
        pending.append(row)
    else:
        insert_plain(OutboxMessage, [row])
    remember_app()
    jobs.enqueue_after_commit(send_outbox)


def remember_app() -> None:
    """This app has written to the outbox: :func:`flush` sends for it."""
    _apps_with_mail.add(current_app._get_current_object())


@contextmanager
def batch() -> Iterator[None]:
    """Messages queued inside are written in one INSERT when it ends (the checkout's mails)."""
    info = db.session.info
    if BATCH_KEY in info:  # already in one: the outer batch writes them
        yield
        return
    info[BATCH_KEY] = []
    try:
        yield
        pending = info.get(BATCH_KEY) or []
    finally:
        info.pop(BATCH_KEY, None)
    if any("fallback_for" in row for row in pending):  # one statement: every row the same columns
        pending = [{"status": "pending", "fallback_for": None, **row} for row in pending]
    insert_plain(OutboxMessage, pending)


@contextmanager
def held_for(message_id: int) -> Iterator[None]:
    """E-mails queued inside are written ``held``, the fallback of the channel message
    ``message_id`` (marketplace/notify.py): sent only if that message fails."""
    info = db.session.info
    outer = info.get(HELD_KEY)
    info[HELD_KEY] = message_id
    try:
        yield
    finally:
        if outer is None:
            info.pop(HELD_KEY, None)
        else:
            info[HELD_KEY] = outer


def send_mail(to: str, subject, template: str, locale: str | None = None, **context) -> None:
    """The old name of :func:`queue_mail`: the message goes through the outbox like every other."""
    queue_mail(to, subject, template, locale, **context)


class Recipient(NamedTuple):
    """Someone to write to, without loading their account: what the mail templates use, and
    what notify.channel_for reads (a WhatsApp number and when its owner opted in)."""

    email: str
    name: str
    locale: str | None
    whatsapp: str | None = None
    whatsapp_opt_in_at: datetime | None = None


def compose(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def deliver(message: EmailMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        if cfg.get("MARKETPLACE_ENV") == "production":  # the body holds reset and invitation links
            log.warning("mail to=%s subject=%s not sent: MAIL_SERVER is not set", message["To"], message["Subject"])
        else:
            log.info("mail to=%s subject=%s\n%s", message["To"], message["Subject"], message.get_content())
        return
    settings = _smtp_settings(cfg)
    if not getattr(_held, "enabled", False):  # not the outbox: one connection for this message
        with _connect(settings) as smtp:
            smtp.send_message(message)
        return
    smtp = _held_connection(settings)
    try:
        smtp.send_message(message)
    except BaseException:
        hang_up()  # whatever state the conversation is in, the next message starts afresh
        raise
    _held.sent += 1
    if _held.sent >= MESSAGES_PER_CONNECTION:
        hang_up()


# The outbox's thread keeps its SMTP connection open while more messages are waiting, so the
# mail of a burst of orders (an expo opening) goes over one connection instead of a TCP (and
# TLS, and login) handshake per message. It hangs up when the queue is empty, after any error,
# and after MESSAGES_PER_CONNECTION messages (servers limit a session's messages).
MESSAGES_PER_CONNECTION = 50
_held = threading.local()


def _smtp_settings(cfg) -> tuple:
    return (
        cfg["MAIL_SERVER"],
        int(cfg.get("MAIL_PORT") or 25),
        bool(cfg.get("MAIL_USE_TLS")),
        cfg.get("MAIL_USERNAME") or None,
        cfg.get("MAIL_PASSWORD") or "",
    )


def _connect(settings: tuple) -> smtplib.SMTP:
    server, port, use_tls, username, password = settings
    smtp = smtplib.SMTP(server, port, timeout=10)
    try:
        if use_tls:
            smtp.starttls()
        if username:
            smtp.login(username, password)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _held_connection(settings: tuple) -> smtplib.SMTP:
    if getattr(_held, "smtp", None) is not None and _held.settings != settings:
        hang_up()  # another app's settings (tests run several)
    if getattr(_held, "smtp", None) is None:
        _held.smtp, _held.settings, _held.sent = _connect(settings), settings, 0
    return _held.smtp


def hang_up() -> None:
    """Close this thread's held SMTP connection, if any."""
    smtp = getattr(_held, "smtp", None)
    _held.smtp = None
    if smtp is None:
        return
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


# --- the outbox's sender -------------------------------------------------------------------


def _due(at):
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= at),
        and_(OutboxMessage.status == "sending", OutboxMessage.lease_until < at),  # its sender died
    )


def _claim(limit: int) -> list:
    """Lease up to ``limit`` due messages to this sender (committed): their id, to, subject, body,
    attempts and lease (the sender's token: :func:`_still_mine`)."""
    at = now()
    lease = at + timedelta(seconds=int(current_app.config["MAIL_LEASE_SECONDS"]))
    due = _due(at)
    # a CTE: PostgreSQL runs it once (an IN (subquery) may run again per row, each time skipping
    # the rows the UPDATE itself just locked, and claim them all)
    ids = select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    chosen = ids.cte("chosen")
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(select(chosen.c.id)), due)
        .values(status="sending", lease_until=lease)
        .returning(
            OutboxMessage.id,
            OutboxMessage.to,
            OutboxMessage.subject,
            OutboxMessage.body,
            OutboxMessage.attempts,
            OutboxMessage.lease_until,
            OutboxMessage.channel,
        )
        .execution_options(synchronize_session=False)
    )
    rows = sorted(db.session.execute(claim).all())
    db.session.commit()
    return rows


def _still_mine(message_id: int, leases: dict) -> bool:
    """Renew this sender's lease on a message just before sending it (committed). False when the
    lease ran out meanwhile and another sender took the message: it is theirs to send."""
    renewed = now() + timedelta(seconds=int(current_app.config["MAIL_LEASE_SECONDS"]))
    taken = channel_outbox.update_leased(message_id, leases[message_id], lease_until=renewed)
    db.session.commit()
    leases[message_id] = renewed
    return bool(taken)


def _mark_sent(message_id: int) -> None:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending")
        .values(status="sent", sent_at=now(), lease_until=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _mark_failed(rows: list, exc: BaseException, leases: dict) -> None:
    """One more failed try for each of ``rows`` this sender still holds: back to pending after the
    back-off, or failed."""
    cfg = current_app.config
    error = f"{type(exc).__name__}: {exc}"[:500]
    for row in rows:
        attempts = row.attempts + 1
        delay = timedelta(seconds=int(cfg["MAIL_RETRY_SECONDS"]) * 2 ** (attempts - 1))
        final = attempts >= int(cfg["MAIL_MAX_ATTEMPTS"])
        log.warning("mail to %s failed (%s): %s; try %d%s", row.to, row.subject, error, attempts, " (gave up)" * final)
        moved = channel_outbox.update_leased(
            row.id,
            leases[row.id],
            status="failed" if final else "pending",
            attempts=attempts,
            next_attempt_at=now() + delay,
            lease_until=None,
            last_error=error,
        )
        if moved and final and (row.channel or "email") != "email":
            channels.release_fallback(row.id)  # the notice did not go: its e-mail does
    db.session.commit()


def _send_batch(rows: list) -> int:
    """Send claimed ``rows`` over one held connection; each is marked as soon as its fate is known."""
    leases = {row.id: row.lease_until for row in rows}
    by_channel = [row for row in rows if (row.channel or "email") != "email"]  # never to SMTP
    sent = channel_outbox.send_rows(by_channel, leases, _still_mine, _mark_failed)
    rows = [row for row in rows if (row.channel or "email") == "email"]
    checked = bool(by_channel)  # the first e-mail's lease is fresh only when it came first
    _held.enabled = True
    try:
        for index, row in enumerate(rows):
            if (index or checked) and not _still_mine(row.id, leases):  # a slow batch: each message's lease renewed
                continue
            try:
                deliver(compose(row.to, row.subject, row.body))  # looked up at call time: tests replace it
            except MESSAGE_ERRORS as exc:
                hang_up()
                _mark_failed([row], exc, leases)
            except OSError as exc:  # the server or the connection: the rest of the batch waits too
                _mark_failed(rows[index:], exc, leases)
                break
            except Exception as exc:  # this message (its encoding...): the others go on
                _mark_failed([row], exc, leases)
            else:
                _mark_sent(row.id)
                sent += 1
    finally:
        hang_up()
        _held.enabled = False
    return sent


def send_due() -> int:
    """Send every due message of the outbox, a batch per connection; the number sent."""
    sent = claimed = 0
    while True:
        rows = _claim(MESSAGES_PER_CONNECTION)
        claimed += len(rows)
        if rows:
            sent += _send_batch(rows)
        if len(rows) < MESSAGES_PER_CONNECTION:
            break
    if sent == claimed:  # nothing failed: no retry is waiting for flush()
        _apps_with_mail.discard(current_app._get_current_object())
    return sent


@jobs.task(name="mail.send_outbox")
def send_outbox() -> None:
    """The job queued after a commit that wrote messages."""
    send_due()


@jobs.periodic("* * * * *", name="mail.outbox_sweep")
def outbox_sweep() -> None:
    """Every minute: what is due (retries, and what a lost job or a killed worker left), after
    releasing the e-mails held for channel messages never reported delivered."""
    if channel_outbox.release_unconfirmed():
        db.session.commit()
    send_due()


def flush(timeout: float | None = 30) -> bool:
    """Send, here and now, what is due in the outbox of each app of this process that queued mail
    not sent yet (tests call it after each request; the same :func:`send_due` as the job). True
    when nothing due is left. ``timeout`` is kept for old callers; SMTP has its own."""
    done = True
    for app in list(_apps_with_mail):
        done = _flush_app(app) and done
    return done


def _flush_app(app: Flask) -> bool:
    with app.app_context():
        try:
            send_due()
            return db.session.scalar(select(OutboxMessage.id).where(_due(now())).limit(1)) is None
        finally:
            db.session.remove()
