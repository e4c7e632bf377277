"""Demo offers to offices (issue #21): the meeting meals of the issue's purchase — nasi kotak
from Sate Kambing Batibul (minimum 20, a day ahead) and snack boxes from Kue Khas Bu Ningsih
(minimum 10, a day ahead) — and a few goods offices buy every week: batik for uniforms and
souvenirs for guests. Each offered by its store's owner through gov.offers, as a seller would.
Idempotent: a product with an offer (or one its seller withdrew since) is left as it is, and a
product the seller removed is skipped."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.gov import offers
from marketplace.gov.models import GovOffer

# (store, product, unit, minimum, lead days)
DEMO_OFFERS = (
    ("Sate Kambing Batibul", "Nasi Kotak Ayam Bakar", "kotak", 20, 1),
    ("Kue Khas Bu Ningsih", "Snack Box Rapat", "kotak", 10, 1),
    ("Kue Khas Bu Ningsih", "Kamir Tegal isi 10", "kotak", 10, 1),
    ("Batik Tegalan Sari", "Batik Cap Motif Sawat", "lembar", 10, 7),
    ("Batik Tegalan Sari", "Kemeja Batik Pria Lengan Panjang", "pcs", 10, 14),
    ("Kerajinan Kerang Pantai Alam Indah", "Gantungan Kunci Kerang isi 10", "pak", 5, 3),
    ("Kerajinan Kerang Pantai Alam Indah", "Miniatur Kapal Nelayan Tegal", "buah", 2, 7),
)


def load(summary, built: list) -> None:
    """Offer the products of DEMO_OFFERS that exist in the approved stores of ``built``
    (demo.load's) and have never been offered; counts them in ``summary.gov_offers``."""
    from marketplace.accounts.models import User

    by_name = {data.name: store for data, store in built if store.status == "approved"}
    for store_name, product_name, unit, minimum, lead_days in DEMO_OFFERS:
        store = by_name.get(store_name)
        if store is None or store.owner_id is None:
            continue
        product = db.session.scalar(
            select(Product).where(
                Product.store_id == store.id, Product.name == product_name, Product.status == "active"
            )
        )
        if product is None or db.session.get(GovOffer, product.id) is not None:
            continue
        offers.set_offer(db.session.get(User, store.owner_id), product, unit, minimum, lead_days)
        summary.gov_offers += 1
