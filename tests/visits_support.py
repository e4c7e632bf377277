"""Visitor figures for tests: ``visit_daily`` rows written directly, as the beacon's roll-up
would leave them (one row per Jakarta day, kind, expo and store), without the beacon."""

from __future__ import annotations

from datetime import date

from marketplace.extensions import db
from marketplace.visits.models import VisitDaily


def gen_visits(rows: list[tuple]) -> None:
    """``(day, kind, expo, store, hits, visitors)`` per row; ``expo``/``store`` an object, an id or
    0 where it does not apply. Commits."""
    for day, kind, expo, store, hits, visitors in rows:
        db.session.add(
            VisitDaily(
                day=day if isinstance(day, date) else date.fromisoformat(day),
                kind=kind,
                expo_id=getattr(expo, "id", expo),
                store_id=getattr(store, "id", store),
                hits=hits,
                visitors=visitors,
            )
        )
    db.session.commit()
