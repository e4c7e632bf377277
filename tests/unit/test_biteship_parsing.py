"""Biteship's answers read into our rates and tracking, whatever odd values they hold."""

from __future__ import annotations

from marketplace.shipping.quotes import LIVE, Parcel
from plugins.biteship.rates import cache_key, parse_pricing, request_body
from plugins.biteship.tracking import our_status, parse_tracking

PARCEL = Parcel(
    key="batik-sari",
    store_id=1,
    origin="33.76.01",
    destination="31.74.01",
    weight_grams=800,
    value=90_000,
    couriers=("jne", "gojek", "sicepat"),
    origin_postal_code="52111",
    destination_postal_code="11470",
)


def pricing(**fields):
    return {
        "courier_code": "jne",
        "courier_service_code": "reg",
        "courier_service_name": "Reguler",
        "price": 12000,
        "shipment_duration_range": "1 - 2",
        "shipment_duration_unit": "days",
        **fields,
    }


def test_pricing_becomes_live_rates_of_the_parcels_couriers_only():
    answer = {
        "pricing": [
            pricing(),
            pricing(
                courier_code="gojek",
                courier_service_code="instant",
                shipment_duration_range="1 - 3",
                shipment_duration_unit="hours",
                price=25000.0,
            ),
            pricing(courier_code="tiki"),  # not a courier we know
            pricing(courier_code="jnt", courier_service_code="ez"),  # not one of the parcel's couriers
            pricing(courier_code="sicepat", price="gratis"),  # no usable price
            pricing(courier_code="sicepat", courier_service_code="", type=""),  # no service
        ]
    }
    rates = parse_pricing(answer, PARCEL)
    assert [(r.courier, r.service, r.price, r.etd_min_days, r.etd_max_days) for r in rates] == [
        ("jne", "reg", 12000, 1, 2),
        ("gojek", "instant", 25000, 0, 1),  # hours: the same day
    ]
    assert all(r.kind == LIVE and r.parcel_key == "batik-sari" for r in rates)
    assert rates[1].service_name == "GoSend Instant"
    assert parse_pricing({}, PARCEL) == [] and parse_pricing({"pricing": None}, PARCEL) == []


def test_a_duration_only_in_words_is_read_too():
    rates = parse_pricing({"pricing": [pricing(shipment_duration_range=None, duration="2 - 4 days")]}, PARCEL)
    assert (rates[0].etd_min_days, rates[0].etd_max_days) == (2, 4)


def test_the_request_names_only_couriers_biteship_serves_and_one_item_when_none_are_given():
    body = request_body(PARCEL)
    assert body["couriers"] == "jne,gojek,sicepat"
    assert body["items"] == [{"name": "batik-sari", "value": 90_000, "quantity": 1, "weight": 800}]
    assert (body["origin_postal_code"], body["destination_postal_code"]) == (52111, 11470)
    assert request_body(Parcel("x", 1, "33", "31", 100, 1, ("lion",), "52111", "11470")) is None
    assert request_body(Parcel("x", 1, "33", "31", 100, 1, ("jne",), None, "11470")) is None
    assert cache_key(body) == cache_key(dict(reversed(list(body.items()))))  # key order does not matter


def test_tracking_statuses_and_history_in_time_order():
    assert [our_status(s) for s in ("picked", "dropping_off", "delivered", "rejected", "x", None)] == [
        "picked_up",
        "in_transit",
        "delivered",
        "returned",
        "unknown",
        "unknown",
    ]
    tracking = parse_tracking(
        {
            "status": "dropping_off",
            "history": [
                {"note": "b", "status": "dropping_off", "updated_at": "2026-12-02T10:00:00+07:00"},
                {"note": "a", "status": "picked", "updated_at": "2026-12-01T10:00:00"},  # no zone: UTC
                {"note": "?", "status": "picked", "updated_at": "kemarin"},  # unreadable: left out
            ],
        },
        "jne",
        "CGK1234567890",
    )
    assert [e.description for e in tracking.events] == ["a", "b"]
    assert (
        tracking.status == "in_transit" and tracking.link == "https://www.jne.co.id/tracking-package?awb=CGK1234567890"
    )
