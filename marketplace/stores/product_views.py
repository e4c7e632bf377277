"""The seller's product pages: a product with its variants, its status, its photos.

HTTP only: forms parse, catalog.services decides, the view commits or rolls
back. A store's pages answer 404 to anyone who is not its member, and a
product's to any store but its own.
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from marketplace.catalog import services as catalog
from marketplace.errors import NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors, failed
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads
from marketplace.stores.blueprint import add_error, bp, form_status, member_store, uploaded
from marketplace.stores.forms import NEW_VARIANT_ROWS, PhotoForm, ProductForm

VARIANT_FIELD = re.compile(r"^variants\.(\d+)\.(\w+)$")


def store_product(store, product_id: int):
    """The store's product with variants and photos loaded; 404 if it is another store's."""
    product = catalog.product_with_details(product_id)
    if product.store_id != store.id:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def _product_form(formdata=True, **data) -> ProductForm:
    form = ProductForm(**data) if formdata else ProductForm(formdata=None, **data)
    form.category.set_categories(catalog.categories_by_sector(), english=str(get_locale()) == "en")
    return form


def _apply_product_errors(form: ProductForm, exc: ServiceError, row_of: list[int]) -> None:
    """Service errors onto the form; ``variants.N.field`` goes to form row ``row_of[N]``."""
    rest: dict[str, str] = {}
    form.variant_errors = []
    for key, message in exc.fields.items():
        match = VARIANT_FIELD.match(key)
        if match and int(match[1]) < len(row_of):
            row = form.variants.entries[row_of[int(match[1])]].form
            field = getattr(row, match[2], None)
            if field is not None:
                add_error(field, message)
                continue
        if key.startswith("variants"):
            form.variant_errors.append(message)
            continue
        rest[key] = message
    apply_errors(form, ValidationError(exc.message if not exc.fields else "", fields=rest))
    if exc.fields and not form.form_errors:
        form.form_errors = [exc.message]


@bp.route("/seller/stores/<slug>/products/new", methods=["GET", "POST"])
@login_required
def new_product(slug: str):
    """Create a product with one or more variants. :raise 404: not a member."""
    store, member = member_store(slug)
    form = _product_form()
    if form.validate_on_submit():
        filled = [i for i, entry in enumerate(form.variants.entries) if not entry.form.is_blank()] or [0]
        data = form.product_data()
        data["variants"] = [form.variants.entries[i].form.service_data() for i in filled]
        try:
            product = catalog.create_product(store, current_user, data)
            db.session.commit()
        except ServiceError as exc:
            db.session.rollback()
            _apply_product_errors(form, exc, filled)
            return _render_new(store, member, form, 422)
        flash(_("Produk %(name)s tersimpan. Tambahkan fotonya di sini.", name=product.name), "success")
        return redirect(url_for(".edit_product", slug=store.slug, product_id=product.id))
    if request.method == "GET":
        while len(form.variants.entries) < NEW_VARIANT_ROWS:
            form.variants.append_entry()
    return _render_new(store, member, form, form_status(form))


def _render_new(store, member, form, status: int):
    return render_template("stores/product_form.html", store=store, member=member, form=form, product=None), status


def _edit_form(product) -> ProductForm:
    data = {
        "name": product.name,
        "description": product.description,
        "category": product.category.slug if product.category else "",
        "unit": product.unit or "",
        "status": product.status,
        **{
            name: "" if getattr(product, name) is None else str(getattr(product, name))
            for name in ("weight_grams", "length_cm", "width_cm", "height_cm")
        },
        "variants": [
            {"id": str(v.id), "name": v.name, "sku": v.sku, "price": str(v.price), "stock": str(v.stock)}
            for v in product.variants
        ]
        + [{}],
    }
    return _product_form(formdata=False, data=data)


def _render_edit(store, member, product, form=None, photo_form=None, status: int = 200):
    return render_template(
        "stores/product_form.html",
        store=store,
        member=member,
        product=product,
        form=form or _edit_form(product),
        photo_form=photo_form or PhotoForm(formdata=None),
        max_images=catalog.MAX_IMAGES,
    ), status


@bp.route("/seller/stores/<slug>/products/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(slug: str, product_id: int):
    """Edit a product and its variants, add one. :raise 404: not a member, or another store's product."""
    store, member = member_store(slug)
    product = store_product(store, product_id)
    if request.method == "GET":
        return _render_edit(store, member, product)
    form = _product_form()
    if not form.validate_on_submit():
        return _render_edit(store, member, product, form=form, status=422)
    rows = [
        (
            entry.form.id.data or None,
            entry.form.service_data() if entry.form.id.data or not entry.form.is_blank() else None,
        )
        for entry in form.variants.entries
    ]
    try:
        catalog.edit_product(product, current_user, form.product_data(), rows)
    except ValidationError as exc:
        db.session.rollback()
        _apply_product_errors(form, exc, list(range(len(form.variants.entries))))
        return _render_edit(store, member, store_product(store, product_id), form=form, status=422)
    db.session.commit()
    flash(_("Perubahan produk tersimpan."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product.id))


