"""The relevance set's catalogue: the demo's IKMs of Tegal (marketplace/demo_data) without their
photos, and a few more stores whose products people spell more than one way (keripik and kripik,
sambal and sambel, telur and telor asin, Teh Poci and Tehpoci) or whose words sit close to
others (batu and batik, stik and batik). About 100 listed products, built through the services
in a few seconds on either database."""

from __future__ import annotations

from marketplace.catalog import services as catalog
from marketplace.demo_data import STORES, DemoProduct, DemoStore
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.factories import gen_user


def _p(name: str, category: str, description: str, price: int = 25000) -> DemoProduct:
    return DemoProduct(name, category, "pcs", 250, description, [("Standar", price, 20)])


def _store(name: str, sector: str, city: str, nib: str, products: list[DemoProduct]) -> DemoStore:
    return DemoStore(
        name, sector, city, "Jl. Raya 1", nib, "0812-2000-0000", f"{name}, IKM {city}.", "Pemilik", products=products
    )


EXTRA = [
    _store(
        "Keripik Tempe Bu Sum",
        "kuliner",
        "Kota Tegal",
        "9120109900001",
        [
            _p("Keripik Tempe Sagu Original", "makanan-ringan", "Tempe tipis digoreng renyah dengan tepung sagu."),
            _p("Kripik Singkong Balado", "makanan-ringan", "Singkong iris tipis dengan bumbu balado."),
            _p("Keripik Usus Ayam Pedas", "makanan-ringan", "Usus ayam goreng kering, pedas gurih."),
            _p("Keripik Pisang Manis", "makanan-ringan", "Pisang kepok diiris, manis legit."),
        ],
    ),
    _store(
        "Sambal Mbok Yem",
        "kuliner",
        "Kabupaten Tegal",
        "9120109900002",
        [
            _p("Sambal Bawang Pedas", "sambal-bumbu", "Cabai rawit dan bawang putih goreng dalam minyak."),
            _p("Sambel Terasi Tegal", "sambal-bumbu", "Terasi udang bakar diulek dengan cabai merah."),
            _p("Sambal Cumi Asin", "sambal-bumbu", "Cumi asin kering dimasak dengan cabai hijau."),
        ],
    ),
    _store(
        "Telur Asin Pak Darto",
        "kuliner",
        "Kabupaten Brebes",
        "9120109900003",
        [
            _p("Telur Asin Bakar isi 10", "makanan-ringan", "Telur bebek diasinkan lalu dibakar."),
            _p("Telur Asin Rebus Masir", "makanan-ringan", "Kuning telur masir dan berminyak."),
            _p("Telor Asin Asap Premium", "makanan-ringan", "Diasap dengan kayu, aroma khas."),
        ],
    ),
    _store(
        "Teh Wangi Slawi",
        "minuman-herbal",
        "Kabupaten Tegal",
        "9120109900004",
        [
            _p("Tehpoci Celup Rasa Melati", "teh", "Teh celup aroma melati untuk diseduh di rumah."),
            _p("Jamoe Galian Singset", "jamu-herbal", "Ramuan tradisional untuk menjaga badan."),
        ],
    ),
    _store(
        "Perhiasan Batu Akik Lestari",
        "perhiasan",
        "Kota Tegal",
        "9120109900005",
        [
            _p("Cincin Batu Akik Pancawarna", "perhiasan", "Batu akik asli, ikatan perak.", 150000),
            _p("Gelang Batu Giok", "perhiasan", "Manik batu giok hijau.", 90000),
        ],
    ),
    _store(
        "Camilan Bu Tini",
        "kuliner",
        "Kota Tegal",
        "9120109900006",
        [
            _p("Stik Bawang Keju", "makanan-ringan", "Stik renyah rasa bawang dan keju."),
            _p("Stik Balado Pedas", "makanan-ringan", "Stik tepung dengan bumbu balado."),
        ],
    ),
    _store(
        "Kerajinan Bambu Slawi",
        "kriya",
        "Kabupaten Tegal",
        "9120109900007",
        [
            _p("Kerajinan Bambu Anyaman", "kerajinan-tangan", "Keranjang bambu buatan tangan.", 75000),
            _p("Kain Batik Tulisan Tangan Motif Parang", "batik", "Kain batik dibuat dengan canting.", 400000),
        ],
    ),
]


def seed_relevance_catalogue() -> int:
    """The catalogue above, committed; the number of listed products."""
    listed = 0
    for number, data in enumerate([*STORES, *EXTRA]):
        owner = gen_user(email=f"owner{number}@relevance.test", role="seller")
        store = stores.open_store(
            owner,
            {
                "name": data.name,
                "sector": data.sector,
                "city": data.city,
                "address": data.address,
                "whatsapp": data.whatsapp,
            },
        )
        if data.status == "approved":
            stores.approve_store(store, None)
            listed += len(data.products)
        items = [
            {
                "name": item.name,
                "description": item.description,
                "category": item.category,
                "status": "active",
                "variants": [
                    {"name": name, "price": price, "stock": stock, "sku": f"R{number}-{n}-{v}"}
                    for v, (name, price, stock) in enumerate(item.variants)
                ],
            }
            for n, item in enumerate(data.products)
        ]
        catalog.create_products(store, owner, items)
    db.session.commit()
    return listed
