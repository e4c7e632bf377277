"""The seller's pages: stores, staff, products, variants and photos.

HTTP only: forms parse, stores.services and catalog.services decide, the view
commits or rolls back. Every page needs a login; a store's pages answer 404 to
anyone who is not its member (stores.services.require_member).
"""

from __future__ import annotations

import logging
import re
import smtplib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from marketplace import mail
from marketplace.accounts.services import get_user_by_email
from marketplace.catalog import services as catalog
from marketplace.errors import NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import phone_display
from marketplace.media import limit_uploads
from marketplace.stores import services
from marketplace.stores.forms import (
    NEW_VARIANT_ROWS,
    ClaimForm,
    InviteForm,
    LogoForm,
    PhotoForm,
    ProductForm,
    StoreForm,
    StoreSettingsForm,
)
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)

bp = Blueprint("stores", __name__, template_folder="templates")

LOW_STOCK = 5  # a variant with this many or fewer left is highlighted on the dashboard
VARIANT_FIELD = re.compile(r"^variants\.(\d+)\.(\w+)$")


# --- helpers -------------------------------------------------------------------


def _member_store(slug: str, owner_only: bool = False):
    """The store and the current user's membership; 404 for non-members, 403 for staff on owner pages."""
    store = services.get_store(slug)
    member = services.require_member(store, current_user, owner_only=owner_only)
    return store, member


def _store_product(store, product_id: int):
    """The store's product with variants and photos loaded; 404 if it is another store's."""
    product = catalog.product_with_details(product_id)
    if product.store_id != store.id:
        raise NotFound(_("Produk tidak ditemukan."))
    return product


def _add_error(field, message: str) -> None:
    if isinstance(field.errors, tuple):
        field.errors = list(field.errors)
    field.errors.append(message)


def _failed(form, exc: ServiceError) -> int:
    """Roll back, put the service's errors on the form; the status to answer with."""
    db.session.rollback()
    apply_errors(form, exc)
    return 422 if exc.status in (400, 422) else exc.status


def _form_status(form) -> int:
    return 422 if request.method == "POST" and form.errors else 200


