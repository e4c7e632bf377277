"""The product page on a phone (issue #20): photos that swipe, variants as chips with price
and stock, the buy bar, the store card with its expo booth; and reviews written with star
buttons, their reviewers shown by first name and initial."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.accounts.models import User
from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.reviews import services as reviews
from marketplace.stores import services as stores
from tests.buying_factories import buy, gen_shopper, variant_of
from tests.buying_factories import cod_app as cod_app
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

VARIANTS = [
    {"name": "M", "sku": None, "price": 150000, "stock": 12},
    {"name": "L", "sku": None, "price": 165000, "stock": 3},
    {"name": "XL", "sku": None, "price": 175000, "stock": 0},
]


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


@pytest.fixture
def shirt(cod_app):
    owner = gen_user("sari@test.id", role="seller", name="Bu Sari")
    return gen_product(gen_store(owner, name="Batik Sari"), name="Kemeja Batik Cap", variants=VARIANTS)


def user(email: str) -> User:
    return db.session.query(User).filter_by(email=email).one()


def login(client, email):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def chips(html: str) -> dict[str, str]:
    """Each variant chip's radio input, by the variant's name."""
    found = re.findall(
        r'(<input type="radio" name="variant_id"[^>]*>)\s*<span class="chip-body">\s*'
        r'<span class="chip-name">([^<]+)</span>',
        html,
    )
    return {name: tag for tag, name in found}


def test_variants_are_chips_with_price_and_stock_and_sold_out_is_disabled(client, shirt):
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    assert "<select" not in html and '<table class="variants"' not in html
    found = chips(html)
    assert list(found) == ["M", "L", "XL"]
    assert 'data-price="Rp 150.000"' in found["M"] and " checked" in found["M"] and "disabled" not in found["M"]
    assert 'data-price="Rp 165.000"' in found["L"] and " checked" not in found["L"]
    assert " disabled" in found["XL"]
    assert ">Stok 12<" in html and ">Stok 3<" in html and ">Habis<" in html
    # the buy bar: the chosen variant's price, both buttons, the quantity limited by stock
    bar = html[html.index('<div class="buy-bar">') :]
    assert "<b data-chosen-price>Rp 150.000</b>" in bar
    assert ">+ Keranjang</button>" in bar and 'value="Beli sekarang" formaction="/cart/items"' in bar
    assert 'max="12"' in html and 'data-step="1"' in html
    assert '<script src="/static/js/product.js" defer></script>' in html


def test_a_sold_out_product_offers_no_buy_buttons(client, cod_app):
    product = gen_product(gen_store(name="Toko Habis"), name="Keripik Tempe", price=15000, stock=0, category=None)
    html = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "stok habis" in html and "Beli sekarang" not in html and 'name="quantity"' not in html


def test_the_chosen_chip_is_posted_and_each_button_goes_where_it_says(client, shirt):
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    action = re.search(r'<form class="add-to-cart" id="add-to-cart" action="([^"]+)"', html).group(1)
    assert action == f"/cart/items?next=/products/{shirt.id}"
    large = variant_of(shirt, 1)
    back = client.post(action, data={"variant_id": large.id, "quantity": "2"})
    assert back.status_code == 302 and back.headers["Location"].endswith(f"/products/{shirt.id}")
    now_buying = client.post("/cart/items", data={"variant_id": variant_of(shirt).id, "quantity": "1"})
    assert now_buying.headers["Location"].endswith("/cart")
    cart = client.get("/cart").get_data(as_text=True)
    assert "Kemeja Batik Cap" in cart and "L" in cart and "Rp 330.000" in cart


def test_every_photo_is_in_the_strip_lazy_after_the_first_with_its_size(client, shirt):
    owner = user("sari@test.id")
    for color in ((200, 80, 40), (40, 80, 200), (80, 200, 40)):
        catalog.add_image(shirt, owner, image_bytes("JPEG", size=(640, 480), color=color))
    db.session.commit()
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    slides = re.findall(r'<figure class="slide" id="foto-(\d)">\s*<img ([^>]+)>', html)
    assert [n for n, _img in slides] == ["1", "2", "3"]
    assert all('width="640" height="480"' in img for _n, img in slides)
    assert 'loading="lazy"' not in slides[0][1] and all('loading="lazy"' in img for _n, img in slides[1:])
    assert ">2/3</figcaption>" in html and html.count('<a href="#foto-') == 3


def test_the_store_card_shows_its_booth_while_the_expo_is_not_over(client, shirt):
    fair = expo.create_expo(
        None,
        "apik-banget",
        "Apik Banget Virtual Expo",
        now() - timedelta(days=1),
        now() + timedelta(days=2),
        zones=["Fesyen"],
    )
    expo.add_exhibitor(None, fair, stores.get_store_by_id(shirt.store_id), booth="A-12", zone="fesyen")
    db.session.commit()
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    assert '<a class="tap" href="/expo/apik-banget#zona-fesyen">Stan A-12 · Apik Banget Virtual Expo</a>' in html
    assert "Terverifikasi" in html and "Chat WhatsApp" in html and "https://wa.me/6281234567890?text=" in html
    fair.ends_at = now() - timedelta(hours=1)
    db.session.commit()
    assert "Stan A-12" not in client.get(f"/products/{shirt.id}").get_data(as_text=True)


def test_the_share_button_carries_the_absolute_link(client, shirt):
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    assert re.search(
        rf'class="btn secondary share" href="https://wa.me/\?text=Kemeja%20Batik%20Cap%20http[^"]+/products/{shirt.id}"',
        html,
    )


@pytest.mark.parametrize(
    "full,short",
    [
        ("Siti Rahayu", "Siti R."),
        ("siti nur rahayu", "siti R."),
        ("Budi", "Budi"),
        ("", "Pembeli"),
        (None, "Pembeli"),
        ("budi@test.id", "Pembeli"),
        ("Budi budi@x.id", "Pembeli"),
    ],
)
def test_a_reviewer_is_shown_by_first_name_and_initial(cod_app, full, short):
    assert reviews.short_name(full) == short


@pytest.fixture
def completed(client, shirt):
    """Siti Rahayu's completed order of two variants of the shirt, and her signed-in client."""
    seller = user("sari@test.id")
    shopper = gen_shopper("siti@test.id", name="Siti Rahayu")
    order = buy(shopper, (variant_of(shirt), 1), (variant_of(shirt, 1), 1)).orders[0]
    for status, actor in (("processing", seller), ("shipped", seller), ("completed", shopper)):
        transition(order, status, actor, tracking_number="JNE1" if status == "shipped" else None)
        db.session.commit()
    login(client, "siti@test.id")
    return orders.get_for_shopper(shopper, order.number)  # with its lines


