"""Tables of the job queue: the mail outbox, the periodic runs and long jobs' progress.

Huey keeps its own queue (a SQLite file in ``instance/`` or Redis); these tables hold what must
survive it and what people read: messages to send (written in the transaction of the change
they announce), each periodic run's outcome (``flask jobs status``) and the progress of long
jobs (the agency console).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

# held: an e-mail kept back while the notice it stands in for goes by another channel (sent as
# the fallback if that fails); skipped: a held e-mail that was not needed.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "held", "skipped")
JOB_STATUSES = ("queued", "running", "done", "failed")


class OutboxMessage(db.Model):
    """One message to send: an e-mail, or a notice by another channel (``channel``, a
    notification channel plugin's id, e.g. ``whatsapp``: ``to`` is then a phone number and
    ``body`` the notice as JSON). ``pending`` rows are due at ``next_attempt_at``; a worker claims a row
    by setting ``sending`` and ``lease_until`` (a row whose lease ran out is claimed again)."""

    __tablename__ = "outbox_messages"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("status IN ('pending','sending','sent','failed','held','skipped')", name="status"),
        Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_provider", "channel", "provider_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column("recipient", String(320))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    # the provider's id of the sent message (WhatsApp's wamid) and what it last reported of it
    provider_id: Mapped[str] = mapped_column(String(120), default="")
    delivery_status: Mapped[str] = mapped_column(String(20), default="")  # sent|delivered|read|failed
    delivery_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # a held e-mail: the id of the message it stands in for
    fallback_for: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"), index=True)


class ScheduleRun(db.Model):
    """One run of a periodic task: ``running`` until it ends ``ok`` or ``failed``. The unique
    ``(name, slot)`` makes one run per minute even when several workers' schedulers fire it."""

    __tablename__ = "schedule_runs"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        Index("ix_schedule_runs_name_started", "name", "started_at"),
        UniqueConstraint("name", "slot"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slot: Mapped[str] = mapped_column(String(20))  # the minute it is for: one run per minute, whatever the hosts
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(10), default="running")
    error: Mapped[str] = mapped_column(String(500), default="")


class Job(db.Model):
    """A long piece of work and its progress (``done`` of ``total``), shown in the agency console."""

    __tablename__ = "jobs"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (CheckConstraint("status IN ('queued','running','done','failed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None] = mapped_column()
    message: Mapped[str] = mapped_column(String(500), default="")
    result_url: Mapped[str] = mapped_column(String(500), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
