"""What the order pages show of a parcel (the courier's tracking link and the timeline), and the
packing slips: one order's from its page, every order waiting to be sent from the queue; both
with a fixed number of SQL statements however many steps, lines or orders there are."""

from __future__ import annotations

import time_machine

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.shipping import tracking
from marketplace.shipping.quotes import TrackingEvent
from tests.buying_factories import buy, gen_listing
from tests.buying_factories import prepaid as prepaid
from tests.clock_support import people as people
from tests.clock_support import reload
from tests.shipping_support import cod_app as cod_app
from tests.shipping_support import courier as courier
from tests.shipping_support import gen_courier_order, journey, processing, shipped, signed_in, token_for
from tests.sql_count import counting

STEPS = [
    ("2026-12-01T04:00:00+00:00", "picked_up", "Paket dijemput kurir di Tegal"),
    ("2026-12-01T12:00:00+00:00", "in_transit", "Paket tiba di gudang Semarang"),
    ("2026-12-02T01:00:00+00:00", "in_transit", "Paket menuju Jakarta"),
    ("2026-12-02T04:00:00+00:00", "in_transit", "Paket diantar kurir"),
]


def _page_statements(client, path: str) -> tuple[int, str]:
    with counting() as seen:
        response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return len(seen), response.get_data(as_text=True)


def test_both_order_pages_show_the_tracking_link_and_timeline_in_a_fixed_number_of_statements(
    people, prepaid, cod_app, courier
):
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        order = shipped(people)
    buyer, seller = signed_in(cod_app, "siti@test.id"), signed_in(cod_app, "darto@test.id")
    paths = {"buyer": (buyer, f"/orders/{order.number}"), "seller": (seller, f"/seller/orders/{order.number}")}
    courier.journeys["CGK1234567890"] = journey("CGK1234567890", *STEPS[:1])
    tracking.refresh(order)
    db.session.commit()
    one = {name: _page_statements(client, path) for name, (client, path) in paths.items()}
    courier.journeys["CGK1234567890"] = journey("CGK1234567890", *STEPS)
    tracking.refresh(reload(order))
    db.session.commit()
    many = {name: _page_statements(client, path) for name, (client, path) in paths.items()}
    for name, (count, page) in many.items():
        assert count == one[name][0], (name, one[name][0], count)  # no statement per step
        assert 'href="https://www.jne.co.id/tracking-package?awb=CGK1234567890"' in page, name
        assert 'id="tracking-events"' in page and all(step[2] in page for step in STEPS), name
        assert "Dalam perjalanan" in page and "Dijemput kurir" in page, name
    # +1: the steps; +1: the lines' photos (one statement); the buyer's +1: the refunds owed to
    # their bank account
    assert many["buyer"][0] <= 14 and many["seller"][0] <= 13, {k: v[0] for k, v in many.items()}


