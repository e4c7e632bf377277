"""Shipping an order: the courier from the catalogue and a waybill in its format (page and API),
the API's old free-text couriers, and a courier pickup booked through a shipping plugin."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.extensions import db
from marketplace.shipping import couriers, fulfilment
from marketplace.shipping.quotes import Booking
from tests.buying_factories import prepaid as prepaid
from tests.clock_support import people as people
from tests.clock_support import reload
from tests.shipping_support import cod_app as cod_app
from tests.shipping_support import courier as courier
from tests.shipping_support import processing, signed_in, token_for


def _ship_page(app, order, **data):
    return signed_in(app, "darto@test.id").post(
        f"/seller/orders/{order.number}/status", data={"status": "shipped", **data}
    )


def _unchanged(order) -> None:
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number, order.shipped_at) == ("processing", None, None, None)
    assert order.shipment_reference is None


# --- the seller's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(couriers.COURIERS))
def test_every_courier_ships_with_a_waybill_in_its_example_format(people, prepaid, cod_app, code):
    order = processing(people)
    example = couriers.COURIERS[code].waybill_example
    response = _ship_page(cod_app, order, courier=code, tracking_number=f" {example.lower()} ")
    assert response.status_code == 302, response.get_data(as_text=True)
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number) == ("shipped", code, example)


def test_a_waybill_out_of_the_couriers_format_is_refused_next_to_the_field_and_nothing_changes(
    people, prepaid, cod_app
):
    order = processing(people)
    response = _ship_page(cod_app, order, courier="sicepat", tracking_number="SC-778899")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        '<p class="error" id="tracking_number-error">Nomor resi SiCepat tidak sesuai formatnya, contoh: 000123456789.'
        in page
    )
    assert 'value="SC-778899"' in page and '<option selected value="sicepat">' in page  # what was typed stays
    _unchanged(order)


def test_the_ship_form_needs_a_courier_from_the_list(people, prepaid, cod_app):
    order = processing(people)
    page = signed_in(cod_app, "darto@test.id").get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert '<select id="courier" name="courier">' in page
    assert '<option selected value="jne">JNE</option>' in page  # the buyer's choice
    assert all(f'value="{code}">' in page for code in couriers.COURIERS)
    missing = _ship_page(cod_app, order, courier="", tracking_number="CGK1234567890")
    assert missing.status_code == 422
    assert '<p class="error" id="courier-error">Pilih kurir pengiriman.</p>' in missing.get_data(as_text=True)
    unknown = _ship_page(cod_app, order, courier="dhl", tracking_number="CGK1234567890")
    assert unknown.status_code == 422 and "Kurir tidak dikenal." in unknown.get_data(as_text=True)
    _unchanged(order)


# --- the API -------------------------------------------------------------------------------------


def _ship_api(app, order, body: dict):
    return app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/status",
        json={"status": "shipped", **body},
        headers=token_for(app, "darto@test.id"),
    )


@pytest.mark.parametrize(
    "typed,waybill,code",
    [("JNE", "cgk1234567890", "jne"), ("J&T", "JP1234567890", "jnt"), ("SiCepat", "000123456789", "sicepat")],
)
def test_the_api_takes_a_courier_by_name_as_before_and_keeps_its_code(
    people, prepaid, cod_app, outbox, typed, waybill, code
):
    order = processing(people)
    outbox.clear()
    response = _ship_api(cod_app, order, {"courier": typed, "tracking_number": waybill})
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert (data["status"], data["courier"], data["tracking_number"]) == ("shipped", code, waybill.upper())
    assert data["tracking_link"] == couriers.tracking_link(code, waybill)
    mail = next(m for m in outbox if m["To"] == "siti@test.id").get_content()
    name = couriers.COURIERS[code].name
    assert f"Kurir: {name}, nomor resi: {waybill.upper()}." in mail
    assert f"Lacak paket: {couriers.tracking_link(code, waybill)}" in mail


def test_the_api_refuses_a_bad_waybill_or_an_unknown_courier_with_the_field_and_nothing_changes(
    people, prepaid, cod_app
):
    order = processing(people)
    bad = _ship_api(cod_app, order, {"courier": "JNE", "tracking_number": "JNE-0042"})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["fields"] == {
        "tracking_number": "Nomor resi JNE tidak sesuai formatnya, contoh: CGK1234567890."
    }
    unknown = _ship_api(cod_app, order, {"courier": "Kurir Kilat", "tracking_number": "CGK1234567890"})
    assert unknown.status_code == 422 and set(unknown.get_json()["error"]["fields"]) == {"courier"}
    _unchanged(order)


def test_an_old_api_client_without_a_courier_still_ships_an_order_with_no_chosen_courier(people, prepaid, cod_app):
    """Compatibility: ``{"status", "tracking_number"}`` alone (CONTRACT.md) ships as it did."""
    order = processing(people, by="legacy")
    response = _ship_api(cod_app, order, {"tracking_number": "SC-1"})
    assert response.status_code == 200
    assert (response.get_json()["courier"], response.get_json()["tracking_number"]) == (None, "SC-1")
    assert response.get_json()["tracking_link"] is None


# --- booking a pickup ----------------------------------------------------------------------------


def test_without_a_booking_plugin_the_button_is_not_offered_and_the_api_says_so(people, prepaid, cod_app):
    order = processing(people)
    page = signed_in(cod_app, "darto@test.id").get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'id="ship-order"' in page and "Pesan penjemputan kurir" not in page
    response = cod_app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/booking", headers=token_for(cod_app, "darto@test.id")
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "booking_unavailable"
    _unchanged(order)


def test_hook_shipping_book__a_booked_pickup_ships_the_order_with_the_plugins_waybill(
    people, prepaid, cod_app, courier
):
    order = processing(people)
    courier.booking = Booking("jnt", "ez", "jp 1234567890", "bk-778", "kurir_uji")
    client = signed_in(cod_app, "darto@test.id")
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'id="book-pickup"' in page and "Pesan penjemputan kurir" in page
    response = client.post(f"/seller/orders/{order.number}/booking")
    assert response.status_code == 302
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number, order.shipment_reference) == (
        "shipped",
        "jnt",
        "JP1234567890",
        "bk-778",
    )
    assert courier.booked == [order.number]
    shopper_page = signed_in(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'href="https://jet.co.id/track?awb=JP1234567890"' in shopper_page


def test_a_booking_without_a_waybill_yet_ships_with_the_reference_alone(people, prepaid, cod_app, courier):
    order = processing(people)
    courier.booking = Booking("jne", "reg", "", "bk-900", "kurir_uji")
    response = cod_app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/booking", headers=token_for(cod_app, "darto@test.id")
    )
    assert response.status_code == 200, response.get_json()
    order = reload(order)
    assert (order.status, order.tracking_number, order.shipment_reference) == ("shipped", None, "bk-900")
    assert fulfilment.waybill_assigned(order, "cgk 0000 0000 77")  # the plugin learns it later
    assert not fulfilment.waybill_assigned(order, "CGK0000000078")  # the first one stands
    db.session.commit()
    assert reload(order).tracking_number == "CGK0000000077"


@pytest.mark.parametrize("failure", ["refusal", "crash"])
def test_a_failed_booking_shows_its_message_by_the_button_and_nothing_changes(
    people, prepaid, cod_app, courier, failure
):
    order = processing(people)
    if failure == "refusal":
        courier.refusal = "Kurir tidak melayani penjemputan di kecamatan ini."
        expected = courier.refusal
    else:
        courier.crash = True
        expected = "Pemesanan penjemputan gagal. Coba lagi nanti atau isi resi sendiri."
    audits = db.session.scalar(select(func.count()).select_from(AuditLog))
    response = signed_in(cod_app, "darto@test.id").post(f"/seller/orders/{order.number}/booking")
    assert response.status_code == 409
    assert f'<p class="error" id="booking-error" role="alert">{expected}</p>' in response.get_data(as_text=True)
    _unchanged(order)
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == audits
    api = cod_app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/booking", headers=token_for(cod_app, "darto@test.id")
    )
    assert api.status_code == 409
    assert api.get_json()["error"] | {"fields": None} == {"code": "booking_failed", "message": expected, "fields": None}
    _unchanged(order)


def test_booking_an_order_not_accepted_yet_is_a_conflict_and_asks_no_plugin(people, prepaid, cod_app, courier):
    from tests.clock_support import gen_order

    order, _ = gen_order(people)
    courier.booking = Booking("jne", "reg", "CGK1234567890", "bk-1", "kurir_uji")
    response = cod_app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/booking", headers=token_for(cod_app, "darto@test.id")
    )
    assert response.status_code == 409 and courier.booked == []
    assert reload(order).status == "pending_payment"


# --- pickup at the shop and the store's own delivery -------------------------------------------


def test_a_pickup_order_is_marked_ready_then_picked_up_which_records_its_delivery(people, prepaid, cod_app, outbox):
    order = processing(people, by="pickup")
    outbox.clear()
    client = signed_in(cod_app, "darto@test.id")
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert "Siap diambil pembeli" in page and 'id="courier"' not in page and "Pesan penjemputan" not in page
    assert client.post(f"/seller/orders/{order.number}/status", data={"status": "shipped"}).status_code == 302
    order = reload(order)
    assert (order.status, order.courier, order.tracking_number, order.delivered_at) == ("shipped", None, None, None)
    assert "Pesanan siap diambil di toko." in next(m for m in outbox if m["To"] == "siti@test.id").get_content()
    shopper_page = signed_in(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Tanpa kurir: diambil pembeli atau diantar penjual" in shopper_page
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'id="picked-up"' in page
    assert client.post(f"/seller/orders/{order.number}/picked-up").status_code == 302
    order = reload(order)
    assert order.delivered_at is not None
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.delivered")).one()
    assert json.loads(audit.data)["source"] == "pickup"
    assert 'id="picked-up"' not in client.get(f"/seller/orders/{order.number}").get_data(as_text=True)


def test_a_local_delivery_is_sent_by_the_seller_without_a_courier_through_the_api(people, prepaid, cod_app):
    order = processing(people, by="local")
    page = signed_in(cod_app, "darto@test.id").get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert "Dikirim oleh penjual" in page and 'id="courier"' not in page
    response = _ship_api(cod_app, order, {})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["tracking_number"]) == ("shipped", None)
    picked = cod_app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/picked-up", headers=token_for(cod_app, "darto@test.id")
    )
    assert picked.status_code == 409 and reload(order).delivered_at is None  # not a pickup order


def test_a_courier_order_shipped_through_the_api_without_a_courier_uses_the_buyers(people, prepaid, cod_app):
    order = processing(people, courier="jnt")
    wrong = _ship_api(cod_app, order, {"tracking_number": "CGK1234567890"})  # a JNE waybill for J&T
    assert wrong.status_code == 422 and "J&T Express" in wrong.get_json()["error"]["fields"]["tracking_number"]
    nothing = _ship_api(cod_app, order, {})
    assert nothing.status_code == 422 and set(nothing.get_json()["error"]["fields"]) == {"tracking_number"}
    _unchanged(order)
    right = _ship_api(cod_app, order, {"tracking_number": "JP1234567890"})
    assert (right.get_json()["courier"], right.get_json()["tracking_number"]) == ("jnt", "JP1234567890")
