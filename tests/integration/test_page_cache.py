"""The page cache (marketplace/pagecache.py): anonymous catalogue pages from memory,
never showing a price, stock or store status that changed, never another visitor's
token or account, with ETags and 304s.

Every change below goes through the services and a commit, as the seller, the agency
and checkout make it; the cache learns of it only through the session events.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event, text

from marketplace import pagecache
from marketplace.catalog import services as catalog
from marketplace.catalog import stock
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.reviews.models import Review  # noqa: F401 - the table exists
from marketplace.stores import services as stores
from tests.buying_factories import buy, cod_app, gen_shopper, variant_of  # noqa: F401 - fixture
from tests.factories import gen_category, gen_product, gen_store, gen_user
from tests.sql_count import counting

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def shop(app):
    store = gen_store(name="Batik Sari")
    product = gen_product(store, name="Batik Tulis Sekar Jagad", price=350000, stock=7)
    other = gen_product(store, name="Batik Cap Kawung", price=150000, stock=3)
    data = {
        "store": store.slug,
        "store_id": store.id,
        "product": product.id,
        "variant": variant_of(product).id,
        "other": other.id,
    }
    db.session.remove()
    return data


def pages(shop) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/search?q=batik",
        "all": "/search",
        "sector": "/sectors/fesyen",
        "category": "/categories/batik",
        "stores": "/stores",
        "store": f"/stores/{shop['store']}",
        "product": f"/products/{shop['product']}",
        "api": "/api/v1/products",
        "api-product": f"/api/v1/products/{shop['product']}",
    }


def statements(client, count_queries, url, **kw):
    db.session.remove()
    with count_queries() as q:
        response = client.get(url, **kw)
    return response, q.count


def html(response) -> str:
    return response.get_data(as_text=True)


# --- hits ---------------------------------------------------------------------------------


def test_a_cached_page_costs_no_statement(client, count_queries, shop):
    for name, url in pages(shop).items():
        first, cold = statements(client, count_queries, url)
        second, warm = statements(client, count_queries, url)
        assert first.status_code == second.status_code == 200, name
        assert cold > 0 and warm == 0, (name, cold, warm)
        assert first.get_data() == second.get_data() or name == "product", name  # the product page: own token


def test_the_key_holds_the_language_and_the_query(client, shop):
    indonesian = html(client.get("/search?q=batik"))
    english = html(client.get("/search?q=batik&lang=en"))
    assert 'lang="id"' in indonesian and 'lang="en"' in english
    assert "Kawung" in html(client.get("/search?q=kawung")) and "Sekar" not in html(client.get("/search?q=kawung"))
    # the language is remembered by the session: the same URL is now English, not the cached Indonesian page
    assert 'lang="en"' in html(client.get("/search?q=batik"))


# --- invalidation: price, stock, store status, reviews -----------------------------------


def test_a_new_price_shows_at_once_on_every_page(client, shop):
    urls = pages(shop)
    for url in urls.values():
        assert client.get(url).status_code == 200
    assert "350.000" in html(client.get(urls["product"]))
    variant = catalog.get_variant(shop["variant"])
    catalog.update_variant(variant, None, {"price": 275000})
    db.session.commit()
    for name in ("home", "search", "all", "store", "product", "category"):
        page = html(client.get(urls[name]))
        assert "275.000" in page and "350.000" not in page, name
    listed = {p["id"]: p["price"] for p in client.get(urls["api"]).get_json()["items"]}
    assert listed[shop["product"]] == 275000
    assert client.get(urls["api-product"]).get_json()["variants"][0]["price"] == 275000


def test_stock_taken_by_checkout_shows_at_once_and_leaves_the_listings_cached(cod_app):
    client = cod_app.test_client()
    store = gen_store(name="Teh Poci Mas")
    product = gen_product(store, name="Teh Poci Gula Batu", price=25000, stock=7)
    variant, product_id = variant_of(product), product.id
    db.session.remove()
    assert "Stok: 7" in html(client.get(f"/products/{product_id}"))
    assert client.get(f"/api/v1/products/{product_id}").get_json()["variants"][0]["stock"] == 7
    client.get("/")
    buy(gen_shopper(), (variant, 2))  # checkout's own conditional UPDATE, not the ORM
    assert "Stok: 5" in html(client.get(f"/products/{product_id}"))
    assert client.get(f"/api/v1/products/{product_id}").get_json()["variants"][0]["stock"] == 5
    # the home page shows no stock: still served from the cache
    sent = []
    listener = lambda conn, cursor, statement, *args: sent.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert sent == []


def test_a_sellers_stock_edit_shows_at_once_and_leaves_the_listings_cached(client, shop):
    from marketplace.accounts import tokens as api_tokens
    from marketplace.accounts.models import User
    from marketplace.stores.models import Store

    owner = db.session.get(User, db.session.get(Store, shop["store_id"]).owner_id)
    token = api_tokens.issue_token(owner)
    db.session.commit()
    assert "Stok: 7" in html(client.get(f"/products/{shop['product']}"))
    client.get("/")
    client.get(f"/stores/{shop['store']}")
    answer = client.patch(
        f"/api/v1/variants/{shop['variant']}", json={"stock": 4}, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.get_json()
    assert "Stok: 4" in html(client.get(f"/products/{shop['product']}"))
    sent = []
    listener = lambda conn, cursor, statement, *args: sent.append(statement)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:  # the grids show no stock: still served from the cache
        assert client.get("/").status_code == 200
        assert client.get(f"/stores/{shop['store']}").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert sent == []


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache-on", "page-cache-off"])
def test_a_review_shows_at_once_on_the_product_page(cod_app, page_cache):
    """Kept pages and the visitors' remembered review summary (reviews/services.py) alike."""
    from marketplace.accounts.models import User
    from marketplace.orders import services as orders
    from marketplace.orders.lifecycle import transition
    from marketplace.reviews import services as reviews

    cod_app.config["PAGE_CACHE"] = page_cache
    client = cod_app.test_client()
    seller = gen_user(role="seller")
    product = gen_product(gen_store(seller, name="Teh Poci Mas"), name="Teh Poci Gula Batu", price=25000, stock=7)
    variant, url = variant_of(product), f"/products/{product.id}"
    buyer = gen_shopper(name="Rina Wulandari")
    order = buy(buyer, (variant, 1)).orders[0]
    for status, actor in (("processing", seller), ("shipped", seller), ("completed", buyer)):
        transition(order, status, actor, tracking_number="JNE123" if status == "shipped" else None)
        db.session.commit()
    assert "Rina W." not in html(client.get(url))
    number, buyer_id, product_id = order.number, buyer.id, product.id
    db.session.remove()
    with counting() as q:
        assert "Belum ada ulasan" in html(client.get(url))
    assert not _reading(q.statements, ("reviews",)), q.statements  # remembered, or the page kept
    buyer = db.session.get(User, buyer_id)
    reviews.add_review(buyer, orders.get_for_shopper(buyer, number), 5, "Segar dan wangi.")
    db.session.commit()
    page = html(client.get(url))
    assert "Rina W." in page and "Wulandari" not in page and "Segar dan wangi." in page
    assert '"reviewCount": 1' in page  # the share data's rating too
    db.session.execute(text("UPDATE users SET name = 'Sari Wulandari' WHERE id = :id"), {"id": buyer_id})
    db.session.commit()
    page = html(client.get(url))
    assert "Sari W." in page and "Rina W." not in page
    db.session.execute(text("DELETE FROM reviews WHERE product_id = :id"), {"id": product_id})
    db.session.commit()
    page = html(client.get(url))
    assert "Sari W." not in page and "Belum ada ulasan" in page and "reviewCount" not in page


