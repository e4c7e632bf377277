"""A small public catalogue for the search, page and API tests: shops of Kota
Tegal that sell, and products that must never be shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_category, gen_product, gen_store, image_bytes


@dataclass
class Catalogue:
    stores: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)


def seed_catalogue() -> Catalogue:
    c = Catalogue()
    gen_category("batik", "Batik", "fesyen")
    gen_category("minuman", "Minuman", "minuman-herbal")
    gen_category("kerajinan", "Kerajinan", "kriya")

    c.stores["batik"] = gen_store(
        name="Batik Sari",
        sector="fesyen",
        city="Kota Tegal",
        description="Batik tulis dan cap dari Tegal.",
        whatsapp="081234567890",
    )
    c.stores["teh"] = gen_store(name="Teh Poci Mas", sector="minuman-herbal", city="Kota Tegal")
    c.stores["kriya"] = gen_store(name="Anyaman Slawi", sector="kriya", city="Kabupaten Tegal")

    p = c.products
    p["batik_tulis"] = gen_product(
        c.stores["batik"], "Batik Tulis Motif Tegalan", price=350000, description="Kain tulis tangan, pewarna alam."
    )
    p["kemeja"] = gen_product(
        c.stores["batik"],
        "Kemeja Batik Cap Pria",
        price=150000,
        description="Kemeja lengan panjang.",
        variants=[
            {"name": "M", "sku": "KM-M", "price": 150000, "stock": 0},
            {"name": "L", "sku": "KM-L", "price": 175000, "stock": 4},
        ],
    )
    # "batik" only through the store's name
    p["selendang"] = gen_product(
        c.stores["batik"],
        "Selendang Sutra Halus",
        price=90000,
        category=None,
        description="Selendang lembut untuk pesta.",
    )
    p["teh"] = gen_product(
        c.stores["teh"],
        "Teh Poci Gula Batu",
        price=25000,
        category="minuman",
        description="Teh wangi melati khas Tegal, diseduh dalam poci tanah liat.",
    )
    p["bambu"] = gen_product(
        c.stores["kriya"],
        "Kerajinan Bambu Anyaman",
        price=75000,
        category="kerajinan",
        description="Keranjang bambu buatan tangan.",
    )
    # "batik" only in the description
    p["tas"] = gen_product(
        c.stores["kriya"],
        "Tas Kain Perca",
        price=60000,
        category="kerajinan",
        description="Tas dari kain batik sisa produksi.",
    )

    p["draft"] = gen_product(c.stores["batik"], "Batik Rahasia Draf", status="draft")
    p["archived"] = gen_product(c.stores["batik"], "Batik Lama Arsip", status="archived")
    c.stores["pending"] = gen_store(name="Toko Batik Menunggu", approved=False)
    p["pending"] = gen_product(c.stores["pending"], "Batik Toko Menunggu")
    c.stores["suspended"] = gen_store(name="Toko Batik Dibekukan")
    p["suspended"] = gen_product(c.stores["suspended"], "Batik Toko Dibekukan")
    stores.set_status(c.stores["suspended"], None, "suspended", "Dokumen palsu")
    db.session.commit()
    for key in ("batik_tulis", "teh"):
        catalog.add_image(p[key], None, image_bytes())
    db.session.commit()
    return c


HIDDEN = ("draft", "archived", "pending", "suspended")


def seed_many(n_stores: int = 4, per_store: int = 16) -> list:
    """``n_stores * per_store`` active products, each with two photos."""
    products = []
    sectors = ("fesyen", "kuliner", "kriya", "minuman-herbal")
    gen_category("batik", "Batik", "fesyen")
    for s in range(n_stores):
        store = gen_store(name=f"Toko Massal {s}", sector=sectors[s % len(sectors)])
        for i in range(per_store):
            product = gen_product(
                store,
                f"Batik Massal {s}-{i}",
                price=10000 + 1000 * i,
                variants=[
                    {"name": "A", "sku": f"M{s}-{i}-A", "price": 10000 + 1000 * i, "stock": 3},
                    {"name": "B", "sku": f"M{s}-{i}-B", "price": 20000 + 1000 * i, "stock": 0},
                ],
            )
            catalog.add_image(product, None, image_bytes())
            catalog.add_image(product, None, image_bytes(color=(10, 120, 200)))
            products.append(product)
    db.session.commit()
    return products
