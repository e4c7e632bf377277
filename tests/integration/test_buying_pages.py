"""The buying pages: cart, checkout, the shopper's orders, the seller's queue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.buying_factories import SHIPPING, buy, cod_app, fill_cart, gen_listing, stock_of  # noqa: F401
from tests.factories import PASSWORD, gen_store, gen_user


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


def login(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def checkout_form(client) -> dict:
    html = client.get("/checkout").get_data(as_text=True)
    return {
        **SHIPPING,
        "payment_method": "cash_on_delivery",
        "cart_version": hidden(html, "cart_version"),
        "idempotency_key": hidden(html, "idempotency_key"),
    }


def order_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Order))


def test_anonymous_cart_merges_into_the_account_at_login(client):
    gen_user("siti@test.id", name="Siti")
    variant = gen_listing(price=25000, stock=8)
    response = client.post(
        "/cart/items", data={"variant_id": variant.id, "quantity": "3", "next": f"/products/{variant.product_id}"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/products/{variant.product_id}")
    html = client.get("/cart").get_data(as_text=True)
    assert 'id="cart-count">3<' in html and "Rp 75.000" in html
    login(client, "siti@test.id")
    html = client.get("/cart").get_data(as_text=True)
    assert 'id="cart-count">3<' in html and "Teh Poci Gula Batu" in html


def test_the_cart_page_groups_by_store_and_explains_problems(client):
    user = gen_user("siti@test.id")
    a = gen_listing(price=10000, store=gen_store(name="Dapur Bu Tini"), name="Kerupuk")
    b = gen_listing(price=20000, stock=2, store=gen_store(name="Logam Jaya"), name="Wajan")
    fill_cart(user, (a, 2), (b, 2))
    login(client, "siti@test.id")
    html = client.get("/cart").get_data(as_text=True)
    assert "Dapur Bu Tini" in html and "Logam Jaya" in html and "Rp 60.000" in html
    assert 'href="/checkout"' in html
    catalog.update_variant(b, None, {"stock": 1})
    db.session.commit()
    html = client.get("/cart").get_data(as_text=True)
    assert "Stok Wajan tinggal 1" in html and 'href="/checkout"' not in html
    assert client.get("/checkout").status_code == 302  # back to the cart to fix it


def test_a_bad_quantity_is_answered_next_to_the_line(client):
    user = gen_user("siti@test.id")
    fill_cart(user, (gen_listing(stock=5), 1))
    login(client, "siti@test.id")
    item_id = re.search(r'action="/cart/items/(\d+)"', client.get("/cart").get_data(as_text=True)).group(1)
    for bad in ("0", "-2", "abc", "99999999"):
        response = client.post(f"/cart/items/{item_id}", data={"quantity": bad})
        assert response.status_code == 422
        assert "Jumlah harus bilangan bulat 1 sampai 999." in response.get_data(as_text=True)
    response = client.post(f"/cart/items/{item_id}", data={"quantity": "9"})
    assert response.status_code == 409 and "tinggal 5" in response.get_data(as_text=True)
    assert client.post(f"/cart/items/{item_id}", data={"quantity": "4"}).status_code == 302


def test_add_to_cart_errors_come_back_as_a_message(client):
    variant = gen_listing(stock=1)
    response = client.post("/cart/items", data={"variant_id": variant.id, "quantity": "0"}, follow_redirects=True)
    assert "Jumlah harus bilangan bulat 1 sampai 999." in response.get_data(as_text=True)
    response = client.post("/cart/items", data={"variant_id": variant.id, "quantity": "2"}, follow_redirects=True)
    assert "tinggal 1" in response.get_data(as_text=True)


def test_shopper_checks_out_with_cod_and_sees_two_orders(client):
    gen_user("siti@test.id", name="Siti Aminah")
    tea, batik = gen_listing(price=25000, stock=5), gen_listing(price=350000, stock=2, name="Batik")
    login(client, "siti@test.id")
    client.post("/cart/items", data={"variant_id": tea.id, "quantity": "2"})
    client.post("/cart/items", data={"variant_id": batik.id, "quantity": "1"})
    page = client.get("/checkout").get_data(as_text=True)
    assert 'value="Siti Aminah"' in page and "Bayar di tempat (COD)" in page and "Rp 400.000" in page
    response = client.post("/checkout", data=checkout_form(client))
    assert response.status_code == 302 and "/checkout/complete/" in response.headers["Location"]
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Siapkan uang tunai Rp 400.000" in done and done.count("APK-") >= 2
    listing = client.get("/orders").get_data(as_text=True)
    assert listing.count('data-number="APK-') == 2 and listing.count("Diproses — bayar saat barang tiba") == 2
    assert "Menunggu pembayaran" not in listing and "Menunggu pembayaran" not in done  # nothing to pay online
    assert stock_of(tea.id) == 3 and stock_of(batik.id) == 1


def test_bad_shipping_fields_come_back_with_messages_and_the_input_kept(client):
    user = gen_user("siti@test.id")
    fill_cart(user, (gen_listing(), 1))
    login(client, "siti@test.id")
    form = {**checkout_form(client), "postal_code": "12", "phone": "abc", "address": "Jl. Melati 7, RT 1/RW 2"}
    response = client.post("/checkout", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kode pos terdiri dari 5 angka." in html and "Nomor telepon tidak valid" in html
    assert "Jl. Melati 7, RT 1/RW 2" in html and order_count() == 0


def test_a_cart_changed_between_view_and_checkout_is_shown_again_and_nothing_reserved(client):
    user = gen_user("siti@test.id")
    variant = gen_listing(price=25000, stock=5)
    fill_cart(user, (variant, 2))
    login(client, "siti@test.id")
    form = checkout_form(client)
    catalog.update_variant(variant, None, {"price": 30000})  # the seller changes the price meanwhile
    db.session.commit()
    response = client.post("/checkout", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "berubah sejak Anda membukanya" in html and "Rp 60.000" in html
    assert order_count() == 0 and stock_of(variant.id) == 5
    form["cart_version"] = hidden(html, "cart_version")  # the page now shows the new price: confirm it
    assert client.post("/checkout", data=form).status_code == 302
    assert db.session.scalar(select(Order.total)) == 60000


def test_a_double_submitted_checkout_makes_one_set_of_orders(client):
    user = gen_user("siti@test.id")
    variant = gen_listing(stock=5)
    fill_cart(user, (variant, 2))
    login(client, "siti@test.id")
    form = checkout_form(client)
    first = client.post("/checkout", data=form)
    second = client.post("/checkout", data=form)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert order_count() == 1 and stock_of(variant.id) == 3


def test_the_shopper_cancels_before_shipping(client):
    user = gen_user("siti@test.id")
    variant = gen_listing(stock=5)
    order = buy(user, (variant, 2)).orders[0]
    login(client, "siti@test.id")
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Batalkan pesanan" in page and "Rp 50.000" in page
    response = client.post(f"/orders/{order.number}/cancel", data={"reason": "Berubah pikiran"}, follow_redirects=True)
    assert "Pesanan dibatalkan." in response.get_data(as_text=True)
    assert stock_of(variant.id) == 5
    again = client.post(f"/orders/{order.number}/cancel", data={})
    assert again.status_code == 409 and "tidak bisa diubah" in again.get_data(as_text=True)


def test_the_seller_accepts_and_ships_from_its_queue_only(client):
    seller = gen_user("seller@test.id", role="seller")
    store = gen_store(owner=seller, name="Batik Sari")
    shopper = gen_user("siti@test.id")
    mine = buy(shopper, (gen_listing(store=store, name="Kain Batik"), 1), (gen_listing(name="Lain"), 1)).orders
    my_order = next(o for o in mine if o.store_id == store.id)
    their_order = next(o for o in mine if o.store_id != store.id)
    login(client, "seller@test.id")
    queue = client.get("/seller/orders/").get_data(as_text=True)
    assert my_order.number in queue and their_order.number not in queue
    assert client.get(f"/seller/orders/{their_order.number}").status_code == 404
    detail = client.get(f"/seller/orders/{my_order.number}").get_data(as_text=True)
    assert "Bayar di tempat" in detail and "Terima & proses pesanan" in detail
    client.post(f"/seller/orders/{my_order.number}/status", data={"status": "processing"})
    missing = client.post(f"/seller/orders/{my_order.number}/status", data={"status": "shipped", "courier": "JNE"})
    assert missing.status_code == 422 and "Isi nomor resi pengiriman." in missing.get_data(as_text=True)
    shipped = client.post(
        f"/seller/orders/{my_order.number}/status",
        data={"status": "shipped", "courier": "jne", "tracking_number": "CGK1234567890"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert 'id="order-status">Dikirim' in shipped and "CGK1234567890" in shipped
    assert client.post(f"/seller/orders/{their_order.number}/status", data={"status": "processing"}).status_code == 404


def test_pages_need_sign_in_and_csrf(make_app):
    app = make_app(plugins="cash_on_delivery", WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.get("/checkout").status_code == 302 and client.get("/orders").status_code == 302
    with app.app_context():
        variant = gen_listing()
    assert client.post("/cart/items", data={"variant_id": variant.id, "quantity": "1"}).status_code == 400
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(__import__("marketplace.cart.models", fromlist=["CartItem"]).CartItem)
            )
            == 0
        )


def test_the_header_cart_count_costs_one_statement(client, count_queries):
    user = gen_user("siti@test.id")
    fill_cart(user, (gen_listing(), 2))
    login(client, "siti@test.id")
    from marketplace.cart.views import cart_count

    with client.application.test_request_context("/"):
        from flask_login import login_user

        login_user(user)
        with count_queries() as counter:
            assert cart_count() == 2 and cart_count() == 2
    assert counter.count == 1


def test_after_completion_the_buyer_reviews_each_line_once_from_the_order_page(client):
    from marketplace.orders.lifecycle import transition
    from marketplace.reviews import services as reviews

    seller = gen_user("seller@test.id", role="seller")
    store = gen_store(owner=seller)
    shopper = gen_user("siti@test.id", name="Siti Aminah")
    tea, cup = gen_listing(store=store, name="Teh Poci"), gen_listing(store=store, name="Poci Tanah Liat")
    order = buy(shopper, (tea, 1), (cup, 1)).orders[0]
    login(client, "siti@test.id")
    assert "Beri ulasan" not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    early = client.post(f"/orders/{order.number}/reviews", data={"rating": "5"}, follow_redirects=True)
    assert "setelah pesanan selesai" in early.get_data(as_text=True)
    transition(order, "processing", seller)
    transition(order, "shipped", seller, tracking_number="POS-1")
    db.session.commit()
    received = client.post(f"/orders/{order.number}/complete", follow_redirects=True).get_data(as_text=True)
    assert "Pesanan selesai" in received and received.count("<legend>Beri ulasan</legend>") == 2
    line_ids = re.findall(r'name="line_id" value="(\d+)"', received)
    client.post(
        f"/orders/{order.number}/reviews",
        data={"line_id": line_ids[0], "rating": "5", "comment": "Wangi melati, asli Tegal"},
    )
    page = client.post(
        f"/orders/{order.number}/reviews", data={"line_id": line_ids[0], "rating": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "sudah mengulas" in page and page.count("<legend>Beri ulasan</legend>") == 1 and "Sudah diulas" in page
    bad = client.post(
        f"/orders/{order.number}/reviews", data={"line_id": line_ids[1], "rating": "6"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "1 sampai 5 bintang" in bad
    assert reviews.product_rating(tea.product_id) == (5.0, 1)
    assert [name for _r, name in reviews.product_reviews(tea.product_id)] == ["Siti A."]
    gen_user("budi@test.id")
    client.post("/logout")
    login(client, "budi@test.id")
    assert (
        client.post(f"/orders/{order.number}/reviews", data={"line_id": line_ids[1], "rating": "5"}).status_code == 404
    )