def _share_data(page: str) -> dict:
    import json

    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found, "no schema.org data"
    return json.loads(found.group(1))


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache-on", "page-cache-off"])
def test_a_product_pages_meta_block_shows_every_change_at_once(app, page_cache):
    """The meta block (share tags, schema.org data) is remembered per product and language
    (catalog/views._product_meta): a change to anything it shows shows at once, in both
    languages, through the services or raw SQL."""
    app.config["PAGE_CACHE"] = page_cache
    seller = gen_user(role="seller")
    product = gen_product(gen_store(seller, name="Teh Poci Mas"), name="Teh Poci Gula Batu", price=25000, stock=7)
    product_id, variant_id, store_id = product.id, variant_of(product).id, product.store_id
    category_id, seller_id, url = product.category_id, seller.id, f"/products/{product.id}"
    indonesian, english = app.test_client(), app.test_client()
    english.get("/?lang=en")  # the language sticks to the client's session

    def both() -> tuple[str, str]:
        return html(indonesian.get(url)), html(english.get(url))

    page, page_en = both()
    assert '<meta property="og:title" content="Teh Poci Gula Batu">' in page
    assert 'og:locale" content="id_ID"' in page and 'og:locale" content="en_US"' in page_en
    assert f'<link rel="canonical" href="http://localhost/products/{product_id}?lang=en">' in page_en
    assert _share_data(page)["offers"][0]["price"] == 25000
    db.session.remove()
    assert both() == (page, page_en)  # remembered or kept: the same page

    seller = db.session.get(type(seller), seller_id)
    catalog.update_product(db.session.get(type(product), product_id), seller, {"name": "Teh Poci Melati"})
    db.session.commit()
    for shown in both():
        assert '<meta property="og:title" content="Teh Poci Melati">' in shown
        assert _share_data(shown)["name"] == "Teh Poci Melati"
    changes = [
        (
            "UPDATE variants SET price = 27500 WHERE id = :id",
            variant_id,
            lambda data: data["offers"][0]["price"] == 27500,
        ),
        (
            "UPDATE variants SET stock = 0 WHERE id = :id",
            variant_id,
            lambda data: data["offers"][0]["availability"] == "https://schema.org/OutOfStock",
        ),
        (
            "UPDATE products SET description = 'Wangi melati asli' WHERE id = :id",
            product_id,
            lambda data: data["description"] == "Wangi melati asli",
        ),
        (
            "UPDATE stores SET name = 'Teh Poci Mbak Sri' WHERE id = :id",
            store_id,
            lambda data: data["offers"][0]["seller"]["name"] == "Teh Poci Mbak Sri",
        ),
        (
            "UPDATE categories SET name = 'Minuman Teh' WHERE id = :id",
            category_id,
            lambda data: data["category"] == "Minuman Teh",
        ),
        (
            "INSERT INTO product_images (product_id, path, position, width, height)"
            " VALUES (:id, 'products/poci.jpg', 0, 800, 800)",
            product_id,
            lambda data: data["image"] == ["http://localhost/media/products/poci.jpg"],
        ),
    ]
    for statement, row_id, shows in changes:
        db.session.execute(text(statement), {"id": row_id})
        db.session.commit()
        for shown in both():
            assert shows(_share_data(shown)), (statement, _share_data(shown))
    assert 'content="Wangi melati asli"' in html(indonesian.get(url))


