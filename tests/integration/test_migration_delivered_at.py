"""0011: orders.delivered_at, added empty to the orders that exist and dropped again on the way down."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from marketplace.extensions import db
from tests.integration.test_migrations import empty_app as empty_app


def _insert_order() -> None:
    placed = datetime(2026, 11, 30, 3, 0)
    db.session.execute(
        text(
            "INSERT INTO orders (number, store_name, status, payment_method, pay_on_delivery, subtotal, extras_total,"
            " total, commission_bps, ship_name, ship_phone, ship_address, ship_city, ship_postal_code, placed_at,"
            " shipped_at, updated_at) VALUES ('APK-2611-000001', 'Batik Darto', 'shipped', 'cash_on_delivery', :f,"
            " 50000, 0, 50000, 0, 'Siti', '081234567890', 'Jl. Kapten Sudibyo 12', 'Kota Tegal', '52131', :p, :p, :p)"
        ),
        {"f": False, "p": placed},
    )
    db.session.commit()


def test_orders_that_exist_have_no_delivery_report_and_keep_their_rows(empty_app):
    upgrade(revision="0010")
    _insert_order()

    upgrade(revision="0011")

    db.session.remove()
    assert db.session.execute(text("SELECT number, status, delivered_at FROM orders")).all() == [
        ("APK-2611-000001", "shipped", None)
    ]
    db.session.remove()  # its read ends: the downgrade alters the table
    downgrade(revision="0010")
    db.session.remove()
    assert "delivered_at" not in {c["name"] for c in inspect(db.engine).get_columns("orders")}
    assert db.session.scalar(text("SELECT count(*) FROM orders")) == 1
