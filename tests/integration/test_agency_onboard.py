"""Onboarding exhibitors: the agency registers stores (one, or a CSV of many),
their owners get a link, set a password and take the store over."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store, StoreMember
from tests.agency_support import gen_people, login, text
from tests.factories import gen_user


@pytest.fixture
def officer(client, app):
    people = gen_people()
    fair = expo.create_expo(
        people["agency"], "apik", "Apik Banget", now(), now() + timedelta(days=7), zones=["Kuliner", "Fesyen & Tekstil"]
    )
    db.session.commit()
    login(client, people["agency"].email)
    people["expo"] = fair
    return people


def claim_path(message) -> str:
    return re.search(r"http://localhost(/invites/\S+)", message.get_content()).group(1)


ONE = {
    "name": "Tahu Aci Bu Tarni",
    "sector": "kuliner",
    "city": "Kota Tegal",
    "nib": "",
    "whatsapp": "",
    "owner_email": "tarni@example.com",
    "expo": "apik",
    "booth": "K-20",
    "zone": "Kuliner",
}


def test_agency_registers_a_store_and_its_new_owner_claims_it(client, officer, outbox):
    response = client.post("/agency/onboard", data=ONE)
    assert response.status_code == 302 and response.headers["Location"] == "/agency/stores/tahu-aci-bu-tarni"
    db.session.rollback()
    store = stores.get_store("tahu-aci-bu-tarni")
    assert store.status == "approved" and store.owner_id is None
    assert [(e.booth, e.zone) for e in expo.exhibitors_for_console(officer["expo"])] == [("K-20", "kuliner")]
    assert len(outbox) == 1 and outbox[0]["To"] == "tarni@example.com"
    assert "Tahu Aci Bu Tarni" in outbox[0]["Subject"] and "kata sandi" in outbox[0].get_content()

    client.post("/logout")
    path = claim_path(outbox[0])
    page = client.get(path)
    assert page.status_code == 200 and "Toko Tahu Aci Bu Tarni menunggu Anda" in text(page)
    mismatch = client.post(path, data={"name": "Bu Tarni", "password": "rahasia123", "password_confirm": "lain"})
    assert mismatch.status_code == 422 and "Kedua kata sandi tidak sama." in text(mismatch)
    weak = client.post(path, data={"name": "Bu Tarni", "password": "123", "password_confirm": "123"})
    assert weak.status_code == 422

    claimed = client.post(path, data={"name": "Bu Tarni", "password": "rahasia123", "password_confirm": "rahasia123"})

    assert claimed.status_code == 302 and claimed.headers["Location"] == "/seller/stores/tahu-aci-bu-tarni/"
    dashboard = text(client.get("/seller/stores/tahu-aci-bu-tarni/"))
    assert "Pengaturan" in dashboard  # the owner's menu
    db.session.rollback()
    tarni = db.session.scalar(select(User).where(User.email == "tarni@example.com"))
    assert tarni.has_role("seller") and tarni.check_password("rahasia123")
    assert stores.get_store("tahu-aci-bu-tarni").owner_id == tarni.id
    assert stores.membership(stores.get_store("tahu-aci-bu-tarni"), tarni).role == "owner"
    assert client.get(path).status_code == 404  # used up


def test_an_owner_who_has_an_account_signs_in_to_claim(client, officer, outbox):
    gen_user("tarni@example.com", name="Bu Tarni")
    client.post("/agency/onboard", data=ONE)
    assert "Masuk dengan akun tarni@example.com" in outbox[0].get_content()
    client.post("/logout")
    path = claim_path(outbox[0])
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and urlsplit(anonymous.headers["Location"]).path == "/login"
    login(client, "tarni@example.com")
    assert client.post(path).status_code == 302
    db.session.rollback()
    assert stores.get_store("tahu-aci-bu-tarni").owner_id is not None


def test_onboarding_errors_are_shown_next_to_the_fields(client, officer, outbox):
    response = client.post("/agency/onboard", data={**ONE, "name": "", "sector": "", "owner_email": "bukan"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="name-error"' in body and 'id="sector-error"' in body and 'id="owner_email-error"' in body
    taken_booth = {**ONE, "name": "Toko Kedua", "owner_email": "dua@example.com"}
    client.post("/agency/onboard", data=ONE)
    clash = client.post("/agency/onboard", data=taken_booth)
    assert clash.status_code == 409 and "Stan ini sudah dipakai." in text(clash)
    db.session.rollback()
    assert db.session.scalar(select(Store.id).where(Store.name == "Toko Kedua")) is None  # nothing half-written
    assert len(outbox) == 1


CSV = """name,sector,city,owner_email,booth,zone
Tahu Aci Bu Tarni,kuliner,Kota Tegal,tarni@example.com,K-20,kuliner
Batik Pesisir Asri,Fesyen & Tekstil,Kota Tegal,asri@example.com,F-12,fesyen-tekstil
,kuliner,Kota Tegal,tanpa-nama@example.com,K-21,kuliner
Kerupuk Pak Eko,kuliner,Kota Tegal,bukan-email,K-22,kuliner
Sate Kambing Batibul,kuliner,Kabupaten Tegal,sate@example.com,K-20,kuliner
Logam Jaya,logam-furnitur,Kota Tegal,logam@example.com,L-01,Logam
"""


def test_bulk_csv_registers_good_rows_and_reports_the_bad_ones(client, officer, outbox):
    response = client.post("/agency/onboard/bulk", data={"expo": "apik", "rows": CSV})
    assert response.status_code == 200
    page = text(response)
    assert "2 toko terdaftar dari 6 baris" in page
    assert "Baris 4" in page and "nama" in page  # no name
    assert "Baris 5 (Kerupuk Pak Eko): e-mail pemilik" in page
    assert "Baris 6 (Sate Kambing Batibul): stan" in page  # K-20 is taken
    assert "Baris 7 (Logam Jaya): zona" in page  # no such zone
    db.session.rollback()
    names = set(db.session.scalars(select(Store.name)))
    assert {"Tahu Aci Bu Tarni", "Batik Pesisir Asri"} <= names
    assert not names & {"Kerupuk Pak Eko", "Sate Kambing Batibul", "Logam Jaya"}
    assert sorted(m["To"] for m in outbox) == ["asri@example.com", "tarni@example.com"]
    assert {(e.store.name, e.zone) for e in expo.exhibitors_for_console(officer["expo"])} == {
        ("Tahu Aci Bu Tarni", "kuliner"),
        ("Batik Pesisir Asri", "fesyen-tekstil"),
    }


def test_bulk_accepts_an_uploaded_file_with_semicolons(client, officer, outbox):
    data = "nama;sektor;kota;email;stan;zona\nTahu Aci Bu Tarni;kuliner;Kota Tegal;tarni@example.com;K-20;kuliner\n"
    response = client.post(
        "/agency/onboard/bulk",
        data={"expo": "apik", "rows": "", "file": (BytesIO(("\ufeff" + data).encode()), "peserta.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "1 toko terdaftar dari 1 baris" in text(response)


def test_bulk_without_a_header_says_what_it_needs(client, officer):
    response = client.post("/agency/onboard/bulk", data={"expo": "", "rows": "Tahu Aci,kuliner,Tegal"})
    assert response.status_code == 422 and "Baris pertama harus judul kolom" in text(response)


def test_invite_the_owner_of_a_registered_store_from_its_page(client, officer, outbox):
    store = stores.register_store(officer["agency"], {"name": "Kerupuk Pak Eko", "sector": "kuliner"})
    db.session.commit()
    response = client.post(f"/agency/stores/{store.slug}/invite-owner", data={"email": "eko@example.com"})
    assert response.status_code == 302 and outbox[0]["To"] == "eko@example.com"
    owned = client.post("/agency/stores/batik-sari/invite-owner", data={"email": "x@example.com"})
    assert owned.status_code == 409 and "sudah punya pemilik" in text(owned)


def test_a_staff_invite_still_asks_to_sign_in_first(client, officer, outbox):
    member = db.session.scalar(select(StoreMember).where(StoreMember.store_id == officer["store"].id))
    invite, token = stores.invite_staff(officer["store"], officer["seller"], "rina@example.com")
    db.session.commit()
    client.post("/logout")
    response = client.get(f"/invites/{token}")
    assert member is not None and response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
