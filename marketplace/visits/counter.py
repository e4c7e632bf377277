"""Counting: ``record(kind, expo_id, store_id, visitor)`` into Redis or a per-process buffer.

With ``REDIS_URL``: one pipeline per count, HINCRBY of the field ``kind:expo:store`` in the
day's hash ``visits:hits:<day>`` and PFADD of the visitor into the HyperLogLog
``visits:hll:<day>:<kind>:<expo>:<store>``, both expiring after three days.

Without Redis: a Counter of (day, kind, expo, store, visitor) -> hits in this process, flushed
into ``visit_tallies`` by one upsert (``INSERT ... ON CONFLICT ... DO UPDATE SET hits = hits +
excluded.hits``) on a connection of its own when it holds ``VISITS_FLUSH_EVERY`` entries, when
a count arrives ``VISITS_FLUSH_SECONDS`` after the last flush, before a roll-up run by
``flask visits rollup`` and when the process exits. A flush the database refuses leaves the
counts in the buffer for the next try. The loss window: a worker killed without its exit hook
(SIGKILL, out of memory) loses its buffer, at most ``VISITS_FLUSH_EVERY`` entries or the counts
of ``VISITS_FLUSH_SECONDS``; a buffer grown past ``MAX_BUFFERED`` entries while the database
refuses drops new counts, logged and counted in ``dropped``.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections import Counter
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from marketplace.extensions import db
from marketplace.visits.models import VisitTally

log = logging.getLogger(__name__)

EXTENSION = "apik_visits"
KEY_SECONDS = 3 * 24 * 3600  # Redis keys of a day's counts live three days
MAX_BUFFERED = 100_000  # entries kept while the database refuses flushes; counts beyond are dropped
ROWS_PER_STATEMENT = 2000  # an upsert's rows (SQLite allows 32766 bound values; 6 per row)

Key = tuple[date, str, int, int, str]
_buffers: weakref.WeakSet[Buffer] = weakref.WeakSet()


class Buffer:
    """This process's counts not yet in ``visit_tallies`` (thread-safe)."""

    def __init__(self, every: int, seconds: float) -> None:
        self.every = max(1, every)
        self.seconds = seconds
        self.lock = threading.Lock()
        self.counts: Counter[Key] = Counter()
        self.last_flush = time.monotonic()
        self.engine: Engine | None = None
        self.dropped = 0  # counts lost since the process started (buffer full while the database refused)
        self.failed_flushes = 0

    def add(self, key: Key) -> bool:
        """Count one hit; True when a flush is due."""
        with self.lock:
            if key not in self.counts and len(self.counts) >= MAX_BUFFERED:
                self.dropped += 1
                if self.dropped % 1000 == 1:
                    log.warning("visits: buffer full, %d count(s) dropped so far", self.dropped)
                return True
            self.counts[key] += 1
            return len(self.counts) >= self.every or time.monotonic() - self.last_flush >= self.seconds

    def __len__(self) -> int:
        return len(self.counts)

    def flush(self) -> int:
        """Write the buffer to ``visit_tallies``; the hits written (0 when the database refused)."""
        with self.lock:
            taken, self.counts = self.counts, Counter()
            self.last_flush = time.monotonic()
        if not taken or self.engine is None:
            self._put_back(taken)
            return 0
        try:
            with self.engine.begin() as conn:
                rows = [
                    {"day": d, "kind": k, "expo_id": e, "store_id": s, "visitor": v, "hits": n}
                    for (d, k, e, s, v), n in taken.items()
                ]
                for start in range(0, len(rows), ROWS_PER_STATEMENT):
                    conn.execute(upsert(self.engine.dialect.name, rows[start : start + ROWS_PER_STATEMENT]))
        except SQLAlchemyError:
            self.failed_flushes += 1
            log.warning("visits: flush of %d entries failed; kept for the next try", len(taken), exc_info=True)
            self._put_back(taken)
            return 0
        return sum(taken.values())

    def _put_back(self, taken: Counter[Key]) -> None:
        with self.lock:
            lost = 0
            for key, hits in taken.items():
                if key in self.counts or len(self.counts) < MAX_BUFFERED:
                    self.counts[key] += hits
                else:
                    lost += hits
            if lost:
                self.dropped += lost
                log.warning("visits: buffer full, %d count(s) dropped (%d in all)", lost, self.dropped)


def upsert(dialect: str, rows: list[dict]) -> Any:
    """``INSERT ... ON CONFLICT (day, kind, expo_id, store_id, visitor) DO UPDATE`` adding the hits."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(VisitTally.__table__).values(rows)
    return statement.on_conflict_do_update(
        index_elements=["day", "kind", "expo_id", "store_id", "visitor"],
        set_={"hits": VisitTally.__table__.c.hits + statement.excluded.hits},
    )


class State:
    """The app's counting state in this process: the buffer, the salts, the slug cache, Redis."""

    def __init__(self, app: Flask) -> None:
        self.buffer = Buffer(int(app.config["VISITS_FLUSH_EVERY"]), float(app.config["VISITS_FLUSH_SECONDS"]))
        self.salts: dict[date, str] = {}
        self.ids: dict[tuple[str, str], tuple[float, int | None]] = {}  # (kind, slug) -> (expires, id)
        self.redis: Any = None
        _buffers.add(self.buffer)


def state(app: Flask) -> State:
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = State(app)
    return found


def redis_client(app: Flask) -> Any:
    """The Redis of the counts, or None without ``REDIS_URL``."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    held = state(app)
    if held.redis is None:
        import redis

        held.redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True)
    return held.redis


def hits_key(day: date) -> str:
    return f"visits:hits:{day.isoformat()}"


def visitors_key(day: date, kind: str, expo_id: int, store_id: int) -> str:
    return f"visits:hll:{day.isoformat()}:{kind}:{expo_id}:{store_id}"


def record(app: Flask, day: date, kind: str, expo_id: int, store_id: int, visitor: str) -> None:
    """Count one hit of ``visitor`` on (kind, expo, store) on ``day`` (call inside an app context)."""
    client = redis_client(app)
    if client is not None:
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(hits_key(day), f"{kind}:{expo_id}:{store_id}", 1)
        pipe.expire(hits_key(day), KEY_SECONDS)
        pipe.pfadd(visitors_key(day, kind, expo_id, store_id), visitor)
        pipe.expire(visitors_key(day, kind, expo_id, store_id), KEY_SECONDS)
        pipe.execute()
        return
    buffer = state(app).buffer
    if buffer.engine is None:
        buffer.engine = db.engine
    if buffer.add((day, kind, expo_id, store_id, visitor)):
        buffer.flush()


def flush(app: Flask) -> int:
    """Write this process's buffered counts of ``app`` now; the hits written."""
    buffer = state(app).buffer
    if buffer.engine is None:
        buffer.engine = db.engine
    return buffer.flush()


@atexit.register
def _flush_at_exit() -> None:
    for buffer in list(_buffers):
        if len(buffer):
            written = buffer.flush()
            if len(buffer):
                log.warning("visits: %d buffered entries lost at exit (%d hits written)", len(buffer), written)