def test_the_review_page_has_a_block_of_star_buttons_per_line(client, completed):
    html = client.get(f"/orders/{completed.number}/reviews").get_data(as_text=True)
    assert html.count('<form class="review-form"') == 2
    for n in range(1, 6):
        assert f'<span class="sr-only">{n} bintang</span>' in html
    assert html.count('name="rating"') == 10 and "required" in html


def test_a_missing_rating_comes_back_next_to_the_stars(client, completed):
    line = completed.lines[0]
    response = client.post(f"/orders/{completed.number}/reviews", data={"line_id": line.id, "comment": "Kainnya adem"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<p class="error" id="rating-error-{line.id}">Beri nilai 1 sampai 5 bintang.</p>' in html
    assert ">Kainnya adem</textarea>" in html  # the comment stays


def test_a_star_review_shows_on_the_product_page_by_short_name(client, completed, shirt):
    line = completed.lines[0]
    done = client.post(
        f"/orders/{completed.number}/reviews",
        data={
            "line_id": line.id,
            "rating": "4",
            "comment": "Kainnya adem",
            "next": f"/orders/{completed.number}/reviews",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/orders/{completed.number}/reviews")
    again = client.get(f"/orders/{completed.number}/reviews").get_data(as_text=True)
    assert again.count('<form class="review-form"') == 1 and "Sudah diulas" in again
    client.post("/logout")
    html = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    assert "<b>Siti R.</b>" in html and "Rahayu" not in html and "siti@test.id" not in html
    assert "<b>4,0</b> · 1 ulasan" in html and 'class="star-bar half-8"' in html
    assert "<b>4.0</b> · 1 review" in client.get(f"/products/{shirt.id}?lang=en").get_data(as_text=True)


def test_the_api_answer_names_no_reviewer(client, completed):
    """The API's review (CONTRACT: POST /api/v1/orders/<number>/reviews) never carried a
    name; it still carries none, nor an e-mail."""
    token = client.post("/api/v1/auth/tokens", json={"email": "siti@test.id", "password": PASSWORD}).get_json()
    answer = client.post(
        f"/api/v1/orders/{completed.number}/reviews",
        json={"rating": 5, "comment": "Mantap", "line_id": completed.lines[0].id},
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert answer.status_code == 201, answer.get_json()
    assert set(answer.get_json()) == {"id", "line_id", "product_id", "rating", "comment", "created_at"}
    assert "Siti" not in answer.get_data(as_text=True)


def test_the_buyer_reviews_below_the_description_of_the_product_page(client, completed, shirt):
    page = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    form = page[page.index('<div class="review-block" id="ulas">') :]
    assert page.index("Deskripsi") < page.index('id="ulas"')
    assert f'action="/orders/{completed.number}/reviews"' in form
    assert f'name="line_id" value="{completed.lines[0].id}"' in form and form.count('name="rating"') == 5
    done = client.post(
        f"/orders/{completed.number}/reviews",
        data={"line_id": completed.lines[0].id, "rating": "5", "next": f"/products/{shirt.id}#reviews-title"},
    )
    assert done.headers["Location"].endswith(f"/products/{shirt.id}#reviews-title")
    after = client.get(f"/products/{shirt.id}").get_data(as_text=True)
    assert f'name="line_id" value="{completed.lines[1].id}"' in after  # her other size is still to review
    client.post("/logout")
    assert 'id="ulas"' not in client.get(f"/products/{shirt.id}").get_data(as_text=True)
    gen_user("budi@test.id")
    login(client, "budi@test.id")
    assert 'id="ulas"' not in client.get(f"/products/{shirt.id}").get_data(as_text=True)


def test_a_buyer_who_joined_the_store_gets_no_review_form(client, completed, shirt):
    """The form shows exactly when add_review would take it: not to the store's own people."""
    from marketplace.stores.models import StoreMember

    number, line_id = completed.number, completed.lines[0].id
    db.session.add(StoreMember(store_id=shirt.store_id, user_id=user("siti@test.id").id, role="staff"))
    db.session.commit()
    assert 'id="ulas"' not in client.get(f"/products/{shirt.id}").get_data(as_text=True)
    refused = client.post(f"/orders/{number}/reviews", data={"line_id": line_id, "rating": 5})
    assert refused.status_code in (302, 403)
    from marketplace.reviews.models import Review

    assert db.session.query(Review).count() == 0
