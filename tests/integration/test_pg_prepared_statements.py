"""PostgreSQL connections keep their prepared statements across read-only requests
(marketplace/pgconnection.py): a transaction that only read ends with COMMIT, one that wrote or
failed is rolled back, and what it wrote is gone."""

from __future__ import annotations

import select as io_select
import time

import psycopg
import pytest
from sqlalchemy import event, select, text

from marketplace import pagecache
from marketplace.catalog.models import Category
from marketplace.extensions import db
from marketplace.pgconnection import (
    PING,
    IntegerIds,
    ReadsCommitConnection,
    ReadTrackingCursor,
    _planned_per_value,
    _reads,
)
from tests.buying_factories import gen_listing
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL

# the test database as psycopg's own connections take it
PSYCOPG_URL = (TEST_DATABASE_URL or "").replace("postgresql+psycopg://", "postgresql://")
on_postgres = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL connections only (TEST_DATABASE_URL)")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1",
        "  select id FROM stores FOR UPDATE",
        "\n\tSELECT 1",
        ";",
        "",
        "SHOW standard_conforming_strings",
        "WITH hits AS MATERIALIZED (SELECT id, updated_at FROM products) SELECT id FROM hits",
    ],
)
def test_reads(statement):
    assert _reads(statement)


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET n = 2",
        "DELETE FROM t",
        "WITH x AS (INSERT INTO t VALUES (1) RETURNING n) SELECT n FROM x",
        "with x as (update t set n = 2 returning n) select n from x",
        "WITH x AS (DELETE FROM t RETURNING n) SELECT n FROM x",
        "WITH x AS (SELECT n FROM t FOR UPDATE) SELECT n FROM x",
        "SAVEPOINT sa_savepoint_1",
        "/* a comment first */ SELECT 1",
        "SET lock_timeout = 1000",
        "CREATE TABLE t2 (n int)",
        "LOCK TABLE t",
        b"SELECT 1",
    ],
)
def test_everything_else_counts_as_a_write(statement):
    assert not _reads(statement)


@pytest.fixture
def pg():
    if not ON_POSTGRES:
        pytest.skip("PostgreSQL connections only (TEST_DATABASE_URL)")
    conn = ReadsCommitConnection.connect(PSYCOPG_URL)
    conn.execute("CREATE TEMPORARY TABLE scratch (n integer)")  # gone with the connection
    conn.commit()
    yield conn
    conn.close()


def _prepared(conn) -> int:
    return conn.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]


def _scratch(conn) -> list:
    rows = conn.execute("SELECT n FROM scratch ORDER BY n").fetchall()
    conn.rollback()
    return [n for (n,) in rows]


def test_a_transaction_that_only_read_keeps_the_prepared_statements(pg):
    assert isinstance(pg.cursor(), ReadTrackingCursor)
    for _ in range(6):
        pg.execute("SELECT n FROM scratch WHERE n = %s", (1,))
    assert _prepared(pg) == 1
    pg.rollback()
    assert pg.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert _prepared(pg) == 1
    pg.rollback()
    pg.execute("SELECT n FROM scratch WHERE n = %s", (2,))  # the prepared one, not a new one
    assert _prepared(pg) == 1
    for _ in range(6):  # a WITH of SELECTs reads too
        pg.execute("WITH h AS MATERIALIZED (SELECT n FROM scratch WHERE n = %s) SELECT n FROM h", (1,))
    pg.rollback()
    assert _prepared(pg) == 2


def test_a_full_text_match_is_planned_for_its_words_at_each_run(pg):
    assert _planned_per_value("SELECT id FROM product_search WHERE tsv @@ to_tsquery('simple', %(w0)s)")
    assert not _planned_per_value("SELECT id FROM products WHERE id = %(id)s")
    assert not _planned_per_value(b"SELECT 1 WHERE 'a' @@ 'a'")
    match = "SELECT n FROM scratch WHERE to_tsvector('simple', n::text) @@ to_tsquery('simple', %s)"
    for _ in range(8):
        pg.execute(match, ("1",))
    assert _prepared(pg) == 0
    pg.rollback()


@pytest.mark.parametrize("ids", [[], [1, 2, 3], [40_000], [2**31 - 1, -(2**31), 7], [1, None, 3]])
def test_integer_ids_reach_postgresql_as_one_integer_array(pg, ids):
    """A plain list of small ints goes as smallint[] (psycopg's narrowest); IntegerIds always as
    integer[], whatever its values, and they come back as they went."""
    kind, back = pg.execute("SELECT pg_typeof(%s)::text, %s::integer[]", (IntegerIds(ids), IntegerIds(ids))).fetchone()
    assert kind == "integer[]" and back == ids
    assert pg.execute("SELECT pg_typeof(%s)::text", ([1, 2],)).fetchone()[0] == "smallint[]"
    pg.rollback()


def test_integer_ids_outside_integer_are_refused_before_they_are_sent(pg):
    with pytest.raises(psycopg.DataError):
        pg.execute("SELECT %s", (IntegerIds([1, 2**31]),))
    pg.rollback()