@bp.post("/seller/stores/<slug>/products/<int:product_id>/status")
@login_required
def product_status(slug: str, product_id: int):
    """Quick action: activate, archive, or back to draft. :raise 404: not a member or not its product."""
    store, _member = member_store(slug)
    product = store_product(store, product_id)
    try:
        catalog.set_product_status(product, current_user, request.form.get("status", ""))
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(next(iter(exc.fields.values()), exc.message), "error")
    else:
        flash(_("Status produk: %(status)s.", status=_status_label(product.status)), "success")
    if request.form.get("back") == "dashboard":
        return redirect(url_for(".store_dashboard", slug=store.slug))
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))


def _status_label(status: str) -> str:
    return {"draft": _("Draf"), "active": _("Aktif"), "archived": _("Diarsipkan")}.get(status, status)


@bp.app_template_filter("product_status")
def product_status_label(status: str) -> str:
    return _status_label(status)


@bp.post("/seller/stores/<slug>/products/<int:product_id>/variants/<int:variant_id>/delete")
@login_required
def delete_variant(slug: str, product_id: int, variant_id: int):
    """Delete one variant (never the last). :raise 404: not a member, or not this product's variant."""
    store, _member = member_store(slug)
    product = store_product(store, product_id)
    variant = next((v for v in product.variants if v.id == variant_id), None)
    if variant is None:
        raise NotFound(_("Varian tidak ditemukan."))
    try:
        catalog.delete_variant(variant, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Varian %(name)s dihapus.", name=variant.name), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))


@bp.post("/seller/stores/<slug>/products/<int:product_id>/photos")
@limit_uploads
@login_required
def upload_photo(slug: str, product_id: int):
    """Add a photo (multipart ``photo``). :raise 404: not a member or not its product."""
    store, member = member_store(slug)
    product = store_product(store, product_id)
    photo_form = PhotoForm()
    upload = uploaded(photo_form, "photo") if photo_form.validate_on_submit() else None
    if upload is None:
        return _render_edit(store, member, product, photo_form=photo_form, status=422)
    try:
        catalog.add_image(product, current_user, upload.stream)
        db.session.commit()
    except ServiceError as exc:
        status = failed(photo_form, exc)
        return _render_edit(store, member, store_product(store, product_id), photo_form=photo_form, status=status)
    flash(_("Foto ditambahkan."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))


@bp.post("/seller/stores/<slug>/products/<int:product_id>/photos/<int:image_id>/delete")
@login_required
def delete_photo(slug: str, product_id: int, image_id: int):
    """Remove a photo. :raise 404: not a member, or not this product's photo."""
    store, _member = member_store(slug)
    product = store_product(store, product_id)
    catalog.remove_image(catalog.get_image(product, image_id), current_user)
    db.session.commit()
    flash(_("Foto dihapus."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))
