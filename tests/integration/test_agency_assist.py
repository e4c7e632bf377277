"""Assisted selling: an agency officer works in a store whose owner allowed it;
every act is audited with both names and listed on the seller's dashboard."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.agency_support import gen_people, login, text
from tests.factories import gen_product

NEW_PRODUCT = {
    "name": "Batik Cap Parang",
    "description": "Batik cap",
    "category": "",
    "unit": "lembar",
    "status": "active",
    "weight_grams": "300",
    "variants-0-name": "Standar",
    "variants-0-sku": "",
    "variants-0-price": "150000",
    "variants-0-stock": "5",
}


@pytest.fixture
def people(app):
    return gen_people()


def allow(store, on: bool = True) -> None:
    stores.update_store(store, None, {"allow_agency_assist": on})
    db.session.commit()


def test_an_officer_cannot_touch_a_store_that_did_not_allow_it(client, api, people):
    login(client, people["agency"].email)
    for path in ("/seller/stores/batik-sari/", "/seller/stores/batik-sari/products/new"):
        response = client.get(path)
        assert response.status_code == 403
        assert "belum mengizinkan bantuan petugas dinas" in text(response)
    assert client.post("/agency/stores/batik-sari/assist").status_code == 403
    assert client.post("/seller/stores/batik-sari/products/new", data=NEW_PRODUCT).status_code == 403
    token = api.token(people["agency"].email)
    refused = api.post(
        "/stores/batik-sari/products", {"name": "X", "variants": [{"price": 1000, "stock": 1}]}, token=token
    )
    assert refused.status_code == 403 and "belum mengizinkan" in refused.get_json()["error"]["message"]
    assert "Bantu toko ini" not in text(client.get("/agency/stores/batik-sari"))
    db.session.rollback()
    assert db.session.scalar(select(Product.id)) is None


def test_an_officer_helps_a_store_that_allowed_it_and_every_act_is_audited(client, people):
    allow(people["store"])
    login(client, people["agency"].email)
    assert "Bantu toko ini" in text(client.get("/agency/stores/batik-sari"))

    started = client.post("/agency/stores/batik-sari/assist")
    assert started.status_code == 302 and started.headers["Location"] == "/seller/stores/batik-sari/"
    dashboard = text(client.get(started.headers["Location"]))
    assert "Anda membantu toko Batik Sari" in dashboard and "Ringkasan" in dashboard

    created = client.post("/seller/stores/batik-sari/products/new", data=NEW_PRODUCT)
    assert created.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product).where(Product.name == "Batik Cap Parang"))
    assert product.store_id == people["store"].id

    rows = db.session.scalars(
        select(AuditLog)
        .where(AuditLog.actor_id == people["agency"].id, AuditLog.action != "user.created")
        .order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["assist.started", "product.created"]
    assert all(r.on_behalf_of_store_id == people["store"].id and json.loads(r.data)["assisted"] for r in rows)

    # the owner's own pages stay the owner's
    assert client.get("/seller/stores/batik-sari/settings").status_code == 403
    assert client.post("/seller/stores/batik-sari/staff", data={"email": "x@test.id"}).status_code == 403

    # the seller sees who did what
    client.post("/logout")
    login(client, people["seller"].email)
    seller_view = text(client.get("/seller/stores/batik-sari/"))
    history = seller_view.split("Riwayat bantuan Disnakerin")[1]
    assert "Bambang Sutrisno" in history and "Menambah produk" in history and "Mulai membantu toko" in history
    assert "Anda membantu toko" not in seller_view  # the banner is the officer's


def test_the_seller_turns_assistance_off_and_the_officer_is_out(client, people):
    allow(people["store"])
    login(client, people["seller"].email)
    settings = {
        "name": "Batik Sari",
        "sector": "fesyen",
        "city": "Kota Tegal",
        "whatsapp": "081234567890",
        "nib": "",
        "address": "",
        "description": "",
    }  # the checkbox left unticked: off
    assert client.post("/seller/stores/batik-sari/settings", data=settings).status_code == 302
    db.session.rollback()
    assert stores.get_store("batik-sari").allow_agency_assist is False
    client.post("/logout")
    login(client, people["agency"].email)
    assert client.get("/seller/stores/batik-sari/").status_code == 403


def test_assisting_through_the_api_is_audited_too(api, people):
    allow(people["store"])
    token = api.token(people["agency"].email)
    response = api.post(
        "/stores/batik-sari/products",
        {"name": "Sarung Tenun", "variants": [{"name": "Standar", "price": 200000, "stock": 3}]},
        token=token,
    )
    assert response.status_code == 201
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "product.created"))
    assert row.actor_id == people["agency"].id and row.on_behalf_of_store_id == people["store"].id
    assert json.loads(row.data)["assisted"] is True


def test_members_and_other_users_are_not_marked_as_assisted(client, people):
    allow(people["store"])
    gen_product(people["store"], "Batik Tulis")
    login(client, people["seller"].email)
    client.post("/seller/stores/batik-sari/products/new", data=NEW_PRODUCT)
    db.session.rollback()
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "product.created")).all()
    assert rows and not any("assisted" in json.loads(r.data) for r in rows)
    client.post("/logout")
    login(client, people["shopper"].email)
    assert client.get("/seller/stores/batik-sari/").status_code == 404  # no hint the private page exists


# --- orders: an officer accepts and ships for a store that allowed it ---------------

from tests.buying_factories import buy, cod_app, gen_listing, gen_shopper  # noqa: E402,F401


def test_an_officer_fulfils_an_order_for_a_store_that_allowed_it_and_the_seller_sees_it(cod_app):
    from marketplace.orders.models import Order

    client = cod_app.test_client()
    people = gen_people()
    variant = gen_listing(store=people["store"], price=150000, stock=3)
    number = buy(gen_shopper("pembeli@test.id"), (variant, 1)).orders[0].number
    login(client, people["agency"].email)

    assert client.get(f"/seller/orders/{number}").status_code == 404  # not allowed yet
    allow(people["store"])
    assert number in text(client.get("/seller/orders/"))
    response = client.post(f"/seller/orders/{number}/status", data={"status": "processing"})
    assert response.status_code == 302, text(response)[:400]

    db.session.rollback()
    assert db.session.scalar(select(Order.status).where(Order.number == number)) == "processing"
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "order.processing")).one()
    assert row.actor_id == people["agency"].id
    assert row.on_behalf_of_store_id == people["store"].id
    assert json.loads(row.data)["assisted"] is True

    client.post("/logout")
    login(client, people["seller"].email)
    assert "Menerima pesanan" in text(client.get("/seller/stores/batik-sari/"))

    allow(people["store"], on=False)
    client.post("/logout")
    login(client, people["agency"].email)
    assert client.get(f"/seller/orders/{number}").status_code == 404
