"""Reading rows of columns on the hot path without the ORM's execution.

A statement that names a mapped attribute anywhere (``ProductListing.listed`` in its WHERE)
is an ORM statement, and ``Session.execute`` runs it through the ORM even when it selects
only columns: an ORM compile state, ``do_orm_execute``, and each row built by the ORM's
loading. A catalogue page's statements are all of that kind and load no object. Through the
session's connection the same statement gives the same rows (``Row``, by name and position)
for less: the listing page's 24 rows, SQLite, 100,000 products, median of 2,000: 380–570 µs
through the session, 195–225 µs through its connection; a page with every cache empty sends
five such statements.

What is skipped: ``do_orm_execute`` (the page cache listens to it for writes only, never a
SELECT), and the ORM's autoflush, which :func:`execute` does itself: what the session holds
unflushed is flushed first, as ``Session.execute`` would, unless autoflush is off.
Use it for SELECTs of columns only; a statement that loads objects goes through the session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Executable, any_, bindparam
from sqlalchemy.types import UserDefinedType

from marketplace.extensions import db
from marketplace.pgconnection import IntegerIds


class _IntegerIdsType(UserDefinedType):
    """``integer[]`` whose values psycopg sends as ``integer[]`` (pgconnection.IntegerIds), not
    as the narrowest array that holds them. A user-defined type: the dialect's own ARRAY would
    copy the value into a plain list."""

    cache_ok = True
    render_bind_cast = True

    def get_col_spec(self, **_kw) -> str:
        return "INTEGER[]"

    def bind_processor(self, dialect):
        return lambda value: None if value is None else IntegerIds(value)


_INTEGER_IDS = _IntegerIdsType()


def execute(
    statement: Executable, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
) -> CursorResult:
    """The rows of a SELECT of columns, on the session's connection and in its transaction."""
    session = db.session()
    if session.autoflush:
        session.flush()  # returns at once when nothing is pending
    return session.connection().execute(statement, parameters)


def scalar(statement: Executable, parameters: Mapping[str, Any] | None = None) -> Any:
    """The first column of the first row (None without one), as ``Session.scalar``."""
    return execute(statement, parameters).scalar()


def one_of(column: ColumnElement[int], name: str) -> ColumnElement[bool]:
    """``column`` is one of the ids of the parameter ``name`` (a list), built for the session's
    database. PostgreSQL gets the list as one ``integer[]``: as an expanding ``IN`` each id is a
    parameter of its own, and with the 200 exhibitors of an expo the statement of their count
    took 2.6 ms to send and plan against 1.2 ms with one array. SQLite keeps the expanding
    ``IN``: a JSON array read by ``json_each`` (as catalog/spelling.py sends its ~550 words)
    made the statements that test each row against the list 20-60 % slower."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=_INTEGER_IDS, required=True))
    return column.in_(bindparam(name, expanding=True, required=True))
