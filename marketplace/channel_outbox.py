"""The outbox's rows of channels besides e-mail (WhatsApp): sent through the enabled plugin's
:meth:`marketplace.channels.Channel.send`, never through SMTP.

:func:`marketplace.mail.send_due` claims every due row with the same lease, whatever its
channel, and hands the channel rows of a batch here. Success: ``sent``, with the provider's
message id (``provider_id``) and ``delivery_status`` "sent". A temporary
:class:`~marketplace.channels.ChannelError` (or any other exception) is retried with the
e-mail's back-off (``MAIL_RETRY_SECONDS`` doubled, ``MAIL_MAX_ATTEMPTS`` tries); a permanent
one, the last try, or a channel no longer enabled: ``failed``, and the held e-mail goes
(:func:`marketplace.channels.release_fallback`). The sweep (:func:`release_unconfirmed`)
releases the held e-mail of a message the provider never reported delivered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import cast

from flask import current_app
from sqlalchemy import CursorResult, and_, exists, update
from sqlalchemy.orm import aliased

from marketplace import channels
from marketplace.channels import ChannelError, Notice
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage

log = logging.getLogger("marketplace.channels")


def send_rows(rows: list, leases: dict, still_mine: Callable, retry_later: Callable) -> int:
    """Send claimed channel ``rows`` (each marked as soon as its fate is known); how many went.
    The mail outbox's own steps (this module is below it): ``still_mine(id, leases)`` renews a
    row's lease before it goes (not the first row's: it was claimed just now),
    ``retry_later([row], exc, leases)`` counts a failed try."""
    sent = 0
    for index, row in enumerate(rows):
        if index and not still_mine(row.id, leases):
            continue
        if _send_one(row, leases, retry_later):
            sent += 1
    return sent


def _send_one(row, leases: dict, retry_later: Callable) -> bool:
    channel = channels.enabled_channels().get(row.channel)
    if channel is None:  # its plugin was switched off since: the e-mail goes instead
        _give_up(row, leases, f"no enabled channel {row.channel!r}")
        return False
    try:
        data = json.loads(row.body)
        notice = Notice(notice=data["notice"], locale=data.get("locale") or "", params=dict(data.get("params") or {}))
    except (ValueError, KeyError, TypeError) as exc:
        _give_up(row, leases, f"unreadable notice: {exc}")
        return False
    try:
        provider_id = channel.send(row.to, notice)
    except ChannelError as exc:
        if exc.permanent:
            _give_up(row, leases, f"ChannelError: {exc}")
        else:
            retry_later([row], exc, leases)  # retried like an e-mail; the last try releases it
        return False
    except Exception as exc:  # a plugin's bug or a network error it did not wrap: retried
        log.exception("channel %s failed to send outbox message %d", row.channel, row.id)
        retry_later([row], exc, leases)
        return False
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row.id, OutboxMessage.status == "sending")
        .values(
            status="sent",
            sent_at=now(),
            lease_until=None,
            last_error="",
            provider_id=str(provider_id or "")[:120],
            delivery_status="sent",
            delivery_at=now(),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return True


def update_leased(message_id: int, lease, **values) -> bool:
    """Write ``values`` on a message being sent only if this sender still holds it (its lease is
    still ``lease``): False when the lease ran out and another sender took the message."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "sending", OutboxMessage.lease_until == lease)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(cast(CursorResult, result).rowcount)


def _give_up(row, leases: dict, error: str) -> None:
    """``row`` cannot go by its channel: failed now (if this sender still holds it), and its
    held e-mail released."""
    log.warning("%s message %d to %s failed for good: %s", row.channel, row.id, row.to, error)
    failed = update_leased(
        row.id,
        leases[row.id],
        status="failed",
        attempts=row.attempts + 1,
        lease_until=None,
        last_error=error[:500],
        delivery_status="failed",
        delivery_at=now(),
    )
    if failed:
        channels.release_fallback(row.id)
    db.session.commit()


def release_unconfirmed() -> int:
    """Release the held e-mails of channel messages sent more than ``NOTICE_FALLBACK_MINUTES``
    ago and still not reported delivered or read (a provider may never report); how many. The
    caller commits."""
    cutoff = now() - timedelta(minutes=int(current_app.config["NOTICE_FALLBACK_MINUTES"]))
    notice = aliased(OutboxMessage)
    unconfirmed = exists().where(
        notice.id == OutboxMessage.fallback_for,
        notice.status == "sent",
        notice.sent_at < cutoff,
        notice.delivery_status.not_in(("delivered", "read")),
    )
    result = db.session.execute(
        update(OutboxMessage)
        .where(and_(OutboxMessage.status == "held", unconfirmed))
        .values(status="pending", next_attempt_at=now())
        .execution_options(synchronize_session=False)
    )
    released = cast(CursorResult, result).rowcount
    if released:
        log.info("released %d held e-mails of notices not confirmed within the fallback time", released)
    return released
