"""JSON API: GET and PUT /stores/<slug>/shipping, and products' weight and packed size."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_category, gen_product, gen_staff, gen_store, gen_user
from tests.integration.test_store_offers import SETTINGS


@pytest.fixture
def shop(api):
    owner = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    store = gen_store(owner, name="Batik Sari", city="Kota Tegal", address="Jl. Kapten Sudibyo 12")
    rival = gen_store(gen_user("joko@test.id", role="seller"), name="Logam Joko", sector="logam-furnitur")
    gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")
    gen_category("batik")
    return {"store": store, "rival": rival, "token": api.token("sari@test.id")}


URL = "/stores/batik-sari/shipping"


def test_the_seller_reads_the_defaults_then_saves_and_reads_the_settings(api, shop):
    before = api.get(URL, token=shop["token"])
    assert before.status_code == 200
    assert before.get_json()["configured"] is False
    assert before.get_json()["pickup"] == {
        "enabled": True,
        "place": "shop",
        "address": "Jl. Kapten Sudibyo 12, Kota Tegal",
        "hours": "",
        "instructions": "",
        "cod": True,
    }

    saved = api.put(URL, SETTINGS, token=shop["token"])

    assert saved.status_code == 200, saved.get_json()
    body = saved.get_json()
    assert body["origin"]["label"] == "Tegal Selatan, Kota Tegal, Jawa Tengah"
    assert body["couriers"] == {"enabled": True, "services": {"jne": ["reg", "yes"], "jnt": ["ez"]}, "cod": False}
    assert api.get(URL, token=shop["token"]).get_json() == body
    assert api.put(URL, body, token=shop["token"]).get_json() == body  # what GET answers can be sent back


def test_staff_may_change_it_too(api, shop):
    gen_staff(shop["store"], gen_user("staf@test.id", role="seller"))
    assert api.put(URL, SETTINGS, token=api.token("staf@test.id")).status_code == 200


@pytest.mark.parametrize("method", ["get", "put"])
def test_another_seller_a_shopper_and_nobody_get_404_or_401(api, shop, method):
    gen_user("siti@test.id")
    for email in ("joko@test.id", "siti@test.id"):
        response = getattr(api, method)(URL, **({"json": SETTINGS} if method == "put" else {}), token=api.token(email))
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert getattr(api, method)(URL).status_code == 401
    assert api.get("/stores/no-such-store/shipping", token=shop["token"]).status_code == 404
    assert api.get(URL, token=shop["token"]).get_json()["configured"] is False


def test_the_agency_assisting_a_store_sets_its_shipping_and_the_act_is_audited(api, shop):
    token = api.token("petugas@disnakerin.test")
    refused = api.put(URL, SETTINGS, token=token)
    assert refused.status_code == 403 and "belum mengizinkan" in refused.get_json()["error"]["message"]

    stores.update_store(shop["store"], None, {"allow_agency_assist": True})
    db.session.commit()
    saved = api.put(URL, SETTINGS, token=token)

    assert saved.status_code == 200
    db.session.rollback()
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "store.shipping_updated"))
    officer = db.session.scalar(select(AuditLog.actor_id).where(AuditLog.id == row.id))
    assert officer != shop["store"].owner_id and row.on_behalf_of_store_id == shop["store"].id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"origin": {"district_code": 3376}}, "origin_district_code"),
        ({"local": {"prices": [{"district_code": "31.71.01", "price": 9000}]}}, "local.prices.31.71.01"),
        ({"couriers": {"enabled": True, "services": {"jne": ["kilat"]}}}, "couriers.jne"),
        ({"pickup": "yes"}, "pickup"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_changes(api, shop, body, field):
    api.put(URL, SETTINGS, token=shop["token"])
    before = api.get(URL, token=shop["token"]).get_json()

    response = api.put(URL, body, token=shop["token"])

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"]
    assert api.get(URL, token=shop["token"]).get_json() == before


def test_a_body_that_is_not_a_json_object_is_refused(api, shop):
    response = api.put(URL, ["origin"], token=shop["token"])
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"body": "Harus objek JSON."}


# --- products' weight and packed size ---------------------------------------------


def test_a_product_is_created_with_a_weight_and_size_and_both_can_be_cleared(api, shop):
    created = api.post(
        "/stores/batik-sari/products",
        {
            "name": "Batik Tulis",
            "category": "batik",
            "status": "active",
            "weight_grams": 300,
            "dimensions": {"length_cm": 30, "width_cm": 20, "height_cm": 3},
            "variants": [{"price": 350_000, "stock": 2}],
        },
        token=shop["token"],
    )
    assert created.status_code == 201, created.get_json()
    product = created.get_json()
    assert (product["weight_grams"], product["dimensions"]) == (
        300,
        {"length_cm": 30, "width_cm": 20, "height_cm": 3},
    )
    assert api.get(f"/products/{product['id']}").get_json()["dimensions"] == product["dimensions"]

    cleared = api.patch(f"/products/{product['id']}", {"weight_grams": None, "dimensions": None}, token=shop["token"])

    assert cleared.status_code == 200
    assert (cleared.get_json()["weight_grams"], cleared.get_json()["dimensions"]) == (None, None)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"weight_grams": 0}, "weight_grams"),
        ({"weight_grams": 1_000_001}, "weight_grams"),
        ({"weight_grams": "berat"}, "weight_grams"),
        ({"dimensions": {"length_cm": 30, "width_cm": 20}}, "dimensions.height_cm"),
        ({"dimensions": {"length_cm": 30, "width_cm": 20, "height_cm": 501}}, "dimensions.height_cm"),
        ({"dimensions": [30, 20, 3]}, "dimensions"),
    ],
)
def test_a_bad_weight_or_size_is_a_422_naming_it(api, shop, patch, field):
    product = gen_product(shop["store"], name="Batik Cap", weight_grams=250)

    response = api.patch(f"/products/{product.id}", patch, token=shop["token"])

    assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    db.session.rollback()
    assert db.session.get(Product, product.id).weight_grams == 250


def test_the_product_change_is_audited_with_the_fields_it_changed(api, shop):
    product = gen_product(shop["store"], name="Batik Cap")
    api.patch(
        f"/products/{product.id}",
        {"dimensions": {"length_cm": 30, "width_cm": 20, "height_cm": 3}},
        token=shop["token"],
    )
    db.session.rollback()
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "product.updated"))
    assert json.loads(row.data)["fields"] == ["height_cm", "length_cm", "width_cm"]
