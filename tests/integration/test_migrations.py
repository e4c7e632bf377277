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


def test_ledger_rows_get_accounts_and_marketplace_mirrors_and_old_premiums_their_insurer(empty_app):
    """0011: every existing ledger row belongs to its store's account, the marketplace gets the
    mirror of each commission row, and an old order_protection extra is the insurer's premium."""
    from datetime import datetime

    from marketplace.ledger.models import LedgerEntry
    from marketplace.orders.models import OrderExtra

    upgrade(revision="0010")
    at = datetime(2026, 3, 1, 9, 0)
    statements = [
        "INSERT INTO stores (id, slug, name, description, city, address, sector, status, allow_agency_assist,"
        " created_at, updated_at) VALUES (7, 'batik', 'Batik', '', 'Tegal', 'Jl. 1', 'fesyen', 'approved', :f, :t, :t)",
        "INSERT INTO orders (id, number, store_id, store_name, status, payment_method, pay_on_delivery, subtotal,"
        " extras_total, total, ship_name, ship_phone, ship_address, ship_city, ship_postal_code, placed_at, updated_at)"
        " VALUES (3, 'APK-2603-000003', 7, 'Batik', 'completed', 'fake', :f, 100000, 1000, 101000, 'Siti',"
        " '0812', 'Jl. 2', 'Tegal', '52131', :t, :t)",
        "INSERT INTO order_extras (order_id, extra_id, name, amount) VALUES (3, 'order_protection', 'Proteksi', 1000)",
        "INSERT INTO insurance_order_protections (order_id, insurer_id, premium, rate_bps, minimum, goods_value,"
        " status, created_at) SELECT 3, id, 1000, 20, 1000, 100000, 'active', :t FROM insurers WHERE code = 'askrindo'",
        "INSERT INTO ledger_entries (key, store_id, order_id, kind, amount, commission_bps, note, created_at) VALUES"
        " ('sale:3', 7, 3, 'sale', 101000, 500, '', :t), ('commission:3', 7, 3, 'commission', -5050, 500, '', :t),"
        " ('refund:3', 7, 3, 'refund', -101000, 500, '', :t),"
        " ('commission-return:3', 7, 3, 'commission', 5050, 500, '', :t)",
    ]
    for statement in statements:
        db.session.execute(text(statement), {"t": at, "f": False})
    db.session.commit()

    upgrade()

    db.session.remove()
    rows = {(e.key, e.account, e.store_id, e.amount) for e in db.session.scalars(select(LedgerEntry))}
    assert rows == {
        ("sale:3", "store:7", 7, 101000),
        ("commission:3", "store:7", 7, -5050),
        ("refund:3", "store:7", 7, -101000),
        ("commission-return:3", "store:7", 7, 5050),
        ("commission-mp:3", "marketplace", None, 5050),
        ("commission-mp-return:3", "marketplace", None, -5050),
    }
    extra = db.session.scalar(select(OrderExtra))
    assert (extra.payee, extra.ledger_kind) == ("insurer:askrindo", "premium")
    db.session.add(LedgerEntry(key="cod-cash:3", account="store:7", store_id=7, kind="cod_cash", amount=-1, note=""))
    db.session.commit()  # the widened kind check takes the new kinds
    downgrade(revision="0010")
    db.session.remove()
    kinds = db.session.execute(text("SELECT kind, COUNT(*) FROM ledger_entries GROUP BY kind ORDER BY kind")).all()
    assert [tuple(k) for k in kinds] == [("commission", 2), ("refund", 1), ("sale", 1)]
