"""What stores offer to offices: a product with the unit it is sold in, the smallest quantity
and the days it needs (issue #21). The price stays the variant's; the purchase
(marketplace/gov/purchasing.py) reads the offers through :func:`offered`.

Only a member of the product's store may offer it (the same check as editing the product), and
only an active product of an approved store. Functions add to the session; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace import audit
from marketplace.catalog.models import Product
from marketplace.catalog.queries import LISTED
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.gov import officials
from marketplace.gov.models import GovOffer
from marketplace.i18n import gettext as _
from marketplace.inputs import digits
from marketplace.stores import services as stores
from marketplace.stores.models import Store

UNIT_MAX = 30
MIN_QUANTITY_MAX = 100_000
LEAD_DAYS_MAX = 90
DEFAULT_UNIT = "pcs"


@dataclass(frozen=True)
class OfferTerms:
    """What an office reads beside an offered product: its unit, minimum order and lead time."""

    unit: str
    min_quantity: int
    lead_days: int


def _store_of(actor, product: Product) -> Store:
    """The product's store when ``actor`` works in it (NotFound otherwise, as on product pages)."""
    return stores.member_store(product.store_id, actor)


def _whole(raw, field: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    text = str(raw if raw is not None else "").strip()
    if not digits(text) or not low <= int(text) <= high:
        errors[field] = _("Isi bilangan bulat %(a)d sampai %(b)d.", a=low, b=high)
        return None
    return int(text)


def clean_terms(product: Product, unit, min_quantity, lead_days) -> OfferTerms:
    """The terms as given, or ValidationError naming each bad field (unit, min_quantity, lead_days)."""
    errors: dict[str, str] = {}
    unit_text = " ".join(str(unit or "").split()) or (product.unit or "").strip() or DEFAULT_UNIT
    if len(unit_text) > UNIT_MAX:
        errors["unit"] = _("Satuan paling banyak %(n)d karakter.", n=UNIT_MAX)
    minimum = _whole(min_quantity, "min_quantity", 1, MIN_QUANTITY_MAX, errors)
    lead = _whole(lead_days, "lead_days", 0, LEAD_DAYS_MAX, errors)
    if errors or minimum is None or lead is None:
        raise ValidationError(_("Periksa isian penawaran."), fields=errors)
    return OfferTerms(unit_text, minimum, lead)


def set_offer(actor, product: Product, unit=None, min_quantity=1, lead_days=1) -> GovOffer:
    """Offer ``product`` to offices (or change its terms). Refused, writing nothing: NotFound for
    someone outside the store; ValidationError for a product that is not active, a store that
    is not approved, or terms out of range (unit 1–30 characters, defaulting to the product's
    unit; minimum 1–100000; lead time 0–90 days)."""
    store = _store_of(actor, product)
    if store.status != "approved":
        raise ValidationError(_("Toko belum terverifikasi: produknya belum bisa ditawarkan kepada instansi."))
    if product.status != "active":
        raise ValidationError(_("Hanya produk aktif yang bisa ditawarkan kepada instansi."))
    terms = clean_terms(product, unit, min_quantity, lead_days)
    offer = db.session.get(GovOffer, product.id)
    values = {"unit": terms.unit, "min_quantity": terms.min_quantity, "lead_days": terms.lead_days, "active": True}
    if offer is None:
        offer = GovOffer(product_id=product.id, store_id=product.store_id, **values)
        db.session.add(offer)
        changed = {key: [None, value] for key, value in values.items() if key != "active"}
    else:
        changed = audit.changes(offer, values)
        for key, value in values.items():
            setattr(offer, key, value)
    db.session.flush()
    audit.record(actor, "gov_offer.saved", "product", product.id, store_id=product.store_id, changes=changed)
    return offer


def withdraw_offer(actor, product: Product) -> None:
    """Stop offering ``product`` to offices (its terms are kept for a later offer). NotFound for
    someone outside the store or a product that is not offered."""
    _store_of(actor, product)
    offer = db.session.get(GovOffer, product.id)
    if offer is None or not offer.active:
        raise NotFound(_("Produk ini tidak sedang ditawarkan kepada instansi."))
    offer.active = False
    db.session.flush()
    audit.record(actor, "gov_offer.withdrawn", "product", product.id, store_id=product.store_id)


def offers_of_store(store_id: int) -> dict[int, GovOffer]:
    """Every offer row of a store (active or withdrawn), by product id, in one statement."""
    rows = db.session.scalars(select(GovOffer).where(GovOffer.store_id == store_id))
    return {offer.product_id: offer for offer in rows}


def offered(product_ids) -> dict[int, GovOffer]:
    """The active offers among ``product_ids`` of active products of approved stores, by
    product id, in one statement (none for no ids)."""
    ids = sorted({i for i in product_ids if i is not None})
    if not ids:
        return {}
    rows = db.session.scalars(
        select(GovOffer)
        .join(Product, Product.id == GovOffer.product_id)
        .join(Store, Store.id == GovOffer.store_id)
        .where(
            GovOffer.product_id.in_(ids),
            GovOffer.active.is_(True),
            *LISTED,
        )
    )
    return {offer.product_id: offer for offer in rows}


def sees_offers(user) -> bool:
    """Whether ``user`` is an official of an active office, who sees what stores offer to
    offices. Remembered for the request; no statement for a user without the gov role."""
    return officials.official_of(user) is not None


def terms_for(user, product_id: int) -> OfferTerms | None:
    """The terms an official reads on a product page (None for anyone else, without a statement)."""
    if not sees_offers(user):
        return None
    offer = offered([product_id]).get(product_id)
    return OfferTerms(offer.unit, offer.min_quantity, offer.lead_days) if offer else None
