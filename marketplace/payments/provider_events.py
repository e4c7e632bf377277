"""A payment provider's notifications, each applied once, for every payment plugin.

A plugin keeps its own table of the notifications it applied (a model with the columns of
:class:`ProviderEvent`) and hands each verified notification to :func:`apply_once`: the
event's id is stored in the same transaction as its effects, so a replayed notification, or
the same one delivered twice at the same moment (the unique id refuses the second insert),
changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

log = logging.getLogger(__name__)


class ProviderEvent:
    """The columns of a plugin's table of applied notifications. Each model still declares its
    own ``__tablename__`` and ``__page_cache__``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(Text, default="")


def apply_once(
    model,
    event_id: str,
    event_type: str,
    apply: Callable[[], str],
    *,
    refuse: tuple[type[Exception], ...] = (),
    retry: tuple[type[Exception], ...] = (),
) -> tuple[str, int]:
    """Apply the notification ``event_id`` once with ``apply`` (which answers a short result) and
    commit: (the result, the HTTP status to answer the provider with). ``refuse``: exceptions
    meaning the notification cannot be applied (400, nothing written); ``retry``: the provider
    cannot be asked now (503, nothing written, so its retry applies it). Anything else rolls back
    and propagates."""
    event_id, event_type = event_id[:255], event_type[:80]
    if db.session.scalar(select(model.id).where(model.event_id == event_id)) is not None:
        return "duplicate", 200
    try:
        record = model(event_id=event_id, type=event_type)
        db.session.add(record)
        db.session.flush()
        record.result = apply()
        record.processed_at = now()
        db.session.commit()
    except refuse as exc:
        db.session.rollback()
        log.warning("%s: event %s (%s) refused: %s", model.__tablename__, event_id, event_type, exc)
        return "bad_request", 400
    except retry:
        db.session.rollback()
        return "retry_later", 503
    except IntegrityError:  # the same event, applied by a concurrent delivery
        db.session.rollback()
        return "duplicate", 200
    except Exception:
        db.session.rollback()
        raise
    return record.result, 200
