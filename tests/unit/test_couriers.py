"""The courier catalogue's waybill formats and the names sellers type for couriers."""

from __future__ import annotations

import pytest

from marketplace.shipping import couriers
from marketplace.shipping.fulfilment import resolve_courier


@pytest.mark.parametrize("code", sorted(couriers.COURIERS))
def test_every_couriers_example_waybill_is_in_its_format(code):
    courier = couriers.COURIERS[code]
    assert couriers.waybill_ok(code, courier.waybill_example)
    assert couriers.waybill_ok(code, " ".join(courier.waybill_example.lower()))  # pasted with spaces, small


@pytest.mark.parametrize(
    "code,waybill",
    [
        ("jne", "JNE-0042"),
        ("jne", "CGK123"),
        ("jnt", "JP12345"),
        ("jnt", "1234567890123"),
        ("sicepat", "SC-778899"),
        ("sicepat", "00012345678"),
        ("anteraja", "20000123456789"),
        ("pos", "P24"),
        ("gojek", "GK-1"),
        ("grab", "IN-1"),
        ("jne", ""),
        ("nope", "CGK1234567890"),
    ],
)
def test_waybills_out_of_format_or_of_no_courier_fail(code, waybill):
    assert not couriers.waybill_ok(code, waybill)


@pytest.mark.parametrize(
    "typed,code",
    [
        ("jne", "jne"),
        ("JNE", "jne"),
        (" Jne ", "jne"),
        ("J&T", "jnt"),
        ("J&T Express", "jnt"),
        ("jnt", "jnt"),
        ("JT", "jnt"),
        ("SiCepat", "sicepat"),
        ("Si Cepat", "sicepat"),
        ("AnterAja", "anteraja"),
        ("POS Indonesia", "pos"),
        ("pos", "pos"),
        ("GoSend", "gojek"),
        ("Gojek", "gojek"),
        ("Grab", "grab"),
        ("GrabExpress", "grab"),
    ],
)
def test_a_courier_is_named_by_its_code_or_its_name_in_any_case(typed, code):
    assert resolve_courier(typed) == code


@pytest.mark.parametrize("typed", ["", "   ", None, "Kurir Kilat", "DHL", "&&"])
def test_names_of_no_known_courier_resolve_to_nothing(typed):
    assert resolve_courier(typed) is None


def test_the_tracking_link_carries_the_normalised_waybill_and_instant_couriers_have_none():
    assert couriers.tracking_link("jne", "cgk 123 4567 890") == (
        "https://www.jne.co.id/tracking-package?awb=CGK1234567890"
    )
    assert couriers.tracking_link("gojek", "GK-11-1234567") is None
    assert couriers.tracking_link(None, "CGK1234567890") is None
