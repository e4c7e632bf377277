"""Order statuses are named for what the order waits for: one function (orders.status_names)
names every status for every way of paying, for the shopper and for the seller, and a
cash-on-delivery order never asks its shopper to pay before the goods arrive."""

from __future__ import annotations

import itertools

import pytest

from marketplace.extensions import db
from marketplace.orders import status_names
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import ORDER_STATUSES, STATUS_LABELS
from marketplace.payments.groups import GROUPS
from tests.agency_support import login
from tests.buying_factories import buy, cod_app, gen_listing, prepaid
from tests.factories import gen_store, gen_user

__all__ = ["cod_app", "prepaid"]  # fixtures used by name
KINDS = ("cod", *(group.id for group in GROUPS))
STAGES = (None, "delivered", "expired")


def test_every_status_has_a_name_for_every_way_of_paying_and_both_readers(cod_app):
    for status, kind, seller, stage in itertools.product(ORDER_STATUSES, KINDS, (False, True), STAGES):
        name = status_names.label(status, kind, seller=seller, stage=stage)
        assert name and name != status, (status, kind, seller, stage)


def test_a_cash_on_delivery_order_never_shows_a_payment_wait(cod_app):
    for status, seller, stage in itertools.product(ORDER_STATUSES, (False, True), STAGES):
        name = status_names.label(status, "cod", seller=seller, stage=stage)
        assert not status_names.waits_for_payment(name), (status, stage)
        assert name != str(STATUS_LABELS["pending_payment"])
    assert status_names.label("pending_payment", "cod") == "Diproses — bayar saat barang tiba"


def test_an_order_paid_online_waits_for_its_way_of_paying(cod_app):
    assert status_names.label("pending_payment", "transfer") == "Menunggu transfer bank Anda"
    assert status_names.label("pending_payment", "qris") == "Menunggu pembayaran QRIS"
    assert status_names.label("pending_payment", "virtual_account", seller=True) == "Menunggu pembayaran pembeli"
    assert status_names.waits_for_payment(status_names.label("pending_payment", "other"))
    assert status_names.label("processing", "ewallet", seller=True) == "Perlu dikirim"
    assert status_names.label("cancelled", "qris", stage="expired") == "Dibatalkan — waktu pembayaran habis"


@pytest.fixture
def cod_order(cod_app):
    seller = gen_user("seller@test.id", role="seller")
    store = gen_store(owner=seller)
    order = buy(gen_user("siti@test.id"), (gen_listing(store=store), 1)).orders[0]
    return order, seller


def test_the_shopper_of_a_cod_order_reads_what_happens_at_every_step(cod_order, cod_app):
    order, seller = cod_order
    client = cod_app.test_client()
    login(client, "siti@test.id")
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Diproses — bayar saat barang tiba" in page and "Menunggu pembayaran" not in page
    assert "Diproses — bayar saat barang tiba" in client.get("/orders").get_data(as_text=True)
    transition(order, "processing", seller)
    transition(order, "shipped", seller, courier="SiCepat", tracking_number="SC-1")
    db.session.commit()
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'id="order-status">Dikirim — siapkan uang tunai<' in page and "Menunggu pembayaran" not in page


def test_the_seller_reads_what_it_has_to_do(cod_order, cod_app):
    order, seller = cod_order
    client = cod_app.test_client()
    login(client, "seller@test.id")
    queue = client.get("/seller/orders/").get_data(as_text=True)
    assert "Pesanan baru (COD) — perlu diterima" in queue and "Perlu dikirim" in queue  # the row, the filter
    transition(order, "processing", seller)
    db.session.commit()
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'id="order-status">Perlu dikirim (COD)<' in page


def test_a_prepaid_order_waits_for_payment_until_paid(prepaid, cod_app):
    store = gen_store(owner=gen_user("seller@test.id", role="seller"))
    order = buy(gen_user("siti@test.id"), (gen_listing(store=store), 1), method="fake_transfer").orders[0]
    assert status_names.order_label(order) == "Menunggu pembayaran"  # a method of no known group
    assert status_names.order_label(order, seller=True) == "Menunggu pembayaran pembeli"
