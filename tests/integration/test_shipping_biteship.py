"""The bundled Biteship plugin behind the seller's "Pesan penjemputan kurir" and the tracking
job, against the local fake of Biteship's API: the booking ships the order with Biteship's
waybill and id, and the courier's journey ends in a recorded delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace import plugin_api
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.shipping import tracking
from marketplace.shipping.tracking_models import ShipmentEvent
from tests.buying_factories import FakePrepaidPlugin
from tests.clock_support import people as people
from tests.clock_support import reload
from tests.fakes.biteship_server import FakeBiteship
from tests.shipping_support import processing, signed_in


@pytest.fixture
def fake():
    server = FakeBiteship().start()
    yield server
    server.stop()


@pytest.fixture
def cod_app(make_app, fake):
    """Cash on delivery, the rate table and Biteship (on the fake), a prepaid test method."""
    from plugins.shipping_table import tables
    from plugins.shipping_table.demo import DEFAULT_TABLE

    app = make_app(
        plugins="cash_on_delivery,shipping_table,biteship",
        BITESHIP_API_KEY=fake.api_key,
        BITESHIP_BASE_URL=fake.url,
        BITESHIP_WEBHOOK_SECRET=fake.webhook_secret,
        REDIS_URL=None,
    )
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        plugin_api.register(app, FakePrepaidPlugin(), "fake_prepaid")
        db.session.commit()
        yield app


def _at(hours_after: float) -> str:
    return (now() + timedelta(hours=hours_after)).isoformat()


def test_a_pickup_booked_through_biteship_is_tracked_until_its_delivery(people, cod_app, fake):
    order = processing(people)
    response = signed_in(cod_app, "darto@test.id").post(f"/seller/orders/{order.number}/booking")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    order = reload(order)
    sent = fake.calls("POST", "/v1/orders")[0].body
    assert (sent["courier_company"], sent["courier_type"], sent["reference_id"]) == ("jne", "reg", order.number)
    booked = fake.orders[order.shipment_reference]
    assert (order.status, order.courier, order.tracking_number) == ("shipped", "jne", booked["courier"]["waybill_id"])

    fake.history[order.tracking_number] += [
        {"note": "Paket dijemput kurir", "status": "picked", "updated_at": _at(1)},
        {"note": "Paket diterima Rina", "status": "delivered", "updated_at": _at(20)},
    ]
    delivered = now() + timedelta(hours=20)
    with time_machine.travel(delivered + timedelta(hours=2)):
        run = tracking.refresh_due()
    assert (run.asked, run.answered, run.delivered, run.failed) == (1, 1, 1, [])
    order = reload(order)
    assert order.shipment_status == "delivered"
    assert abs(order.delivered_at - delivered) < timedelta(seconds=5)
    steps = db.session.scalars(select(ShipmentEvent.status).where(ShipmentEvent.order_id == order.id)).all()
    assert sorted(steps) == ["delivered", "pending", "picked_up"]
    assert tracking.due_order_ids() == []  # delivered: the courier is not asked again
