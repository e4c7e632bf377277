"""The daily roll-up: ``visit_daily`` from the tallies (or Redis), and the purge of old tallies.

``rollup(day)`` (re)computes the day's rows — hits the sum, visitors the distinct visitors (or
PFCOUNT in Redis) — and upserts them: run it as often as you like, the figures are the same.
``run()`` is the periodic job's pass (every 5 minutes): today and yesterday, then every older
day still holding tallies is rolled up one last time and its tallies and salt are deleted.
Reports read ``visit_daily`` only.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, distinct, func, select
from sqlalchemy.dialects import postgresql, sqlite

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.visits import counter
from marketplace.visits.models import VisitDaily, VisitSalt, VisitTally
from marketplace.visits.visitor import today

Figure = tuple[str, int, int, int, int]  # kind, expo_id, store_id, hits, visitors


def rollup(day: date) -> int:
    """(Re)compute ``visit_daily`` for ``day``; the rows written. The caller commits."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    figures = _redis_figures(app, day) if counter.redis_client(app) is not None else _tally_figures(day)
    if not figures:
        return 0
    dialect = db.session.get_bind().dialect.name
    rows = [
        {"day": day, "kind": k, "expo_id": e, "store_id": s, "hits": h, "visitors": v, "rolled_at": now()}
        for k, e, s, h, v in figures
    ]
    db.session.execute(_upsert(dialect, rows))
    return len(rows)


def run() -> dict[str, int]:
    """Roll up today and yesterday; roll up and purge every older day's tallies and salts."""
    current = today()
    yesterday = current - timedelta(days=1)
    written = {day.isoformat(): rollup(day) for day in (yesterday, current)}
    older = db.session.scalars(select(distinct(VisitTally.day)).where(VisitTally.day < yesterday)).all()
    for day in older:
        written[day.isoformat()] = rollup(day)
    db.session.execute(delete(VisitTally).where(VisitTally.day < yesterday))
    db.session.execute(delete(VisitSalt).where(VisitSalt.day < yesterday))
    db.session.commit()
    return written


def _tally_figures(day: date) -> list[Figure]:
    rows = db.session.execute(
        select(VisitTally.kind, VisitTally.expo_id, VisitTally.store_id, func.sum(VisitTally.hits), func.count())
        .where(VisitTally.day == day)
        .group_by(VisitTally.kind, VisitTally.expo_id, VisitTally.store_id)
    ).all()
    return [(k, e, s, int(h), int(v)) for k, e, s, h, v in rows]


def _redis_figures(app: Flask, day: date) -> list[Figure]:
    client = counter.redis_client(app)
    hits = client.hgetall(counter.hits_key(day))
    parsed = []
    for field, value in sorted(hits.items()):
        kind, expo_id, store_id = field.split(":")
        parsed.append((kind, int(expo_id), int(store_id), int(value)))
    pipe = client.pipeline(transaction=False)
    for kind, expo_id, store_id, _ in parsed:
        pipe.pfcount(counter.visitors_key(day, kind, expo_id, store_id))
    counts = pipe.execute() if parsed else []
    return [(k, e, s, h, int(v)) for (k, e, s, h), v in zip(parsed, counts, strict=True)]


def _upsert(dialect: str, rows: list[dict]):
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(VisitDaily.__table__).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["day", "kind", "expo_id", "store_id"],
        set_={
            "hits": statement.excluded.hits,
            "visitors": statement.excluded.visitors,
            "rolled_at": statement.excluded.rolled_at,
        },
    )