def test_a_raw_stock_update_is_seen_too(client, shop):
    """Any write through the session counts, the ORM's or a statement's, even a textual one."""
    url = f"/products/{shop['product']}"
    assert "Stok: 7" in html(client.get(url))
    assert stock.reserve(shop["variant"], 3)
    db.session.commit()
    assert "Stok: 4" in html(client.get(url))
    db.session.execute(text("UPDATE variants SET stock = 9 WHERE id = :id"), {"id": shop["variant"]})
    db.session.commit()
    assert "Stok: 9" in html(client.get(url))


def test_a_rolled_back_change_invalidates_nothing(client, count_queries, shop):
    url = f"/stores/{shop['store']}"
    client.get(url)
    variant = catalog.get_variant(shop["variant"])
    catalog.update_variant(variant, None, {"price": 99000})
    db.session.rollback()
    _response, count = statements(client, count_queries, url)
    assert count == 0


def test_a_suspended_store_disappears_at_once(client, shop):
    urls = pages(shop)
    for url in urls.values():
        client.get(url)
    agency = gen_user(role="agency")
    stores.set_status(stores.get_store(shop["store"]), agency, "suspended", reason="NIB tidak valid")
    db.session.commit()
    assert client.get(urls["store"]).status_code == 404
    assert client.get(urls["product"]).status_code == 404
    assert client.get(urls["api-product"]).status_code == 404
    for name in ("home", "search", "all", "sector", "stores"):
        assert "Batik Sari" not in html(client.get(urls[name])), name
    assert client.get(urls["api"]).get_json()["total"] == 0


