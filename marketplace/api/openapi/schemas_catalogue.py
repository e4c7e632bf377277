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
