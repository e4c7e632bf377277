"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise written to the log.

Messages are rendered from templates in the recipient's language.

Mail that a web request causes (order e-mails, queued by
``orders.notifications`` and handed over after the commit) must not hold up
the answer: :func:`deliver_after_response` puts it in this process's
:class:`Outbox`, whose one thread sends it while the worker serves the next
request. Outside a request (CLI commands, scripts) there is no answer to
wait for, so it is sent at once. :func:`flush` waits until the outbox is
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
from email.message import EmailMessage

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale

log = logging.getLogger("marketplace.mail")


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
        log.info("mail to=%s subject=%s\n%s", message["To"], message["Subject"], message.get_content())
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


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
        while True:
            app, (to, subject, body) = self._queue.get()
            try:
                with app.app_context():
                    deliver(compose(to, subject, body))  # looked up at call time: tests may replace it
            except Exception:  # an SMTP failure is the mail's, never the committed order's
                log.exception("mail to %s failed (%s); not sent", to, subject)
            finally:
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
