"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise written to the log.

Without MAIL_SERVER, development and tests log the whole message (a developer
follows the reset link from the console). In production the log gets the
recipient and subject only: a body carries live secrets (reset links,
invitation and claim links) that anyone reading the logs could use, so
production never logs one (``production.check_startup`` warns that no mail is
sent). Failures are logged with recipient and subject, never the body.

Messages are rendered from templates in the recipient's language.

Mail that a web request causes (order e-mails, queued by
:func:`queue_mail` and handed over after the commit) must not hold up
the answer: :func:`deliver_after_response` puts it in this process's
:class:`Outbox`, whose one thread sends it while the worker serves the next
request (over one SMTP connection while messages keep coming). Outside a
request (CLI commands, scripts) there is no answer to wait for, so it is sent
at once. :func:`flush` waits until the outbox is
empty — tests call it, and so does the interpreter at exit. A message that
cannot be sent is logged (``mail to ... failed``) and dropped: the order it
tells of is already committed and stays so.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import smtplib
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from typing import NamedTuple

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db

log = logging.getLogger("marketplace.mail")
QUEUE_KEY = "apik_after_commit"


def after_commit(action: Callable[[], None]) -> None:
    """Run ``action`` once the current transaction commits; forget it if it rolls back."""
    db.session.info.setdefault(QUEUE_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_queue(session) -> None:
    for action in session.info.pop(QUEUE_KEY, []):
        try:
            action()
        except Exception:  # SMTP down must not turn a committed order into an error
            log.exception("after-commit action failed")


@event.listens_for(Session, "after_transaction_end")
def _drop_queue(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without after_commit: rolled back
        session.info.pop(QUEUE_KEY, None)


def queue_mail(to: str | None, subject, template: str, locale: str | None = None, **context) -> None:
    """Render ``template`` now (in ``locale``) and deliver it after the commit."""
    if not to:
        return
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, **context)
        subject = str(subject)
    after_commit(lambda: deliver_after_response(to, subject, body))


class Recipient(NamedTuple):
    """Someone to write to, without loading their account: what the mail templates use."""

    email: str
    name: str
    locale: str | None


def send_mail(to: str, subject: str, template: str, locale: str | None = None, **context) -> EmailMessage:
    """Render ``template`` (a .txt Jinja template) and send it to ``to``."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, **context)
        subject = str(subject)
    message = compose(to, subject, body)
    deliver(message)
    return message


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


def deliver_after_response(to: str, subject: str, body: str) -> None:
    """Send a rendered message off the request's critical path (see the module's docstring).
    Even composing it (the e-mail headers) is left to the outbox's thread."""
    if has_request_context():
        outbox().put(current_app._get_current_object(), (to, subject, body))
    else:
        deliver(compose(to, subject, body))


class Outbox:
    """A queue of messages and the one daemon thread that sends them, in order."""

    def __init__(self):
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="mail-outbox", daemon=True)
        self._thread.start()

    def put(self, app, draft: tuple[str, str, str]) -> None:
        """Queue ``(to, subject, body)`` to be composed and sent with ``app``'s settings."""
        self._queue.put((app, draft))

    @property
    def pending(self) -> int:
        """Messages queued or being sent."""
        return self._queue.unfinished_tasks

    def flush(self, timeout: float | None = 30) -> bool:
        """Wait until every queued message was sent (or failed); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._queue.all_tasks_done.wait(left)
        return True

    def _run(self) -> None:
        _held.enabled = True  # deliver() keeps its connection open between queued messages
        while True:
            app, (to, subject, body) = self._queue.get()
            try:
                with app.app_context():
                    deliver(compose(to, subject, body))  # looked up at call time: tests may replace it
            except Exception:  # an SMTP failure is the mail's, never the committed order's
                log.exception("mail to %s failed (%s); not sent", to, subject)
            finally:
                if self._queue.empty():  # the burst is over: hang up before flush() returns
                    hang_up()
                self._queue.task_done()


_outbox: Outbox | None = None
_outbox_pid: int | None = None
_outbox_lock = threading.Lock()


def outbox() -> Outbox:
    """This process's outbox, started on first use (after gunicorn forks its workers)."""
    global _outbox, _outbox_pid
    if _outbox is None or _outbox_pid != os.getpid():
        with _outbox_lock:
            if _outbox is None or _outbox_pid != os.getpid():
                _outbox, _outbox_pid = Outbox(), os.getpid()
    return _outbox


def flush(timeout: float | None = 30) -> bool:
    """Wait until the mail queued by requests of this process is sent; True when none is left."""
    if _outbox is None or _outbox_pid != os.getpid():
        return True
    return _outbox.flush(timeout)


@atexit.register
def _flush_at_exit() -> None:  # a worker stopping gracefully sends what it queued first
    if not flush(timeout=10):
        log.error("mail outbox: %d message(s) not sent at exit", _outbox.pending if _outbox else 0)
