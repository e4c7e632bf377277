"""What the share-link and sitemap tests share: an app under BASE_URL, a world of a store with a
logo, a product with a photo, a plain product, a draft, a suspended store's product and an expo with
a banner, and a parser for a page's <meta>, <link> and JSON-LD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from sqlalchemy import select

from marketplace.catalog import services as catalog
from marketplace.catalog.models import ProductImage
from marketplace.expo import services as expo_services
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_product, gen_store, gen_user, image_bytes

BASE = "https://pasar.example.id"


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self._in_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in_ld = self._in_ld and tag != "script"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def link(self, rel: str, **attrs) -> list[str]:
        return [
            item["href"]
            for item in self.links
            if item.get("rel") == rel and all(item.get(k) == v for k, v in attrs.items())
        ]


def share_app(make_app):
    """The app under BASE_URL, in its context (for a module's ``app`` fixture to yield from)."""
    app = make_app(BASE_URL=BASE)
    with app.app_context():
        yield app


def build_world() -> dict:
    seller = gen_user(role="seller")
    store = gen_store(seller, name="Batik Sari", description="Batik tulis Tegalan sejak 1985.")
    stores.set_logo(store, seller, image_bytes(size=(300, 300), color=(20, 90, 160)))
    product = gen_product(
        store,
        name="Batik Tulis Motif Tegalan",
        variants=[
            {"name": "Katun", "sku": "BTK-KATUN", "price": 350000, "stock": 4},
            {"name": "Sutra", "sku": "BTK-SUTRA", "price": 900000, "stock": 0},
        ],
    )
    catalog.add_image(product, seller, image_bytes(size=(900, 700)))
    plain = gen_product(store, name="Teh Poci Gula Batu", price=25000, category="teh")
    draft = gen_product(store, name="Selendang Draf", status="draft")
    suspended = gen_store(name="Logam Tutup")
    hidden = gen_product(suspended, name="Baut Toko Ditutup", category="logam")
    stores.set_status(suspended, None, "suspended", "Izin usaha kedaluwarsa.")
    agency = gen_user(role="agency")
    now = datetime.now(UTC)
    expo = expo_services.create_expo(
        agency, "apik-banget", "Apik Banget Virtual Expo", now - timedelta(days=1), now + timedelta(days=6)
    )
    expo_services.set_banner(agency, expo, image_bytes(size=(1600, 500), color=(15, 118, 110)))
    db.session.commit()
    ids = {
        "store": store.slug,
        "product": product.id,
        "plain": plain.id,
        "draft": draft.id,
        "hidden": hidden.id,
        "photo": db.session.scalar(select(ProductImage.path).where(ProductImage.product_id == product.id)),
    }
    db.session.remove()
    return ids


def head(client, url: str) -> Head:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return Head(response.get_data(as_text=True))


def fetch(client, absolute: str):
    assert absolute.startswith(BASE + "/"), absolute
    return client.get(absolute[len(BASE) :])