def test_an_archived_product_disappears_at_once(client, shop):
    client.get("/search?q=batik")
    client.get(f"/products/{shop['product']}")
    catalog.set_product_status(catalog.get_product(shop["product"]), None, "archived")
    db.session.commit()
    assert "Sekar Jagad" not in html(client.get("/search?q=batik"))
    assert client.get(f"/products/{shop['product']}").status_code == 404


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "page-cache-off"])
def test_the_expo_badge_appears_when_the_expo_opens(app, client, shop, page_cache):
    """With the page cache off, the live exhibitors are still remembered (a memo); the memo
    lives until the next opening or closing, like a page that shows them."""
    app.config["PAGE_CACHE"] = page_cache
    opens = now() + timedelta(hours=1)
    closes = opens + timedelta(days=3)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opens, closes)
    expo.add_exhibitor(None, fair, stores.get_store(shop["store"]), booth="A1")
    db.session.commit()
    with time_machine.travel(opens - timedelta(minutes=5), tick=False):
        assert "Peserta Expo" not in html(client.get("/search?q=batik"))
        assert "Peserta Expo" not in html(client.get(f"/products/{shop['product']}"))
        assert "Segera" in html(client.get("/expo/apik-banget"))
        assert "Segera" in html(client.get("/"))
    with time_machine.travel(opens + timedelta(minutes=1), tick=False):
        assert "Peserta Expo" in html(client.get("/search?q=batik"))
        assert "Peserta Expo" in html(client.get(f"/products/{shop['product']}"))
        assert "LIVE" in html(client.get("/expo/apik-banget"))
        assert "LIVE" in html(client.get("/"))
        assert "Peserta Expo" in html(client.get("/search?q=batik&expo=1"))
    with time_machine.travel(closes + timedelta(minutes=1), tick=False):
        assert "Peserta Expo" not in html(client.get("/search?q=batik"))
        assert "Sekar Jagad" not in html(client.get("/search?q=batik&expo=1"))
        assert "LIVE" not in html(client.get("/"))
    with time_machine.travel(opens + timedelta(minutes=2), tick=False):  # a clock set back
        assert "Peserta Expo" in html(client.get("/search?q=batik"))


# What pages read at every request but seldom changes: remembered (pagecache.memo) until a write
# replaces the generations, or (the live exhibitors) until an expo opens or closes.
REFERENCE_TABLES = ("categories", "expos", "exhibitors", "featured_stores")


def _reading(statements: list[str], tables=REFERENCE_TABLES) -> list[str]:
    return [s for s in statements if any(re.search(rf"\b(FROM|JOIN) {t}\b", s) for t in tables)]


def test_categories_expos_and_exhibitors_are_read_once_not_at_every_page(client, count_queries, shop, uncached_visitor):
    opened = now() - timedelta(hours=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opened, opened + timedelta(days=3))
    store = stores.get_store(shop["store"])
    expo.add_exhibitor(None, fair, store, booth="A1")
    expo.set_featured(None, [store])
    db.session.commit()
    urls = ("/", "/sectors/fesyen", "/categories/batik", "/search?q=batik", "/search?expo=1", "/api/v1/products")
    first = {}
    for url in urls:
        db.session.remove()
        with count_queries() as q:
            assert client.get(url).status_code == 200
        first[url] = q.statements
    assert _reading(first["/"], ("categories",)) and _reading(first["/"], ("featured_stores",))
    assert _reading(first["/"], ("exhibitors",)) and _reading(first["/"], ("expos",))
    for url in urls:
        db.session.remove()
        with count_queries() as q:
            page = html(client.get(url))
        assert not _reading(q.statements), (url, q.statements)
        assert len(q.statements) <= len(first[url]), url
    page = html(client.get("/"))
    assert "Peserta Expo" in page and "Apik Banget Virtual Expo" in page and "LIVE" in page
    assert "Toko pilihan" in page and 'href="/stores/batik-sari"' in page  # featured


def test_a_change_to_categories_expos_or_exhibitors_shows_at_once(app, client, shop):
    """The memos of test_categories_expos_and_exhibitors_are_read_once... are dropped by the
    writes that change them, whatever made the write."""
    app.config["PAGE_CACHE"] = False
    other = gen_store(name="Kopi Tegal", sector="kuliner")
    gen_category("kopi", "Kopi", "kuliner")
    gen_product(other, name="Kopi Tubruk Tegal", category="kopi")
    db.session.commit()
    assert "Peserta Expo" not in html(client.get("/search?q=kopi"))
    assert 'href="/stores/kopi-tegal"' not in html(client.get("/"))  # not featured
    opened = now() - timedelta(hours=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opened, opened + timedelta(days=3))
    expo.add_exhibitor(None, fair, stores.get_store(other.slug), booth="B2")
    expo.set_featured(None, [stores.get_store(other.slug)])
    db.session.commit()
    page = html(client.get("/"))
    assert "Apik Banget Virtual Expo" in page and "Toko pilihan" in page and 'href="/stores/kopi-tegal"' in page
    assert "Peserta Expo" in html(client.get("/search?q=kopi"))
    assert "Sekar Jagad" not in html(client.get("/search?expo=1"))
    assert "Kopi Tubruk" in html(client.get("/search?expo=1"))

    db.session.execute(text("UPDATE categories SET name = 'Kopi Bubuk' WHERE slug = 'kopi'"))
    db.session.commit()
    assert "Kopi Bubuk" in html(client.get("/categories/kopi"))
    assert "Kopi Bubuk" in str(client.get("/api/v1/categories").get_json())

    expo.remove_exhibitor(None, fair, stores.get_store(other.slug))
    db.session.commit()
    assert "Peserta Expo" not in html(client.get("/search?q=kopi"))
    stores.set_status(stores.get_store(other.slug), None, "suspended", reason="Izin edar habis")
    db.session.commit()
    assert 'href="/stores/kopi-tegal"' not in html(client.get("/"))  # a suspended store is not featured


