"""Catalogue rules: products, variants, prices, stock edits, photos. Their input is cleaned in
product_input.py, their search text kept in search_text.py.

Every write to a product goes through here, so the HTML views, the JSON API,
the demo loader and the E-Smart sync keep the same rules. Functions add to the
session; the caller commits.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload, selectinload

from marketplace import audit
from marketplace.catalog.models import Category, Product, ProductImage, ProductSearch, Variant

# Input cleaning and the search text live in their own modules; the `X as X` names are
# re-exported because the pages, the API and the plugins read them from here.
from marketplace.catalog.product_input import MAX_PRICE as MAX_PRICE
from marketplace.catalog.product_input import MAX_STOCK as MAX_STOCK
from marketplace.catalog.product_input import (
    category_by_slug,
    clean_product_fields,
    clean_variant,
    collect,
)
from marketplace.catalog.product_input import clean_price as clean_price
from marketplace.catalog.product_input import clean_stock as clean_stock
from marketplace.catalog.search_text import reindex_product, search_body, sector_words
from marketplace.catalog.search_text import reindex_store_products as reindex_store_products
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import digits
from marketplace.stores.models import Store

MAX_IMAGES = 8
MAX_VARIANTS = 50


def _generate_sku(store_id: int) -> str:
    return f"SKU-{store_id}-{secrets.token_hex(3).upper()}"


def _check_skus_free(
    store_id: int,
    skus: list[str],
    exclude_variant_ids: set[int] | frozenset[int] = frozenset(),
    field_for=lambda i: f"variants.{i}.sku",
) -> None:
    seen: dict[str, int] = {}
    errors = {}
    for i, sku in enumerate(skus):
        if sku in seen:
            errors[field_for(i)] = _("SKU ganda dalam produk ini.")
        seen[sku] = i
    taken = set(
        db.session.scalars(
            select(Variant.sku).where(
                Variant.store_id == store_id,
                Variant.sku.in_(skus),
                Variant.id.not_in(exclude_variant_ids) if exclude_variant_ids else true(),
            )
        )
    )
    for i, sku in enumerate(skus):
        if sku in taken:
            errors[field_for(i)] = _("SKU %(sku)s sudah dipakai produk lain di toko ini.", sku=sku)
    if errors:
        raise ValidationError(fields=errors)


def _clean_new_product(data: Any, store_id: int, category_lookup=category_by_slug) -> tuple[dict, list[dict]]:
    """A new product's rules: its cleaned fields and variants (SKUs filled in), or a
    ValidationError naming every bad field. SKUs are checked against the store by the caller."""
    if not isinstance(data, dict):
        raise ValidationError(fields={"product": _("Produk tidak valid.")})
    errors: dict[str, str] = {}
    fields = collect(errors, clean_product_fields, data, False, category_lookup) or {}
    raw_variants = data.get("variants")
    variants: list[dict] = []
    if not isinstance(raw_variants, list) or not raw_variants:
        errors["variants"] = _("Produk butuh minimal satu varian dengan harga dan stok.")
    elif len(raw_variants) > MAX_VARIANTS:
        errors["variants"] = _("Maksimal %(n)d varian.", n=MAX_VARIANTS)
    else:
        for i, raw in enumerate(raw_variants):
            cleaned = collect(errors, clean_variant, raw, i)
            if cleaned:
                variants.append(cleaned)
    if errors:
        raise ValidationError(fields=errors)
    for v in variants:
        v["sku"] = v["sku"] or _generate_sku(store_id)
    return fields, variants


def create_product(store: Store, actor, data: dict) -> Product:
    """A product with at least one variant; status ``draft`` unless data says ``active``."""
    fields, variants = _clean_new_product(data, store.id)
    _check_skus_free(store.id, [v["sku"] for v in variants])
    return _insert_products(store, actor, [(fields, variants)])[0]


def create_products(store: Store, actor, items: list[dict]) -> list[Product]:
    """Many products of one store at once (seeding, an E-Smart import), by the rules of
    :func:`create_product`, all or nothing: a ValidationError names each bad field as
    ``items.<i>.<field>``. A few statements whatever the number: the categories, the
    store's SKUs, then one batched INSERT per table."""
    if not isinstance(items, list):
        raise ValidationError(fields={"items": _("Daftar produk tidak valid.")})
    categories = {c.slug: c for c in db.session.scalars(select(Category))}

    def category_lookup(slug, field: str = "category") -> Category | None:
        if not slug:
            return None
        if not isinstance(slug, str) or slug not in categories:
            raise ValidationError(fields={field: _("Kategori tidak dikenal.")})
        return categories[slug]

    errors: dict[str, str] = {}
    cleaned = []
    for i, data in enumerate(items):
        try:
            cleaned.append(_clean_new_product(data, store.id, category_lookup))
        except ValidationError as exc:
            errors.update({f"items.{i}.{name}": message for name, message in exc.fields.items()})
    if errors:
        raise ValidationError(fields=errors)
    where = [(i, j) for i, (_fields, variants) in enumerate(cleaned) for j in range(len(variants))]
    _check_skus_free(
        store.id,
        [cleaned[i][1][j]["sku"] for i, j in where],
        field_for=lambda k: f"items.{where[k][0]}.variants.{where[k][1]}.sku",
    )
    return _insert_products(store, actor, cleaned)


