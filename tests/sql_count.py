"""Counting the SQL statements a piece of a test sends (statement counts, never durations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from marketplace.extensions import db

SKIPPED = ("PRAGMA", "SAVEPOINT", "RELEASE")  # the driver's and the test session's own


class QueryCounter(list):
    """The statements sent, in order (a list), also as ``statements`` and their number as ``count``."""

    @property
    def statements(self) -> list[str]:
        return self

    @property
    def count(self) -> int:
        return len(self)


@contextmanager
def counting(app: Flask | None = None) -> Iterator[QueryCounter]:
    """``with counting() as q: ...; q.count``: the statements the current app's engine sent
    meanwhile; ``app``: that app's engine instead (a test's own app, from outside its context)."""
    if app is not None:
        with app.app_context():
            engine = db.engine
    else:
        engine = db.engine
    counter = QueryCounter()

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(SKIPPED):
            counter.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)
