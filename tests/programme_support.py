"""An expo with two zones, a booth and an officer, for the programme's tests."""

from __future__ import annotations

from marketplace.expo import programme
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.agency_support import gen_people, wib

OPENS = wib(2026, 12, 1, 8, 0)
CLOSES = wib(2026, 12, 14, 21, 0)
YT = "https://youtu.be/dQw4w9WgXcQ"


def gen_fair():
    people = gen_people()
    fair = expo.create_expo(None, "apik-2026", "Apik Banget Virtual Expo", OPENS, CLOSES, zones=["Kuliner", "Kriya"])
    expo.add_exhibitor(None, fair, people["store"], booth="K-01", zone="kriya")
    db.session.commit()
    return people, fair


def gen_session(fair, **fields) -> int:
    values = {
        "kind": "talk",
        "title": "Talk show: batik go digital",
        "speaker": "Ibu Wali Kota",
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-01T11:00",
        **fields,
    }
    row = programme.add_session(None, fair, programme.SessionInput(**values))
    db.session.commit()
    return row.id
