"""Suspending a store: its products leave the catalogue and new orders stop at
once, while the orders already placed go on to be fulfilled by its seller."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.agency import services as agency
from marketplace.checkout import services as checkout
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from tests.buying_factories import SHIPPING, buy, cod_app, fill_cart, gen_listing  # noqa: F401
from tests.factories import PASSWORD, gen_store, gen_user


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


@pytest.fixture
def shop(cod_app):
    seller = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    store = gen_store(seller, name="Batik Sari")
    variant = gen_listing(price=150000, stock=10, store=store, name="Batik Cap Parang")
    officer = gen_user("petugas@disnakerin.test", role="agency", name="Bambang")
    shopper = gen_user("siti@test.id", name="Siti Aminah")
    placed = buy(shopper, (variant, 1))  # cash on delivery: goes to the seller at once
    order = placed.orders[0]
    transition(order, "processing", seller)  # the seller accepted it
    db.session.commit()
    return {
        "seller": seller,
        "store": store,
        "variant": variant,
        "officer": officer,
        "shopper": shopper,
        "number": order.number,
    }


def suspend(shop) -> None:
    agency.decide(shop["officer"], shop["store"], "suspend", "Izin usaha kedaluwarsa.")
    db.session.commit()


def login(client, email: str) -> None:
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_new_orders_stop_at_checkout_even_with_the_product_already_in_the_cart(shop):
    fill_cart(shop["shopper"], (shop["variant"], 2))
    suspend(shop)
    with pytest.raises(Conflict) as refused:
        checkout.place_orders(shop["shopper"], payment_method="cash_on_delivery", shipping=SHIPPING)
    db.session.rollback()
    assert "tidak dijual" in refused.value.message
    assert len(db.session.scalars(select(Order)).all()) == 1  # only the order placed before


def test_new_orders_stop_at_the_cart_too(client, shop):
    suspend(shop)
    login(client, "siti@test.id")
    response = client.post("/cart/items", data={"variant_id": shop["variant"].id, "quantity": "1"})
    assert response.status_code in (302, 409)
    assert "Batik Cap Parang" not in client.get("/cart").get_data(as_text=True)
    assert client.get(f"/products/{shop['variant'].product_id}").status_code == 404


def test_the_seller_of_a_suspended_store_still_ships_an_open_order(client, shop):
    suspend(shop)
    login(client, "sari@test.id")
    queue = client.get("/seller/orders/")
    assert queue.status_code == 200 and shop["number"] in queue.get_data(as_text=True)
    response = client.post(
        f"/seller/orders/{shop['number']}/status",
        data={"status": "shipped", "courier": "JNE", "tracking_number": "TGL0000000001"},
    )
    assert response.status_code == 302
    db.session.rollback()
    order = db.session.scalar(select(Order).where(Order.number == shop["number"]))
    assert order.status == "shipped" and order.tracking_number == "TGL0000000001"
    dashboard = client.get("/seller/stores/batik-sari/").get_data(as_text=True)
    assert "Toko dibekukan." in dashboard and "Izin usaha kedaluwarsa." in dashboard


def test_a_reinstated_store_sells_again(shop):
    suspend(shop)
    agency.decide(shop["officer"], shop["store"], "reinstate")
    db.session.commit()
    placed = buy(shop["shopper"], (shop["variant"], 1))
    assert placed.orders[0].status == "pending_payment"
