"""0016: the addresses table, whose CHECKs and partial unique index hold on both databases, and
which goes away again on the way down (a user's rows go with the user)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from tests.integration.test_migrations import empty_app as empty_app

ROW = {
    "u": 1,
    "p": "33",
    "r": "33.76",
    "d": "33.76.01",
    "v": None,
    "pc": "52111",
    "def": False,
}


def _user() -> None:
    db.session.execute(
        text(
            "INSERT INTO users (id, email, name, password_hash, role_names, active, session_version, created_at) "
            "VALUES (1, 'siti@test.id', 'Siti', 'x', 'shopper', :t, 1, :c)"
        ),
        {"t": True, "c": datetime(2026, 12, 1, 8, 0)},
    )
    db.session.commit()


def _address(**change) -> None:
    values = {**ROW, **change, "at": datetime(2026, 12, 1, 9, 0)}
    db.session.execute(
        text(
            "INSERT INTO addresses (user_id, recipient, phone, province_code, regency_code, district_code,"
            " village_code, street, postal_code, is_default, created_at, updated_at) VALUES (:u, 'Siti',"
            " '+6281234567890', :p, :r, :d, :v, 'Jl. Kapten Sudibyo 12', :pc, :def, :at, :at)"
        ),
        values,
    )
    db.session.commit()


@pytest.mark.parametrize(
    "change",
    [{"p": "32"}, {"r": "33.28"}, {"v": "33.76.02.1001"}, {"pc": "5211"}],
    ids=["province", "regency", "village", "postal_code"],
)
def test_the_database_refuses_codes_that_disagree(empty_app, change):
    upgrade(revision="0016")
    _user()
    with pytest.raises(IntegrityError):
        _address(**change)
    db.session.rollback()


def test_one_default_per_user_and_down_again(empty_app):
    upgrade(revision="0016")
    _user()
    _address(**{"def": True, "v": "33.76.01.1001"})
    _address()
    with pytest.raises(IntegrityError):
        _address(**{"def": True})
    db.session.rollback()
    db.session.execute(text("DELETE FROM users"))
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM addresses")) == 0  # ON DELETE CASCADE
    db.session.remove()

    downgrade(revision="0015")
    db.session.remove()
    assert "addresses" not in inspect(db.engine).get_table_names()
    upgrade(revision="0016")
    db.session.remove()
    assert "addresses" in inspect(db.engine).get_table_names()
