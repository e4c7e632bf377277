"""The biteship plugin against a local fake of Biteship's API: live rates (parsed, quoted in
parallel, cached in memory or Redis), its failures turning into RatesUnavailable, tracking,
booking a pickup, and the webhook that records a delivery."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.shipping.quotes import LIVE, Booking, BookingFailed, Parcel, ParcelItem, RatesUnavailable, Tracking
from plugins.biteship import quote_cache
from plugins.biteship.models import BiteshipEvent, BiteshipShipment
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.factories import gen_store
from tests.fakes.biteship_server import FakeBiteship


@pytest.fixture
def fake():
    server = FakeBiteship().start()
    yield server
    server.stop()


def biteship_app(make_app, fake, **config):
    settings = {
        "BITESHIP_API_KEY": fake.api_key,
        "BITESHIP_BASE_URL": fake.url,
        "BITESHIP_WEBHOOK_SECRET": fake.webhook_secret,
        "REDIS_URL": None,  # the in-process cache, fresh per app, unless a test asks for Redis
        **config,
    }
    return make_app(plugins="cash_on_delivery,biteship", **settings)


@pytest.fixture
def app(make_app, fake):
    app = biteship_app(make_app, fake)
    with app.app_context():
        yield app


def parcel(key="batik-sari", destination_postal="11470", couriers=("jne", "jnt"), grams=1500):
    return Parcel(
        key=key,
        store_id=1,
        origin="33.76.01",
        destination="31.74.01",
        weight_grams=grams,
        value=150_000,
        couriers=couriers,
        origin_postal_code="52111",
        destination_postal_code=destination_postal,
        items=(ParcelItem("Batik tulis", 1, 150_000, grams),),
    )


def live_rates(parcels):
    return plugin_api.call_each("shipping_rates", {"parcels": parcels})[-1]


def test_hook_shipping_rates__live_rates_parsed_from_biteships_pricing(app, fake):
    rates = live_rates([parcel(), parcel(key="no-postal", destination_postal=None)])

    assert {(r.parcel_key, r.courier, r.service) for r in rates} == {
        ("batik-sari", "jne", "reg"),
        ("batik-sari", "jne", "yes"),
        ("batik-sari", "jnt", "ez"),
    }
    reg = next(r for r in rates if r.service == "reg")
    assert (reg.price, reg.etd_min_days, reg.etd_max_days) == (24000, 1, 2)  # 1.5 kg → 2 kg at the fake's 12 000
    assert (reg.kind, reg.source, reg.service_name) == (LIVE, "biteship", "JNE REG")
    sent = fake.calls("POST", "/v1/rates/couriers")
    assert len(sent) == 1  # the parcel without postal codes is left to the table
    assert sent[0].authorization == fake.api_key
    assert sent[0].body["couriers"] == "jne,jnt" and sent[0].body["destination_postal_code"] == 11470
    assert sent[0].body["items"] == [{"name": "Batik tulis", "value": 150_000, "quantity": 1, "weight": 1500}]


def test_five_stores_are_quoted_in_parallel(app, fake):
    fake.latency = 0.5  # long enough for all five threads to be under way on a busy 2-core machine
    parcels = [parcel(key=f"toko-{n}", destination_postal=f"1147{n}") for n in range(5)]

    rates = live_rates(parcels)

    assert {r.parcel_key for r in rates} == {p.key for p in parcels}
    assert len(fake.calls("POST", "/v1/rates/couriers")) == 5
    assert fake.max_in_flight == 5  # all five were being answered at the same time


def test_a_second_quote_comes_from_the_cache_without_http(app, fake):
    first = live_rates([parcel()])
    second = live_rates([parcel()])

    assert first == second
    assert len(fake.calls("POST", "/v1/rates/couriers")) == 1
    live_rates([parcel(grams=3000)])  # another weight is another question
    assert len(fake.calls("POST", "/v1/rates/couriers")) == 2


def test_nothing_is_cached_with_zero_cache_seconds(make_app, fake):
    with biteship_app(make_app, fake, BITESHIP_CACHE_SECONDS=0).app_context():
        live_rates([parcel()])
        live_rates([parcel()])
    assert len(fake.calls("POST", "/v1/rates/couriers")) == 2


@pytest.mark.redis
def test_quotes_are_shared_through_redis_when_redis_url_is_set(make_app, fake, redis_url):
    import redis

    from plugins.biteship.rates import cache_key, request_body

    key = cache_key(request_body(parcel()))
    connection = redis.Redis.from_url(redis_url)
    connection.delete(key)
    try:
        with biteship_app(make_app, fake, REDIS_URL=redis_url).app_context():
            first = live_rates([parcel()])
            assert 0 < connection.ttl(key) <= 600
        with biteship_app(make_app, fake, REDIS_URL=redis_url).app_context():  # another process, same Redis
            assert live_rates([parcel()]) == first
        assert len(fake.calls("POST", "/v1/rates/couriers")) == 1
    finally:
        connection.delete(key)


@pytest.mark.parametrize("mode", ["down", "refused", "bad_key", "unreachable"])
def test_an_api_that_errs_raises_rates_unavailable(make_app, fake, mode):
    config = {}
    if mode == "down":
        fake.down = True
    elif mode == "refused":
        fake.fail(400, times=5)
    elif mode == "bad_key":
        config["BITESHIP_API_KEY"] = "biteship_test.wrong"
    else:
        config["BITESHIP_BASE_URL"] = "http://127.0.0.1:9"  # nothing listens on the discard port
    with biteship_app(make_app, fake, **config).app_context():
        quote_cache().clear()
        with pytest.raises(RatesUnavailable):
            live_rates([parcel(), parcel(key="toko-2", destination_postal="50132")])


def test_a_slow_api_raises_rates_unavailable_within_the_timeout(make_app, fake):
    fake.slow = True  # answers after 3.5 s
    with biteship_app(make_app, fake, BITESHIP_TIMEOUT_SECONDS=1).app_context():
        started = time.monotonic()
        with pytest.raises(RatesUnavailable, match="timed out|no answer"):
            live_rates([parcel(), parcel(key="toko-2", destination_postal="50132")])
        assert time.monotonic() - started < 3.0  # it did not wait for the slow answer


def test_when_only_some_parcels_fail_the_others_keep_their_live_rates(app, fake):
    fake.fail(500, times=1)
    rates = live_rates([parcel(key="a"), parcel(key="b", destination_postal="50132")])
    assert len({r.parcel_key for r in rates}) == 1


def test_not_configured_it_answers_nothing(make_app, fake):
    with make_app(plugins="biteship").app_context():
        assert plugin_api.call_each("shipping_rates", {"parcels": [parcel()]}) == [[]]
        assert plugin_api.call_each("shipping_tracking", {"courier": "jne", "waybill": "CGK1"}) == [None]
    assert fake.requests == []


# --- orders: booking, tracking, the webhook ------------------------------------------------------


def shipped_order(courier="JNE", waybill="CGK0000000042", ship=True):
    store = gen_store(name="Batik Sari", address="Jl. Kartini 12, Tegal 52111")
    shopper = gen_shopper()
    order = buy(shopper, (gen_listing(store=store, price=150_000), 1)).orders[0]
    if ship:
        transition(order, "processing", store_owner(store))
        transition(order, "shipped", store_owner(store), courier=courier, tracking_number=waybill)
    else:  # the courier the buyer chose (checkout's shipping_courier where the core records it)
        order.courier = courier
    db.session.commit()
    return order


def store_owner(store):
    from marketplace.accounts.models import User

    return db.session.get(User, store.owner_id)


def test_hook_shipping_book__books_the_courier_and_records_biteships_order(app, fake):
    order = shipped_order(ship=False)

    booking = plugin_api.call_each("shipping_book", {"order": order})[-1]
    db.session.commit()

    assert isinstance(booking, Booking) and booking.source == "biteship"
    sent = fake.calls("POST", "/v1/orders")[0].body
    assert (sent["courier_company"], sent["courier_type"], sent["origin_postal_code"]) == ("jne", "reg", 52111)
    assert sent["destination_contact_name"] == order.ship_name and sent["reference_id"] == order.number
    row = db.session.scalar(select(BiteshipShipment))
    assert (row.order_id, row.biteship_id, row.waybill) == (order.id, booking.reference, booking.waybill)
    again = plugin_api.call_each("shipping_book", {"order": order})[-1]  # a retry books nothing twice
    assert again == booking and len(fake.calls("POST", "/v1/orders")) == 1
    tracking = plugin_api.call_each("shipping_tracking", {"courier": "jne", "waybill": booking.waybill})[-1]
    assert tracking.status == "pending" and fake.calls("GET", f"/v1/trackings/{row.tracking_id}")


def test_hook_shipping_book__a_refusal_is_a_message_for_the_seller(app, fake):
    order = shipped_order(ship=False)
    fake.fail(400)
    with pytest.raises(BookingFailed, match="Biteship"):
        plugin_api.call_each("shipping_book", {"order": order})
    order.ship_postal_code = "-"
    with pytest.raises(BookingFailed, match="Kode pos"):
        plugin_api.call_each("shipping_book", {"order": order})
    assert len(fake.calls("POST", "/v1/orders")) == 1  # the second was never sent
    assert db.session.scalar(select(func.count()).select_from(BiteshipShipment)) == 0


def test_hook_shipping_tracking__the_waybills_journey_in_our_statuses(app, fake):
    fake.history["CGK0000000042"] = [
        {"note": "Paket diambil kurir", "status": "picked", "updated_at": "2026-12-01T09:00:00+07:00"},
        {"note": "Paket diterima Siti", "status": "delivered", "updated_at": "2026-12-03T14:30:00+07:00"},
        {"note": "Pesanan dikonfirmasi", "status": "confirmed", "updated_at": "2026-12-01T08:00:00+07:00"},
    ]

    tracking = plugin_api.call_each("shipping_tracking", {"courier": "jne", "waybill": "CGK0000000042"})[-1]

    assert isinstance(tracking, Tracking) and tracking.status == "delivered"
    assert [e.status for e in tracking.events] == ["pending", "picked_up", "delivered"]  # oldest first
    assert tracking.events[-1].at.isoformat() == "2026-12-03T07:30:00+00:00"
    assert fake.calls("GET", "/v1/trackings/CGK0000000042/couriers/jne")
    unknown = plugin_api.call_each("shipping_tracking", {"courier": "jne", "waybill": "NOPE"})[-1]
    assert unknown is None  # Biteship does not know it: no answer rather than an error
    assert plugin_api.call_each("shipping_tracking", {"courier": "lion", "waybill": "X"})[-1] is None


def delivered_event(**fields):
    return {
        "event": "order.status",
        "order_id": "5dd599ebdefcd4158eb84700",
        "courier_tracking_id": "trk1",
        "courier_waybill_id": "CGK0000000042",
        "courier_company": "jne",
        "courier_type": "reg",
        "status": "delivered",
        "updated_at": "2026-12-03T07:30:00Z",
        **fields,
    }


def test_the_webhook_records_a_delivery_once(app, client, fake):
    order = shipped_order()
    headers = {fake.webhook_header: fake.webhook_secret}

    first = client.post("/webhooks/biteship", json=delivered_event(), headers=headers)
    again = client.post("/webhooks/biteship", json=delivered_event(), headers=headers)

    assert first.status_code == again.status_code == 200
    db.session.rollback()
    delivered = db.session.get(Order, order.id)
    assert delivered.delivered_at is not None
    assert db.session.scalar(select(func.count()).select_from(BiteshipEvent)) == 1


def test_the_webhook_finds_a_booked_order_by_biteships_id(app, client, fake):
    order = shipped_order(waybill="JP0000000001", courier="jne")
    booking = plugin_api.call_each("shipping_book", {"order": order})[-1]
    db.session.commit()

    event = delivered_event(order_id=booking.reference, courier_waybill_id="other")
    answer = client.post("/webhooks/biteship", json=event, headers={fake.webhook_header: fake.webhook_secret})

    assert answer.status_code == 200
    db.session.rollback()
    assert db.session.get(Order, order.id).delivered_at is not None


def test_the_webhook_refuses_a_bad_or_missing_secret_and_changes_nothing(make_app, fake):
    app = biteship_app(make_app, fake)
    with app.app_context():
        order = shipped_order()
        client = app.test_client()
        assert client.post("/webhooks/biteship", json=delivered_event()).status_code == 401
        wrong = client.post("/webhooks/biteship", json=delivered_event(), headers={fake.webhook_header: "nope"})
        assert wrong.status_code == 401
        assert db.session.get(Order, order.id).delivered_at is None
        assert db.session.scalar(select(func.count()).select_from(BiteshipEvent)) == 0
    unset = biteship_app(make_app, fake, BITESHIP_WEBHOOK_SECRET=None).test_client()
    refused = unset.post("/webhooks/biteship", json=delivered_event(), headers={fake.webhook_header: "whk-secret"})
    assert refused.status_code == 403


def test_the_webhook_answers_200_to_an_empty_check_and_to_an_order_it_does_not_know(app, client, fake):
    headers = {fake.webhook_header: fake.webhook_secret}
    # Biteship checks the endpoint when it is added, before the secret is set in its dashboard
    assert client.post("/webhooks/biteship", data=b"").status_code == 200
    assert client.post("/webhooks/biteship", json={}).status_code == 200
    for bad in ([1], {"event": 5}, {"event": ""}, delivered_event(order_id=42), delivered_event(order_price="mahal")):
        answer = client.post("/webhooks/biteship", json=bad, headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_request", bad
    assert db.session.scalar(select(func.count()).select_from(BiteshipEvent)) == 0
    no_waybill_yet = delivered_event(status="allocated", courier_waybill_id=None, order_price=12000)
    assert client.post("/webhooks/biteship", json=no_waybill_yet, headers=headers).status_code == 200
    unknown = client.post(
        "/webhooks/biteship", json=delivered_event(order_id="x", courier_waybill_id="y"), headers=headers
    )
    assert unknown.status_code == 200
    not_shipped = shipped_order(ship=False)
    early = delivered_event(order_id="z", courier_waybill_id="CGK0000000099")
    not_shipped.tracking_number, not_shipped.courier = "CGK0000000099", "JNE"
    db.session.commit()
    assert client.post("/webhooks/biteship", json=early, headers=headers).status_code == 200  # stored, not applied
    db.session.rollback()
    assert db.session.get(Order, not_shipped.id).delivered_at is None


def test_a_waybill_event_updates_the_booking(app, client, fake):
    order = shipped_order(ship=False)
    booking = plugin_api.call_each("shipping_book", {"order": order})[-1]
    # booked before the courier gave a waybill: the order has the booking, not the waybill
    order.shipment_reference, order.tracking_number = booking.reference, None
    db.session.commit()
    event = {
        "event": "order.waybill_id",
        "order_id": booking.reference,
        "courier_waybill_id": "CGK9999999999",
        "courier_tracking_id": "trk-new",
        "status": "allocated",
        "updated_at": "2026-12-03T01:00:00Z",
    }

    answer = client.post("/webhooks/biteship", json=event, headers={fake.webhook_header: fake.webhook_secret})

    assert answer.status_code == 200
    db.session.rollback()
    row = db.session.scalar(select(BiteshipShipment))
    assert (row.waybill, row.tracking_id, row.status) == ("CGK9999999999", "trk-new", "allocated")
    order = db.session.get(Order, order.id)
    assert order.tracking_number == "CGK9999999999"  # the buyer's page and the tracking job follow it
    assert order.delivered_at is None