def _generic_plan(conn, ids) -> str:
    """The generic plan of a prepared statement that tests 500 rows against ``ids``."""
    statement = "SELECT count(*) FROM generate_series(1, 500) AS g(n) WHERE n = ANY(%s::INTEGER[])"
    for _ in range(6):  # prepared at the fifth run
        assert conn.execute(statement, (ids,), prepare=True).fetchone()[0] == 3
    kinds = "{integer[]}" if isinstance(ids, IntegerIds) else "{smallint[]}"
    (name,) = conn.execute(
        "SELECT name FROM pg_prepared_statements WHERE statement LIKE %s AND parameter_types::text = %s",
        ("%generate_series(1, 500)%", kinds),
    ).fetchone()
    plan = "\n".join(row[0] for row in conn.execute(f"EXPLAIN EXECUTE {name}('{{4,5,6}}')"))
    conn.rollback()
    return plan


def test_a_generic_plan_tests_integer_ids_without_casting_them_per_row(pg):
    """In a generic plan the parameter is no constant: sent as smallint[], its cast to integer[]
    is made again for every row tested (reads.one_of's 200 live exhibitors: a ms a statement).
    As IntegerIds there is no cast."""
    pg.execute("SET plan_cache_mode = force_generic_plan")
    pg.commit()
    assert "ANY ($1)" in _generic_plan(pg, IntegerIds([1, 2, 3]))
    assert "ANY (($1)::integer[])" in _generic_plan(pg, [1, 2, 3])  # what the test would see before


def _terminate(backend_pid: int) -> None:
    """End a connection from the server's side, as a restart or an idle timeout does."""
    with psycopg.connect(PSYCOPG_URL, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))


def _wait_readable(conn, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not io_select.select([conn.pgconn.socket], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the server sent nothing"


def test_a_ping_on_a_quiet_connection_is_answered_without_the_server(pg):
    pg.autocommit = True  # as SQLAlchemy's ping runs it
    cursor = pg.cursor()
    cursor.execute(PING)
    assert cursor.pgresult is None  # nothing was sent
    cursor.execute("SELECT 1")
    assert cursor.fetchone() == (1,)


def test_a_ping_on_a_connection_the_server_ended_fails_as_before(pg):
    """The server sends its last message and closes: the socket is readable, so the ping asks
    the server, and fails (SQLAlchemy then replaces the connection)."""
    pg.autocommit = True
    _terminate(pg.info.backend_pid)
    _wait_readable(pg)
    with pytest.raises(psycopg.OperationalError):
        pg.cursor().execute(PING)


def test_a_ping_with_a_notification_waiting_asks_the_server_and_passes(pg):
    pg.autocommit = True
    pg.execute("LISTEN apik_ping_test")
    with psycopg.connect(PSYCOPG_URL, autocommit=True) as other:
        other.execute("NOTIFY apik_ping_test")
    _wait_readable(pg)
    cursor = pg.cursor()
    cursor.execute(PING)
    assert cursor.pgresult is not None  # asked: the round trip read the notification
    cursor = pg.cursor()  # SQLAlchemy pings with a new cursor each time
    cursor.execute(PING)
    assert cursor.pgresult is None  # quiet again


def test_the_pool_replaces_a_connection_whose_server_ended_it(make_app):
    """What pool_pre_ping is for, with the socket's answer: the next checkout gets a working
    connection, no error reaches the request."""
    if not ON_POSTGRES:
        pytest.skip("PostgreSQL connections only (TEST_DATABASE_URL)")
    app = make_app()
    with app.app_context():
        engine = db.engine
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            raw = conn.connection.dbapi_connection
        _terminate(pid)
        _wait_readable(raw)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid


WRITES = {
    "insert": lambda c: c.execute("INSERT INTO scratch VALUES (%s)", (7,)),
    "insert-many": lambda c: c.cursor().executemany("INSERT INTO scratch VALUES (%s)", [(7,), (8,)]),
    "insert-in-a-cte": lambda c: c.execute("WITH x AS (INSERT INTO scratch VALUES (7) RETURNING n) SELECT n FROM x"),
    "update-in-a-cte": lambda c: c.execute("WITH x AS (UPDATE scratch SET n = 9 RETURNING n) SELECT n FROM x"),
    "copy": lambda c: _copy(c),
    "update": lambda c: c.execute("UPDATE scratch SET n = 9"),
    "delete": lambda c: c.execute("DELETE FROM scratch"),
}


def _copy(conn) -> None:
    with conn.cursor().copy("COPY scratch (n) FROM STDIN") as copy:
        copy.write_row((7,))


@pytest.mark.parametrize("kind", sorted(WRITES))
def test_a_transaction_that_wrote_is_rolled_back(pg, kind):
    pg.execute("INSERT INTO scratch VALUES (1)")
    pg.commit()
    for _ in range(6):  # reads first, prepared: the write comes after them in the same transaction
        pg.execute("SELECT n FROM scratch WHERE n = %s", (1,))
    WRITES[kind](pg)
    pg.rollback()
    assert _scratch(pg) == [1]
    assert _prepared(pg) == 0  # psycopg forgets its statements after a real rollback, as before


def test_a_failed_transaction_is_rolled_back_and_the_connection_goes_on(pg):
    pg.execute("SELECT 1")
    with pytest.raises(psycopg.errors.DivisionByZero):
        pg.execute("SELECT 1 / 0")
    assert pg.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
    pg.rollback()
    assert pg.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert pg.execute("SELECT 2").fetchone() == (2,)


def test_a_commit_ends_the_write_so_the_next_read_only_transaction_keeps_its_statements(pg):
    pg.execute("INSERT INTO scratch VALUES (1)")
    pg.commit()
    for _ in range(6):
        pg.execute("SELECT n FROM scratch WHERE n = %s", (1,))
    pg.rollback()
    assert _prepared(pg) == 1
    assert _scratch(pg) == [1]


@on_postgres
def test_read_only_requests_keep_their_prepared_statements_and_a_write_still_rolls_back(make_app):
    app = make_app(
        PAGE_CACHE=False,
        CARD_CACHE_MAX_BYTES=0,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "connect_args": {"connect_timeout": 130}},
    )
    with app.app_context():
        variant = gen_listing(name="Keripik Tempe Sagu")
        product_id = variant.product_id
        db.session.commit()
        db.session.remove()
        page = f"/products/{product_id}"
        ran: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda c, cur, statement, *a: ran.append(statement))
    client = app.test_client()
    for _ in range(6):
        with app.app_context():
            pagecache.clear_local()  # the memos too: every render runs its statements
        assert client.get(page).status_code == 200
        assert "Keripik Tempe Sagu" in client.get("/search?q=keripik").get_data(as_text=True)
    with app.app_context():
        names = db.session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        # the search's statements that match words are planned for them at each run: never prepared
        assert any("@@" in statement for statement in ran)
        assert not any("@@" in name for name in names)
        # every SELECT each render runs (a first render reads a little more) is prepared on the
        # pool's one connection
        every_render = {s for s in ran if _reads(s) and "@@" not in s and ran.count(s) >= 6}
        assert len(every_render) >= 4
        assert len(names) >= len(every_render), [s[:80] for s in set(ran)]
        # ... and the session's own write in this transaction is rolled back as before
        db.session.execute(text("UPDATE products SET name = 'Diganti' WHERE id = :id"), {"id": product_id})
        db.session.rollback()
        assert db.session.execute(text("SELECT name FROM products WHERE id = :id"), {"id": product_id}).scalar() == (
            "Keripik Tempe Sagu"
        )
        db.session.remove()


