"""Notification channels besides e-mail (WhatsApp): the interface a channel plugin implements.

A user opts in to WhatsApp notices with a phone number (``User.whatsapp``,
``User.whatsapp_opt_in_at``). For each notice of :data:`NOTICES` the core writes, in the
transaction of the change it announces, one outbox row on the channel (``channel`` the
channel's id, ``to`` the number, ``body`` the notice as JSON: ``{"notice", "locale",
"params"}``) and the e-mail as a ``held`` row whose ``fallback_for`` names it. After the
commit the outbox sends the channel's row through :meth:`Channel.send`; a temporary error is
retried like an e-mail, a permanent one (or too many tries) releases the held e-mail. The
provider then reports what became of the message (sent, delivered, read, failed) and the
plugin hands each report to :func:`record_status`; "failed" releases the held e-mail too.
A user who has not opted in, or a notice no enabled channel can send, gets the e-mail alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, cast

from flask import current_app
from sqlalchemy import CursorResult, update

from marketplace import jobs, plugin_api
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage

# The notices a channel may carry, each with the parameters its message gets (strings, in
# this order: a template message's body parameters). ``url`` is the page the notice links to.
NOTICES: dict[str, tuple[str, ...]] = {
    "order_placed": ("name", "number", "total", "url"),
    "order_paid": ("name", "number", "total", "url"),
    "order_shipped": ("name", "number", "courier", "tracking_number", "url"),
    "complaint_opened": ("name", "number", "reason", "url"),
    "complaint_decided": ("name", "number", "decision", "url"),
    "seller_order_waiting": ("name", "number", "total", "deadline", "url"),
}
DELIVERY_STATUSES = ("sent", "delivered", "read", "failed")
# The mail outbox's send job (marketplace.mail.send_outbox), by its registered name: the outbox's
# sender sends the channels' rows, so it imports this module, which cannot import it back.
SEND_OUTBOX = jobs.Task("mail.send_outbox", lambda: None)


class ChannelError(Exception):
    """The channel did not take the message. ``permanent``: trying again cannot help (a number
    that is not on WhatsApp, a template the provider rejected); the e-mail goes instead."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Notice:
    """One notice to send: its name (a key of :data:`NOTICES`), the recipient's locale and the
    parameters, by name."""

    notice: str
    locale: str
    params: dict[str, str] = field(default_factory=dict)


class Channel(Protocol):
    """What a channel plugin returns from ``notification_channels``."""

    id: str  # the outbox's ``channel`` value, e.g. "whatsapp"
    name: str  # shown to users: "WhatsApp"

    def send(self, to: str, notice: Notice) -> str:
        """Send ``notice`` to the number ``to`` (E.164); the provider's message id.
        :raise ChannelError: the provider refused it or could not be reached."""
        ...


def record_status(channel: str, provider_id: str, status: str, error: str = "") -> bool:
    """What the provider reported of a message it took (one of :data:`DELIVERY_STATUSES`):
    recorded on its outbox row; "failed" releases the held e-mail, "delivered" and "read"
    drop it. False when no row has that id (a report of a message this app did not send).
    The caller commits."""
    if status not in DELIVERY_STATUSES or not provider_id:
        return False
    row = db.session.execute(
        OutboxMessage.__table__.select()
        .with_only_columns(OutboxMessage.id, OutboxMessage.delivery_status)
        .where(OutboxMessage.channel == channel, OutboxMessage.provider_id == provider_id)
    ).first()
    if row is None:
        return False
    if _RANK.get(status, 0) < _RANK.get(row.delivery_status, 0):
        return True  # reports may arrive out of order: "delivered" after "read" changes nothing
    values: dict = {"delivery_status": status, "delivery_at": now()}
    if error:
        values["last_error"] = error[:500]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values))
    if status == "failed":
        release_fallback(row.id)
    elif status in ("delivered", "read"):
        drop_fallback(row.id)
    return True


# How far along a message is: a late report of an earlier stage does not undo a later one.
_RANK = {"": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}


def release_fallback(message_id: int) -> int:
    """Send the e-mail held for ``message_id`` now (its channel failed); how many were released."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.fallback_for == message_id, OutboxMessage.status == "held")
        .values(status="pending", next_attempt_at=now())
        .execution_options(synchronize_session=False)
    )
    released = cast(CursorResult, result).rowcount
    if released:
        jobs.enqueue_after_commit(SEND_OUTBOX)
    return released


def drop_fallback(message_id: int) -> int:
    """The held e-mail of ``message_id`` is not needed (the notice arrived); how many were dropped."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.fallback_for == message_id, OutboxMessage.status == "held")
        .values(status="skipped")
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult, result).rowcount


# --- the enabled channels ------------------------------------------------------------------

_CACHE_KEY = "apik_notification_channels"


def enabled_channels() -> dict[str, Channel]:
    """The channels the enabled plugins offer, by id (the first of each id), gathered quietly:
    a plugin that raises is logged and left out. Cached per app, until a plugin is added."""
    plugins = len(plugin_api.manager().list_name_plugin())
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is not None and cached[0] == plugins:
        return cached[1]
    found: dict[str, Channel] = {}
    for channel in plugin_api.gather("notification_channels", loud=False):
        if getattr(channel, "id", "") and channel.id != "email":
            found.setdefault(channel.id, channel)
    current_app.extensions[_CACHE_KEY] = (plugins, found)
    return found


def channel_for(user) -> Channel | None:
    """The channel ``user``'s notices go by besides e-mail: None unless they opted in (a number
    and its opt-in time) and a channel is enabled (WhatsApp first, else the first one)."""
    if user is None or not user.whatsapp or user.whatsapp_opt_in_at is None:
        return None
    channels = enabled_channels()
    return channels.get("whatsapp") or next(iter(channels.values()), None)
