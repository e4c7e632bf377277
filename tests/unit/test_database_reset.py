"""The PostgreSQL reset between tests (tests/conftest.py ``_truncate_all``) puts the database
back as the migrations left it: user tables empty, the reference rows as migrated, every
sequence where a fresh database would start it. Both ways: DELETE with the foreign keys'
triggers off (a superuser), TRUNCATE ... CASCADE (any other role)."""

import pytest
from sqlalchemy import text

from marketplace.extensions import db
from tests import conftest
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="SQLite starts every test from a copy of the template")

USER = (
    "INSERT INTO users (email, name, role_names, active, session_version, created_at)"
    " VALUES (:email, 'Nama', 'shopper', true, 1, now())"
)


@pytest.mark.parametrize("superuser", [True, False], ids=["delete", "truncate"])
def test_the_reset_leaves_the_database_as_migrated(app, database_url, monkeypatch, superuser):
    monkeypatch.setitem(conftest._SUPERUSER, database_url, superuser)
    for n in range(3):
        db.session.execute(text(USER), {"email": f"u{n}@test.id"})
    db.session.execute(text("UPDATE categories SET name = 'Ganti' WHERE id = 1"))
    db.session.execute(text("DELETE FROM insurance_products WHERE id = (SELECT max(id) FROM insurance_products)"))
    db.session.commit()
    db.session.remove()
    db.engine.dispose()

    conftest._truncate_all(database_url)

    with conftest._pg_engine(database_url).connect() as conn:
        for table in conftest._user_tables(conn):
            rows = [dict(r) for r in conn.execute(text(f'SELECT * FROM "{table}"')).mappings()]
            expected = conftest._REFERENCE_ROWS.get(table, [])
            assert sorted(rows, key=lambda row: row.get("id") or 0) == expected, table
        assert conn.scalar(text(USER + " RETURNING id"), {"email": "again@test.id"}) == 1
        next_category = conn.scalar(
            text(
                "INSERT INTO categories (slug, name, name_en, sector, position)"
                " VALUES ('x', 'X', 'X', 'x', 99) RETURNING id"
            )
        )
        assert next_category == len(conftest._REFERENCE_ROWS["categories"]) + 1
        conn.rollback()
