"""JSON shapes of CONTRACT.md, one function per object, shared by every endpoint.

Callers pass objects whose relationships are already loaded (the listing
queries eager-load them), so serialising never issues SQL.
"""

from __future__ import annotations

from marketplace.catalog.sectors import category_name, sector_name
from marketplace.media import media_url


def variant_json(variant) -> dict:
    return {"id": variant.id, "name": variant.name, "sku": variant.sku, "price": variant.price, "stock": variant.stock}


def category_json(category) -> dict:
    return {"slug": category.slug, "name": category_name(category), "sector": category.sector}


def store_json(store, detail: bool = False) -> dict:
    data = {
        "slug": store.slug,
        "name": store.name,
        "city": store.city,
        "sector": store.sector,
        "sector_name": sector_name(store.sector),
        "status": store.status,
        "logo_url": media_url(store.logo, 200) if store.logo else None,
    }
    if detail:
        data.update(
            {"description": store.description, "nib": store.nib, "address": store.address, "whatsapp": store.whatsapp}
        )
    return data


def dimensions_json(product) -> dict | None:
    """The packed size in cm, or None when the seller has not given all three."""
    sides = (product.length_cm, product.width_cm, product.height_cm)
    if any(side is None for side in sides):
        return None
    return dict(zip(("length_cm", "width_cm", "height_cm"), sides, strict=True))


def product_json(product, store_slug: str, category_slug: str | None, variants=None, images=None) -> dict:
    """A product names its store and category by slug (CONTRACT.md)."""
    data = {
        "id": product.id,
        "name": product.name,
        "description": product.description,
        "store": store_slug,
        "category": category_slug,
        "status": product.status,
        "price": product.price_min,
        "unit": product.unit,
        "weight_grams": product.weight_grams,
        "dimensions": dimensions_json(product),
        "created_at": product.created_at.isoformat(),
    }
    if variants is not None:
        data["variants"] = [variant_json(v) for v in variants]
    if images is not None:
        data["images"] = [{"url": media_url(i.path), "thumbnail_url": media_url(i.path, 400)} for i in images]
    return data


def facets_json(facets) -> dict:
    """``GET /products?facets=1``'s counts (catalog.facets.Facets): per facet the values that
    count a product or are chosen, the price bands all in order, the two switches' counts.
    A facet the request cannot change is left out (none, today: the API fixes no facet)."""
    out: dict = {}
    for name in ("sector", "category", "city"):
        if name in facets.offered:
            out[name] = [
                {"value": c.value, "label": c.label, "count": c.count, "chosen": c.chosen}
                for c in getattr(facets, name)
            ]
    if "price" in facets.offered:
        out["price"] = [
            {"min": c.band.min, "max": c.band.max, "label": c.label, "count": c.count, "chosen": c.chosen}
            for c in facets.price
            if c.band is not None
        ]
    out["in_stock"] = {"count": facets.in_stock}
    out["expo"] = {"count": facets.expo}
    return out
