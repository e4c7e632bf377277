"""The invoice (faktur) of an ordinary order: made on request with the PDF machinery, it states
the store with its NIB, the lines, extras, ongkir and total, and the payment as it stands —
unpaid, cash on delivery, paid, cancelled, refunded — for the buyer, the store and the agency only."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.i18n import rupiah
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, OrderExtra
from tests.buying_factories import buy, cod_app, gen_listing, gen_shopper, prepaid  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.sql_count import counting


def text_of(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(content))
    assert len(reader.pages) == 1  # fits on one A4 page
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


@pytest.fixture
def api(client):
    return ApiClient(client)


@pytest.fixture
def shop(cod_app):
    seller = gen_user("penjual@test.id", role="seller", name="Pak Darto")
    store = gen_store(owner=seller, name="Batik Darto", nib="9120301234567", address="Jl. Kartini No. 5")
    return {
        "shopper": gen_shopper("pembeli@test.id"),
        "seller": seller,
        "store": store,
        "variant": gen_listing(store=store, price=50_000, stock=20, name="Batik Cap Tegalan"),
        "admin": gen_user("admin@test.id", role="admin", name="Admin"),
    }


def _reload(order) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()


def _invoice(client, auth, order, email="pembeli@test.id") -> str:
    auth.login(email)
    response = client.get(f"/orders/{order.number}/invoice.pdf")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    assert "private" in response.headers["Cache-Control"]
    auth.logout()
    return text_of(response.data)


def test_a_cash_on_delivery_invoice_names_the_store_the_lines_and_says_bayar_di_tempat(client, auth, shop):
    order = buy(shop["shopper"], (shop["variant"], 3)).orders[0]
    text = _invoice(client, auth, order)
    for expected in (
        f"INV/{order.number}",
        order.number,
        "Batik Darto",
        "NIB 9120301234567",
        "Jl. Kartini No. 5",
        "Batik Cap Tegalan",
        rupiah(50_000),
        rupiah(order.total),
        "Bayar di tempat",
        "Siti Aminah",
    ):
        assert expected in text, expected
    assert "Lunas" not in text


def test_the_store_prints_the_same_invoice_and_a_store_without_nib_says_so(client, auth, shop):
    db.session.get(type(shop["store"]), shop["store"].id).nib = None
    db.session.commit()
    order = buy(shop["shopper"], (shop["variant"], 1)).orders[0]
    text = _invoice(client, auth, order, "penjual@test.id")
    assert "NIB belum terdaftar" in text and order.number in text


def test_a_paid_invoice_says_lunas_and_a_cancelled_one_dibatalkan(client, auth, shop, prepaid):
    order = buy(shop["shopper"], (shop["variant"], 2), method="fake_transfer").orders[0]
    assert "Belum dibayar" in _invoice(client, auth, order)
    orders.apply_payment(order.payment_id, order.total, "IDR", "ref-1")
    db.session.commit()
    assert "Lunas" in _invoice(client, auth, order)
    transition(_reload(order), "cancelled", shop["shopper"], reason="salah ukuran")
    db.session.commit()
    text = _invoice(client, auth, order)
    assert "Dibatalkan" in text and "Dana dikembalikan" in text and f"−{rupiah(order.total)}" in text


def test_a_refunded_order_shows_the_refund_as_a_line(client, auth, shop, prepaid):
    order = buy(shop["shopper"], (shop["variant"], 1), method="fake_transfer").orders[0]
    orders.apply_payment(order.payment_id, order.total, "IDR", "ref-2")
    db.session.commit()
    for status, actor in (
        ("processing", shop["seller"]),
        ("shipped", shop["seller"]),
        ("completed", shop["shopper"]),
        ("refunded", shop["admin"]),
    ):
        transition(_reload(order), status, actor, tracking_number="JP123456789", courier="JNE", reason="uji")
        db.session.commit()
    text = _invoice(client, auth, order)
    assert "Dana dikembalikan" in text and f"−{rupiah(order.total)}" in text
    assert f"Total setelah pengembalian {rupiah(0)}" in text


def test_nobody_else_finds_the_invoice(client, auth, api, shop):
    order = buy(shop["shopper"], (shop["variant"], 1)).orders[0]
    gen_user("lain@test.id", name="Orang Lain")
    gen_store(owner=gen_user("penjual2@test.id", role="seller"), name="Toko Lain")
    for email in ("lain@test.id", "penjual2@test.id"):
        auth.login(email)
        assert client.get(f"/orders/{order.number}/invoice.pdf").status_code == 404
        auth.logout()
    assert client.get(f"/orders/{order.number}/invoice.pdf").status_code == 302  # to the sign-in page
    assert api.get(f"/orders/{order.number}/invoice.pdf", token=api.token("lain@test.id")).status_code == 404


def test_the_api_gives_the_buyer_and_the_admin_the_pdf(api, shop):
    order = buy(shop["shopper"], (shop["variant"], 2)).orders[0]
    for email in ("pembeli@test.id", "admin@test.id"):
        response = api.get(f"/orders/{order.number}/invoice.pdf", token=api.token(email))
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert f"INV/{order.number}" in text_of(response.data)
    assert api.get("/orders/TIDAK-ADA/invoice.pdf", token=api.token("pembeli@test.id")).json["error"]["code"]


def test_the_invoice_takes_the_same_statements_whatever_the_order_holds(client, auth, shop):
    small = buy(shop["shopper"], (shop["variant"], 1)).orders[0]
    others = [gen_listing(store=shop["store"], price=10_000 + i, stock=5, name=f"Kain {i}") for i in range(4)]
    big = buy(shop["shopper"], (shop["variant"], 1), *((v, 2) for v in others)).orders[0]
    auth.login("pembeli@test.id")
    counts = []
    for order in (small, big):
        db.session.expire_all()
        number = order.number
        with counting() as statements:
            assert client.get(f"/orders/{number}/invoice.pdf").status_code == 200
        counts.append(len(statements))
    # the signed-in user, the order with its store, its lines, its extras, its refunds
    assert counts == [5, 5], statements


def test_the_order_pages_link_to_the_invoice(client, auth, shop):
    order = buy(shop["shopper"], (shop["variant"], 1)).orders[0]
    link = f'href="/orders/{order.number}/invoice.pdf"'
    auth.login("pembeli@test.id")
    assert link in client.get(f"/orders/{order.number}").get_data(as_text=True)
    auth.logout()
    auth.login("penjual@test.id")
    assert link in client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert link in client.get("/seller/orders/").get_data(as_text=True)


def test_extras_such_as_order_protection_are_lines_of_the_invoice(make_app):
    app = make_app(plugins="cash_on_delivery,insurance")
    with app.app_context():
        shopper = gen_shopper("pembeli@test.id")
        store = gen_store(owner=gen_user(role="seller"), name="Batik Darto")
        variant = gen_listing(store=store, price=200_000, stock=5, name="Batik Tulis")
        order = buy(shopper, (variant, 1), extras=["order_protection"]).orders[0]
        extra = db.session.scalars(select(OrderExtra).where(OrderExtra.order_id == order.id)).one()
        api = ApiClient(app.test_client())
        response = api.get(f"/orders/{order.number}/invoice.pdf", token=api.token("pembeli@test.id"))
        text = text_of(response.data)
        assert order.extras_total == extra.amount > 0
        assert f"{extra.name} {rupiah(extra.amount)}" in text and f"Total {rupiah(order.total)}" in text
