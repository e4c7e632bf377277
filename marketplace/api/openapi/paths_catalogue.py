"""The stores' and the catalogue's paths: stores, products, their variants and photos, the categories."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    ID,
    PAGE_PARAMS,
    SEARCH_PRICE,
    SECTOR,
    STRING,
    answer,
    body,
    items_of,
    obj,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.api.openapi.parameters import (
    PRODUCT_ID,
    SELLER,
    STORE_SLUG,
)
from marketplace.catalog.search import SORTS, SWITCH_VALUES

SWITCH = {"enum": [value for value in SWITCH_VALUES if value]}


def catalogue_paths() -> dict:
    """Every path of the stores and the catalogue."""
    return {
        **_stores(),
        **_store(),
        **_product_search(),
        **_products(),
        **_variants(),
        **_photos(),
        **_categories(),
    }


def _stores() -> dict:
    """The approved stores; opening a store."""
    return {
        "/stores": {
            "get": operation(
                "listStores",
                "Approved stores",
                "stores",
                {"200": answer("A page of stores.", ref("StorePage"))},
                params=[
                    query(
                        "featured",
                        {"enum": ["1", "true", "0", "false"]},
                        "1 or true: only the featured vendors, in order",
                    ),
                    query("expo", STRING, "only this expo's exhibitors (expo slug)"),
                    query("sector", SECTOR),
                    *PAGE_PARAMS,
                ],
                errors=("404", "422"),
            ),
            "post": operation(
                "openStore",
                "Open a store (pending until the agency approves it)",
                "stores",
                {"201": answer("The new store, status `pending`.", ref("StoreDetail"))},
                auth="seller (any signed-in user becomes one)",
                request=body(ref("StoreInput")),
            ),
        },
    }


def _store() -> dict:
    """One approved store."""
    return {
        "/stores/{slug}": {
            "get": operation(
                "getStore",
                "One approved store",
                "stores",
                {"200": answer("The store.", ref("StoreDetail"))},
                params=[STORE_SLUG],
                errors=("404",),
            )
        },
    }


def _product_search() -> dict:
    """Searching and browsing the catalogue."""
    return {
        "/products": {
            "get": operation(
                "listProducts",
                "Search and browse active products of approved stores",
                "catalogue",
                {
                    "200": answer(
                        "A page of products; with `facets=1` each filter's counts.", ref("ProductPageWithFacets")
                    )
                },
                params=[
                    query("q", STRING, "words; relevance first when given"),
                    query("sector", SECTOR),
                    query("category", {"type": "string"}, "a slug of GET /categories"),
                    query("store", STRING, "store slug"),
                    query("city", STRING),
                    query("min_price", SEARCH_PRICE),
                    query("max_price", SEARCH_PRICE),
                    query("in_stock", SWITCH, "1 or true: only products with a variant in stock"),
                    query("expo", SWITCH, "1 or true: only products of stores exhibiting in a running expo"),
                    query("sort", {"enum": list(SORTS)}),
                    *PAGE_PARAMS,
                    query("facets", SWITCH, "1 or true: add `facets`, the counts of each filter's values"),
                ],
                errors=("422",),
                description="`min_price` may not be above `max_price` (422). A price band of `facets.price` "
                "is its `min` and `max` as `min_price` and `max_price`.",
            )
        },
    }


def _products() -> dict:
    """Adding a product to a store; reading and changing one."""
    return {
        "/stores/{slug}/products": {
            "post": operation(
                "createProduct",
                "Add a product with its variants",
                "catalogue",
                {"201": answer("The product.", ref("ProductDetail"))},
                auth=SELLER,
                params=[STORE_SLUG],
                request=body(ref("ProductInput")),
                errors=("404", "409"),
            )
        },
        "/products/{id}": {
            "get": operation(
                "getProduct",
                "One product with its variants and photos",
                "catalogue",
                {"200": answer("The product.", ref("ProductDetail"))},
                params=[PRODUCT_ID],
                errors=("404",),
            ),
            "patch": operation(
                "updateProduct",
                "Change a product",
                "catalogue",
                {"200": answer("The product.", ref("ProductDetail"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request=body(ref("ProductPatch")),
                errors=("404",),
            ),
        },
    }


def _variants() -> dict:
    """A product's variants: adding, changing, deleting one."""
    return {
        "/products/{id}/variants": {
            "post": operation(
                "addVariant",
                "Add a variant to a product",
                "catalogue",
                {"201": answer("The variant.", ref("Variant"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request=body(ref("VariantInput")),
                errors=("404", "409"),
            )
        },
        "/variants/{id}": {
            "patch": operation(
                "updateVariant",
                "Change a variant's name, SKU, price or stock",
                "catalogue",
                {"200": answer("The variant.", ref("Variant"))},
                auth=SELLER,
                params=[path_param("id", ID)],
                request=body(ref("VariantPatch")),
                errors=("404", "409"),
            ),
            "delete": operation(
                "deleteVariant",
                "Delete a variant (not a product's last one)",
                "catalogue",
                {"204": answer("Deleted.")},
                auth=SELLER,
                params=[path_param("id", ID)],
                errors=("404", "409"),
            ),
        },
    }


def _photos() -> dict:
    """A product's photos: uploading and removing one."""
    return {
        "/products/{id}/images": {
            "post": operation(
                "addProductImage",
                "Upload a photo (JPEG, PNG or WebP)",
                "catalogue",
                {"201": answer("The stored photo.", ref("Image"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {"photo": {"type": "string", "contentMediaType": "application/octet-stream"}}, ["photo"]
                            )
                        }
                    },
                },
                errors=("404",),
            )
        },
        "/products/{id}/images/{image_id}": {
            "delete": operation(
                "deleteProductImage",
                "Remove a photo",
                "catalogue",
                {"204": answer("Removed.")},
                auth=SELLER,
                params=[PRODUCT_ID, path_param("image_id", ID)],
                errors=("404",),
            )
        },
    }


def _categories() -> dict:
    """The product categories."""
    return {
        "/categories": {
            "get": operation(
                "listCategories",
                "The product categories",
                "catalogue",
                {"200": answer("Every category.", items_of(ref("Category")))},
            )
        },
    }
