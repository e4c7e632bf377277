"""Fixtures: a fresh database per test, built by the real migrations.

SQLite (default): the migrations run once per session into a template file,
copied for every test. PostgreSQL (TEST_DATABASE_URL=postgresql://...): the
migrations run once per session, and every table is truncated after each test.
Plugins are off unless a test turns them on (``make_app(plugins=...)``).
"""

from __future__ import annotations

import os
import shutil

import pytest
from flask.testing import FlaskClient
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from marketplace import create_app, mail, pagecache
from marketplace.extensions import db
from tests import route_builders, template_bytecode
from tests.sql_count import counting

# Every app of the session shares one compiled URL builder per route (tests/route_builders.py):
# create_app costs 0.04 s of CPU instead of 0.10 s, and most tests build at least one app.
route_builders.install()
# ... and one compiled form of each template (tests/template_bytecode.py).
template_bytecode.install()

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgres")
# `make run` loads the demo into SQLite and production refuses demo data, so the demo's own tests
# (a full load each, 17-25 s on PostgreSQL) run in the SQLite pass; the services the demo goes
# through are tested on PostgreSQL by their own tests.
DEMO_ON_SQLITE_ONLY = "the demo loads into SQLite only (make run); its tests run in the SQLite pass"


def _ensure_pg_database(url: str) -> None:
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
        # a test database need not survive a crash: a commit does not wait for the WAL's flush
        # (every connection to it, the live servers' included; PostgreSQL keeps it consistent)
        conn.execute(text(f'ALTER DATABASE "{target.database}" SET synchronous_commit = off'))
    admin.dispose()


def _upgrade(database_url: str, upload_folder: str) -> None:
    from flask_migrate import upgrade

    app = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "UPLOAD_FOLDER": upload_folder, "MARKETPLACE_PLUGINS": ""}
    )
    with app.app_context():
        if database_url.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory) -> str:
    """The migrated database every test starts from (a URL or a SQLite file path)."""
    root = tmp_path_factory.mktemp("db")
    if ON_POSTGRES:
        _ensure_pg_database(TEST_DATABASE_URL)
        _upgrade(TEST_DATABASE_URL, str(root / "uploads"))
        _REFERENCE_ROWS.update(_read_reference_rows(TEST_DATABASE_URL))
        return TEST_DATABASE_URL
    template = root / "template.sqlite"
    _upgrade(f"sqlite:///{template}", str(root / "uploads"))
    return str(template)


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if ON_POSTGRES:
        yield database_template
        _truncate_all(database_template)
        return
    path = tmp_path / "test.sqlite"
    shutil.copy(database_template, path)
    yield f"sqlite:///{path}"


def _user_tables(conn) -> list[str]:
    return conn.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
    ).all()


# Rows the migrations insert themselves (reference data such as the categories of
# 0002): read once after the upgrade, put back after every truncation.
_REFERENCE_ROWS: dict[str, list[dict]] = {}
_ENGINES: dict[str, object] = {}


def _pg_engine(url: str):
    """One engine per database for the session's resets (a new one per test cost a connection)."""
    if url not in _ENGINES:
        _ENGINES[url] = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    return _ENGINES[url]


def _read_reference_rows(url: str) -> dict[str, list[dict]]:
    with _pg_engine(url).connect() as conn:
        rows = {t: [dict(r) for r in conn.execute(text(f'SELECT * FROM "{t}"')).mappings()] for t in _user_tables(conn)}
    return {t: sorted(r, key=lambda row: row.get("id") or 0) for t, r in rows.items() if r}


def _same_as_migrated(conn, table: str) -> bool:
    saved = _REFERENCE_ROWS.get(table)
    if saved is None:
        return False
    order = " ORDER BY id" if "id" in saved[0] else ""
    return [dict(r) for r in conn.execute(text(f'SELECT * FROM "{table}"{order}')).mappings()] == saved


