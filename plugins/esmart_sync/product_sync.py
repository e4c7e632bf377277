"""One product of the directory onto one marketplace product.

Matching: the product linked to the E-Smart product id, else an unlinked
product of the same store with the same normalised name, else a new active
product. Price and stock are the marketplace's once a product exists: a pull
sets them only when it creates the product. Name, description, category,
unit and weight follow the directory, except a field changed here since the
last sync, which is kept and reported. Photos are fetched once per URL, after
the import, by the photo job (photos.py).
"""

from __future__ import annotations

import json
from io import BytesIO

from sqlalchemy import select

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, Variant
from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

from . import adapter
from .adapter import Issue, ProductData
from .client import PhotoError
from .models import EsmartProductLink
from .payload import new_product_payload, product_payload
from .store_sync import conflict_issue

FIELD_LABELS = {
    "name": "nama",
    "description": "deskripsi",
    "category": "kategori",
    "unit": "satuan",
    "weight_grams": "berat_gram",
}


def sync_product(store: Store, p: ProductData, ctx, new_store: bool = False) -> str:
    """ "created" | "updated" | "unchanged"; ValidationError when the record cannot be used.
    ``new_store``: the store was created by this run, so it has no product to match by name."""
    _settle_category_hint(store, p, ctx)
    link = db.session.scalar(select(EsmartProductLink).where(EsmartProductLink.esmart_product_id == p.esmart_id))
    product = None
    if link is not None:
        product = db.session.get(Product, link.product_id)
        if product.store_id != store.id:
            raise ValidationError(_("Produk ini sudah terhubung ke toko lain di marketplace."))
    elif not new_store:
        product = _unlinked_product_named(store.id, p.fields["name"])
        if product is not None:
            link = EsmartProductLink(
                product_id=product.id, esmart_product_id=p.esmart_id, field_hashes="{}", photo_urls="[]"
            )
            db.session.add(link)
    if product is None:
        _create(store, p, ctx, check_sku=not new_store)
        return "created"
    return _update(product, link, p, ctx)


def _settle_category_hint(store: Store, p: ProductData, ctx) -> None:
    hint = p.fields.get("category")
    if hint and not ctx.categories.known(hint):
        ctx.report(
            Issue(
                "warning",
                _("Kategori %(k)s tidak dikenal; memakai sektor toko (%(s)s).", k=hint, s=store.sector),
                "kategori",
                p.row,
                p.esmart_id,
            )
        )
        p.fields["category"] = store.sector


def _unlinked_product_named(store_id: int, name: str) -> Product | None:
    target = adapter.normalise_name(name)
    rows = db.session.execute(
        select(Product.id, Product.name)
        .outerjoin(EsmartProductLink, EsmartProductLink.product_id == Product.id)
        .where(Product.store_id == store_id, EsmartProductLink.id.is_(None))
        .order_by(Product.id)
    ).all()
    for product_id, product_name in rows:
        if adapter.normalise_name(product_name) == target:
            return db.session.get(Product, product_id)
    return None


def _create(store: Store, p: ProductData, ctx, check_sku: bool = True) -> Product:
    sku_taken = check_sku and db.session.scalar(
        select(Variant.id).where(Variant.store_id == store.id, Variant.sku == p.esmart_id)
    )
    category = ctx.categories.slug_for(p.fields.get("category") or store.sector)
    data = {
        "name": p.fields["name"],
        "description": p.fields.get("description", ""),
        "category": category,
        "status": "active",
        "variants": [
            {"name": "Standar", "sku": None if sku_taken else p.esmart_id, "price": p.price, "stock": p.stock}
        ],
    }
    data.update({k: p.fields[k] for k in ("unit", "weight_grams") if k in p.fields})
    product = catalog.create_product(store, ctx.actor, data)
    hashes = {field: adapter.value_hash(value) for field, value in p.fields.items()}
    link = EsmartProductLink(
        product_id=product.id,
        esmart_product_id=p.esmart_id,
        field_hashes=_dump(hashes),
        photo_urls="[]",
        pulled_at=now(),
    )
    db.session.add(link)
    images = _sync_photos(product, link, p, ctx)
    # what the directory gave is what it holds: no need to push it back until it changes here
    sector = ctx.categories.by_slug[category][1] if category else store.sector
    link.content_hash = adapter.content_hash(
        new_product_payload(product, sector=sector, price=p.price, stock=p.stock, image_paths=images)
    )
    return product