def _booths(page: str) -> str:
    return page[page.index('class="chips zone-tabs"') :]


def test_the_hall_renders_its_booths_once_and_shows_every_change_at_once(client, count_queries, shop, uncached_visitor):
    """The hall's booth list is rendered once per generation and language (expo/views.py,
    _booth_list) for every visitor, and each write that changes it shows at the next request."""
    opened = now() - timedelta(hours=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opened, opened + timedelta(days=3))
    expo.add_zone(None, fair, "Paviliun Wastra", slug="wastra")
    expo.add_exhibitor(None, fair, stores.get_store(shop["store"]), booth="A1", zone="wastra")
    db.session.commit()
    hall = "/expo/apik-banget"
    first = html(client.get(hall))
    assert "Stan A1" in first and "Batik Sari" in first and "Paviliun Wastra" in first
    assert 'href="/expo/apik-banget/booths/A1"' in first and "1 stan di 1 zona" in first
    abroad = client.application.test_client()  # ?lang=en sticks to the visitor who asks
    english = html(abroad.get(f"{hall}?lang=en"))
    assert "Booth A1" in english and "Stan A1" not in english
    db.session.remove()
    with count_queries() as q:
        again = html(client.get(hall))
    assert _booths(again) == _booths(first) and "1 stan di 1 zona" in again
    # the stage strip's sessions join their booths' exhibitors; the booth list reads none
    assert not [s for s in q.statements if re.search(r"\bFROM exhibitors\b", s)], q.statements
    assert "Booth A1" in html(abroad.get(hall))  # each language its own list

    fair, kopi = expo.get_expo("apik-banget"), gen_store(name="Kopi Tegal", sector="kuliner")
    expo.add_exhibitor(None, fair, stores.get_store(kopi.slug), booth="B2")
    db.session.commit()
    page = html(client.get(hall))
    assert "Stan B2" in page and "Kopi Tegal" in page and "2 stan di 1 zona" in page
    expo.add_zone(None, fair, "Paviliun Kuliner", slug="kuliner")
    expo.update_exhibitor(None, fair, stores.get_store(kopi.slug), booth="B7", zone="kuliner")
    expo.rename_zone(None, fair, "wastra", "Paviliun Wastra & Tenun")
    db.session.commit()
    page = html(client.get(hall))
    assert "Stan B7" in page and "Stan B2" not in page and "2 stan di 2 zona" in page
    assert "Paviliun Wastra &amp; Tenun" in page and "Paviliun Kuliner" in page
    db.session.execute(text("UPDATE stores SET name = 'Kopi Tegal Wangi' WHERE slug = :slug"), {"slug": kopi.slug})
    db.session.commit()
    assert "Kopi Tegal Wangi" in html(client.get(hall))
    stores.set_status(stores.get_store(kopi.slug), None, "suspended", reason="Izin edar habis")
    db.session.commit()
    page = html(client.get(hall))
    assert "Kopi Tegal" not in page and "Stan B7" not in page and "1 stan di 2 zona" in page
    expo.remove_exhibitor(None, fair, stores.get_store(shop["store"]))
    db.session.commit()
    page = html(client.get(hall))
    assert "Batik Sari" not in page and "Peserta expo belum diumumkan" not in page  # the zone stays
    assert "Belum ada stan di zona ini." in page
    assert "No booths in this zone yet." in html(abroad.get(hall))


# --- who gets a cached page ------------------------------------------------------------------


def test_signed_in_visitors_never_get_a_cached_page(client, auth, count_queries, shop):
    url = f"/products/{shop['product']}"
    anonymous = client.get(url)
    assert anonymous.headers["Cache-Control"] == "private, no-cache"
    gen_user(email="shopper@test.id", name="Rina Wulandari")
    auth.login()
    response, count = statements(client, count_queries, url)
    assert count > 0
    assert response.headers["Cache-Control"] == "private, no-store" and "ETag" not in response.headers
    assert "Keluar" in html(response)  # the account menu, rendered for this visitor
    auth.logout()
    _response, count = statements(client, count_queries, "/")
    assert "Keluar" not in html(_response)