def _truncate_all(url: str) -> None:
    """Put the database back as the migrations left it, touching only what the test changed:
    the tables a test never wrote to (most of them) are left alone. Emptied: every table with
    rows, except reference tables whose rows are still the migrations' own. Rewound: every
    sequence a test used.

    The tables are emptied with DELETE, the foreign keys' triggers off for the transaction
    (session_replication_role, for a superuser such as the suite's postgres): every table a
    key could cascade to is emptied too, or holds only migrated rows, which reference only
    migrated rows. TRUNCATE ... CASCADE gave the same end state, but made a new file for every
    table (and index) referring to a dirty one: users alone cascades to most of the schema,
    1.4-3.5 s a reset on the shared 2-core machine against 0.02-0.07 s for the DELETEs. A role
    that may not turn the triggers off still truncates."""
    with _pg_engine(url).begin() as conn:
        tables = _user_tables(conn)
        if not tables:
            return
        filled = conn.scalars(
            text(" UNION ALL ".join(f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables))
        ).all()
        dirty = [t for t in filled if not _same_as_migrated(conn, t)]
        if dirty and _may_skip_triggers(url, conn):
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text("; ".join(f'DELETE FROM "{t}"' for t in dirty)))
            conn.execute(text("SET LOCAL session_replication_role = origin"))
        elif dirty:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in dirty) + " RESTART IDENTITY CASCADE"))
        _rewind_sequences(conn)
        _restore_reference_rows(conn)


_SUPERUSER: dict[str, bool] = {}


def _may_skip_triggers(url: str, conn) -> bool:
    if url not in _SUPERUSER:
        _SUPERUSER[url] = bool(conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))
    return _SUPERUSER[url]


def _rewind_sequences(conn) -> None:
    """Every sequence a test drew from starts again: at 1, or past the reference rows."""
    used = conn.execute(
        text(
            "SELECT s.relname, t.relname FROM pg_class s"
            " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
            " JOIN pg_class t ON t.oid = d.refobjid"
            " JOIN pg_sequences ps ON ps.schemaname = 'public' AND ps.sequencename = s.relname"
            " WHERE s.relkind = 'S' AND ps.last_value IS NOT NULL"
        )
    ).all()
    calls = [
        f'setval(\'"{seq}"\', (SELECT max(id) FROM "{table}"))'
        if table in _REFERENCE_ROWS
        else f"setval('\"{seq}\"', 1, false)"
        for seq, table in used
    ]
    if calls:
        conn.execute(text("SELECT " + ", ".join(calls)))


_REFERENCE_METADATA: dict[str, MetaData] = {}


def _restore_reference_rows(conn) -> None:
    """Insert the saved rows of every reference table left empty, parents first (insurers before
    their products): the order pg_tables lists tables in is the catalogue's, not the foreign
    keys'. The table definitions are read once (the migration tests rebuild the same schema)."""
    empty = [t for t in _REFERENCE_ROWS if conn.scalar(text(f'SELECT NOT EXISTS (SELECT 1 FROM "{t}")'))]
    if not empty:
        return
    if "tables" not in _REFERENCE_METADATA:
        metadata = MetaData()
        metadata.reflect(conn, only=list(_REFERENCE_ROWS))
        _REFERENCE_METADATA["tables"] = metadata
    for table in _REFERENCE_METADATA["tables"].sorted_tables:
        if table.name in empty:
            conn.execute(table.insert(), _REFERENCE_ROWS[table.name])
            if "id" in table.c:  # the sequence was rewound: move it past the restored ids
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence(:t, 'id'), (SELECT max(id) FROM \"{table.name}\"))"),
                    {"t": table.name},
                )


