"""The migrations build exactly the schema the models describe, and go down and up again.

Runs on its own empty database: a temporary SQLite file, or on PostgreSQL a
sibling of the test database (``<name>_migrations``), so the shared test
database is never touched.
"""

from __future__ import annotations

import ast
from datetime import UTC
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from marketplace import create_app
from marketplace.catalog.models import Category
from marketplace.extensions import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, _ensure_pg_database

ENV_PY = Path(__file__).resolve().parents[2] / "migrations" / "env.py"


def env_include_object():
    """``include_object`` of migrations/env.py itself (that module runs Alembic when imported,
    so its filter and the names it reads are lifted out of the source)."""
    tree = ast.parse(ENV_PY.read_text())
    wanted = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == "include_object")
        or (isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "HAND_MADE_TABLES" for t in node.targets))
    ]
    namespace: dict = {}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(ENV_PY), "exec"), namespace)
    return namespace["include_object"]


@pytest.fixture
def empty_app(tmp_path):
    """An app on an empty database of its own."""
    if ON_POSTGRES:
        url = make_url(TEST_DATABASE_URL)
        url = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
        _ensure_pg_database(url)
    else:
        url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    app = create_app(
        {"DATABASE_URL": url, "TESTING": True, "MARKETPLACE_PLUGINS": "", "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    )
    with app.app_context():
        if ON_POSTGRES:
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": env_include_object(), "compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_build_exactly_the_schema_of_the_models(empty_app):
    upgrade()

    assert schema_differences() == []


def test_migrations_go_down_to_nothing_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    db.session.remove()
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

    upgrade()

    assert schema_differences() == []
    assert db.session.scalar(select(Category).where(Category.slug == "teh")).name_en == "Tea"


def test_standard_categories_cover_every_sector(empty_app):
    from marketplace.catalog.sectors import SECTORS

    upgrade()

    categories = db.session.scalars(select(Category).order_by(Category.position)).all()
    assert {c.sector for c in categories} == set(SECTORS)
    assert len({c.slug for c in categories}) == len(categories)
    assert all(c.name and c.name_en for c in categories)
    assert [c.position for c in categories] == sorted({c.position for c in categories})


def test_accounts_that_exist_count_as_confirmed_and_their_tokens_get_an_expiry(empty_app):
    """0010: users created before e-mail confirmation existed may keep opening stores; their API
    tokens get the default idle lifetime from the upgrade on."""
    from datetime import datetime, timedelta

    from marketplace.accounts.models import ApiToken, User

    upgrade(revision="0009")
    created = datetime(2026, 1, 5, 8, 0)
    db.session.execute(
        text(
            "INSERT INTO users (email, name, password_hash, role_names, active, session_version, created_at) "
            "VALUES ('lama@test.id', 'Lama', 'x', 'shopper', :t, 1, :c)"
        ),
        {"t": True, "c": created},
    )
    db.session.execute(
        text("INSERT INTO api_tokens (user_id, token_hash, created_at, revoked) SELECT id, :h, :c, :f FROM users"),
        {"h": "a" * 64, "c": created, "f": False},
    )
    db.session.commit()

    upgrade()

    db.session.remove()
    user = db.session.scalar(select(User))
    assert user.email_confirmed_at == created.replace(tzinfo=UTC)
    token = db.session.scalar(select(ApiToken))
    assert abs(token.expires_at - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)
