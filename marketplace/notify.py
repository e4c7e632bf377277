"""Writing a notice: by the user's channel (WhatsApp) with the e-mail held back, or the e-mail alone.

:func:`notify` is called where an e-mail of one of :data:`marketplace.channels.NOTICES` was
written before, with that e-mail as a callable. A user who opted in (a number and its opt-in
time) on a site with an enabled channel gets one outbox row on the channel (written at once,
so its id exists) and the e-mail written ``held``, its fallback; anyone else gets the e-mail
exactly as before, and no statement more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import insert

from marketplace import jobs, mail
from marketplace.channels import NOTICES, channel_for
from marketplace.extensions import db
from marketplace.i18n import rupiah, wib
from marketplace.jobs.models import OutboxMessage

# The admin list's summary of each notice (the outbox's ``subject``), in Indonesian.
SUMMARIES = {
    "order_placed": "Pesanan diterima",
    "order_paid": "Pesanan dibayar",
    "order_shipped": "Pesanan dikirim",
    "complaint_opened": "Komplain diajukan",
    "complaint_decided": "Komplain diputuskan",
    "seller_order_waiting": "Pesanan menunggu diterima",
}


def notify(user, notice: str, params: dict, email: Callable[[], None]) -> None:
    """Tell ``user`` the ``notice`` (a key of NOTICES) with ``params`` (its NOTICES names:
    strings, or an int for ``total`` and a datetime for ``deadline``, formatted here in the
    user's language). ``email`` writes the e-mail that says the same (``queue_mail``)."""
    channel = channel_for(user)
    if channel is None:
        email()
        return
    message_id = write(channel.id, user, notice, params)
    with mail.held_for(message_id):
        email()


def write(channel_id: str, user, notice: str, params: dict) -> int:
    """Write the notice's row on ``channel_id`` for ``user`` (one INSERT … RETURNING); its id."""
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        values = {name: _text(params.get(name)) for name in NOTICES[notice]}
    body = json.dumps({"notice": notice, "locale": locale, "params": values}, ensure_ascii=False)
    summary = f"{SUMMARIES[notice]} {values.get('number', '')}".strip()
    message_id = db.session.execute(
        insert(OutboxMessage)
        .values(channel=channel_id, to=user.whatsapp, subject=summary[:500], body=body, kind=f"notice:{notice}")
        .returning(OutboxMessage.id)
    ).scalar_one()
    mail.remember_app()
    jobs.enqueue_after_commit(mail.send_outbox)
    return message_id


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return rupiah(value)
    if isinstance(value, datetime):
        return wib(value)
    return str(value)
