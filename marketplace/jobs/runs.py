"""Records of periodic runs: name, started, finished, outcome (``flask jobs status`` reads them).

Each run first claims its minute (a row with a unique ``(name, slot)``): with several workers
(hosts sharing Redis) each firing the schedule, only the first runs it. Rows older than
``KEEP_DAYS`` are deleted as new ones are written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import ScheduleRun

log = logging.getLogger("marketplace.jobs")
KEEP_DAYS = 7


def _claim(name: str) -> int | None:
    started = now()
    run = ScheduleRun(name=name, slot=started.strftime("%Y%m%d%H%M"), started_at=started)
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None  # another worker runs this minute
    db.session.execute(
        delete(ScheduleRun).where(
            ScheduleRun.name == name, ScheduleRun.started_at < started - timedelta(days=KEEP_DAYS)
        )
    )
    db.session.commit()
    return run.id


def _finish(run_id: int, error: str = "") -> None:
    values = {"finished_at": now(), "outcome": "failed" if error else "ok", "error": error[:500]}
    db.session.execute(update(ScheduleRun).where(ScheduleRun.id == run_id).values(**values))
    db.session.commit()


def recorded(name: str, func: Callable[[], object]) -> Callable[[], None]:
    """``func`` as a periodic run: claimed for its minute, recorded with its outcome."""

    def run() -> None:
        run_id = _claim(name)
        if run_id is None:
            return
        try:
            func()
        except Exception as exc:
            db.session.rollback()
            log.exception("periodic task %s failed", name)
            _finish(run_id, f"{type(exc).__name__}: {exc}")
            return
        _finish(run_id)

    return run