@pytest.fixture
def outbox(monkeypatch) -> list:
    """E-mails the app sends, as ``mail.deliver`` receives them, instead of the log."""
    sent = []
    monkeypatch.setattr(mail, "deliver", sent.append)
    return sent


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on the test database; ``make_app(plugins="cash_on_delivery", **config)``."""
    apps = []

    def factory(plugins: str = "", **config):
        settings = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "REPORTS_FOLDER": str(tmp_path / "reports"),
            "MARKETPLACE_PLUGINS": plugins,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": None,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            # visitor figures off unless a test turns them on (tests/integration/test_visits*.py): the
            # day's salt is one read and one write per app, which statement counts must not carry
            "VISITS_ENABLED": False,
        }
        settings.update(config)
        if settings.get("MARKETPLACE_ENV") == "production" and "BASE_URL" not in config:
            settings["BASE_URL"] = "https://localhost"  # production requires one: the test client's host
        if str(settings["DATABASE_URL"]).startswith("postgresql") and "SQLALCHEMY_ENGINE_OPTIONS" not in config:
            # psycopg times its connect_timeout with time.monotonic, which time_machine moves:
            # a connection opened while a test travels in time would "expire" at the app's 5 s
            # default; psycopg's own default (130 s) is what the suite ran on before
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"connect_timeout": 130}}
        app = create_app(settings)
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            # the next test's database is made outside the ORM (a copy, or a truncation of the
            # same PostgreSQL database): no page shared by this test's workers may serve it
            pagecache.invalidate_all()
            db.session.remove()
            db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Every request in its own app context, as in production: nothing cached on
    ``g`` (the signed-in user, the API user, the locale) or in the request's
    database session leaks from one request, or one browser, into the next.

    The test's own code runs in the outer app context with its own session:
    after a request, ``db.session.rollback()`` (or ``expire_all()``) before
    reading what the request committed."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        mail.flush()  # what is due in the outbox and not sent at the commit (a retry) goes now
        return response


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="shopper@test.id", password="rahasia123", follow_redirects=False):
        return self._client.post(
            "/login", data={"email": email, "password": password}, follow_redirects=follow_redirects
        )

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture(params=["page-cache-off", "signed-in"])
def uncached_visitor(request, app, auth):
    """A visitor whose catalogue pages the page cache does not keep: anyone with PAGE_CACHE off,
    or a signed-in shopper. What such a page remembers (pagecache.memo) it must still reuse."""
    if request.param == "signed-in":
        from tests.factories import gen_user

        gen_user(email="shopper@test.id")
        auth.login()
    else:
        app.config["PAGE_CACHE"] = False
    return request.param


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...; q.count`` — SQL statements sent to the database
    (tests/sql_count.py; a test that makes its own app imports ``counting`` from there)."""
    return counting


@pytest.fixture
def api(client):
    """JSON API calls: ``api.post(path, json, token=...)``; ``api.token(email, password)``."""
    return ApiClient(client)


class ApiClient:
    def __init__(self, client):
        self.client = client

    def token(self, email: str, password: str = "rahasia123") -> str:
        response = self.client.post("/api/v1/auth/tokens", json={"email": email, "password": password})
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()["token"]

    def _call(self, method, path, token=None, **kwargs):
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return getattr(self.client, method)("/api/v1" + path, headers=headers, **kwargs)

    def get(self, path, token=None, **kw):
        return self._call("get", path, token, **kw)

    def post(self, path, json=None, token=None, **kw):
        return self._call("post", path, token, json=json, **kw)

    def patch(self, path, json=None, token=None, **kw):
        return self._call("patch", path, token, json=json, **kw)

    def put(self, path, json=None, token=None, **kw):
        return self._call("put", path, token, json=json, **kw)

    def delete(self, path, token=None, **kw):
        return self._call("delete", path, token, **kw)


# The Redis of the `redis` tests; `make test` sets REDIS_URL for their pass.
REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {REDIS_TEST_URL} ({exc})"
        if os.environ.get("CI") == "true":
            pytest.fail(message + " and CI=true: the Redis tests must run in CI.")
        pytest.skip("!!! REDIS TESTS SKIPPED: " + message)
    return REDIS_TEST_URL


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "redis: needs Redis (REDIS_URL, default redis://127.0.0.1:6379/15); "
        "`make test` runs these again with REDIS_URL set",
    )
    config.addinivalue_line(
        "markers",
        "faults: database outages, killed workers and crashes mid-checkout "
        "(tests/faults/; the PostgreSQL ones start a private server)",
    )
    config.addinivalue_line(
        "markers", "security: bandit, pip-audit, schemathesis, CSRF and session checks (tests/security/)"
    )
