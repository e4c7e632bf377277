"""What admins and ``flask jobs status`` read of the outbox (e-mail and the channels besides it,
WhatsApp), and retrying a failed message.

Never the body: it may hold a reset or invitation link.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from marketplace import audit, mail
from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.jobs.models import OUTBOX_STATUSES, OutboxMessage
from marketplace.jobs.queue import enqueue_after_commit


def counts_by_status() -> dict[str, int]:
    rows = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return {status: int(rows.get(status, 0)) for status in OUTBOX_STATUSES}


def counts_by_channel() -> dict[str, dict[str, int]]:
    """Messages per channel ("email", "whatsapp"...) and status, every status listed (held and
    skipped are e-mails kept back for a channel's notice)."""
    rows = db.session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
            OutboxMessage.channel, OutboxMessage.status
        )
    ).all()
    counts: dict[str, dict[str, int]] = {"email": dict.fromkeys(OUTBOX_STATUSES, 0)}
    for channel, status, count in rows:
        counts.setdefault(channel or "email", dict.fromkeys(OUTBOX_STATUSES, 0))[status] = int(count)
    return counts


def failed_messages(limit: int = 50) -> list[OutboxMessage]:
    """Failed messages, newest first (recipient, subject, error, attempts: never the body)."""
    query = select(OutboxMessage).where(OutboxMessage.status == "failed")
    return list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def describe(message: OutboxMessage) -> dict:
    return {
        "id": message.id,
        "to": message.to,
        "subject": message.subject,
        "kind": message.kind,
        "channel": message.channel,
        "delivery_status": message.delivery_status,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at.isoformat(),
    }


def retry(message_id: int, actor) -> bool:
    """Put a failed message back as pending, due now, with its attempts reset (audited); False
    when it is not failed (any more). The caller commits; then a job sends it."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("Pesan tidak ditemukan.")
    moved = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now(), lease_until=None)
    ).rowcount
    if moved:
        audit.record(actor, "outbox.retry", "outbox_message", message_id, to=message.to, subject=message.subject)
        enqueue_after_commit(mail.send_outbox)
    return bool(moved)
