"""Sitemaps, robots.txt and the web app manifest, all absolute under BASE_URL (fixtures:
tests/share_support.py)."""

from __future__ import annotations

import json
import re
from io import BytesIO

import pytest
from PIL import Image
from sqlalchemy import select

from marketplace import pagecache
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_product, gen_store
from tests.share_support import BASE, build_world, fetch, head, share_app


@pytest.fixture
def app(make_app):
    yield from share_app(make_app)


@pytest.fixture
def world(app):
    return build_world()


# --- sitemaps and robots -----------------------------------------------------------------------


def test_sitemap_index_points_at_absolute_sitemaps(client, world):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    body = response.get_data(as_text=True)
    locs = re.findall(r"<loc>([^<]+)</loc>", body)
    assert locs == [f"{BASE}/sitemap-pages.xml", f"{BASE}/sitemap-stores.xml", f"{BASE}/sitemap-products-1.xml"]
    assert re.search(r"<lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00</lastmod>", body)
    for loc in locs:
        assert fetch(client, loc).status_code == 200


def test_product_sitemap_lists_only_active_products_of_approved_stores(client, world):
    body = client.get("/sitemap-products-1.xml").get_data(as_text=True)
    listed = set(re.findall(rf"<loc>{BASE}/products/(\d+)</loc>", body))
    assert listed == {str(world["product"]), str(world["plain"])}
    assert str(world["draft"]) not in listed and str(world["hidden"]) not in listed


def test_store_and_page_sitemaps(client, world):
    stores_body = client.get("/sitemap-stores.xml").get_data(as_text=True)
    assert re.findall(r"<loc>([^<]+)</loc>", stores_body) == [f"{BASE}/stores/{world['store']}"]
    pages = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap-pages.xml").get_data(as_text=True))
    assert pages[:2] == [f"{BASE}/", f"{BASE}/stores"]
    assert f"{BASE}/sectors/kuliner" in pages and f"{BASE}/categories/batik" in pages
    assert f"{BASE}/expo/apik-banget" in pages


def test_product_sitemap_pages_by_id_range_in_one_statement_each(app, client, world, count_queries):
    app.config["SITEMAP_PAGE_SIZE"] = 2
    store = stores.get_store(world["store"])
    made = [gen_product(store, name=f"Keripik Tempe {n}", category="keripik").id for n in range(5)]
    db.session.remove()
    pagecache.clear_local()
    index = client.get("/sitemap.xml").get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r"sitemap-products-(\d+)\.xml", index)]
    listed: list[int] = []
    counts = []
    for number in numbers:
        db.session.remove()
        with count_queries() as counted:
            body = client.get(f"/sitemap-products-{number}.xml").get_data(as_text=True)
        counts.append(counted.count)
        page_ids = [int(i) for i in re.findall(r"/products/(\d+)</loc>", body)]
        assert 1 <= len(page_ids) <= 2 and all((number - 1) * 2 < i <= number * 2 for i in page_ids)
        listed += page_ids
    assert sorted(listed) == sorted([world["product"], world["plain"], *made])
    assert set(counts) == {1}, counts
    last = max(numbers)
    assert client.get(f"/sitemap-products-{last + 1}.xml").status_code == 404
    assert client.get("/sitemap-products-0.xml").status_code == 404


def test_sitemap_drops_a_product_the_moment_it_is_drafted(client, world):
    assert f"/products/{world['plain']}<" in client.get("/sitemap-products-1.xml").get_data(as_text=True)
    product = db.session.get(Product, world["plain"])
    product.status = "draft"
    db.session.commit()
    assert f"/products/{world['plain']}<" not in client.get("/sitemap-products-1.xml").get_data(as_text=True)


def test_robots_allows_the_catalogue_and_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for private in ("/account", "/seller", "/agency", "/checkout", "/cart", "/api/", "/orders"):
        assert f"Disallow: {private}" in lines
    assert not any(line in lines for line in ("Disallow: /products", "Disallow: /stores", "Disallow: /"))
    assert f"Sitemap: {BASE}/sitemap.xml" in lines
    assert response.headers["Cache-Control"] == "public, max-age=86400"


# --- the web app manifest ----------------------------------------------------------------------


def test_manifest_is_valid_json_and_its_icons_load(client):
    home = head(client, "/")
    assert home.link("manifest") == ["/manifest.webmanifest"]
    assert home.meta["theme-color"] == "#0f766e" and home.link("apple-touch-icon")
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    data = json.loads(response.data)
    assert data["short_name"] == "Apik Market" and data["display"] == "standalone" and data["lang"] == "id"
    assert data["theme_color"] == "#0f766e" and data["start_url"] == f"{BASE}/"
    purposes = set()
    for icon in data["icons"]:
        image = Image.open(BytesIO(fetch(client, icon["src"]).data))
        assert (image.format, f"{image.width}x{image.height}") == ("PNG", icon["sizes"])
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    touch = client.get(home.link("apple-touch-icon")[0])
    assert Image.open(BytesIO(touch.data)).size == (180, 180)


def test_a_response_that_sets_the_session_cookie_is_never_public(app, client, world):
    @app.before_request
    def touch_session():
        from flask import session

        session["seen"] = True

    for url in ("/robots.txt", "/manifest.webmanifest", f"/og/{world['photo']}"):
        response = client.get(url)
        assert response.headers.get("Set-Cookie") and response.headers["Cache-Control"] == "private, no-store", url


def test_the_page_sitemap_lists_booth_pages_of_approved_stores_only(client, world):
    from marketplace.expo import services as expos
    from marketplace.stores.models import Store

    expo = expos.get_expo("apik-banget")
    sari = db.session.scalar(select(Store).where(Store.slug == world["store"]))
    closed = db.session.scalar(select(Store).where(Store.name == "Logam Tutup"))
    kopi = gen_store(name="Kopi Tegal", sector="kuliner")
    expos.add_exhibitor(None, expo, sari, booth="K-01")
    expos.add_exhibitor(None, expo, kopi, booth="")  # no number: the page goes by the store's slug
    expos.add_exhibitor(None, expo, closed, booth="L-09")
    db.session.commit()
    pagecache.invalidate_all()
    pages = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap-pages.xml").get_data(as_text=True))
    booths = [url for url in pages if "/booths/" in url]
    assert booths == [f"{BASE}/expo/apik-banget/booths/K-01", f"{BASE}/expo/apik-banget/booths/{kopi.slug}"]
    for url in booths:
        assert fetch(client, url).status_code == 200
