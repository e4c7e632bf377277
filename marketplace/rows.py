"""Writing rows on the hot path without the unit of work.

A checkout writes a dozen new rows and never changes them again in the same
request. At an expo opening the app's CPU is the ceiling on orders per second,
and most of it goes to SQLAlchemy's work around each statement, not to the
database. Measured per one-row INSERT on PostgreSQL: 0.32 ms of CPU through the
unit of work (``add`` + ``flush``), 0.34 ms as an ORM bulk INSERT … RETURNING,
0.16–0.19 ms as a Core INSERT … RETURNING, built once, whose row becomes the
object. These helpers send such statements and still hand back ordinary
persistent objects, in the session's identity map, with nothing pending: code
that reads them (plugins, mail, the JSON answer) cannot tell the difference.
A whole checkout (the bench's 20 × 20 catalogue on SQLite, in-process, median
of 300, two cart lines): 3.7–5.6 ms of CPU through these helpers,
6.2–8.9 ms with every one of them replaced by ``add`` + ``flush``, which also
sends 14–17 statements instead of 14–15 (it reloads server defaults).

What they skip is the unit of work: no mapper or session persistence event
(``before_insert``/``after_insert``, ``before_update``/``after_update``,
``before_flush``/``after_flush``) fires for the rows written here. The models
written here (Checkout, Payment, Order, OrderLine, OrderExtra, OrderEvent,
AuditLog) say so in their docstrings; the page cache sees these writes anyway,
through ``do_orm_execute``.

Where it is used: only the checkout, the one write path where the benchmark
shows the difference (bench/README.md; CONTRIBUTING.md "Hot paths"). Anything
else writes with ``db.session.add`` and lets the flush do its work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import TypeVar

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm import make_transient_to_detached

from marketplace import internals
from marketplace.extensions import db

M = TypeVar("M")


def insert_returning(model: type[M], rows: Sequence[dict], computed: Callable[[], dict] | None = None) -> list[M]:
    """INSERT ``rows`` (one statement per table, multi-row VALUES where the database
    allows) and return them as persistent ``model`` objects, in the order given.
    ``computed`` (a module-level function, called once): the columns the database
    computes, ``{name: SQL expression}``, the same expression for every row."""
    if not rows:
        return []
    statement, attributes = _insert(model, len(rows) > 1, computed)
    mapper = inspect(model)
    identity_map = db.session.identity_map
    made = []
    for row in db.session.execute(statement, list(rows)).mappings():
        # the whole row came back (defaults and computed columns included): a detached object
        # with that state becomes persistent when added, exactly as if a query had loaded it
        obj = model(**{attribute: row[column] for column, attribute in attributes})
        make_transient_to_detached(obj)
        stale = identity_map.get(mapper.identity_key_from_instance(obj))
        if stale is not None:  # a rolled-back row of this session whose id SQLite gave out again
            db.session.expunge(stale)
        db.session.add(obj)
        made.append(obj)
    return made


@cache
def _insert(model, ordered: bool, computed) -> tuple:
    """(the statement, (column, attribute name) of each RETURNING column), built once per
    shape: a statement object memoises its cache key, a new one is traversed again every time.
    A returned row is read by its columns, never by position."""
    mapper = inspect(model)
    table = mapper.local_table
    statement = insert(table)
    if computed is not None:
        statement = statement.values(**computed())
    attributes = tuple((column, mapper.get_property_by_column(column).key) for column in table.columns)
    return statement.returning(*table.columns, sort_by_parameter_order=ordered), attributes


def insert_plain(model, rows: Sequence[dict]) -> None:
    """INSERT rows nothing in this request reads back (history, audit): no objects made."""
    if rows:
        db.session.execute(_insert_plain(model), list(rows))


@cache
def _insert_plain(model):
    return insert(model.__table__)


def write_through(obj, **values) -> None:
    """UPDATE one loaded row's columns by its primary key, and set them on ``obj``
    as already committed: the object stays in step and nothing is left to flush."""
    write_each([(obj, values)])


def write_each(changes: Sequence[tuple[object, dict]]) -> None:
    """:func:`write_through` for several objects of one model, each with its own values for
    the same columns: one executemany. A column the ORM would set on update (``onupdate``,
    ``updated_at``) and that is not given is set here too, so the objects keep its value."""
    if not changes:
        return
    mapper = inspect(changes[0][0]).mapper
    table = mapper.local_table
    names = tuple(changes[0][1])
    automatic = _on_update(table, names)
    params = []
    for obj, values in changes:
        values = {**values, **{name: make() for name, make in automatic}}
        params.append(
            {
                **{
                    f"pk_{column.key}": getattr(obj, mapper.get_property_by_column(column).key)
                    for column in mapper.primary_key
                },
                **{f"new_{name}": value for name, value in values.items()},
            }
        )
        for name, value in values.items():
            internals.set_loaded(obj, name, value)
    db.session.execute(_update(table, names + tuple(name for name, _make in automatic)), params)


@cache
def _on_update(table, names: tuple[str, ...]) -> tuple:
    """(column, value maker) of the columns with a Python ``onupdate`` not among ``names``."""
    automatic = []
    for column in table.columns:
        if column.onupdate is None or column.key in names:
            continue
        if not (column.onupdate.is_callable or column.onupdate.is_scalar):
            raise ValueError(f"{table.name}.{column.key}: an SQL onupdate cannot be kept in step; pass it")
        arg = column.onupdate.arg
        automatic.append(
            (column.key, (lambda arg=arg: arg(None)) if column.onupdate.is_callable else (lambda arg=arg: arg))
        )
    return tuple(automatic)


@cache
def _update(table, names: tuple[str, ...]):
    return (
        update(table)
        .where(*(column == bindparam(f"pk_{column.key}") for column in table.primary_key))
        .values({name: bindparam(f"new_{name}") for name in names})
    )


def attach(obj, name: str, value) -> None:
    """Set a relationship of a persistent object as loaded (no lazy load, no write)."""
    internals.set_loaded(obj, name, value)
