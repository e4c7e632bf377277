"""Following a parcel: refreshing stores each courier step once, "delivered" records the
delivery and the order clock completes the order COMPLAINT_DAYS later, the periodic job asks
only for due orders, and who may read ``GET /api/v1/orders/<number>/tracking``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.jobs.models import ScheduleRun
from marketplace.jobs.queue import run_schedule_now
from marketplace.orders import clock
from marketplace.orders.models import OrderEvent
from marketplace.shipping import tracking
from marketplace.shipping.tracking_models import ShipmentEvent
from tests.buying_factories import prepaid as prepaid
from tests.clock_support import people as people
from tests.clock_support import reload
from tests.factories import gen_store, gen_user
from tests.shipping_support import cod_app as cod_app
from tests.shipping_support import courier as courier
from tests.shipping_support import journey, shipped, token_for

PICKED = ("2026-12-01T04:00:00+00:00", "picked_up", "Paket dijemput kurir di Tegal")
SORTED = ("2026-12-01T12:00:00+00:00", "in_transit", "Paket tiba di gudang Semarang")
DELIVERED = ("2026-12-02T06:30:00+00:00", "delivered", "Paket diterima oleh SITI")


def _stored(order) -> list[tuple]:
    return [
        (e.at.isoformat(), e.status, e.description, e.source)
        for e in db.session.scalars(select(ShipmentEvent).where(ShipmentEvent.order_id == order.id))
    ]


def test_hook_shipping_tracking__refreshing_twice_stores_each_step_once(people, prepaid, cod_app, courier):
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        order = shipped(people)
    courier.journeys["CGK1234567890"] = journey("CGK1234567890", PICKED, SORTED)
    with time_machine.travel("2026-12-01 13:00:00+00:00", tick=False):
        first = tracking.refresh(order)
        db.session.commit()
        second = tracking.refresh(reload(order))
        db.session.commit()
    assert (first.source, first.status, first.new_events, second.new_events) == ("kurir_uji", "in_transit", 2, 0)
    assert courier.tracked == [("jne", "CGK1234567890")] * 2
    order = reload(order)
    assert (order.shipment_status, order.shipment_checked_at.isoformat()) == ("in_transit", "2026-12-01T13:00:00+00:00")
    assert [row[1] for row in _stored(order)] == ["picked_up", "in_transit"]
    assert order.delivered_at is None


def test_a_courier_delivery_records_it_at_the_couriers_time_and_the_clock_completes_the_order(
    people, prepaid, cod_app, courier
):
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        order = shipped(people)
    courier.journeys["CGK1234567890"] = journey("CGK1234567890", PICKED, SORTED, DELIVERED)
    with time_machine.travel("2026-12-02 08:00:00+00:00", tick=False):
        result = tracking.refresh(order)
        db.session.commit()
        again = tracking.refresh(reload(order))  # the courier says it again: the first report stands
        db.session.commit()
    assert (result.delivered, again.delivered) == (True, False)
    order = reload(order)
    assert order.delivered_at == datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
    assert (order.status, order.shipment_status) == ("shipped", "delivered")
    notes = db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)).all()
    assert notes.count("delivered") == 1
    complaint_days = cod_app.config["COMPLAINT_DAYS"]
    with time_machine.travel(order.delivered_at + timedelta(days=complaint_days) - timedelta(minutes=1), tick=False):
        assert clock.tick()["completed"].moved == 0
    with time_machine.travel(order.delivered_at + timedelta(days=complaint_days), tick=False):
        assert clock.tick()["completed"].moved == 1
    assert reload(order).status == "completed"


def test_the_job_asks_only_for_due_parcels_and_one_broken_answer_spoils_no_other(people, prepaid, cod_app, courier):
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        due = shipped(people, waybill="CGK0000000001")
        broken = shipped(people, waybill="CGK0000000002")
        fresh = shipped(people, waybill="CGK0000000003")
        done = shipped(people, waybill="CGK0000000004")
    done.shipment_status, fresh.shipment_checked_at = "delivered", datetime(2026, 12, 3, 2, 30, tzinfo=UTC)
    db.session.commit()
    courier.journeys["CGK0000000001"] = journey("CGK0000000001", PICKED, SORTED, DELIVERED)
    courier.journeys["CGK0000000002"] = journey("CGK0000000002", PICKED)
    courier.journeys["CGK0000000002"].events.append(None)  # type: ignore[arg-type]  # a plugin's bad answer
    with time_machine.travel("2026-12-03 03:00:00+00:00", tick=False):
        run_schedule_now(cod_app)  # the worker's catch-up run, JOBS_IMMEDIATE as in every test
        db.session.rollback()
        assert tracking.due_order_ids() == [broken.id]  # to be asked again on the next run
    asked = {waybill for _courier, waybill in courier.tracked}
    assert asked == {"CGK0000000001", "CGK0000000002"}  # fresh: asked 30 minutes ago; done: delivered
    assert reload(due).delivered_at == datetime(2026, 12, 2, 6, 30, tzinfo=UTC)
    assert reload(broken).shipment_checked_at is None and _stored(broken) == []  # rolled back alone
    run = db.session.scalar(select(ScheduleRun).where(ScheduleRun.name == "shipping.tracking"))
    assert run.outcome == "failed" and f"order {broken.id}: AttributeError" in run.error


def test_without_a_tracking_plugin_the_job_reads_nothing(people, prepaid, cod_app):
    shipped(people)
    assert tracking.refresh_due().asked == 0


# --- who reads the parcel's journey ------------------------------------------------------------


def _tracking(app, email: str | None, number: str):
    headers = token_for(app, email) if email else {}
    return app.test_client().get(f"/api/v1/orders/{number}/tracking", headers=headers)


def test_the_buyer_the_stores_people_and_the_agency_read_the_journey_and_no_one_else(people, prepaid, cod_app, courier):
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        order = shipped(people)
    courier.journeys["CGK1234567890"] = journey("CGK1234567890", PICKED, SORTED)
    tracking.refresh(order)
    db.session.commit()
    gen_user(email="agency@test.id", role="agency")
    gen_user(email="budi@test.id")
    gen_store(owner=gen_user(email="lain@test.id", role="seller"))
    expected = {
        "number": order.number,
        "courier": "jne",
        "courier_name": "JNE",
        "waybill": "CGK1234567890",
        "link": "https://www.jne.co.id/tracking-package?awb=CGK1234567890",
        "status": "in_transit",
        "delivered_at": None,
        "events": [
            {"at": PICKED[0], "status": "picked_up", "description": PICKED[2], "location": "Jakarta"},
            {"at": SORTED[0], "status": "in_transit", "description": SORTED[2], "location": "Jakarta"},
        ],
        "source": "kurir_uji",
    }
    for email in ("siti@test.id", "darto@test.id", "agency@test.id"):
        response = _tracking(cod_app, email, order.number)
        assert (response.status_code, response.get_json()) == (200, expected), email
    assert _tracking(cod_app, "budi@test.id", order.number).status_code == 404  # another buyer
    assert _tracking(cod_app, "lain@test.id", order.number).status_code == 404  # another store's seller
    assert _tracking(cod_app, None, order.number).status_code == 401
    assert _tracking(cod_app, "siti@test.id", "APK-0000-000000").status_code == 404


def test_without_a_plugin_the_journey_is_the_couriers_link_and_the_steps_so_far(people, prepaid, cod_app):
    order = shipped(people, waybill="JP1234567890", courier="jnt")
    data = _tracking(cod_app, "siti@test.id", order.number).get_json()
    assert (data["link"], data["events"], data["status"], data["source"]) == (
        "https://jet.co.id/track?awb=JP1234567890",
        [],
        None,
        None,
    )
    assert db.session.scalar(select(func.count()).select_from(ShipmentEvent)) == 0