def _upload_limit_mb() -> int:
    return max(1, int(current_app.config.get("MAX_CONTENT_LENGTH") or 8 * 1024 * 1024) // (1024 * 1024))


def _uploaded(form, field_name: str):
    """The uploaded file, or None with an error on the field when none was chosen."""
    upload = getattr(form, field_name).data
    if upload is None or not getattr(upload, "filename", ""):
        _add_error(getattr(form, field_name), _("Pilih berkas gambar terlebih dahulu."))
        return None
    return upload


@bp.app_template_global()
def upload_limit_mb() -> int:
    return _upload_limit_mb()


# --- the seller's home and opening a store -----------------------------------


@bp.get("/seller/")
@login_required
def dashboard():
    """The user's stores; straight to the dashboard when there is one, a call to open one when none."""
    stores = services.stores_of(current_user)
    if len(stores) == 1:
        return redirect(url_for(".store_dashboard", slug=stores[0].slug))
    return render_template("stores/seller_home.html", stores=stores)


@bp.route("/seller/stores/new", methods=["GET", "POST"])
@login_required
def open_store():
    """The form to open a store; the new store waits for the agency's verification."""
    form = StoreForm()
    if form.validate_on_submit():
        try:
            store = services.open_store(current_user, form.service_data())
            db.session.commit()
        except ServiceError as exc:
            status = _failed(form, exc)
            return render_template("stores/open.html", form=form), status
        flash(_("Toko %(name)s sudah dibuat dan menunggu verifikasi dinas.", name=store.name), "success")
        return redirect(url_for(".store_dashboard", slug=store.slug))
    return render_template("stores/open.html", form=form), _form_status(form)


# --- one store -------------------------------------------------------------------


@bp.get("/seller/stores/<slug>/")
@login_required
def store_dashboard(slug: str):
    """Status banner, counts and the product table. :raise 404: not a member."""
    store, member = _member_store(slug)
    rows = [_product_row(p) for p in catalog.seller_products(store.id)]
    counts = {
        "products": len(rows),
        "active": sum(1 for r in rows if r["product"].status == "active"),
        "draft": sum(1 for r in rows if r["product"].status == "draft"),
        "low_stock": sum(1 for r in rows if r["low"]),
    }
    from marketplace.agency import assist, charts, reports

    sales = reports.store_daily_sales(store.id)
    return render_template(
        "stores/store_dashboard.html",
        store=store,
        member=member,
        rows=rows,
        counts=counts,
        low_stock=LOW_STOCK,
        sales=sales,
        sales_chart=charts.daily_bars(sales.days, title=_("Penjualan 30 hari terakhir"), height=200),
        assisted=assist.history(store, limit=20),
    )


def _product_row(product) -> dict:
    variants = product.variants
    prices = [v.price for v in variants] or [0]
    return {
        "product": product,
        "variants": len(variants),
        "price_min": min(prices),
        "price_max": max(prices),
        "stock": sum(v.stock for v in variants),
        "low": any(v.stock <= LOW_STOCK for v in variants),
        "out": any(v.stock == 0 for v in variants),
    }


@bp.route("/seller/stores/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """The store's profile and logo (owner only). :raise 404: not a member. :raise 403: staff."""
    store, member = _member_store(slug, owner_only=True)
    form = _settings_form(store) if request.method == "GET" else StoreSettingsForm()
    if form.validate_on_submit():
        try:
            services.update_store(store, current_user, form.service_data())
            db.session.commit()
        except ServiceError as exc:
            status = _failed(form, exc)
            return _render_settings(store, member, form, LogoForm(formdata=None), status)
        flash(_("Profil toko tersimpan."), "success")
        return redirect(url_for(".settings", slug=store.slug))
    return _render_settings(store, member, form, LogoForm(formdata=None), _form_status(form))


@bp.post("/seller/stores/<slug>/settings/logo")
@limit_uploads
@login_required
def upload_logo(slug: str):
    """Replace the store's logo. :raise 404: not a member. :raise 403: staff."""
    store, member = _member_store(slug, owner_only=True)
    logo_form = LogoForm()
    upload = _uploaded(logo_form, "logo") if logo_form.validate_on_submit() else None
    if upload is not None:
        try:
            services.set_logo(store, current_user, upload.stream)
            db.session.commit()
        except ServiceError as exc:
            status = _failed(logo_form, exc)
            return _render_settings(store, member, _settings_form(store), logo_form, status)
        flash(_("Logo toko diperbarui."), "success")
        return redirect(url_for(".settings", slug=store.slug))
    return _render_settings(store, member, _settings_form(store), logo_form, 422)


def _settings_form(store) -> StoreSettingsForm:
    """The profile form filled from the store (the WhatsApp number as people write it)."""
    form = StoreSettingsForm(formdata=None, obj=store)
    form.whatsapp.data = phone_display(store.whatsapp) if store.whatsapp else ""
    return form


def _render_settings(store, member, form, logo_form, status: int):
    return render_template("stores/settings.html", store=store, member=member, form=form, logo_form=logo_form), status


# --- staff and invites -----------------------------------------------------------


@bp.route("/seller/stores/<slug>/staff", methods=["GET", "POST"])
@login_required
def staff(slug: str):
    """Members and pending invites; the owner invites by e-mail. :raise 404: not a member."""
    store, member = _member_store(slug, owner_only=request.method == "POST")
    form = InviteForm()
    status = _form_status(form)
    if form.validate_on_submit():
        try:
            invite, token = services.invite_staff(store, current_user, form.email.data)
            db.session.commit()
        except ServiceError as exc:
            status = _failed(form, exc)
        else:
            _send_invite(store, invite, token)
            return redirect(url_for(".staff", slug=store.slug))
    return render_template(
        "stores/staff.html",
        store=store,
        member=member,
        form=form,
        members=services.members_of(store),
        invites=services.pending_invites(store),
    ), status


def _send_invite(store, invite, token: str) -> None:
    invitee = get_user_by_email(invite.email)
    try:
        mail.send_mail(
            invite.email,
            _("Undangan bergabung dengan toko %(store)s", store=store.name),
            "stores/mail/invite.txt",
            locale=getattr(invitee, "locale", None),
            store=store,
            inviter=current_user,
            invite=invite,
            accept_url=absolute_url("stores.accept_invite", token=token),
        )
    except (smtplib.SMTPException, OSError):
        log.exception("invite mail to %s failed", invite.email)
        flash(_("Undangan tersimpan, tetapi e-mail gagal dikirim. Coba undang lagi nanti."), "error")
        return
    flash(_("Undangan dikirim ke %(email)s.", email=invite.email), "success")


@bp.route("/invites/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    """Show and accept a store invite (signed-in user with the invited e-mail); an owner invite to
    an e-mail without an account sets a name and password instead. :raise 404: bad token."""
    if not current_user.is_authenticated:
        invite = services.invite_for_token(token)
        if services.invite_needs_account(invite):
            return _claim(token, invite)
        here = url_for(".accept_invite", token=token)
        flash(
            Markup(escape(_("Masuk untuk menerima undangan toko. Belum punya akun?")))
            + Markup(' <a href="{}">{}</a>').format(url_for("accounts.register", next=here), _("Daftar di sini")),
            "warning",
        )
        return redirect(url_for("accounts.login", next=here))
    invite = services.invite_for_token(token)
    store = services.get_store_by_id(invite.store_id)
    if request.method == "POST":
        services.accept_invite(invite, current_user)
        db.session.commit()
        flash(_("Anda sekarang anggota toko %(store)s.", store=store.name), "success")
        return redirect(url_for(".store_dashboard", slug=store.slug))
    matches = current_user.email.lower() == invite.email.lower()
    return render_template("stores/invite.html", invite=invite, store=store, matches=matches)


def _claim(token: str, invite):
    """The owner-claim form: name and password make the account, sign in and take the store over."""
    from marketplace.accounts.sessions import start_session

    store = services.get_store_by_id(invite.store_id)
    form = ClaimForm()
    status = _form_status(form)
    if form.validate_on_submit():
        if form.password.data != form.password_confirm.data:
            _add_error(form.password_confirm, _("Kedua kata sandi tidak sama."))
            status = 422
        else:
            try:
                user = services.claim_with_new_account(invite, form.name.data, form.password.data)
                db.session.commit()
            except ServiceError as exc:
                status = _failed(form, exc)
            else:
                start_session(user)
                flash(_("Selamat datang! Toko %(store)s sekarang milik Anda.", store=store.name), "success")
                return redirect(url_for(".store_dashboard", slug=store.slug))
    return render_template("stores/claim.html", form=form, invite=invite, store=store, token=token), status


# --- products ------------------------------------------------------------------


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
                _add_error(field, message)
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
    store, member = _member_store(slug)
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
    return _render_new(store, member, form, _form_status(form))


def _render_new(store, member, form, status: int):
    return render_template("stores/product_form.html", store=store, member=member, form=form, product=None), status


def _edit_form(product) -> ProductForm:
    data = {
        "name": product.name,
        "description": product.description,
        "category": product.category.slug if product.category else "",
        "unit": product.unit or "",
        "status": product.status,
        "weight_grams": "" if product.weight_grams is None else str(product.weight_grams),
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
    store, member = _member_store(slug)
    product = _store_product(store, product_id)
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
        return _render_edit(store, member, _store_product(store, product_id), form=form, status=422)
    db.session.commit()
    flash(_("Perubahan produk tersimpan."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product.id))


@bp.post("/seller/stores/<slug>/products/<int:product_id>/status")
@login_required
def product_status(slug: str, product_id: int):
    """Quick action: activate, archive, or back to draft. :raise 404: not a member or not its product."""
    store, _member = _member_store(slug)
    product = _store_product(store, product_id)
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
    store, _member = _member_store(slug)
    product = _store_product(store, product_id)
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
    store, member = _member_store(slug)
    product = _store_product(store, product_id)
    photo_form = PhotoForm()
    upload = _uploaded(photo_form, "photo") if photo_form.validate_on_submit() else None
    if upload is None:
        return _render_edit(store, member, product, photo_form=photo_form, status=422)
    try:
        catalog.add_image(product, current_user, upload.stream)
        db.session.commit()
    except ServiceError as exc:
        status = _failed(photo_form, exc)
        return _render_edit(store, member, _store_product(store, product_id), photo_form=photo_form, status=status)
    flash(_("Foto ditambahkan."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))


@bp.post("/seller/stores/<slug>/products/<int:product_id>/photos/<int:image_id>/delete")
@login_required
def delete_photo(slug: str, product_id: int, image_id: int):
    """Remove a photo. :raise 404: not a member, or not this product's photo."""
    store, _member = _member_store(slug)
    product = _store_product(store, product_id)
    catalog.remove_image(catalog.get_image(product, image_id), current_user)
    db.session.commit()
    flash(_("Foto dihapus."), "success")
    return redirect(url_for(".edit_product", slug=store.slug, product_id=product_id))
