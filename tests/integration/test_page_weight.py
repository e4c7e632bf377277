"""The catalogue pages stay light on a phone: under 100 KB compressed before images (issue #20).

A page's weight is the gzip size of its HTML plus every stylesheet and script it links, as a
phone on a slow connection fetches them the first time; images are left out (they load lazily
and at the size the phone asks for). Measured with every bundled plugin on, a full first page
of products, and a signed-in shopper (whose header is the larger).
"""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

import pytest

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.catalog_seed import seed_many
from tests.factories import gen_user
from tests.security.access_matrix import PLUGINS

LIMIT = 100 * 1024
ASSETS = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"')
PAGES = {
    "home": "/",
    "search": "/search?q=batik",
    "category": "/categories/batik",
    "sector": "/sectors/fesyen",
    "store": "/stores/toko-massal-0",
    "product": None,  # the first product's page
    "expo hall": "/expo/apik-banget",
}


@pytest.fixture
def catalogue(make_app):
    app = make_app(plugins=PLUGINS, PAGE_CACHE=False)
    with app.app_context():
        products = seed_many(n_stores=3, per_store=12)
        start = now() - timedelta(days=1)
        fair = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
        for i in range(3):
            expo.add_exhibitor(None, fair, stores.get_store(f"toko-massal-{i}"), booth=f"A{i}")
        gen_user("pembeli@test.id", name="Siti Aminah")
        db.session.commit()
        urls = {**PAGES, "product": f"/products/{products[0].id}"}
    return app, urls


def weight(client, url: str) -> tuple[int, dict[str, int]]:
    """Gzip bytes of the page and of each asset it links (assets fetched once per page)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data()
    parts = {"html": len(gzip.compress(html, 6))}
    for css, js in ASSETS.findall(html.decode()):
        asset = (css or js).split("?", 1)[0]
        got = client.get(asset)
        assert got.status_code == 200, (url, asset, got.status_code)
        parts[asset] = len(gzip.compress(got.get_data(), 6))
    return sum(parts.values()), parts


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "shopper"])
def test_catalogue_pages_weigh_under_100_kb_compressed_before_images(catalogue, signed_in):
    app, urls = catalogue
    client = app.test_client()
    if signed_in:
        from tests.factories import PASSWORD

        assert client.post("/login", data={"email": "pembeli@test.id", "password": PASSWORD}).status_code == 302
    heavy = {}
    for name, url in urls.items():
        total, parts = weight(client, url)
        assert parts["html"] > 1000 and len(parts) >= 2, (name, parts)  # the control: a real page and its CSS
        if total > LIMIT:
            heavy[name] = (total, parts)
    assert not heavy, "pages over 100 KB gzip before images:\n" + "\n".join(
        f"  {name}: {total} bytes {parts}" for name, (total, parts) in heavy.items()
    )
