"""The catalogue's schemas: categories, products, variants, photos."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATETIME,
    INTEGER,
    NOT_BLANK,
    NULLABLE_STRING,
    PRICE,
    RUPIAH,
    SECTOR,
    STOCK,
    STRING,
    URL,
    array,
    obj,
    ref,
    text,
)
from marketplace.catalog.models import PRODUCT_STATUSES
from marketplace.catalog.product_input import MAX_SIDE_CM, MAX_WEIGHT_GRAMS
from marketplace.catalog.services import MAX_VARIANTS


def catalogue_schemas() -> dict:
    """Every schema of the catalogue."""
    return {
        **_product_parts(),
        **_products(),
        **_product_inputs(),
        **_facets(),
    }


def _product_parts() -> dict:
    """A product's variants and photos; the categories."""
    variant_name = {
        "type": ["string", "null"],
        "maxLength": 120,
        "pattern": f"^$|{NOT_BLANK}",
        "description": "empty or null: 'Standar' (a new variant) or unchanged (a change)",
    }
    sku = {
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "empty or null: generated (a new variant) or unchanged (a change)",
    }
    variant_input = obj(
        {"name": variant_name, "sku": sku, "price": PRICE, "stock": {**STOCK, "default": 0}},
        ["price"],
        description="name defaults to 'Standar', sku is generated when empty",
    )
    return {
        "Category": obj({"slug": STRING, "name": STRING, "sector": SECTOR}, ["slug", "name", "sector"]),
        "Variant": obj(
            {"id": INTEGER, "name": STRING, "sku": STRING, "price": PRICE, "stock": STOCK},
            ["id", "name", "sku", "price", "stock"],
        ),
        "VariantInput": variant_input,
        "VariantPatch": obj({"name": text(120), "sku": sku, "price": PRICE, "stock": STOCK}),
        "Image": obj(
            {"id": INTEGER, "url": URL, "thumbnail_url": URL, "width": INTEGER, "height": INTEGER},
            ["url", "thumbnail_url"],
        ),
    }


def _products() -> dict:
    """Products as the catalogue shows them."""
    return {
        "Product": obj(
            {
                "id": INTEGER,
                "name": STRING,
                "description": STRING,
                "store": {"type": "string", "description": "the store's slug"},
                "category": {"type": ["string", "null"], "description": "the category's slug"},
                "status": {"enum": list(PRODUCT_STATUSES)},
                "price": {**RUPIAH, "description": "the cheapest variant's price"},
                "unit": NULLABLE_STRING,
                "weight_grams": {
                    "type": ["integer", "null"],
                    "description": "packed weight; null: sold by pickup and the store's own delivery only",
                },
                "dimensions": {"oneOf": [{"type": "null"}, ref("Dimensions")], "description": "packed size"},
                "created_at": DATETIME,
                "thumbnail_url": {
                    "type": ["string", "null"],
                    "format": "uri-reference",
                    "description": "the first photo, in listings",
                },
            },
            ["id", "name", "store", "category", "status", "price"],
        ),
        "ProductDetail": {
            "allOf": [
                ref("Product"),
                obj(
                    {
                        "variants": array(ref("Variant")),
                        "images": array(ref("Image")),
                    },
                    ["variants"],
                ),
            ]
        },
    }


def _product_inputs() -> dict:
    """What a seller sends to add or change a product."""
    product_fields = {
        "name": text(160),
        "description": text(20000, required=False, nullable=True),
        "category": {"type": ["string", "null"], "description": "a slug of GET /categories; empty or null: none"},
        "unit": text(30, required=False, nullable=True),
        "weight_grams": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_WEIGHT_GRAMS},
        "dimensions": {
            "oneOf": [{"type": "null"}, ref("Dimensions")],
            "description": "the packed size, all three sides or null (none)",
        },
    }
    side = {"type": "integer", "minimum": 1, "maximum": MAX_SIDE_CM}
    return {
        "Dimensions": obj(
            {"length_cm": side, "width_cm": side, "height_cm": side}, ["length_cm", "width_cm", "height_cm"]
        ),
        "ProductInput": obj(
            {
                **product_fields,
                "status": {"enum": list(PRODUCT_STATUSES), "default": "draft"},
                "variants": array(ref("VariantInput"), minItems=1, maxItems=MAX_VARIANTS),
            },
            ["name", "variants"],
        ),
        "ProductPatch": obj({**product_fields, "status": {"enum": list(PRODUCT_STATUSES)}}),
    }


def _facets() -> dict:
    """``GET /products?facets=1``: how many products each filter value would show."""
    count = {"type": "integer", "minimum": 0}
    choice = obj(
        {
            "value": {"type": "string", "description": "what the filter's parameter takes"},
            "label": {"type": "string", "description": "in the request's language"},
            "count": count,
            "chosen": {"type": "boolean"},
        },
        ["value", "label", "count", "chosen"],
    )
    band = obj(
        {
            "min": {"type": "integer", "minimum": 0, "description": "min_price (whole rupiah)"},
            "max": {"type": ["integer", "null"], "minimum": 0, "description": "max_price; null: no upper end"},
            "label": STRING,
            "count": count,
            "chosen": {"type": "boolean", "description": "min_price and max_price are this band's"},
        },
        ["min", "max", "label", "count", "chosen"],
    )
    switch = obj({"count": count}, ["count"])
    return {
        "Facets": obj(
            {
                "sector": array(choice, description="sectors that count a product, in ESMART.md's order"),
                "category": array(choice, description="categories that count a product, most first"),
                "city": array(choice, description="cities that count a product, most first"),
                "price": array(band, description="every price band, cheapest first, a band of no product too"),
                "in_stock": {**switch, "description": "products that `in_stock=1` would keep"},
                "expo": {**switch, "description": "products that `expo=1` would keep"},
            },
            ["sector", "category", "city", "price", "in_stock", "expo"],
            description="Each facet counted with every other filter of the request applied but its own, "
            "over the same matches as `items` when `q` is given. A chosen value is listed even when it "
            "counts nothing.",
        ),
        "ProductPageWithFacets": {
            "allOf": [ref("ProductPage"), obj({"facets": ref("Facets")})],
        },
    }
