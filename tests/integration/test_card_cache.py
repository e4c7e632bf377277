"""Product cards rendered once per product version and reused by every listing
(marketplace/catalog/cardcache.py), with the page cache off so every page is rendered: a card
is never stale (price, name, photo), follows the expo's clock and the page's language, and
carries what an office's official is shown only to officials. A warm card cache costs no
statement: a page sends the same statements with or without it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from marketplace.catalog import cardcache
from marketplace.catalog import services as catalog
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.buying_factories import variant_of
from tests.factories import gen_product, gen_store, image_bytes

GRID = re.compile(r"<div class=\"grid\">.*?</article>\s*</div>", re.S)


@pytest.fixture
def shop(app):
    app.config["PAGE_CACHE"] = False
    store = gen_store(name="Batik Sari")
    tulis = gen_product(store, name="Batik Tulis Sekar Jagad", price=350000, stock=7)
    cap = gen_product(store, name="Batik Cap Kawung", price=150000, stock=3)
    data = {"store": store.slug, "store_id": store.id, "tulis": tulis.id, "cap": cap.id}
    data["variant"] = variant_of(tulis).id
    db.session.remove()
    return data


def cards_kept(app) -> int:
    return len(app.extensions[cardcache.EXTENSION].items)


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_each_card_is_rendered_once_for_every_listing(app, client, shop):
    listings = ["/", "/search", "/search?q=batik", "/sectors/fesyen", "/categories/batik", f"/stores/{shop['store']}"]
    html(client, listings[0])
    assert cards_kept(app) == 2
    for url in listings[1:]:
        assert "Sekar Jagad" in html(client, url)
    html(client, f"/products/{shop['cap']}")  # "more from this store": the same card again
    assert cards_kept(app) == 2


def test_a_cached_card_is_the_macros_own_html(make_app, shop):
    with_cache, without = make_app(PAGE_CACHE=False), make_app(PAGE_CACHE=False, CARD_CACHE_MAX_BYTES=0)
    assert cardcache.EXTENSION not in without.extensions
    for url in ("/", "/search?q=batik", f"/stores/{shop['store']}"):
        cold = html(with_cache.test_client(), url)
        warm = html(with_cache.test_client(), url)
        plain = html(without.test_client(), url)
        assert GRID.search(warm).group(0) == GRID.search(cold).group(0) == GRID.search(plain).group(0), url


def test_a_new_price_name_or_photo_shows_at_once(app, client, shop):
    html(client, "/")
    catalog.update_variant(catalog.get_variant(shop["variant"]), None, {"price": 275000})
    db.session.commit()
    page = html(client, "/")
    assert "275.000" in page and "350.000" not in page
    catalog.update_product(catalog.get_product(shop["tulis"]), None, {"name": "Batik Tulis Parang"})
    db.session.commit()
    page = html(client, "/search")
    assert "Batik Tulis Parang" in page and "Sekar Jagad" not in page
    assert "/media/products/" not in page
    catalog.add_image(catalog.get_product(shop["tulis"]), None, image_bytes())
    db.session.commit()
    assert "/media/products/" in html(client, "/search")


def test_a_sale_keeps_the_card(app, client, shop):
    from marketplace.catalog import stock

    html(client, "/")
    kept = dict(app.extensions[cardcache.EXTENSION].items)
    assert stock.reserve(shop["variant"], 2)
    db.session.commit()
    html(client, "/")
    assert dict(app.extensions[cardcache.EXTENSION].items).keys() == kept.keys()  # no card rendered again


def test_the_expo_badge_follows_the_clock_and_the_language(app, client, shop):
    from marketplace.stores import services as stores

    opens = now() + timedelta(hours=1)
    fair = expo.create_expo(None, "apik-banget", "Apik Banget", opens, opens + timedelta(days=3))
    expo.add_exhibitor(None, fair, stores.get_store(shop["store"]), booth="A1")
    db.session.commit()
    badge = 'class="badge expo">'  # on the cards; the filter sheet names the expo facet too
    with time_machine.travel(opens - timedelta(minutes=5), tick=False):
        assert badge not in html(client, "/search")
    with time_machine.travel(opens + timedelta(minutes=1), tick=False):
        assert html(client, "/search").count(f"{badge}Peserta Expo") == 2
        english = html(client, "/search?lang=en")
        assert english.count(f"{badge}Expo exhibitors") == 2 and f"{badge}Peserta Expo" not in english
        assert html(client, "/search?lang=id").count(f"{badge}Peserta Expo") == 2
    with time_machine.travel(opens + timedelta(days=4), tick=False):
        assert badge not in html(client, "/search")


def test_an_officials_terms_never_reach_anyone_else(app, client, auth):
    from tests.factories import gen_user
    from tests.gov_support import build_gov_world

    app.config["PAGE_CACHE"] = False
    build_gov_world()
    gen_user(email="pembeli@test.id", name="Siti Pembeli")
    for email, marked in (("pp@setda.test", True), ("pembeli@test.id", False), ("pp@setda.test", True)):
        auth.login(email)
        assert ("Untuk instansi" in html(client, "/search")) is marked, email
        auth.logout()
    assert "Untuk instansi" not in html(client, "/search")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search",
        "/search?q=batik",
        "/sectors/fesyen",
        "/categories/batik",
        "/stores/{store}",
        "/products/{cap}",
        "/expo/apik-banget/booths/A1",
        "/api/v1/products",
    ],
)
def test_a_warm_card_cache_sends_the_same_statements(app, client, shop, count_queries, url):
    from marketplace import pagecache
    from marketplace.stores import services as stores

    fair = expo.create_expo(None, "apik-banget", "Apik Banget", now() - timedelta(days=1), now() + timedelta(days=3))
    expo.add_exhibitor(None, fair, stores.get_store(shop["store"]), booth="A1")
    db.session.commit()
    url = url.format(**shop)
    html(client, url)  # the remembered totals of both counts alike

    def counted() -> int:
        db.session.remove()
        with count_queries() as q:
            html(client, url)
        return q.count

    pagecache.clear_local()
    cardcache.clear(app)
    cold = counted()
    pagecache.clear_local()
    warm = counted()
    assert warm == cold, (url, cold, warm)
