"""The couriers Apik Market knows: their names, services, waybill formats and public tracking
pages. Plugins quote and track by these codes; a store chooses among them; the seller's waybill
is checked against the courier's format before an order is marked shipped."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Courier:
    code: str
    name: str
    services: dict[str, str]  # service code → name shown
    waybill: re.Pattern
    waybill_example: str
    tracking_url: str | None = None  # "{waybill}" is replaced
    instant: bool = False  # same-city motorbike delivery (GoSend, GrabExpress)


def _pattern(text: str) -> re.Pattern:
    return re.compile(rf"^(?:{text})$")


COURIERS: dict[str, Courier] = {
    c.code: c
    for c in (
        Courier(
            "jne",
            "JNE",
            {"reg": "REG", "yes": "YES", "oke": "OKE", "jtr": "JTR (kargo)"},
            _pattern(r"[A-Z0-9]{10,16}"),
            "CGK1234567890",
            "https://www.jne.co.id/tracking-package?awb={waybill}",
        ),
        Courier(
            "jnt",
            "J&T Express",
            {"ez": "EZ", "eco": "ECO"},
            _pattern(r"J[A-Z]\d{10}|\d{12}"),
            "JP1234567890",
            "https://jet.co.id/track?awb={waybill}",
        ),
        Courier(
            "sicepat",
            "SiCepat",
            {"reg": "REG", "best": "BEST", "gokil": "GOKIL (kargo)"},
            _pattern(r"\d{12}"),
            "000123456789",
            "https://www.sicepat.com/checkAwb?awb={waybill}",
        ),
        Courier(
            "anteraja",
            "AnterAja",
            {"reg": "Reguler", "next_day": "Next Day"},
            _pattern(r"1\d{13,14}"),
            "10000123456789",
            "https://anteraja.id/tracking?awb={waybill}",
        ),
        Courier(
            "pos",
            "POS Indonesia",
            {"reg": "Pos Reguler", "next_day": "Pos Nextday"},
            _pattern(r"[A-Z0-9]{10,20}"),
            "P2412345678901",
            "https://www.posindonesia.co.id/id/tracking?barcode={waybill}",
        ),
        Courier(
            "gojek",
            "GoSend",
            {"instant": "Instant", "same_day": "Same Day"},
            _pattern(r"GK-\d{1,2}-\d{5,12}|[A-Z0-9-]{8,30}"),
            "GK-11-1234567",
            None,
            instant=True,
        ),
        Courier(
            "grab",
            "GrabExpress",
            {"instant": "Instant", "same_day": "Same Day"},
            _pattern(r"IN-\d{5,14}-[A-Z0-9]{4,12}|[A-Z0-9-]{8,30}"),
            "IN-2412345678-AB12",
            None,
            instant=True,
        ),
    )
}


def get(code: str | None) -> Courier | None:
    return COURIERS.get(code or "")


def name_of(code: str | None) -> str:
    courier = get(code)
    return courier.name if courier else (code or "")


def normalise_waybill(raw: str) -> str:
    """What the seller typed or pasted, without spaces and in capitals."""
    return re.sub(r"\s+", "", raw or "").upper()


def waybill_ok(code: str, waybill: str) -> bool:
    courier = get(code)
    return bool(courier and courier.waybill.match(normalise_waybill(waybill)))


def tracking_link(code: str | None, waybill: str | None) -> str | None:
    courier = get(code)
    if not courier or not courier.tracking_url or not waybill:
        return None
    return courier.tracking_url.format(waybill=normalise_waybill(waybill))
