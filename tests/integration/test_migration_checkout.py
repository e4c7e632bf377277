"""0019: ongkir joins each order's total. Orders that exist keep their rows, their lines,
refunds and ledger rows (SQLite rebuilds the orders table: nothing may cascade), get
shipping_cost 0, and the new CHECKs hold; going down takes ongkir back out of the totals."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from tests.integration.test_migrations import empty_app as empty_app

AT = datetime(2026, 11, 30, 3, 0)
ORDER = (
    "INSERT INTO orders (id, number, store_id, store_name, status, payment_method, pay_on_delivery, subtotal,"
    " extras_total, total, ship_name, ship_phone, ship_address, ship_city, ship_postal_code, placed_at, paid_at,"
    " updated_at) VALUES (3, 'APK-2611-000003', 7, 'Batik', 'cancelled', 'fake', :f, 100000, 0, 100000, 'Siti',"
    " '0812', 'Jl. Kapten Sudibyo 12', 'Tegal', '52131', :t, :t, :t)"
)


def _seed() -> None:
    for statement in (
        "INSERT INTO stores (id, slug, name, description, city, address, sector, status, allow_agency_assist,"
        " created_at, updated_at) VALUES (7, 'batik', 'Batik', '', 'Tegal', 'Jl. 1', 'fesyen', 'approved', :f, :t, :t)",
        ORDER,
        "INSERT INTO order_lines (id, order_id, product_name, variant_name, sku, unit_price, quantity, line_total)"
        " VALUES (5, 3, 'Batik tulis', 'L', 'BT-L', 50000, 2, 100000)",
        "INSERT INTO order_events (order_id, at, to_status, note) VALUES (3, :t, 'pending_payment', '')",
        "INSERT INTO order_refunds (id, order_id, source, amount, goods_amount, extras_amount, reason, created_at)"
        " VALUES (9, 3, 'cancel', 100000, 100000, 0, '', :t)",
        "INSERT INTO order_refund_lines (refund_id, order_line_id, amount) VALUES (9, 5, 100000)",
    ):
        db.session.execute(text(statement), {"t": AT, "f": False})
    db.session.commit()


def _counts() -> tuple:
    tables = ("orders", "order_lines", "order_events", "order_refunds", "order_refund_lines")
    return tuple(db.session.scalar(text(f"SELECT count(*) FROM {table}")) for table in tables)


def test_orders_that_exist_get_no_ongkir_and_keep_every_child_row(empty_app):
    upgrade(revision="0018")
    _seed()

    upgrade(revision="0019")

    db.session.remove()
    assert _counts() == (1, 1, 1, 1, 1)
    assert db.session.execute(text("SELECT shipping_cost, total, shipping_method FROM orders")).one() == (
        0,
        100000,
        None,
    )
    assert db.session.scalar(text("SELECT shipping_amount FROM order_refunds")) == 0


def test_the_new_checks_hold_on_the_migrated_schema(empty_app):
    upgrade(revision="0019")
    _seed()
    with pytest.raises(IntegrityError):  # ongkir outside the total
        db.session.execute(text("UPDATE orders SET shipping_cost = 9000 WHERE id = 3"))
    db.session.rollback()
    db.session.execute(text("UPDATE orders SET shipping_cost = 9000, total = 109000 WHERE id = 3"))
    with pytest.raises(IntegrityError):  # a refund's ongkir outside its amount
        db.session.execute(text("UPDATE order_refunds SET shipping_amount = 9000 WHERE id = 9"))
    db.session.rollback()


def test_going_down_takes_ongkir_out_of_the_totals_and_keeps_the_rows(empty_app):
    upgrade(revision="0019")
    _seed()
    db.session.execute(text("UPDATE orders SET shipping_cost = 9000, total = 109000 WHERE id = 3"))
    db.session.execute(
        text(
            "INSERT INTO order_refunds (order_id, source, amount, goods_amount, extras_amount, shipping_amount,"
            " reason, created_at) VALUES (3, 'ongkir', 9000, 0, 0, 9000, '', :t)"
        ),
        {"t": AT},
    )
    db.session.commit()
    db.session.remove()

    downgrade(revision="0018")

    db.session.remove()
    assert "shipping_cost" not in {c["name"] for c in inspect(db.engine).get_columns("orders")}
    assert _counts() == (1, 1, 1, 1, 1)  # the ongkir-only refund went with its column
    assert db.session.scalar(text("SELECT total FROM orders")) == 100000