def _insert_products(store: Store, actor, cleaned: list[tuple[dict, list[dict]]]) -> list[Product]:
    """Write cleaned products with their variants, search rows and audit rows: one flush
    for the products and variants, one for the rest. Through the ORM, so session events
    (the page cache's invalidation) see every row."""
    products = []
    for fields, variants in cleaned:
        fields = dict(fields)
        category = fields.pop("category", None)
        product = Product(
            store_id=store.id,
            category_id=category.id if category else None,
            status=fields.pop("status", "draft"),
            price_min=_price_min(v["price"] for v in variants),
            variants=[Variant(store_id=store.id, **v) for v in variants],
            **fields,
        )
        products.append((product, category))
    db.session.add_all([product for product, _category in products])
    db.session.flush()
    store_sector = sector_words(store.sector)
    for product, category in products:
        db.session.add(
            ProductSearch(
                product_id=product.id,
                name=product.name,
                body=search_body(
                    product.description,
                    category.name if category else None,
                    category.name_en if category else None,
                    store.name,
                    store_sector,
                    store.city,
                ),
            )
        )
        audit.record(actor, "product.created", "product", product.id, store_id=store.id)
    db.session.flush()
    for product, _category in products:
        _saved(product, created=True)
    return [product for product, _category in products]


def update_product(product: Product, actor, data: dict) -> Product:
    fields = clean_product_fields(data, partial=True)
    if "category" in fields:
        category = fields.pop("category")
        product.category_id = category.id if category else None
    for key, value in fields.items():
        setattr(product, key, value)
    db.session.flush()
    reindex_product(product.id)
    audit.record(
        actor,
        "product.updated",
        "product",
        product.id,
        store_id=product.store_id,
        fields=sorted(set(fields) | ({"category"} & set(data))),
    )
    _saved(product, created=False)
    return product


def set_product_status(product: Product, actor, status: str) -> Product:
    return update_product(product, actor, {"status": status})


def add_variant(product: Product, actor, data: dict) -> Variant:
    cleaned = clean_variant(data, None)
    cleaned["sku"] = cleaned["sku"] or _generate_sku(product.store_id)
    _check_skus_free(product.store_id, [cleaned["sku"]], field_for=lambda i: "sku")
    count = db.session.execute(
        select(func.count()).select_from(Variant).where(Variant.product_id == product.id)
    ).scalar_one()
    if count >= MAX_VARIANTS:
        raise ValidationError(fields={"variants": _("Maksimal %(n)d varian.", n=MAX_VARIANTS)})
    variant = Variant(product_id=product.id, store_id=product.store_id, **cleaned)
    db.session.add(variant)
    db.session.flush()
    refresh_price(product)
    audit.record(actor, "variant.created", "variant", variant.id, store_id=product.store_id)
    return variant


def update_variant(variant: Variant, actor, data: dict) -> Variant:
    """Edit name, SKU, price or stock. Stock set here is the seller's count of
    what is on the shelf; checkout reserves with its own atomic update."""
    cleaned = clean_variant(data, None, partial=True)
    if cleaned.get("sku") == "":
        cleaned.pop("sku")
    if "sku" in cleaned and cleaned["sku"] != variant.sku:
        _check_skus_free(variant.store_id, [cleaned["sku"]], {variant.id}, field_for=lambda i: "sku")
    changed = audit.changes(variant, cleaned)
    for key, value in cleaned.items():
        setattr(variant, key, value)
    db.session.flush()
    product = db.session.get_one(Product, variant.product_id)
    refresh_price(product)
    audit.record(
        actor,
        "variant.updated",
        "variant",
        variant.id,
        store_id=variant.store_id,
        fields=sorted(cleaned),
        changes=changed,
    )
    _saved(product, created=False)
    return variant


def edit_product(product: Product, actor, data: dict, variant_rows: list[tuple[str | None, dict | None]]) -> None:
    """The product edit form at once: the product's fields (``data``), then each variant row —
    ``(id, fields)`` updates the product's variant ``id``, ``(None, fields)`` adds one, and
    ``(None, None)`` is a blank row. Every part is tried, so the one ValidationError names the
    errors of all of them, a variant's as ``variants.<row>.<field>``; the caller rolls back.
    :raise NotFound: an id that is not one of the product's variants."""
    errors: dict[str, str] = {}
    try:
        update_product(product, actor, data)
    except ValidationError as exc:
        errors.update(exc.fields)
    variants = {v.id: v for v in product.variants}
    for i, (variant_id, fields) in enumerate(variant_rows):
        try:
            if variant_id:
                variant = variants.get(int(variant_id)) if digits(variant_id) else None
                if variant is None:
                    raise NotFound(_("Varian tidak ditemukan."))
                update_variant(variant, actor, fields or {})
            elif fields is not None:
                add_variant(product, actor, fields)
        except ValidationError as exc:
            errors.update(
                {
                    key if key.startswith("variants") else f"variants.{i}.{key}": message
                    for key, message in exc.fields.items()
                }
            )
    if errors:
        raise ValidationError(fields=errors)


