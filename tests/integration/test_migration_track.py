"""0020: orders get the shipment's reference, status and last check, empty for the orders that
exist; shipment_events stores a step once; both go again on the way down, the orders' lines kept."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from tests.integration.test_migrations import empty_app as empty_app

PLACED = datetime(2026, 11, 30, 3, 0)


def _insert_shipped_order() -> None:
    db.session.execute(
        text(
            "INSERT INTO orders (id, number, store_name, status, payment_method, pay_on_delivery, subtotal,"
            " extras_total, total, commission_bps, ship_name, ship_phone, ship_address, ship_city, ship_postal_code,"
            " courier, tracking_number, placed_at, shipped_at, updated_at) VALUES (1, 'APK-2611-000001',"
            " 'Batik Darto', 'shipped', 'fake', :f, 50000, 0, 50000, 0, 'Siti', '081234567890', 'Jl. Kapten"
            " Sudibyo 12', 'Kota Tegal', '52131', 'JNE', 'CGK1234567890', :p, :p, :p)"
        ),
        {"f": False, "p": PLACED},
    )
    db.session.execute(
        text(
            "INSERT INTO order_lines (order_id, product_name, variant_name, sku, unit_price, quantity, line_total)"
            " VALUES (1, 'Batik tulis', 'M', 'BT-M', 50000, 1, 50000)"
        )
    )
    db.session.commit()


def _add_event(description: str) -> None:
    db.session.execute(
        text(
            "INSERT INTO shipment_events (order_id, at, status, description, location, source)"
            " VALUES (1, :p, 'in_transit', :d, 'Jakarta', 'test')"
        ),
        {"p": PLACED, "d": description},
    )
    db.session.commit()


def test_orders_that_exist_have_no_shipment_facts_and_steps_are_stored_once(empty_app):
    upgrade(revision="0019")
    _insert_shipped_order()

    upgrade(revision="0020")

    db.session.remove()
    row = db.session.execute(
        text("SELECT tracking_number, shipment_reference, shipment_status, shipment_checked_at FROM orders")
    ).one()
    assert tuple(row) == ("CGK1234567890", None, None, None)
    _add_event("Paket di gudang Jakarta")
    with pytest.raises(IntegrityError):
        _add_event("Paket di gudang Jakarta")
    db.session.rollback()
    _add_event("Paket diantar kurir")
    assert db.session.scalar(text("SELECT count(*) FROM shipment_events")) == 2

    db.session.remove()  # its reads end: the downgrade alters the tables
    downgrade(revision="0019")
    db.session.remove()
    columns = {c["name"] for c in inspect(db.engine).get_columns("orders")}
    assert not columns & {"shipment_reference", "shipment_status", "shipment_checked_at"}
    assert "shipment_events" not in inspect(db.engine).get_table_names()
    assert db.session.scalar(text("SELECT count(*) FROM orders")) == 1
    assert db.session.scalar(text("SELECT count(*) FROM order_lines")) == 1
