"""Approving or suspending several stores at once: the first submit lists them and asks
"Setujui 3 toko?" (no JavaScript needed); the confirmed one decides, says how many, and which
were skipped and why. Nothing changes before the officer confirms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.stores.models import Store
from tests.agency_support import gen_people, login, text
from tests.factories import gen_store


@pytest.fixture
def officer(client, app):
    people = gen_people()
    for name in ("Tahu Aci Bu Tarni", "Keripik Bu Ida", "Teh Poci Mbok Sri"):
        gen_store(name=name, approved=False)
    login(client, people["agency"].email)
    return people


def statuses() -> dict[str, str]:
    db.session.rollback()
    return dict(db.session.execute(select(Store.slug, Store.status)).tuples().all())


PENDING = ["tahu-aci-bu-tarni", "keripik-bu-ida", "teh-poci-mbok-sri"]


def test_the_queue_offers_checkboxes_and_a_bulk_approve(client, officer):
    page = text(client.get("/agency/stores?status=pending"))
    assert 'name="stores" value="keripik-bu-ida"' in page and 'id="bulk-approve"' in page


def test_approving_three_asks_first_then_approves_them(client, officer):
    asked = client.post("/agency/stores/decide-many", data={"decision": "approve", "stores": PENDING})
    page = text(asked)
    assert asked.status_code == 200 and "Setujui 3 toko?" in page
    assert "Keripik Bu Ida" in page and "Teh Poci Mbok Sri" in page and 'name="confirm" value="1"' in page
    assert {statuses()[s] for s in PENDING} == {"pending"}  # nothing decided yet

    done = client.post(
        "/agency/stores/decide-many",
        data={"decision": "approve", "stores": PENDING, "confirm": "1", "status": "pending"},
        follow_redirects=True,
    )
    assert "3 toko disetujui." in text(done)
    assert {statuses()[s] for s in PENDING} == {"approved"}


def test_the_result_says_which_were_skipped_and_why(client, officer):
    client.post("/agency/stores/tahu-aci-bu-tarni/approve")
    data = {"decision": "approve", "stores": [*PENDING, "batik-sari"], "confirm": "1"}
    page = text(client.post("/agency/stores/decide-many", data=data, follow_redirects=True))
    assert "2 toko disetujui." in page
    assert "2 dilewati: Batik Sari (sudah disetujui); Tahu Aci Bu Tarni (sudah disetujui)." in page


def test_suspending_needs_a_reason_and_asks_first(client, officer):
    refused = client.post(
        "/agency/stores/decide-many", data={"decision": "suspend", "stores": ["batik-sari"]}, follow_redirects=True
    )
    assert "Tuliskan alasannya untuk penjual." in text(refused) and statuses()["batik-sari"] == "approved"
    reason = "Izin usaha kedaluwarsa."
    asked = text(
        client.post(
            "/agency/stores/decide-many", data={"decision": "suspend", "stores": ["batik-sari"], "reason": reason}
        )
    )
    assert "Bekukan 1 toko?" in asked and reason in asked and statuses()["batik-sari"] == "approved"
    data = {"decision": "suspend", "stores": ["batik-sari"], "reason": reason, "confirm": "1"}
    page = text(client.post("/agency/stores/decide-many", data=data, follow_redirects=True))
    assert "1 toko dibekukan." in page and statuses()["batik-sari"] == "suspended"


def test_nothing_ticked_is_a_message_not_an_error(client, officer):
    page = client.post("/agency/stores/decide-many", data={"decision": "approve"}, follow_redirects=True)
    assert page.status_code == 200 and "Pilih 1 sampai 200 toko" in text(page)
    bad = client.post(
        "/agency/stores/decide-many", data={"decision": "hapus", "stores": PENDING}, follow_redirects=True
    )
    assert "Keputusan tidak dikenal." in text(bad) and {statuses()[s] for s in PENDING} == {"pending"}