def delete_variant(variant: Variant, actor) -> None:
    count = db.session.execute(
        select(func.count()).select_from(Variant).where(Variant.product_id == variant.product_id)
    ).scalar_one()
    if count <= 1:
        raise Conflict(_("Produk butuh minimal satu varian."))
    product = db.session.get_one(Product, variant.product_id)
    db.session.delete(variant)
    db.session.flush()
    refresh_price(product)
    audit.record(actor, "variant.deleted", "variant", variant.id, store_id=variant.store_id)


def _saved(product: Product, created: bool) -> None:
    """Tell plugins (the E-Smart push, caches) that a product changed; their
    failures are logged and isolated by the plugin host."""
    from marketplace import plugin_api

    plugin_api.notify("product_saved", product=product, created=created)


def _price_min(prices) -> int:
    """A product's listed price: its cheapest variant's (0 without variants)."""
    return min(prices, default=0)


def refresh_price(product: Product) -> None:
    product.price_min = _price_min(db.session.scalars(select(Variant.price).where(Variant.product_id == product.id)))


def add_image(product: Product, actor, stream) -> ProductImage:
    from marketplace import media
    from marketplace.accounts.services import require_confirmed_email

    require_confirmed_email(actor)

    count = db.session.execute(
        select(func.count()).select_from(ProductImage).where(ProductImage.product_id == product.id)
    ).scalar_one()
    if count >= MAX_IMAGES:
        raise ValidationError(fields={"photo": _("Maksimal %(n)d foto per produk.", n=MAX_IMAGES)})
    stored = media.save_image(stream, "products", field="photo")
    image = ProductImage(
        product_id=product.id, path=stored.path, position=count, width=stored.width, height=stored.height
    )
    db.session.add(image)
    db.session.flush()
    audit.record(actor, "product.image_added", "product", product.id, store_id=product.store_id)
    return image


def remove_image(image: ProductImage, actor) -> None:
    from marketplace import media

    store_id = db.session.scalar(select(Product.store_id).where(Product.id == image.product_id))
    media.delete_image(image.path)
    db.session.delete(image)
    audit.record(actor, "product.image_removed", "product", image.product_id, store_id=store_id)


# --- lookups used by views and the API ------------------------------------


def get_product(product_id: int) -> Product:
    product = db.session.get(Product, product_id)
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def get_variant(variant_id: int) -> Variant:
    variant = db.session.get(Variant, variant_id)
    if variant is None:
        raise NotFound(_("Varian tidak ditemukan."))
    return variant


def weights_of(product_ids) -> dict[int, int | None]:
    """Each product's weight in grams (None: not given), in one statement (packing slips)."""
    ids = sorted({i for i in product_ids if i is not None})
    if not ids:
        return {}
    rows = db.session.execute(select(Product.id, Product.weight_grams).where(Product.id.in_(ids)))
    return dict(rows.tuples().all())  # a list: dict() of the result itself reads it as a mapping


# --- the seller's pages and the API: products loaded with what they show ------


def seller_products(store_id: int) -> list[Product]:
    """Every product of a store (any status), newest first, with variants and category loaded."""
    return list(
        db.session.scalars(
            select(Product)
            .options(selectinload(Product.variants), joinedload(Product.category))
            .where(Product.store_id == store_id)
            .order_by(Product.created_at.desc(), Product.id.desc())
        )
    )


def product_with_details(product_id: int) -> Product:
    """A product with its variants, images and category loaded (fresh from the database)."""
    product = db.session.scalar(
        select(Product)
        .options(selectinload(Product.variants), selectinload(Product.images), joinedload(Product.category))
        .where(Product.id == product_id)
        .execution_options(populate_existing=True)
    )
    if product is None:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def get_image(product: Product, image_id: int) -> ProductImage:
    """One of the product's photos; NotFound for another product's."""
    image = db.session.get(ProductImage, image_id)
    if image is None or image.product_id != product.id:
        raise NotFound(_("Foto tidak ditemukan."))
    return image


def categories_by_sector() -> list[tuple[str, list[Category]]]:
    """Categories grouped by sector, in the sectors' order, for select boxes."""
    from marketplace.catalog.sectors import SECTORS

    rows = db.session.scalars(select(Category).order_by(Category.position, Category.name))
    groups: dict[str, list[Category]] = {slug: [] for slug in SECTORS}
    for category in rows:
        groups.setdefault(category.sector, []).append(category)
    return [(sector, items) for sector, items in groups.items() if items]
