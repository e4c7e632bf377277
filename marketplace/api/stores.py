"""API endpoints: stores, and the seller's writes to the catalogue.

Reads are public (approved stores only). Writes need a bearer token; a store's
products, variants and photos answer 404 to anyone who is not its member.
"""

from __future__ import annotations

from flask import request

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body, page_args, paged
from marketplace.api.serializers import product_json, store_json, variant_json
from marketplace.catalog import services as catalog
from marketplace.catalog.sectors import SECTORS
from marketplace.errors import NotFound, ValidationError
from marketplace.expo import services as expo
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads, media_url
from marketplace.shipping import offer_settings
from marketplace.stores import services as stores

PRODUCT_FIELDS = ("name", "description", "category", "status", "unit", "weight_grams", "dimensions")
VARIANT_FIELDS = ("name", "sku", "price", "stock")
STORE_FIELDS = ("name", "nib", "city", "sector", "whatsapp", "address", "description")


def _pick(data: dict, names: tuple[str, ...]) -> dict:
    return {key: data[key] for key in names if key in data}


def _member_product(product_id: int):
    """The product if the token's user is a member of its store; the same 404 as an unknown id otherwise."""
    product = catalog.get_product(product_id)
    _require_member_of(product.store_id, _("Produk tidak ditemukan."))
    return product


def _member_variant(variant_id: int):
    variant = catalog.get_variant(variant_id)
    _require_member_of(variant.store_id, _("Varian tidak ditemukan."))
    return variant


def _require_member_of(store_id: int, message: str) -> None:
    try:
        stores.member_store(store_id, current_api_user())
    except NotFound:
        raise NotFound(message) from None


def _product_answer(product_id: int, store_slug: str) -> dict:
    product = catalog.product_with_details(product_id)
    return product_json(
        product,
        store_slug,
        product.category.slug if product.category else None,
        variants=product.variants,
        images=product.images,
    )


def _image_json(image) -> dict:
    return {
        "id": image.id,
        "url": media_url(image.path),
        "thumbnail_url": media_url(image.path, 400),
        "width": image.width,
        "height": image.height,
    }


@bp.get("/stores")
def list_stores():
    """Approved stores; ?featured=1 the featured vendors in order, ?expo=SLUG its exhibitors, ?sector=."""
    page, per_page = page_args(default_per_page=50)
    sector = request.args.get("sector") or None
    if sector and sector not in SECTORS:
        raise ValidationError(fields={"sector": _("Sektor tidak dikenal.")})
    ids = None
    if request.args.get("featured", "") not in ("", "0", "1", "true", "false"):
        raise ValidationError(fields={"featured": _("Pilih 1 atau 0.")})
    if request.args.get("featured") in ("1", "true"):
        ids = expo.featured_store_ids()
    if request.args.get("expo"):
        exhibitors = expo.exhibitor_store_ids(request.args["expo"])
        ids = exhibitors if ids is None else [i for i in ids if i in set(exhibitors)]
    items, total = stores.selling_stores(sector=sector, ids=ids, page=page, per_page=per_page)
    return paged([store_json(s) for s in items], total, page, per_page)


@bp.get("/stores/<slug>")
def get_store(slug: str):
    """One approved store with its profile. :raise 404: unknown or not approved."""
    return store_json(stores.get_selling_store(slug), detail=True)


@bp.post("/stores")
@auth_required()
def open_store():
    """Open a store for the token's user (who becomes a seller): 201, status pending."""
    data = json_body()
    with committing():
        store = stores.open_store(current_api_user(), _pick(data, STORE_FIELDS))
    return store_json(store, detail=True), 201


@bp.post("/stores/<slug>/products")
@auth_required()
def create_product(slug: str):
    """A product with its variants in the member's store: 201. :raise 404: not a member."""
    store = stores.get_store(slug)
    stores.require_member(store, current_api_user())
    data = _pick(json_body(), (*PRODUCT_FIELDS, "variants"))
    with committing():
        product = catalog.create_product(store, current_api_user(), data)
    return _product_answer(product.id, store.slug), 201


@bp.patch("/products/<int:product_id>")
@auth_required()
def update_product(product_id: int):
    """Change a product's fields. :raise 404: unknown product or not a member."""
    product = _member_product(product_id)
    data = _pick(json_body(), PRODUCT_FIELDS)
    with committing():
        catalog.update_product(product, current_api_user(), data)
    return _product_answer(product_id, stores.get_store_by_id(product.store_id).slug)


@bp.post("/products/<int:product_id>/variants")
@auth_required()
def add_variant(product_id: int):
    """Add a variant to a product: 201. :raise 404: unknown product or not a member."""
    product = _member_product(product_id)
    data = _pick(json_body(), VARIANT_FIELDS)
    with committing():
        variant = catalog.add_variant(product, current_api_user(), data)
    return variant_json(variant), 201


@bp.patch("/variants/<int:variant_id>")
@auth_required()
def update_variant(variant_id: int):
    """Change a variant's name, SKU, price or stock. :raise 404: unknown variant or not a member."""
    variant = _member_variant(variant_id)
    data = _pick(json_body(), VARIANT_FIELDS)
    with committing():
        catalog.update_variant(variant, current_api_user(), data)
    return variant_json(variant)


@bp.delete("/variants/<int:variant_id>")
@auth_required()
def delete_variant(variant_id: int):
    """Delete a variant (409 for a product's last one). :raise 404: unknown variant or not a member."""
    variant = _member_variant(variant_id)
    with committing():
        catalog.delete_variant(variant, current_api_user())
    return "", 204


@bp.post("/products/<int:product_id>/images")
@limit_uploads
@auth_required()
def add_image(product_id: int):
    """Upload a photo (multipart ``photo``): 201. :raise 404: unknown product or not a member."""
    product = _member_product(product_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        raise ValidationError(fields={"photo": _("Kirim berkas gambar di kolom photo (multipart).")})
    with committing():
        image = catalog.add_image(product, current_api_user(), upload.stream)
    return _image_json(image), 201


@bp.delete("/products/<int:product_id>/images/<int:image_id>")
@auth_required()
def delete_image(product_id: int, image_id: int):
    """Remove a photo. :raise 404: unknown, another product's photo, or not a member."""
    product = _member_product(product_id)
    with committing():
        catalog.remove_image(catalog.get_image(product, image_id), current_api_user())
    return "", 204


def _shipping_store(slug: str):
    """The store when the token's user is its member or the agency assisting it; 404 otherwise."""
    store = stores.get_store(slug)
    stores.require_member(store, current_api_user())
    return store


@bp.get("/stores/<slug>/shipping")
@auth_required()
def get_shipping(slug: str):
    """The store's origin, pickup, local delivery and couriers. :raise 404: not a member."""
    return offer_settings.get_settings(_shipping_store(slug))


@bp.put("/stores/<slug>/shipping")
@auth_required()
def put_shipping(slug: str):
    """Change any of the four sections; the saved settings. :raise 404: not a member. :raise 422: bad input."""
    store = _shipping_store(slug)
    with committing():
        answer = offer_settings.update_settings(store, json_body(), current_api_user())
    return answer