def test_pages_the_cache_does_not_keep_still_reuse_remembered_counts(client, count_queries, shop, uncached_visitor):
    """A listing's facet counts and total are remembered (pagecache.memo) for every visitor: a
    page the cache does not keep (a signed-in visitor's, or with PAGE_CACHE off) counted them
    anew at every request, because its first statement came before the generations were read."""
    for url in ("/sectors/fesyen", "/search?q=batik", "/search?category=batik"):
        texts = []
        for _ in range(2):
            db.session.remove()
            with count_queries() as q:
                assert client.get(url).status_code == 200
            texts.append(q.statements)
        counting = [t for t in texts[0] if "GROUP BY" in t.upper()]
        assert counting, url  # the facets were counted once ...
        assert not [t for t in texts[1] if "GROUP BY" in t.upper()], url  # ... and then remembered
        assert len(texts[1]) < len(texts[0])


def test_a_visitor_with_a_cart_sees_their_own_count(client, shop):
    client.get(f"/products/{shop['product']}")
    client.get("/")
    added = client.post("/cart/items", data={"variant_id": shop["variant"], "quantity": "2"})
    assert added.status_code in (302, 303)
    page = html(client.get("/"))
    assert 'id="cart-count">2<' in page
    other = html(client.application.test_client().get("/"))
    assert 'id="cart-count"' not in other


def test_no_visitor_gets_another_visitors_csrf_token(make_app, shop):
    app = make_app(WTF_CSRF_ENABLED=True)
    url = f"/products/{shop['product']}"
    alice, bob = app.test_client(), app.test_client()
    alice_token = CSRF_FIELD.search(html(alice.get(url))).group(1)
    bob_token = CSRF_FIELD.search(html(bob.get(url))).group(1)  # served from the cache
    assert alice_token != bob_token and "pagecache-csrf" not in alice_token + bob_token
    # each token is its owner's: the add-to-cart form of the cached page works, a stolen token does not
    stolen = bob.post("/cart/items", data={"csrf_token": alice_token, "variant_id": shop["variant"], "quantity": "1"})
    assert stolen.status_code == 400
    own = bob.post("/cart/items", data={"csrf_token": bob_token, "variant_id": shop["variant"], "quantity": "1"})
    assert own.status_code in (302, 303)


def test_a_flashed_message_is_shown_once_and_never_cached(client, shop):
    client.get("/")
    gen_user(email="shopper@test.id")
    client.post("/login", data={"email": "shopper@test.id", "password": "salah-sekali"})
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Pesan khusus untukmu")]
    assert "Pesan khusus untukmu" in html(client.get("/"))
    assert "Pesan khusus untukmu" not in html(client.get("/"))
    assert "Pesan khusus untukmu" not in html(client.application.test_client().get("/"))


# --- HTTP: ETag and 304 ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "store", "search", "api", "product"])
def test_etags_answer_304_until_the_page_changes(client, shop, name):
    url = pages(shop)[name]
    first = client.get(url)
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": 123000})
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_the_product_page_etag_is_the_visitors_own(client, shop):
    url = f"/products/{shop['product']}"
    mine = client.get(url).headers["ETag"]
    theirs = client.application.test_client().get(url).headers["ETag"]
    assert mine != theirs  # a 304 must never hand back a page holding another session's form token
    assert client.get(url, headers={"If-None-Match": theirs}).status_code == 200


def test_the_cache_can_be_switched_off(app, client, count_queries, shop):
    app.config["PAGE_CACHE"] = False
    statements(client, count_queries, "/")
    _response, count = statements(client, count_queries, "/")
    assert count > 0


# --- several processes ---------------------------------------------------------------------------


def test_two_apps_on_one_database_share_invalidation(make_app, shop):
    """Two workers on one host without Redis: the generations are files beside the database."""
    first, second = make_app(), make_app()
    url = f"/products/{shop['product']}"
    assert "350.000" in html(first.test_client().get(url))
    with second.app_context():
        catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": 199000})
        db.session.commit()
    assert "199.000" in html(first.test_client().get(url))


def _slow_page(app, fail_first: bool = False):
    """A cached test page whose first render waits for ``release``; its calls are counted."""
    calls, started, release = [], threading.Event(), threading.Event()

    def slow():
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(10)
            if fail_first:
                raise RuntimeError("the first render fails")
        return "<p>Dirender sekali</p>"

    app.add_url_rule("/_test/slow", "test_slow_page", pagecache.cached(html=False)(slow))
    return calls, started, release


