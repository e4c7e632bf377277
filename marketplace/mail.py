"""Outgoing e-mail: SMTP when MAIL_SERVER is set, otherwise written to the log.

Messages are rendered from templates in the recipient's language.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger("marketplace.mail")


def send_mail(to: str, subject: str, template: str, locale: str | None = None, **context) -> EmailMessage:
    """Render ``template`` (a .txt Jinja template) and send it to ``to``."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(template, **context)
        subject = str(subject)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    deliver(message)
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
