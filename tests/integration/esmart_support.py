"""Fixtures and helpers shared by the E-Smart sync tests (imported by them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.catalog.models import Category, Product, Variant
from marketplace.extensions import db
from marketplace.stores.models import Store
from plugins.esmart_sync.models import EsmartProductLink, EsmartRun, EsmartStoreLink
from tests.fakes.esmart_server import FakeEsmart

DATA = Path(__file__).resolve().parent.parent / "data"
SAMPLE_PHOTO_BASE = "https://esmart.test"


def sample_records() -> list[dict]:
    return json.loads((DATA / "esmart_sample.json").read_text(encoding="utf-8"))["data"]


def sample_copy(name: str, folder: Path, photo_base: str | None = None) -> Path:
    """A copy of a sample file; its foto URLs point at ``photo_base`` (the fake server)."""
    target = folder / name
    raw = (DATA / name).read_bytes()
    if photo_base:
        raw = raw.replace(SAMPLE_PHOTO_BASE.encode(), photo_base.encode())
    target.write_bytes(raw)
    return target


def write_json(folder: Path, records: list, name: str = "feed.json") -> Path:
    path = folder / name
    path.write_text(json.dumps({"data": records}, ensure_ascii=False), encoding="utf-8")
    return path


class Sleeps(list):
    """An injected sleep: records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def fake():
    with FakeEsmart(records=sample_records()) as server:
        yield server


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def esmart_app(make_app, fake, sleeps):
    """An app with the plugin on, E-Smart configured at the fake, time not slept; the
    automatic push after a save is off (tests of it turn it on) so a test's own data
    is pushed only when the test pushes."""
    app = make_app(
        plugins="esmart_sync",
        ESMART_BASE_URL=fake.url,
        ESMART_API_KEY=fake.api_key,
        ESMART_SLEEP=sleeps,
        ESMART_PHOTO_ALLOW_PRIVATE=True,
        ESMART_PUSH_ASYNC=False,
        ESMART_AUTO_PUSH=False,
        BASE_URL="https://pasar.test",
    )
    with app.app_context():
        yield app


@pytest.fixture
def files_app(make_app):
    """The plugin on, no E-Smart server: files only."""
    app = make_app(plugins="esmart_sync", ESMART_PHOTO_ALLOW_PRIVATE=True, BASE_URL="https://pasar.test")
    with app.app_context():
        yield app


def counts(run: EsmartRun, *names: str) -> dict:
    c = run.counts
    return {n: c[n] for n in names} if names else c


def catalogue() -> dict:
    """What the marketplace holds, without ids or times: stores and products by E-Smart id."""
    stores = {}
    rows = db.session.execute(
        select(
            EsmartStoreLink.esmart_id,
            Store.name,
            Store.nib,
            Store.sector,
            Store.city,
            Store.address,
            Store.status,
            Store.owner_id,
            EsmartStoreLink.kbli,
        ).join(Store, Store.id == EsmartStoreLink.store_id)
    )
    for esmart_id, *values in rows:
        stores[esmart_id] = tuple(values)
    products = {}
    rows = db.session.execute(
        select(
            EsmartProductLink.esmart_product_id,
            Product.name,
            Product.description,
            Product.status,
            Product.unit,
            Product.weight_grams,
            Category.slug,
            Variant.price,
            Variant.stock,
            Store.name,
        )
        .join(Product, Product.id == EsmartProductLink.product_id)
        .join(Variant, Variant.product_id == Product.id)
        .join(Store, Store.id == Product.store_id)
        .outerjoin(Category, Category.id == Product.category_id)
    )
    for esmart_id, *values in rows:
        products[esmart_id] = tuple(values)
    return {
        "stores": stores,
        "products": products,
        "store_count": db.session.scalar(select(func.count()).select_from(Store)),
        "product_count": db.session.scalar(select(func.count()).select_from(Product)),
    }


def expected_catalogue(records: list[dict]) -> dict:
    """What an uninterrupted pull of ``records`` into an empty marketplace must give."""
    stores, products = {}, {}
    first_category = {
        s: c
        for c, s in reversed(
            db.session.execute(select(Category.slug, Category.sector).order_by(Category.position, Category.id)).all()
        )
    }
    for r in records:
        stores[r["id"]] = (
            r["nama_usaha"],
            r.get("nib"),
            r.get("sektor"),
            r.get("kota") or "",
            r.get("alamat") or "",
            "approved",
            None,
            r.get("kbli"),
        )
        for p in r.get("produk") or []:
            products[p["id"]] = (
                p["nama"],
                p.get("deskripsi") or "",
                "active",
                p.get("satuan"),
                p.get("berat_gram"),
                first_category.get(p.get("kategori")),
                p["harga"],
                p.get("stok") or 0,
                r["nama_usaha"],
            )
    return {"stores": stores, "products": products, "store_count": len(stores), "product_count": len(products)}
