"""The account's address book pages, with form posts as a browser without JavaScript sends them."""

from __future__ import annotations

import re

import pytest

from marketplace.extensions import db
from marketplace.shipping import addresses
from tests.factories import gen_user
from tests.integration.test_addresses import JAKARTA, TEGAL

FORM = {
    "label": "Rumah",
    "recipient": "Siti Aminah",
    "phone": "0812-3456-7890",
    "street": "Jl. Wijaya I No. 12, RT 03/RW 04",
    "postal_code": "12170",
}


@pytest.fixture
def siti(app, auth):
    user = gen_user("shopper@test.id", name="Siti Aminah")
    auth.login()
    return user


def book(user) -> list:
    db.session.expire_all()
    return addresses.list_for(user)


def test_the_account_page_links_to_the_address_book(client, siti):
    assert 'href="/account/addresses"' in client.get("/account").get_data(as_text=True)


def test_the_address_book_needs_a_sign_in(client, app):
    response = client.get("/account/addresses")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_without_javascript_a_shopper_searches_a_district_chooses_it_and_saves(client, siti):
    page = client.get("/account/addresses/new").get_data(as_text=True)
    assert 'name="district_q"' in page and "data-region-search" in page

    searched = client.post(
        "/account/addresses/new", data={**FORM, "district_q": "kebayoran baru", "region_search": "1"}
    )
    assert searched.status_code == 200
    html = searched.get_data(as_text=True)
    assert 'value="31.74.07"' in html and "Kebayoran Baru, Kota Administrasi Jakarta Selatan" in html
    assert 'value="Siti Aminah"' in html  # what was typed is kept
    assert book(siti) == []  # a search saves nothing

    saved = client.post(
        "/account/addresses/new", data={**FORM, "district_q": "kebayoran baru", "district_code": "31.74.07"}
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/account/addresses")
    [home] = book(siti)
    assert (home.province_code, home.regency_code, home.district_code, home.is_default) == (
        "31",
        "31.74",
        "31.74.07",
        True,
    )
    listing = client.get("/account/addresses").get_data(as_text=True)
    assert "Kebayoran Baru, Kota Administrasi Jakarta Selatan" in listing and "Utama" in listing


def test_a_too_short_or_fruitless_search_says_so(client, siti):
    short = client.post("/account/addresses/new", data={**FORM, "district_q": "k", "region_search": "1"})
    assert "Ketik sedikitnya 2 huruf." in short.get_data(as_text=True)
    none = client.post("/account/addresses/new", data={**FORM, "district_q": "zzqx", "region_search": "1"})
    assert "Tidak ada kecamatan yang cocok" in none.get_data(as_text=True)


def test_the_selects_post_the_codes_as_javascript_leaves_them(client, siti):
    data = {
        **FORM,
        "province_code": "33",
        "regency_code": "33.76",
        "district_code": "33.76.02",
        "village_code": "33.76.02.1001",
    }
    assert client.post("/account/addresses/new", data=data).status_code == 302
    [office] = book(siti)
    assert office.village_code == "33.76.02.1001"
    page = client.get(f"/account/addresses/{office.id}/edit").get_data(as_text=True)
    assert re.search(r'<option value="33.76.02.1001" selected>', page)
    assert re.search(r'<option value="33.76" selected>Kota Tegal</option>', page)


def test_bad_fields_come_back_with_errors_next_to_them_and_nothing_is_saved(client, siti):
    data = {
        **FORM,
        "phone": "12",
        "postal_code": "12",
        "province_code": "32",
        "regency_code": "33.76",
        "district_code": "33.76.02",
        "village_code": "31.74.07.1001",
    }
    response = client.post("/account/addresses/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html and 'id="postal_code-error"' in html
    assert 'id="village_code-error"' in html and "tidak berada di kecamatan ini" in html
    assert 'value="Siti Aminah"' in html
    assert book(siti) == []
    missing = client.post("/account/addresses/new", data=FORM)
    assert missing.status_code == 422 and "Pilih kecamatan." in missing.get_data(as_text=True)


def test_a_shopper_edits_makes_default_and_deletes(client, siti):
    home = addresses.create(siti, JAKARTA)
    office = addresses.create(siti, TEGAL)
    db.session.commit()
    home_id, office_id = home.id, office.id

    data = {**FORM, "label": "Kantor Tegal", "district_code": "33.76.01", "postal_code": "52111"}
    assert client.post(f"/account/addresses/{office_id}/edit", data=data).status_code == 302
    db.session.expire_all()
    changed = addresses.get_for(siti, office_id)
    assert (changed.label, changed.district_code, changed.village_code) == ("Kantor Tegal", "33.76.01", None)

    assert client.post(f"/account/addresses/{office_id}/default").status_code == 302
    assert [a.id for a in book(siti)] == [office_id, home_id]
    assert client.post(f"/account/addresses/{office_id}/delete").status_code == 302
    assert [(a.id, a.is_default) for a in book(siti)] == [(home_id, True)]


def test_another_users_address_pages_are_404(client, siti):
    other = gen_user("rudi@test.id")
    theirs = addresses.create(other, JAKARTA)
    db.session.commit()
    for response in (
        client.get(f"/account/addresses/{theirs.id}/edit"),
        client.post(f"/account/addresses/{theirs.id}/edit", data=FORM),
        client.post(f"/account/addresses/{theirs.id}/delete"),
        client.post(f"/account/addresses/{theirs.id}/default"),
    ):
        assert response.status_code == 404
    db.session.expire_all()
    assert addresses.list_for(other)[0].label == "Rumah"


def test_a_full_book_says_so_on_the_form(client, siti):
    for n in range(addresses.MAX_ADDRESSES):
        addresses.create(siti, {**JAKARTA, "label": f"A{n}"})
    db.session.commit()
    assert "Tambah alamat" not in client.get("/account/addresses").get_data(as_text=True)
    response = client.post("/account/addresses/new", data={**FORM, "district_code": "31.74.07"})
    assert response.status_code == 409
    assert "Hapus alamat yang tidak dipakai lagi" in response.get_data(as_text=True)


def test_the_book_page_costs_the_same_statements_for_one_or_many(client, siti, count_queries):
    addresses.create(siti, JAKARTA)
    db.session.commit()
    with count_queries() as one:
        assert client.get("/account/addresses").status_code == 200
    for n in range(5):
        addresses.create(siti, {**TEGAL, "label": f"T{n}"})
    db.session.commit()
    with count_queries() as six:
        assert client.get("/account/addresses").status_code == 200
    assert six.count == one.count