def _update(product: Product, link: EsmartProductLink, p: ProductData, ctx) -> str:
    base = json.loads(link.field_hashes or "{}")
    changes, new_base = _plan(product, base, p, ctx)
    new_photos = [u for u in p.photos if u not in json.loads(link.photo_urls or "[]")]
    if not changes and not new_photos:
        if new_base != base:
            link.field_hashes = _dump(new_base)
        return "unchanged"
    before = adapter.content_hash(product_payload(product.id)) if link.content_hash else None
    if changes:
        catalog.update_product(product, ctx.actor, changes)
    added = _sync_photos(product, link, p, ctx)
    link.field_hashes, link.pulled_at = _dump(new_base), now()
    if before is not None and link.content_hash == before:
        # nothing was waiting to be pushed: the directory's values are the directory's
        link.content_hash = adapter.content_hash(product_payload(product.id))
    return "updated" if changes or added else "unchanged"


def _plan(product: Product, base: dict, p: ProductData, ctx) -> tuple[dict, dict]:
    """Three-way merge of the synced fields: (changes to apply, the new base)."""
    changes, new_base = {}, dict(base)
    for field, incoming in p.fields.items():
        new_base[field] = adapter.value_hash(incoming)
        if field == "category":
            keys = ctx.categories.keys_of(product.category_id)
            target = ctx.categories.slug_for(incoming)
            current = ctx.categories.by_id.get(product.category_id, (None,))[0]
            same = incoming in keys or target == current
            kept_here = base.get(field) in {adapter.value_hash(k) for k in keys}
        else:
            current, target = getattr(product, field), incoming
            same = current == incoming
            kept_here = base.get(field) == adapter.value_hash(current)
        if same:
            continue
        if kept_here or (field not in base and current in (None, "")):
            changes[field] = target
        else:
            ctx.report(conflict_issue(FIELD_LABELS[field], current, incoming, p.row, p.esmart_id))
    return changes, new_base


def _sync_photos(product: Product, link: EsmartProductLink, p: ProductData, ctx) -> list[str]:
    """A real run queues the foto URLs not imported yet for the photo job; a dry run fetches
    them here (a failure is a warning, never fatal). The media paths of the images added."""
    done = json.loads(link.photo_urls or "[]")
    if not ctx.log.dry_run:  # a real run downloads them after the import, in a job (photos.py)
        ctx.log.photos.extend((p.esmart_id, url, p.row) for url in p.photos if url not in done)
        return []
    added: list[str] = []
    for url in p.photos:
        if url in done:
            continue
        try:
            image = catalog.add_image(product, ctx.actor, BytesIO(ctx.photos.fetch(url)))
        except PhotoError as exc:
            reason = str(exc)
        except ValidationError as exc:
            reason = "; ".join(str(v) for v in exc.fields.values()) or exc.message
        else:
            ctx.log.files.append(image.path)
            done.append(url)
            added.append(image.path)
            ctx.log.count("photos_added")
            continue
        ctx.log.count("photos_failed")
        ctx.report(Issue("warning", _("Foto %(u)s gagal: %(r)s", u=url[:200], r=reason), "foto", p.row, p.esmart_id))
    if added:
        link.photo_urls = json.dumps(done)
    return added


def _dump(values: dict) -> str:
    return json.dumps(values, sort_keys=True)