DESCRIBED = [
    "SELECT 1 AS a, now() AS b, 'x'::varchar(20) AS c, 1.5::numeric(6, 2) AS d, ARRAY[1] AS e",
    "SELECT",  # rows of no column: a description, empty
    "SELECT n FROM scratch WHERE false",  # no row: still described
    "INSERT INTO scratch VALUES (1)",  # no result rows: None
    "INSERT INTO scratch VALUES (2) RETURNING n",
    "SET LOCAL statement_timeout = 0",
]


@pytest.mark.parametrize("statement", DESCRIBED)
def test_a_description_made_when_read_is_psycopgs(pg, statement):
    ours = pg.cursor()
    ours.execute(statement)
    theirs = psycopg.Cursor(pg)
    theirs.execute(statement)
    if theirs.description is None:
        assert ours.description is None
        return
    assert len(ours.description) == len(theirs.description)
    for mine, psycopgs in zip(ours.description, theirs.description, strict=True):
        assert tuple(mine) == tuple(psycopgs)
        assert mine.type_display == psycopgs.type_display
    pg.rollback()


def test_a_description_describes_its_own_result_after_the_cursor_moved_on(pg):
    cursor = pg.cursor()
    cursor.execute("SELECT 1 AS first, 'a'::text AS second")
    kept = cursor.description  # not read yet
    cursor.execute("SELECT now() AS other")
    assert [(c.name, c.type_code) for c in kept] == [("first", 23), ("second", 25)]
    assert [c.name for c in cursor.description] == ["other"]
    pg.rollback()


@on_postgres
def test_a_statement_sqlalchemy_has_run_before_describes_no_column(make_app, monkeypatch):
    """SQLAlchemy reads the columns of a compiled statement's first result, then keeps what it
    learnt: from the second run on, nothing of the description is made."""
    made: list[int] = []

    class Counted(psycopg.Column):
        def __init__(self, cursor, index):
            made.append(index)
            super().__init__(cursor, index)

    monkeypatch.setattr(psycopg, "Column", Counted)
    monkeypatch.setattr(psycopg._cursor_base, "Column", Counted)  # psycopg's own description
    app = make_app()
    statement = select(Category.id, Category.slug, Category.name, Category.sector).order_by(Category.id)
    with app.app_context():
        db.session.execute(text("SELECT 1")).all()  # the engine's first connection asks its own questions
        made.clear()
        first = db.session.execute(statement).all()
        assert len(made) == 4
        made.clear()
        again = db.session.execute(statement).all()
        assert made == [] and again == first
        row = db.session.execute(text("SELECT 1 AS one")).one()  # text, whose columns it learns each time
        assert row.one == 1 and made == [0]
        db.session.remove()
