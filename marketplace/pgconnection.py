"""PostgreSQL connections that keep their prepared statements across requests.

psycopg prepares a statement on the server once a connection has run it five times
(``prepare_threshold``); a prepared statement skips parsing and, once PostgreSQL settles on a
generic plan, planning: a product page's first statement takes 0.2 ms prepared instead of
1.2 ms. But psycopg forgets every prepared statement on ROLLBACK (a rolled-back transaction
may have dropped or re-created what they name), and every request that only reads ends in a
ROLLBACK: the session closes its transaction that way. So no statement ever reached five runs
and nothing was prepared.

Here a transaction in which every statement was a SELECT (or a WITH of SELECTs, or a SHOW)
ends with COMMIT instead. For such a transaction the two are the same: it wrote nothing, and
the locks a ``SELECT ... FOR UPDATE`` took are released either way. (They would differ for a
SELECT of a function with side effects that a rollback undoes, ``set_config`` or
``pg_notify``; the app calls neither.) A transaction that ran anything else (INSERT, UPDATE,
DELETE, a data-modifying CTE, SAVEPOINT, DDL, COPY) or failed is rolled back as before, and
psycopg forgets its prepared statements as before.

A full-text search is never prepared: a generic plan made a common word's search twice as
slow (:func:`_planned_per_value`).

SQLAlchemy's liveness check of a pooled connection (``pool_pre_ping``, an empty statement) is
answered from the socket when the connection is idle and nothing waits to be read on it
(:func:`_quiet`); otherwise the server is asked, as before.
"""

from __future__ import annotations

import re
import select
import struct
from collections.abc import Sequence
from functools import lru_cache
from types import SimpleNamespace

import psycopg
from psycopg import postgres
from psycopg.pq import ConnStatus, ExecStatus, TransactionStatus
from psycopg.types.array import ListBinaryDumper

# a result that returns rows, even with no column (``SELECT ;``): psycopg's test for a description
_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)
# SQLAlchemy's liveness check for psycopg (PGDialect_psycopg._dialect_specific_select_one)
PING = ";"
# what makes a WITH statement write: PostgreSQL allows data-modifying CTEs only at the top level
_MODIFIES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def _reads(query) -> bool:
    """Whether a statement only reads: a SELECT, a WITH whose parts are all SELECTs (a search's
    ranked page), a SHOW, or the empty statement SQLAlchemy's liveness check sends (``;``).
    SQLAlchemy sends text; anything else (bytes, psycopg.sql objects) is taken for a write, and
    so is a WITH that names INSERT, UPDATE, DELETE or MERGE anywhere, even in a ``FOR UPDATE``."""
    return _kinds(query)[0]


def _planned_per_value(query) -> bool:
    """Whether a statement is never prepared, so PostgreSQL plans it for its values at each run:
    a full-text match (``@@``), whose best plan depends on how many products the words are in.
    Prepared, PostgreSQL settled on one generic plan after five runs, and a common word's
    search took 60 ms instead of 30 (100,000 products); a rare word's was 0.3 ms faster."""
    return _kinds(query)[1]


def _kinds(query) -> tuple[bool, bool]:
    """(:func:`_reads`, :func:`_planned_per_value`) of a statement, in one lookup."""
    return _text_kinds(query) if isinstance(query, str) else (False, False)


@lru_cache(maxsize=1024)  # SQLAlchemy sends each compiled statement as the same string object
def _text_kinds(query: str) -> tuple[bool, bool]:
    head = query.lstrip(" \t\r\n;")[:6].upper()
    if head[:4] == "WITH":
        reads = _MODIFIES.search(query) is None
    else:
        reads = head == "SELECT" or head[:4] == "SHOW" or not head
    return reads, "@@" in query


def _quiet(conn: psycopg.Connection) -> bool:
    """Whether an idle connection is alive without asking the server: open, outside a
    transaction, and its socket has nothing to read. A server that stops (``pg_ctl stop``,
    a crash, a restart, a failover, an idle timeout) sends its last message or closes the
    socket, which makes it readable; a live server sends nothing unasked to an idle
    connection but a notice or a notification, which a real ping then reads."""
    if conn.closed or conn.pgconn.status != ConnStatus.OK or conn.info.transaction_status != TransactionStatus.IDLE:
        return False
    readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    return not readable


