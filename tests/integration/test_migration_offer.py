"""0017: store shipping tables, products' packed size; a weight of 0 g becomes no weight."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.integration.test_migrations import empty_app as empty_app

BEFORE = "0016"


def _insert_products() -> None:
    at = datetime(2026, 11, 30, 3, 0)
    for statement in (
        "INSERT INTO stores (id, slug, name, description, city, address, sector, status, allow_agency_assist,"
        " created_at, updated_at) VALUES (7, 'batik', 'Batik', '', 'Tegal', 'Jl. 1', 'fesyen', 'approved', :f, :t, :t)",
        "INSERT INTO products (id, store_id, name, description, status, weight_grams, price_min, created_at,"
        " updated_at) VALUES (1, 7, 'Batik Tulis', '', 'active', 300, 350000, :t, :t),"
        " (2, 7, 'Batik Cap', '', 'active', 0, 150000, :t, :t),"
        " (3, 7, 'Selendang', '', 'active', NULL, 95000, :t, :t)",
    ):
        db.session.execute(text(statement), {"f": False, "t": at})
    db.session.commit()


def test_products_keep_their_weights_but_zero_and_get_no_size_and_it_all_goes_down_again(empty_app):
    upgrade(revision=BEFORE)
    _insert_products()

    upgrade(revision="0017")

    db.session.remove()
    rows = db.session.execute(text("SELECT id, weight_grams, length_cm, width_cm, height_cm FROM products ORDER BY id"))
    assert rows.all() == [(1, 300, None, None, None), (2, None, None, None, None), (3, None, None, None, None)]
    assert {"store_shipping", "store_local_rates"} <= set(inspect(db.engine).get_table_names())
    db.session.remove()
    downgrade(revision=BEFORE)
    db.session.remove()
    assert "length_cm" not in {c["name"] for c in inspect(db.engine).get_columns("products")}
    assert "store_shipping" not in inspect(db.engine).get_table_names()
    assert db.session.scalar(text("SELECT count(*) FROM products")) == 3