def _visit_at_once(app, started, release, visitors: int = 5) -> list:
    answers: list = []

    def visit():
        answers.append(app.test_client().get("/_test/slow"))

    first = threading.Thread(target=visit)
    first.start()
    assert started.wait(10)
    others = [threading.Thread(target=visit) for _ in range(visitors)]
    for thread in others:
        thread.start()
    time.sleep(0.3)  # they miss while the first render runs (a later one would simply hit)
    release.set()
    for thread in [first, *others]:
        thread.join(20)
    return answers


def test_a_page_many_visitors_miss_at_once_is_rendered_once(make_app):
    app = make_app()
    calls, started, release = _slow_page(app)
    answers = _visit_at_once(app, started, release)
    assert len(calls) == 1  # not once per visitor
    assert [a.status_code for a in answers] == [200] * 6
    assert {a.get_data(as_text=True) for a in answers} == {"<p>Dirender sekali</p>"}


def test_when_that_render_fails_the_waiting_visitors_render_it_themselves(make_app):
    app = make_app()
    calls, started, release = _slow_page(app, fail_first=True)
    answers = _visit_at_once(app, started, release)
    assert sorted(a.status_code for a in answers) == [200] * 5 + [500]
    assert 2 <= len(calls) <= 6  # the failed one, then whoever rendered it after


@pytest.mark.redis
def test_two_apps_share_invalidation_through_redis(make_app, shop, redis_url, tmp_path):
    """Two hosts: the generations live in Redis, and a change made by one is seen by the other."""
    first, second = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    assert isinstance(first.extensions["apik_pagecache"].generations, pagecache.RedisGenerations)
    urls = (f"/products/{shop['product']}", f"/stores/{shop['store']}", "/api/v1/products")
    for url in urls:
        assert shows_price(html(first.test_client().get(url)), 350_000), url
    with second.app_context():
        catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": 199000})
        db.session.commit()
    for url in urls:
        page = html(first.test_client().get(url))
        assert shows_price(page, 199_000) and not shows_price(page, 350_000), url


def shows_price(page: str, rupiah: int) -> bool:
    """The price as a page writes it (350.000) or the API (350000); not digits inside a timestamp,
    whose microseconds once held "350" and failed this test."""
    thousands = rupiah // 1000
    return re.search(rf"(?<![\d.]){thousands}\.?000(?![\d])", page) is not None


@pytest.mark.redis
def test_pages_are_rendered_uncached_while_redis_is_down(make_app, shop):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get(f"/products/{shop['product']}").headers["Cache-Control"] == "private, no-store"


# --- the hit path: what a hit skips, and what it keeps -----------------------------------------

PRODUCTION_KEY = "5b7d9f0a2c4e6b8d0f9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c0b2d4f6e8a1c3e"
HTTPS = "https://localhost"  # production cookies are Secure
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")


def test_hits_are_served_right_after_the_request_id(app):
    hooks = app.before_request_funcs[None]
    assert hooks[1] is pagecache.serve_hit and hooks[0].__name__ == "assign_request_id"


@pytest.mark.parametrize("name", ["home", "search", "store", "product", "api"])
def test_a_hit_sends_the_headers_of_a_miss(make_app, shop, name):
    app = make_app(MARKETPLACE_ENV="production", SECRET_KEY=PRODUCTION_KEY)
    client, url = app.test_client(), pages(shop)[name]
    with counting(app) as cold:
        miss = client.get(url, base_url=HTTPS)
    with counting(app) as warm:
        hit = client.get(url, base_url=HTTPS)
    assert miss.status_code == hit.status_code == 200
    assert cold.statements and warm.statements == []
    # the same headers; only the first visit of a page with a form starts the visitor's session
    assert set(hit.headers.keys()) == set(miss.headers.keys()) - {"Set-Cookie"}
    for header in (
        "Content-Security-Policy",
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Permissions-Policy",
        "Content-Type",
        "Cache-Control",
        "ETag",
    ):
        assert hit.headers[header] == miss.headers[header], header
    assert hit.headers["Strict-Transport-Security"].startswith("max-age=")
    assert REQUEST_ID.match(hit.headers["X-Request-ID"]) and hit.headers["X-Request-ID"] != miss.headers["X-Request-ID"]
    assert "Set-Cookie" not in hit.headers  # an unchanged session is not signed and sent again