def test_an_order_not_shipped_has_no_tracking_block(people, prepaid, cod_app):
    order = processing(people)
    page = signed_in(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'id="shipment"' not in page and 'id="tracking-events"' not in page


# --- packing slips -------------------------------------------------------------------------------


def test_an_orders_packing_slip_has_the_store_the_buyer_the_lines_and_their_weights(people, prepaid, cod_app):
    order = processing(people)
    client = signed_in(cod_app, "darto@test.id")
    assert 'id="packing-slip-link"' in client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    count, page = _page_statements(client, f"/seller/orders/{order.number}/packing-slip")
    assert f'<p class="number" aria-label="Nomor pesanan">{order.number}</p>' in page
    for text in (
        "Batik Darto",
        "Rina Wulandari",
        "0813-1111-2222",
        "Jl. Senopati No. 10, RT 03/RW 04",
        "Kec. Kebayoran Baru",
        'Kota Administrasi Jakarta Selatan, Daerah Khusus Ibukota Jakarta <strong class="postal">12110</strong>',
        "JNE REG · Resi: ……………",  # the buyer's courier, the waybill to write in
    ):
        assert text in page, text
    assert "Teh Poci Gula Batu" in page and '<td class="qty">2</td>' in page and "500 g" in page
    assert 'data-print id="print-slips">Cetak</button>' in page and "js/print.js" in page
    assert "css/packing.css" in page
    assert count <= 6, count  # user, its stores, the order with its store, lines, extras, weights
    transition(order, "shipped", people["seller"], courier="sicepat", tracking_number="000123456789")
    db.session.commit()
    page = client.get(f"/seller/orders/{order.number}/packing-slip").get_data(as_text=True)
    assert "SiCepat · Resi <strong>000123456789</strong>" in page


def test_the_queues_slips_are_every_order_waiting_to_be_sent_in_a_fixed_number_of_statements(people, prepaid, cod_app):
    client = signed_in(cod_app, "darto@test.id")
    waiting = [processing(people)]
    count_one, _page = _page_statements(client, "/seller/orders/packing-slips")
    waiting += [processing(people) for _ in range(2)] + [processing(people, by="pickup")]
    paid_only = gen_courier_order(people)
    orders.apply_payment(paid_only.payment_id, paid_only.total, "IDR", "ref-paid")
    db.session.commit()
    unpaid = gen_courier_order(people)
    sent = shipped(people, waybill="CGK0000000009")
    theirs = buy(people["shopper"], (gen_listing(), 1), method="fake_transfer").orders[0]
    count_many, page = _page_statements(client, "/seller/orders/packing-slips")
    assert count_many == count_one, (count_one, count_many)
    slips = [o.number for o in [*waiting, paid_only]]
    assert all(f'id="slip-{number}"' in page for number in slips)
    assert page.count('<article class="slip"') == len(slips)
    assert all(number not in page for number in (unpaid.number, sent.number, theirs.number))
    assert "Diambil di toko" in page
    queue = client.get("/seller/orders/").get_data(as_text=True)
    assert 'id="packing-slips-link"' in queue and f'/seller/orders/{waiting[0].number}/packing-slip"' in queue


def test_another_stores_slip_is_not_found_and_an_empty_queue_prints_nothing(people, prepaid, cod_app):
    theirs = buy(people["shopper"], (gen_listing(), 1), method="fake_transfer").orders[0]
    client = signed_in(cod_app, "darto@test.id")
    assert client.get(f"/seller/orders/{theirs.number}/packing-slip").status_code == 404
    page = client.get("/seller/orders/packing-slips").get_data(as_text=True)
    assert 'id="no-slips"' in page and "Cetak" not in page
    assert (
        signed_in(cod_app, "siti@test.id")
        .get("/seller/orders/packing-slips")
        .get_data(as_text=True)
        .count('<article class="slip"')
        == 0
    )


def test_a_step_reported_twice_by_the_courier_shows_once(people, prepaid, cod_app, courier):
    order = shipped(people)
    twice = journey("CGK1234567890", *STEPS[:2])
    twice.events.append(TrackingEvent(twice.events[1].at, "in_transit", STEPS[1][2], "Jakarta"))
    courier.journeys["CGK1234567890"] = twice
    tracking.refresh(order)
    db.session.commit()
    page = signed_in(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    assert page.count("Paket tiba di gudang Semarang") == 1


def test_the_tracking_api_answers_in_a_fixed_number_of_statements(people, prepaid, cod_app, courier):
    order = shipped(people)
    headers = token_for(cod_app, "siti@test.id")
    client = cod_app.test_client()
    seen = []
    for steps in (STEPS[:1], STEPS):
        courier.journeys["CGK1234567890"] = journey("CGK1234567890", *steps)
        tracking.refresh(reload(order))
        db.session.commit()
        with counting() as statements:
            answer = client.get(f"/api/v1/orders/{order.number}/tracking", headers=headers)
        assert answer.status_code == 200 and len(answer.get_json()["events"]) == len(steps)
        seen.append(len(statements))
    assert seen[0] == seen[1] <= 6, seen  # the token and its use, the order with its lines and extras, the steps
