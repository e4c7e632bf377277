"""What buying asks of the catalogue: the facts of the variants in a cart, and
the atomic stock moves of checkout, cancellation and expiry.

Stock leaves the shelf only through :func:`reserve` — one conditional UPDATE
(``SET stock = stock - q WHERE id = ? AND stock >= q``) whose row count says
whether it happened — so two buyers can never take the same unit, on SQLite
and PostgreSQL alike. The CHECK constraint ``stock >= 0`` backs it up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update

from marketplace import pagecache_products
from marketplace.catalog.models import Product, ProductImage, Variant
from marketplace.extensions import db
from marketplace.stores.models import Store


@dataclass(frozen=True)
class VariantFacts:
    """A variant as a cart shows it and checkout prices it (read fresh from the database)."""

    variant_id: int
    product_id: int
    product_name: str
    variant_name: str
    sku: str
    price: int
    stock: int
    product_status: str
    store_id: int
    store_slug: str
    store_name: str
    store_status: str
    image: str | None
    # for the checkout's parcels without another statement; None: not set by the seller
    weight_grams: int | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None

    @property
    def dimensions(self) -> tuple[int, int, int] | None:
        """(length, width, height) in cm when all three are known."""
        if self.length_cm and self.width_cm and self.height_cm:
            return (self.length_cm, self.width_cm, self.height_cm)
        return None

    @property
    def sellable(self) -> bool:
        """Only active products of approved stores are sold."""
        return self.product_status == "active" and self.store_status == "approved"


def fact_columns() -> tuple:
    """The columns of a :class:`VariantFacts`, in its order, over variants, products and stores
    (for the queries that read the facts along with something else: the cart's lines)."""
    first_image = (
        select(ProductImage.path)
        .where(ProductImage.product_id == Product.id)
        .order_by(ProductImage.position, ProductImage.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        Variant.id,
        Product.id,
        Product.name,
        Variant.name,
        Variant.sku,
        Variant.price,
        Variant.stock,
        Product.status,
        Store.id,
        Store.slug,
        Store.name,
        Store.status,
        first_image,
        Product.weight_grams,
        Product.length_cm,
        Product.width_cm,
        Product.height_cm,
    )


def variant_facts(variant_ids: Iterable[int]) -> dict[int, VariantFacts]:
    """The facts of these variants, by id, in one statement (missing ids are left out)."""
    ids = sorted(set(variant_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(*fact_columns())
        .join(Product, Product.id == Variant.product_id)
        .join(Store, Store.id == Product.store_id)
        .where(Variant.id.in_(ids))
    )
    return {row[0]: VariantFacts(*row) for row in rows}


def reserve(variant_id: int, quantity: int) -> bool:
    """Take ``quantity`` units off the shelf; False, and nothing changed, when fewer are left."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    taken = db.session.execute(_TAKE, {"variant_id": variant_id, "quantity": quantity}).first()
    _forget_stock(variant_id)
    if taken is None:
        return False
    # what is left tells the page cache whether listings change (sold out) or only the product's
    # page: no statement more while the row is locked (pagecache_products.note_stock_left)
    pagecache_products.note_stock_left(db.session(), taken.product_id, taken.stock)
    return True


def release(variant_id: int, quantity: int) -> None:
    """Put ``quantity`` units back on the shelf (a cancelled or expired order's)."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    db.session.execute(_PUT_BACK, {"variant_id": variant_id, "quantity": quantity})
    _forget_stock(variant_id)


# Built once (only the parameters change): a statement built per call is traversed again for
# its cache key, which costs more than sending it.
_TAKE = (
    update(Variant)
    .where(Variant.id == bindparam("variant_id"), Variant.stock >= bindparam("quantity"))
    .values(stock=Variant.stock - bindparam("quantity"))
    .returning(Variant.product_id, Variant.stock)
    .execution_options(synchronize_session=False, pagecache="reported")
)
_PUT_BACK = (
    update(Variant)
    .where(Variant.id == bindparam("variant_id"))
    .values(stock=Variant.stock + bindparam("quantity"))
    .execution_options(synchronize_session=False)
)


def _forget_stock(variant_id: int) -> None:
    """A Variant loaded in this session no longer knows its stock: reload it on next read."""
    loaded = db.session.identity_map.get(db.session.identity_key(Variant, variant_id))  # type: ignore[arg-type]
    if loaded is not None:
        db.session.expire(loaded, ["stock", "updated_at"])