def test_a_hit_writes_its_log_line(make_app, shop, capsys):
    import json

    app = make_app(MARKETPLACE_ENV="production", SECRET_KEY=PRODUCTION_KEY)
    client, url = app.test_client(), pages(shop)["store"]
    client.get(url, base_url=HTTPS)
    capsys.readouterr()
    with counting(app) as warm:
        hit = client.get(url, base_url=HTTPS, headers={"X-Request-ID": "expo-hit-1"})
    assert warm.statements == [] and hit.headers["X-Request-ID"] == "expo-hit-1"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    (line,) = [r for r in lines if r["logger"] == "marketplace.request"]
    assert line["request_id"] == "expo-hit-1" and line["status"] == 200
    assert line["method"] == "GET" and line["path"] == url and line["message"] == f"GET {url} 200"
    assert isinstance(line["duration_ms"], float) and line["level"] == "INFO"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", line["time"])


def test_a_hit_is_in_the_visitors_language(client, shop):
    url = "/search?q=batik"
    first = client.application.test_client()
    assert 'lang="en"' in html(first.get(url + "&lang=en"))
    assert 'lang="en"' in html(first.get(url))  # the session remembers English: the English copy, stored
    assert 'lang="id"' in html(client.application.test_client().get(url))
    english, indonesian = client.application.test_client(), client.application.test_client()
    english.get("/stores?lang=en")
    indonesian.get("/stores")
    with counting(client.application) as warm:
        remembered = english.get(url)
        asked_again = english.get(url + "&lang=en")
        other = indonesian.get(url)
    assert warm.statements == []
    assert 'lang="en"' in html(remembered) and 'lang="en"' in html(asked_again) and 'lang="id"' in html(other)
    assert "Set-Cookie" not in asked_again.headers  # the language it already had: the session is not sent again
    # switching back is remembered, from a miss and from a hit
    assert 'lang="id"' in html(english.get(url + "&lang=id")) and 'lang="id"' in html(english.get(url))
    switcher = client.application.test_client()
    switcher.get("/stores?lang=en")
    with counting(client.application) as warm:
        switched = switcher.get(url + "&lang=id")
    assert warm.statements == [] and 'lang="id"' in html(switched) and "Set-Cookie" in switched.headers
    assert 'lang="id"' in html(switcher.get("/stores"))


def test_a_hit_of_the_product_page_holds_the_visitors_own_working_token(make_app, shop):
    app = make_app(WTF_CSRF_ENABLED=True)
    url = f"/products/{shop['product']}"
    app.test_client().get(url)  # rendered and stored for someone else
    visitor = app.test_client()
    with counting(app) as warm:
        first = visitor.get(url)
        again = visitor.get(url)
    assert warm.statements == []
    token = CSRF_FIELD.search(html(first)).group(1)
    assert "Set-Cookie" in first.headers and "Set-Cookie" not in again.headers  # the session started once
    assert CSRF_FIELD.search(html(again)).group(1)  # a token of the same session: both are good
    added = visitor.post("/cart/items", data={"csrf_token": token, "variant_id": shop["variant"], "quantity": "1"})
    assert added.status_code in (302, 303)


def test_a_hit_skips_the_hooks_after_it_but_not_the_after_request_ones(make_app, shop):
    app = make_app()
    calls = []
    app.before_request(lambda: calls.append("before") and None)
    app.after_request(lambda response: calls.append("after") or response)
    client, url = app.test_client(), pages(shop)["home"]
    client.get(url)
    assert calls == ["before", "after"]
    calls.clear()
    client.get(url)
    assert calls == ["after"]
    calls.clear()
    client.get("/login")  # not a cached page: every hook
    assert calls == ["before", "after"]


def test_a_rate_limit_on_a_cached_page_counts_its_hits_too(make_app, shop):
    """No limit applies to the catalogue's GETs today; if one ever does, a hit is still counted."""
    from flask_limiter.util import get_remote_address
    from flask_limiter.wrappers import LimitGroup

    from marketplace.extensions import limiter

    manager = limiter.limit_manager
    saved = manager._default_limits
    manager.set_default_limits([LimitGroup(limit_provider="3 per minute", key_function=get_remote_address)])
    try:
        app = make_app(RATELIMIT_ENABLED=True)
        client = app.test_client()
        statuses = [client.get("/", environ_base={"REMOTE_ADDR": "10.9.8.7"}).status_code for _ in range(4)]
    finally:
        manager.set_default_limits(saved)  # the limiter is one object for every app of the test session
    assert statuses == [200, 200, 200, 429]


def test_without_limits_a_hit_does_not_ask_the_limiter(make_app, shop):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    client.get("/")
    assert client.get("/").status_code == 200
    assert app.extensions[pagecache._EXTENSION].limited == {"catalog.home": False}
