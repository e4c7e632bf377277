"""The audit log: who did what to which object, on behalf of whom."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.rows import insert_plain
from marketplace.types import UTCDateTime


class AuditLog(db.Model):
    """Who did what to which object, on behalf of whom. ORM events do not fire for the rows
    of ``record_many`` (the checkout's), inserted through marketplace/rows.py."""

    __tablename__ = "audit_log"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    on_behalf_of_store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    data: Mapped[str] = mapped_column(Text, default="{}")


def _values(actor, action: str, obj_type: str, obj_id, store_id: int | None, data: dict) -> dict:
    return {
        "actor_id": getattr(actor, "id", None),
        "on_behalf_of_store_id": store_id,
        "action": action,
        "object_type": obj_type,
        "object_id": str(obj_id),
        "data": json.dumps(data, default=str, ensure_ascii=False),
    }


def changes(obj, new: dict, width: int = 80) -> dict[str, list]:
    """``{field: [old, new]}`` for the fields of ``new`` whose value differs on ``obj`` (read
    before the caller sets them): what the audit log shows as "old -> new". Long text is cut."""

    def shown(value):
        text = value if isinstance(value, int | float | bool) or value is None else str(value)
        return text[: width - 1] + "…" if isinstance(text, str) and len(text) > width else text

    return {
        key: [shown(getattr(obj, key, None)), shown(value)]
        for key, value in new.items()
        if getattr(obj, key, None) != value
    }


def record(actor, action: str, obj_type: str, obj_id, *, store_id: int | None = None, **data) -> AuditLog:
    """Add an audit row to the current transaction (the caller commits)."""
    row = AuditLog(**_values(actor, action, obj_type, obj_id, store_id, data))
    db.session.add(row)
    return row


def record_many(actor, action: str, obj_type: str, entries) -> None:
    """The same action on several objects, written at once (one INSERT, no objects kept):
    ``entries`` are ``(object id, store id, data)``."""
    at = now()
    insert_plain(
        AuditLog,
        [{**_values(actor, action, obj_type, obj_id, store_id, data), "at": at} for obj_id, store_id, data in entries],
    )
