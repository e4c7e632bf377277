"""The seller's shipping page (without JavaScript), and the dashboard's note on products
without a weight, and the product form's weight and size."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.shipping import offer_settings
from marketplace.shipping.offers import offers_for
from marketplace.shipping.store_models import StoreShipping
from marketplace.stores import services as stores
from tests.agency_support import login, text
from tests.factories import gen_category, gen_product, gen_store, gen_user
from tests.integration.test_seller_pages import error_next_to, product_form

URL = "/seller/stores/batik-sari/shipping"

FORM = {
    "origin_province_code": "33",
    "origin_regency_code": "33.76",
    "origin_district_code": "33.76.02",
    "origin_postal_code": "52121",
    "origin_address": "Jl. Pancasila 7",
    "pickup_enabled": "y",
    "pickup_place": "booth",
    "pickup_address": "Stand B-07, GOR Wisanggeni",
    "pickup_hours": "Setiap hari 09.00–21.00",
    "pickup_instructions": "",
    "pickup_cod": "y",
    "local_enabled": "y",
    "local_price_33.76.01": "10.000",
    "local_price_33.76.02": "8000",
    "local_price_33.76.03": "",
    "local_price_33.76.04": "15000",
    "local_free_above": "150.000",
    "local_etd_min": "0",
    "local_etd_max": "1",
    "local_cod": "y",
    "couriers_enabled": "y",
    "courier_jne": ["reg", "yes"],
    "courier_sicepat": "reg",
}


@pytest.fixture
def sari(client):
    owner = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    store = gen_store(owner, name="Batik Sari", city="Kota Tegal", address="Jl. Pancasila 7")
    gen_category("batik")
    login(client, "sari@test.id")
    return store


def test_the_page_starts_with_the_store_city_and_its_districts_and_says_nothing_is_set(client, sari):
    page = client.get(URL)

    assert page.status_code == 200
    body = text(page)
    assert "belum mengatur pengiriman" in body
    assert '<option value="33.76" selected>Kota Tegal</option>' in body  # guessed from the profile's city
    for name in ("Tegal Barat", "Tegal Timur", "Tegal Selatan", "Margadana"):
        assert f">{name}</option>" in body
    assert 'href="/seller/stores/batik-sari/shipping"' in body  # in the store's menu


def test_the_seller_saves_the_form_and_checkout_sees_it(client, sari):
    saved = client.post(URL, data=FORM)

    assert saved.status_code == 302 and saved.headers["Location"] == URL
    db.session.rollback()
    offer = offers_for([sari.id])[sari.id]
    assert offer.origin == "33.76.02" and offer.origin_postal_code == "52121"
    assert offer.pickup.place == "booth" and offer.pickup.cod is True
    assert offer.local.prices == {"33.76.01": 10_000, "33.76.02": 8_000, "33.76.04": 15_000}
    assert offer.local.free_above == 150_000 and offer.local.etd_days == (0, 1)
    assert offer.couriers == {"jne": ("reg", "yes"), "sicepat": ("reg",)} and offer.courier_cod is False
    page = text(client.get(URL))
    assert 'name="local_price_33.76.04" type="text" value="15000"' in page
    assert 'value="yes" checked' in page and "Tegal Timur, Kota Tegal, Jawa Tengah" in page


def test_unticked_boxes_switch_a_method_off(client, sari):
    client.post(URL, data=FORM)
    form = {k: v for k, v in FORM.items() if k not in ("couriers_enabled", "pickup_cod")}

    assert client.post(URL, data=form).status_code == 302
    db.session.rollback()
    offer = offers_for([sari.id])[sari.id]
    assert offer.couriers == {} and offer.pickup.cod is False


def test_errors_are_shown_next_to_their_fields_and_nothing_is_saved(client, sari):
    bad = {
        **FORM,
        "origin_postal_code": "5212",
        "local_price_33.76.01": "sepuluh ribu",
        "local_etd_min": "3",
        "pickup_address": "",
    }
    response = client.post(URL, data=bad)

    assert response.status_code == 422
    assert error_next_to(response, "origin_postal_code") == "Kode pos terdiri dari 5 angka."
    assert error_next_to(response, "local_price_33.76.01").startswith("Isi ongkir dalam rupiah")
    assert error_next_to(response, "local_etd_min").startswith("Isi perkiraan 0 sampai 30 hari")
    assert error_next_to(response, "pickup_address").startswith("Tulis alamat toko atau nomor stand")
    body = text(response)
    assert 'value="sepuluh ribu"' in body and 'value="5212"' in body  # what was typed stays
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(StoreShipping)) == 0


def test_the_district_search_without_javascript_lists_matches_without_saving(client, sari):
    response = client.post(URL, data={**FORM, "origin_district_q": "adiwerna", "origin_region_search": "1"})

    assert response.status_code == 200
    assert 'value="33.28.11"> Adiwerna, Kabupaten Tegal, Jawa Tengah' in text(response)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(StoreShipping)) == 0


def test_a_rival_seller_gets_404_and_the_agency_may_help_when_allowed(client, sari):
    gen_user("joko@test.id", role="seller")
    gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    client.post("/logout")
    login(client, "joko@test.id")
    assert client.get(URL).status_code == 404
    assert client.post(URL, data=FORM).status_code == 404

    client.post("/logout")
    login(client, "petugas@disnakerin.test")
    assert client.get(URL).status_code == 403
    stores.update_store(sari, None, {"allow_agency_assist": True})
    db.session.commit()
    assert client.post(URL, data=FORM).status_code == 302
    db.session.rollback()
    assert offer_settings.get_settings(sari)["configured"] is True
    client.post("/logout")
    login(client, "sari@test.id")
    assert "Mengubah pengaturan pengiriman" in text(client.get("/seller/stores/batik-sari/"))


# --- weights ----------------------------------------------------------------------


def test_the_dashboard_names_the_products_without_a_weight_with_links_to_fix_them(client, sari):
    unweighed = gen_product(sari, name="Batik Cap Parang")
    gen_product(sari, name="Batik Tulis", weight_grams=300)
    gen_product(sari, name="Batik Lama", status="archived")

    body = text(client.get("/seller/stores/batik-sari/"))

    assert "1 produk belum punya berat." in body
    assert f'href="/seller/stores/batik-sari/products/{unweighed.id}/edit#weight_grams">Batik Cap Parang</a>' in body
    assert "Batik Lama</a>" not in body.split('id="unweighed"')[1].split("</div>")[0]


def test_no_note_when_every_product_has_a_weight(client, sari):
    gen_product(sari, name="Batik Tulis", weight_grams=300)
    assert 'id="unweighed"' not in text(client.get("/seller/stores/batik-sari/"))


def test_the_product_form_takes_a_weight_and_size_and_says_why_the_weight_matters(client, sari):
    page = text(client.get("/seller/stores/batik-sari/products/new"))
    assert "kurir menghitung ongkir dari berat" in page

    created = client.post(
        "/seller/stores/batik-sari/products/new",
        data=product_form(weight_grams="300", length_cm="30", width_cm="20", height_cm="3"),
    )

    assert created.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert (product.weight_grams, product.length_cm, product.width_cm, product.height_cm) == (300, 30, 20, 3)
    edit = text(client.get(created.headers["Location"]))
    assert 'name="length_cm" type="text" value="30"' in edit


def test_a_half_given_size_is_refused_next_to_the_missing_side(client, sari):
    response = client.post(
        "/seller/stores/batik-sari/products/new", data=product_form(length_cm="30", width_cm="20", height_cm="")
    )

    assert response.status_code == 422
    assert error_next_to(response, "height_cm") == "Isi panjang, lebar dan tinggi, atau kosongkan ketiganya."
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_picking_a_district_in_another_city_lists_that_city_s_districts_for_prices(client, sari):
    client.post(URL, data=FORM)
    moved = {**FORM, "origin_province_code": "33", "origin_regency_code": "33.28", "origin_district_code": "33.28.11"}

    response = client.post(URL, data=moved)

    assert response.status_code == 422
    body = text(response)
    assert "Isi ongkir untuk setidaknya satu kecamatan." in body
    assert 'name="local_price_33.28.11"' in body and 'name="local_price_33.76.01"' not in body