class ReadTrackingCursor(psycopg.Cursor):
    """Tells its connection when it runs a statement that is not a SELECT, leaves a full-text
    search unprepared (:func:`_planned_per_value`), and answers SQLAlchemy's liveness check
    from the socket when it can (:meth:`execute`)."""

    def execute(self, query, params=None, **kwargs):
        if query == PING and params is None and self.connection.autocommit and _quiet(self.connection):
            # SQLAlchemy pings every connection it takes from the pool (``pool_pre_ping``): an
            # empty statement in autocommit, a round trip that cost a page 0.1 ms of its ~4 and
            # the server a wake-up. A quiet socket answers the same question; anything else
            # (a readable socket, a broken connection) is asked the server, and a dead server
            # fails the ping as before, so the pool replaces the connection.
            return self
        reads, per_value = _kinds(query)
        if not reads:
            self.connection.wrote = True
        if per_value:
            kwargs["prepare"] = False
        return super().execute(query, params, **kwargs)

    @property
    def description(self):
        """The columns of the current result, as psycopg describes them, made only when read.
        SQLAlchemy asks for the description after every statement, to learn whether it returned
        rows, and reads it no further once it has compiled the statement before (its cached
        result metadata). psycopg made a ``Column`` for every column of every result, 111 a
        product page, then dropped them: 14 µs for a store's 17 columns, 0.7 µs here."""
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _ROWS):
            return None
        return _Description(self, result)

    def executemany(self, query, params_seq, **kwargs):
        self.connection.wrote = True
        return super().executemany(query, params_seq, **kwargs)

    def copy(self, statement, params=None, **kwargs):
        self.connection.wrote = True
        return super().copy(statement, params, **kwargs)


class IntegerIds(list):
    """Integers that psycopg sends as one ``integer[]``.

    psycopg sends a list of Python ints as the narrowest array that holds them: ``smallint[]``
    for store ids. A statement casts it (``= ANY(%(ids)s::INTEGER[])``), and in a prepared
    statement's generic plan, where the parameter is no constant, PostgreSQL makes that cast
    again for every row it tests: the 200 live exhibitors cost 1.0 ms of a category page's
    1.2 ms facets statement. Sent as ``integer[]`` there is no cast to make."""


_INT4 = postgres.types["int4"]


class _IntegerIdsDumper(ListBinaryDumper):
    """IntegerIds as PostgreSQL's binary ``integer[]``, packed at once rather than value by value
    (psycopg's list dumper calls a dumper per value: 200 calls for the live exhibitors)."""

    element_oid = _INT4.oid

    def __init__(self, cls: type, context=None) -> None:
        super().__init__(cls, context)
        # on the instance: an oid on the class would make this the dumper of every integer[]
        # psycopg dumps by type (a COPY's columns), not only of IntegerIds
        self.oid = _INT4.array_oid

    def dump(self, obj: list) -> bytes:
        if not obj:
            return struct.pack("!iiI", 0, 0, _INT4.oid)
        if None in obj:
            return super().dump(obj)
        # one dimension, no NULL, int4 values, its length and lower bound 1; each value as (4, n)
        values = [part for n in obj for part in (4, n)]
        try:
            return struct.pack(f"!iiIii{len(values)}i", 1, 0, _INT4.oid, len(obj), 1, *values)
        except struct.error as exc:
            raise psycopg.DataError(f"not an integer[]: {exc}") from None


class ReadsCommitConnection(psycopg.Connection):
    """A connection whose rollback of a transaction that only read is a COMMIT."""

    # whether the open transaction ran a statement other than a SELECT
    wrote = False

    @classmethod
    def connect(cls, *args, **kwargs):
        kwargs["cursor_factory"] = ReadTrackingCursor
        conn = super().connect(*args, **kwargs)
        # on the connection's own map: SQLAlchemy connects with a copy of psycopg's adapters
        # made when its dialect was, which a later registration on psycopg's would not reach
        conn.adapters.register_dumper(IntegerIds, _IntegerIdsDumper)
        return conn

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.wrote = False

    def rollback(self) -> None:
        try:
            if not self.wrote and self.info.transaction_status == TransactionStatus.INTRANS:
                super().commit()
            else:
                super().rollback()
        finally:
            self.wrote = False


class _Description(Sequence):
    """A result's ``cursor.description``: psycopg's ``Column`` objects, made on first read from
    the result it was asked for, whatever the cursor has run since."""

    __slots__ = ("_columns", "_source")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        # what psycopg 3.2's Column reads of its cursor, fixed at the result described (the tests
        # compare each description with psycopg's own, so an upgrade that changes this shows)
        self._source = SimpleNamespace(pgresult=result, _encoding=cursor._encoding, adapters=cursor.adapters)
        self._columns: list | None = None

    def _made(self) -> list:
        if self._columns is None:
            source = self._source
            self._columns = [psycopg.Column(source, i) for i in range(source.pgresult.nfields)]
        return self._columns

    def __len__(self) -> int:
        return self._source.pgresult.nfields

    def __getitem__(self, index):
        return self._made()[index]

    def __repr__(self) -> str:
        return repr(self._made())
