"""Who is a visitor: a hash of the day's salt, the address and the browser; who is left out.

The salt is random per Jakarta day and lives in ``visit_salts`` (or a Redis key expiring after
two days with ``REDIS_URL``); the roll-up deletes it with the day's tallies, after which the
day's hashes cannot be linked to an address any more. Nothing else about the person is kept.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import threading
from datetime import date

from crawlerdetect import CrawlerDetect
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.clock import now, to_jakarta
from marketplace.extensions import db
from marketplace.visits import counter
from marketplace.visits.models import VisitSalt

SALT_SECONDS = 2 * 24 * 3600  # a day's salt in Redis outlives the day by one, then expires
_detector = CrawlerDetect()
_detector_lock = threading.Lock()  # CrawlerDetect keeps its last matches on the instance


def today() -> date:
    """The Jakarta day a count belongs to."""
    return to_jakarta(now()).date()


def visitor_hash(salt: str, address: str, user_agent: str) -> str:
    """``sha256(salt + address + User-Agent)``, the first 32 hex digits."""
    return hashlib.sha256(f"{salt}{address}{user_agent}".encode()).hexdigest()[:32]


@functools.lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """A crawler by its User-Agent (the crawlerdetect library); an empty one counts as a bot."""
    if not user_agent.strip():
        return True
    with _detector_lock:
        return bool(_detector.isCrawler(user_agent))


def is_prefetch(headers) -> bool:
    """A speculative load (``Sec-Purpose: prefetch`` or ``Purpose: prefetch``): nobody looked yet."""
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}".lower()
    return "prefetch" in purpose


def salt_of(app: Flask, day: date) -> str:
    """The day's salt: from this process's memory, else Redis or ``visit_salts`` (made when missing)."""
    state = counter.state(app)
    salt = state.salts.get(day)
    if salt is not None:
        return salt
    client = counter.redis_client(app)
    if client is not None:
        key = f"visits:salt:{day.isoformat()}"
        client.set(key, secrets.token_hex(16), nx=True, ex=SALT_SECONDS)
        salt = str(client.get(key))
    else:
        salt = _database_salt(day)
    state.salts = {d: s for d, s in state.salts.items() if d >= day} | {day: salt}
    return salt


def _database_salt(day: date) -> str:
    """Read or make the day's salt on a connection of its own (never in the request's transaction)."""
    table = VisitSalt.__table__
    with db.engine.begin() as conn:
        found = conn.scalar(select(table.c.salt).where(table.c.day == day))
        if found is not None:
            return str(found)
    try:
        made = secrets.token_hex(16)
        with db.engine.begin() as conn:
            conn.execute(table.insert().values(day=day, salt=made))
        return made
    except IntegrityError:  # another process made it first: theirs is the day's salt
        with db.engine.begin() as conn:
            return str(conn.scalar(select(table.c.salt).where(table.c.day == day)))
