"""Searches that found nothing: per Jakarta day, each normalized query and how often it missed.

The agency reads the most frequent on its synonym page (agency/synonym_views.py) and adds what
visitors call a thing to the list. A miss is counted where a search is rendered, the search page
and the API listing alike (:func:`count_if_missed`, one line in each): a page the page cache
serves again never reaches the view, so the figure is the number of distinct renders that found
nothing ("pencarian berbeda tanpa hasil"), not of every search typed.

What is not counted: crawlers (``visits.visitor.is_bot``) and prefetches, a search narrowed by a
filter (the filter found nothing, not the words), pages past the first, queries over 100
characters, and queries that look like someone's data (an e-mail address, a run of 8 digits or
more: a phone, NIK or account number). Only the words are kept, never who searched.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from marketplace.catalog.models import SearchMiss
from marketplace.catalog.synonyms import normalize_term
from marketplace.clock import now, to_jakarta
from marketplace.extensions import db
from marketplace.visits.visitor import is_bot, is_prefetch

if TYPE_CHECKING:
    from marketplace.catalog.search import SearchParams

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
RETENTION_DAYS = 180
PERIODS = (7, 30)  # the synonym page's choices; the API takes any number of days up to RETENTION_DAYS
TOP = 50
_LOOKS_PERSONAL = re.compile(r"@|\d{8}")
_FILTERS = ("sector", "category", "category_id", "city", "store", "store_id", "min_price", "max_price")


def today() -> date:
    """The Jakarta day a miss belongs to."""
    return to_jakarta(now()).date()


def missed_query(params: SearchParams, total: int) -> str | None:
    """The normalized query to count when this listing is a search that found nothing; None when
    it is not one (results, no words, a filter, a later page) or must not be kept."""
    raw = (params.q or "").strip()
    if total or not raw or params.page != 1 or params.offered_only:
        return None
    if any(getattr(params, name) not in (None, "") for name in _FILTERS):
        return None
    if len(raw) > MAX_QUERY_CHARS or _LOOKS_PERSONAL.search(raw.replace(" ", "").replace("-", "")):
        return None
    return normalize_term(raw) or None


def from_a_person() -> bool:
    """The request comes from someone looking: no crawler, no prefetch (outside a request: True)."""
    if not has_request_context():
        return True
    return not is_bot(request.headers.get("User-Agent", "")) and not is_prefetch(request.headers)


def count_if_missed(params: SearchParams, result: Any) -> None:
    """Count ``result`` (anything with ``total``) as a miss of its query when it is one: a single
    upsert on a connection of its own, so the page's own transaction is untouched. A database that
    refuses it costs the figure one count, never the visitor the page."""
    query = missed_query(params, result.total)
    if query is None or not from_a_person():
        return
    try:
        with db.engine.begin() as conn:
            conn.execute(_upsert(conn.dialect.name), {"day": today(), "query": query})
    except SQLAlchemyError:
        log.warning("search misses: the count of %r was not written", query, exc_info=True)


@cache
def _upsert(dialect: str):
    """``INSERT ... ON CONFLICT (day, query) DO UPDATE SET count = count + 1``, the day and the
    query its parameters ``day`` and ``query``: built once per dialect (built at every miss, it
    was 3 % of a missing word's page with every cache empty)."""
    table = SearchMiss.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    day, query = bindparam("day", type_=table.c["day"].type), bindparam("query", type_=table.c["query"].type)
    statement = insert(table).values(day=day, query=query, count=1)
    return statement.on_conflict_do_update(index_elements=["day", "query"], set_={"count": table.c["count"] + 1})


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Miss:
    """One query that found nothing over a period: how often, and the last day it did."""

    query: str
    count: int
    last_day: date


def period(days: int) -> tuple[date, date]:
    """The first and last Jakarta day of the last ``days`` days, today included."""
    last = today()
    return last - timedelta(days=days - 1), last


def top_misses(days: int, limit: int = TOP) -> list[Miss]:
    """The queries that found nothing most often over the last ``days`` days (one statement)."""
    first, last = period(days)
    table = SearchMiss.__table__
    total = func.sum(table.c["count"]).label("times")
    rows = db.session.execute(
        select(table.c.query, total, func.max(table.c.day).label("last_day"))
        .where(table.c.day >= first, table.c.day <= last)
        .group_by(table.c.query)
        .order_by(total.desc(), table.c.query)
        .limit(limit)
    )
    return [Miss(r.query, int(r.times), r.last_day) for r in rows]


def delete_old(keep_days: int = RETENTION_DAYS) -> int:
    """Delete the rows older than ``keep_days`` days and commit; how many went."""
    oldest = today() - timedelta(days=keep_days - 1)
    deleted = db.session.execute(delete(SearchMiss).where(SearchMiss.day < oldest))
    db.session.commit()
    return int(getattr(deleted, "rowcount", 0) or 0)
