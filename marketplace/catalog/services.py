"""Catalogue rules: products, variants, prices, stock edits, photos, the search text.

Every write to a product goes through here, so the HTML views, the JSON API,
the demo loader and the E-Smart sync keep the same rules. Functions add to the
session; the caller commits.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, true
from sqlalchemy.orm import joinedload, selectinload

from marketplace import audit
from marketplace.catalog.models import Category, Product, ProductImage, ProductSearch, Variant
from marketplace.catalog.sectors import sector_name
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.inputs import digits
from marketplace.stores.models import Store

MAX_PRICE = 1_000_000_000  # one billion rupiah per unit is beyond any IKM product
MAX_STOCK = 1_000_000
MAX_IMAGES = 8
MAX_VARIANTS = 50


def _int_field(value: Any, field: str, minimum: int, maximum: int, message: str) -> int:
    # bool is an int in Python; "true" as a price is a client bug, not 1 rupiah
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError(fields={field: message})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(fields={field: message})
        value = int(value)
    if isinstance(value, str):
        cleaned = value.strip().replace(".", "").replace("Rp", "").strip() if field.endswith("price") else value.strip()
        if not digits(cleaned[1:] if cleaned[:1] == "-" else cleaned):
            raise ValidationError(fields={field: message})
        value = int(cleaned)
    if not isinstance(value, int) or not (minimum <= value <= maximum):
        raise ValidationError(fields={field: message})
    return value


def clean_price(value: Any, field: str = "price") -> int:
    return _int_field(value, field, 1, MAX_PRICE, _("Harga harus bilangan bulat rupiah lebih dari 0."))


def clean_stock(value: Any, field: str = "stock") -> int:
    return _int_field(value, field, 0, MAX_STOCK, _("Stok harus bilangan bulat 0 atau lebih."))


def _clean_text(value: Any, field: str, max_len: int, required: bool) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError(fields={field: _("Harus berupa teks.")})
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(fields={field: _("Wajib diisi.")})
    if len(text) > max_len:
        raise ValidationError(fields={field: _("Maksimal %(n)d karakter.", n=max_len)})
    return text


def category_by_slug(slug: str | None, field: str = "category") -> Category | None:
    if slug is None or slug == "":
        return None
    category = db.session.scalar(select(Category).where(Category.slug == slug)) if isinstance(slug, str) else None
    if category is None:
        raise ValidationError(fields={field: _("Kategori tidak dikenal.")})
    return category


def _collect(errors: dict, fn, *args):
    try:
        return fn(*args)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


def _clean_product_fields(data: dict, partial: bool, category_lookup=category_by_slug) -> dict:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not partial or "name" in data:
        out["name"] = _collect(errors, _clean_text, data.get("name"), "name", 160, True)
    if not partial or "description" in data:
        out["description"] = _collect(errors, _clean_text, data.get("description"), "description", 20000, False)
    if not partial or "category" in data:
        out["category"] = _collect(errors, category_lookup, data.get("category"))
    if "unit" in data:
        out["unit"] = _collect(errors, _clean_text, data.get("unit"), "unit", 30, False) or None
    if "weight_grams" in data and data.get("weight_grams") not in (None, ""):
        out["weight_grams"] = _collect(
            errors,
            _int_field,
            data.get("weight_grams"),
            "weight_grams",
            0,
            1_000_000,
            _("Berat harus bilangan bulat gram."),
        )
    if "status" in data:
        if data["status"] not in ("draft", "active", "archived"):
            errors["status"] = _("Status produk tidak dikenal.")
        else:
            out["status"] = data["status"]
    if errors:
        raise ValidationError(fields=errors)
    return out


def _clean_variant(data: Any, index: int | None, partial: bool = False) -> dict:
    prefix = f"variants.{index}." if index is not None else ""
    if not isinstance(data, dict):
        raise ValidationError(fields={prefix.rstrip(".") or "variant": _("Varian tidak valid.")})
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if not partial or "name" in data:
        out["name"] = _collect(
            errors, _clean_text, data.get("name") or ("Standar" if not partial else None), prefix + "name", 120, True
        )
    if not partial or "sku" in data:
        out["sku"] = _collect(errors, _clean_text, data.get("sku"), prefix + "sku", 64, False)
    if not partial or "price" in data:
        out["price"] = _collect(errors, clean_price, data.get("price"), prefix + "price")
    if not partial or "stock" in data:
        out["stock"] = _collect(errors, clean_stock, data.get("stock", 0), prefix + "stock")
    if errors:
        raise ValidationError(fields=errors)
    return out


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
    fields = _collect(errors, _clean_product_fields, data, False, category_lookup) or {}
    raw_variants = data.get("variants")
    variants: list[dict] = []
    if not isinstance(raw_variants, list) or not raw_variants:
        errors["variants"] = _("Produk butuh minimal satu varian dengan harga dan stok.")
    elif len(raw_variants) > MAX_VARIANTS:
        errors["variants"] = _("Maksimal %(n)d varian.", n=MAX_VARIANTS)
    else:
        for i, raw in enumerate(raw_variants):
            cleaned = _collect(errors, _clean_variant, raw, i)
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
    sector_words = _sector_words(store.sector)
    for product, category in products:
        db.session.add(
            ProductSearch(
                product_id=product.id,
                name=product.name,
                body=_search_body(
                    product.description,
                    category.name if category else None,
                    category.name_en if category else None,
                    store.name,
                    sector_words,
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
    fields = _clean_product_fields(data, partial=True)
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
        fields=sorted(set(data) & {"name", "description", "category", "status", "unit", "weight_grams"}),
    )
    _saved(product, created=False)
    return product


def set_product_status(product: Product, actor, status: str) -> Product:
    return update_product(product, actor, {"status": status})


def add_variant(product: Product, actor, data: dict) -> Variant:
    cleaned = _clean_variant(data, None)
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
    cleaned = _clean_variant(data, None, partial=True)
    if cleaned.get("sku") == "":
        cleaned.pop("sku")
    if "sku" in cleaned and cleaned["sku"] != variant.sku:
        _check_skus_free(variant.store_id, [cleaned["sku"]], {variant.id}, field_for=lambda i: "sku")
    for key, value in cleaned.items():
        setattr(variant, key, value)
    db.session.flush()
    product = db.session.get_one(Product, variant.product_id)
    refresh_price(product)
    audit.record(actor, "variant.updated", "variant", variant.id, store_id=variant.store_id, fields=sorted(cleaned))
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


# --- the search text ---------------------------------------------------------


def _sector_words(sector: str) -> str:
    """The sector's name in Indonesian and English, whatever the editor's page language
    (the search text must not depend on who saved the product last)."""
    from flask_babel import force_locale

    names = []
    for locale in ("id", "en"):
        with force_locale(locale):
            names.append(sector_name(sector))
    return " ".join(dict.fromkeys(names))


def _search_body(description, category_name, category_name_en, store_name, sector_words, city) -> str:
    """What a product is found by besides its name."""
    return " ".join(filter(None, [description, category_name, category_name_en, store_name, sector_words, city]))


def reindex_product(product_id: int) -> None:
    """Rewrite the product's search row from its name, description, category and store."""
    row = db.session.execute(
        select(Product.name, Product.description, Category.name, Category.name_en, Store.name, Store.sector, Store.city)
        .join(Store, Store.id == Product.store_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.id == product_id)
    ).one()
    name, description, cat_name, cat_en, store_name, sector, city = row
    body = _search_body(description, cat_name, cat_en, store_name, _sector_words(sector), city)
    search = db.session.get(ProductSearch, product_id)
    if search is None:
        db.session.add(ProductSearch(product_id=product_id, name=name, body=body))
    else:
        search.name, search.body = name, body
    db.session.flush()


def reindex_store_products(store_id: int) -> None:
    for product_id in db.session.scalars(select(Product.id).where(Product.store_id == store_id)):
        reindex_product(product_id)


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
