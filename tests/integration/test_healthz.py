"""/healthz: 200 when the database answers and its migrations are the code's head; 503 saying what is wrong."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from marketplace.observability import migration_heads


@contextmanager
def alembic_version(*revisions: str):
    """Set the database's recorded migration for the duration (the PostgreSQL pass shares one database)."""
    before = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    _write(revisions)
    try:
        yield
    finally:
        _write(before)


def _write(revisions) -> None:
    db.session.execute(text("DELETE FROM alembic_version"))
    for revision in revisions:
        db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision})
    db.session.commit()


def test_healthy_when_the_database_answers_and_is_migrated(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def test_migrations_behind_the_code_answer_503(app, client):
    (head,) = migration_heads(app.extensions["migrate"].directory)
    with alembic_version("0001"):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == "up" and body["migrations"] == "behind"
    assert body["database_revision"] == ["0001"] and body["code_revision"] == [head]


def test_a_database_never_migrated_answers_503(client):
    with alembic_version():
        response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["migrations"] == "missing"


def test_a_database_from_a_newer_version_answers_503(client):
    with alembic_version("9999_from_the_future"):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["migrations"] == "unknown"


def test_no_alembic_table_at_all_answers_503_not_500(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite'}")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "up",
        "migrations": "missing",
        "database_revision": [],
        "code_revision": list(migration_heads(app.extensions["migrate"].directory)),
    }


@pytest.mark.parametrize(
    "url", ["sqlite:////nonexistent-apik-dir/x.sqlite", "postgresql://postgres@127.0.0.1:1/nothing_listens_here"]
)
def test_an_unreachable_database_answers_503_not_500(make_app, url):
    response = make_app(DATABASE_URL=url).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "down"}


def test_healthz_recovers_once_the_migration_runs(client):
    with alembic_version("0001"):
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200
