"""A catalogue for the facet tests (issue #23): stores of four sectors in three cities, prices in
every band, some products sold out, two stores exhibiting in a running expo and one in an expo
that ended; and what must never be counted: a suspended store (exhibiting, in a city of its own),
a pending store, drafts. ``truth()`` reads the same catalogue back from the tables it is made
of (products, variants, stores, expos), for counts computed in Python."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.catalog.facets import PRICE_BANDS
from marketplace.catalog.models import Product
from marketplace.catalog.search import SearchParams
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_category, gen_product, gen_store

PRICES = (12_000, 24_999, 25_000, 49_999, 50_000, 99_000, 100_000, 249_999, 250_000, 999_999, 1_000_000, 2_500_000)

# store key: (name, sector, city, categories, words of its products' names)
STORES = {
    "batik": ("Batik Sari", "fesyen", "Kota Tegal", ("batik", "pakaian"), "Batik"),
    "kopi": ("Kopi Tegal", "minuman-herbal", "Kota Tegal", ("kopi", "teh"), "Kopi"),
    "keripik": ("Keripik Bu Ani", "kuliner", "Kabupaten Tegal", ("makanan-ringan", None), "Keripik"),
    "anyaman": ("Anyaman Slawi", "kriya", "Kabupaten Brebes", ("anyaman", "batik"), "Tas Anyaman Batik"),
    "beku": ("Toko Batik Beku", "fesyen", "Kota Beku", ("batik",), "Batik Beku"),
}


def seed_facets(per_store: int = 7, seed: int = 23, suspended: bool = True) -> dict:
    """The catalogue; returns the stores by key. ``beku`` is suspended at the end (with
    ``suspended=False`` it sells like the others until the caller suspends it)."""
    rng = random.Random(seed)
    for slug, name, sector in (("makanan-ringan", "Makanan Ringan", "kuliner"), ("kopi", "Kopi", "minuman-herbal")):
        gen_category(slug, name, sector)
    made = {}
    for key, (name, sector, city, categories, word) in STORES.items():
        store = gen_store(name=name, sector=sector, city=city)
        made[key] = store
        for i in range(per_store):
            price = rng.choice(PRICES)
            stock = rng.choice((0, 0, 3, 10))
            variants = [{"name": "A", "sku": f"{key}-{i}-a", "price": price, "stock": stock}]
            if rng.random() < 0.3:  # a dearer second variant, in stock: the product is then in stock
                variants.append({"name": "B", "sku": f"{key}-{i}-b", "price": price + 5_000, "stock": 2})
            gen_product(store, f"{word} {i}", category=categories[i % len(categories)], variants=variants)
    gen_product(made["batik"], "Batik Draf Rahasia", status="draft")
    made["pending"] = gen_store(name="Toko Batik Menunggu", approved=False, city="Kota Menunggu")
    gen_product(made["pending"], "Batik Menunggu")
    start = now() - timedelta(days=1)
    running = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
    for i, key in enumerate(("batik", "keripik", "beku")):
        expo.add_exhibitor(None, running, made[key], booth=f"A{i}")
    ended = expo.create_expo(None, "apik-lama", "Apik Lama", start - timedelta(days=60), start - timedelta(days=50))
    expo.add_exhibitor(None, ended, made["anyaman"], booth="B1")
    db.session.commit()
    if suspended:
        suspend(made["beku"])
    return made


def suspend(store) -> None:
    stores.set_status(store, None, "suspended", "Dokumen palsu")
    db.session.commit()


@dataclass(frozen=True)
class Row:
    id: int
    listed: bool
    sector: str
    category: str | None
    city: str
    price: int
    in_stock: bool
    expo: bool
    name: str


def truth() -> list[Row]:
    """Every product as the tables it is made of say (not product_listings)."""
    at = now()
    live = set(
        db.session.scalars(
            select(Exhibitor.store_id)
            .join(Expo, Expo.id == Exhibitor.expo_id)
            .where(Expo.starts_at <= at, Expo.ends_at >= at)
        )
    )
    products = db.session.scalars(
        select(Product).options(joinedload(Product.store), joinedload(Product.category), selectinload(Product.variants))
    ).unique()
    return [
        Row(
            p.id,
            p.status == "active" and p.store.status == "approved",
            p.store.sector,
            p.category.slug if p.category else None,
            p.store.city,
            min(v.price for v in p.variants),
            any(v.stock > 0 for v in p.variants),
            p.store_id in live,
            p.name,
        )
        for p in products
    ]


def band_of(price: int) -> int:
    return next(i for i, b in enumerate(PRICE_BANDS) if price >= b.min and (b.max is None or price <= b.max))


FILTERS = {
    "sector": lambda r, p: p.sector is None or r.sector == p.sector,
    "category": lambda r, p: p.category is None or r.category == p.category,
    "city": lambda r, p: p.city is None or r.city.lower() == p.city.lower(),
    "price": lambda r, p: (
        (p.min_price is None or r.price >= p.min_price) and (p.max_price is None or r.price <= p.max_price)
    ),
    "in_stock": lambda r, p: not p.in_stock or r.in_stock,
    "expo": lambda r, p: not p.expo or r.expo,
}


def brute_force(rows: list[Row], params: SearchParams, hits: set[int] | None = None) -> dict:
    """The facets of ``params`` counted in Python, one product at a time: each facet with every
    other filter applied but its own."""

    def kept(without: str | tuple = ()) -> list[Row]:
        return [
            r
            for r in rows
            if r.listed
            and (hits is None or r.id in hits)
            and all(test(r, params) for name, test in FILTERS.items() if name not in without)
        ]

    return {
        "total": len(kept()),
        "sector": dict(Counter(r.sector for r in kept("sector"))),
        "category": dict(Counter(r.category for r in kept("category") if r.category)),
        "city": dict(Counter(r.city for r in kept("city"))),
        "price": dict(Counter(band_of(r.price) for r in kept("price"))),
        "in_stock": sum(r.in_stock for r in kept(("in_stock", "expo")) if FILTERS["expo"](r, params)),
        "expo": sum(r.expo for r in kept(("in_stock", "expo")) if FILTERS["in_stock"](r, params)),
    }


def counted(facets) -> dict:
    """The same shape from catalog.facets.Facets (values with no product left out)."""
    return {
        "sector": {c.value: c.count for c in facets.sector if c.count},
        "category": {c.value: c.count for c in facets.category if c.count},
        "city": {c.value: c.count for c in facets.city if c.count},
        "price": {i: c.count for i, c in enumerate(facets.price) if c.count},
        "in_stock": facets.in_stock,
        "expo": facets.expo,
    }
