"""The seller's pages: stores, their settings, staff and invites (products: product_views.py).

HTTP only: forms parse, stores.services and catalog.services decide, the view
commits or rolls back. Every page needs a login; a store's pages answer 404 to
anyone who is not its member (stores.services.require_member).
"""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from marketplace.catalog import services as catalog
from marketplace.errors import ServiceError
from marketplace.expo import links
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.i18n import phone_display
from marketplace.media import limit_uploads
from marketplace.stores import mails, services
from marketplace.stores.blueprint import add_error, form_status, member_store, uploaded
from marketplace.stores.blueprint import bp as bp
from marketplace.stores.forms import ClaimForm, InviteForm, LogoForm, StoreForm, StoreSettingsForm

log = logging.getLogger(__name__)

LOW_STOCK = 5  # a variant with this many or fewer left is highlighted on the dashboard


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
            status = failed(form, exc)
            return render_template("stores/open.html", form=form), status
        flash(_("Toko %(name)s sudah dibuat dan menunggu verifikasi dinas.", name=store.name), "success")
        return redirect(url_for(".store_dashboard", slug=store.slug))
    return render_template("stores/open.html", form=form), form_status(form)


# --- one store -------------------------------------------------------------------


@bp.get("/seller/stores/<slug>/")
@login_required
def store_dashboard(slug: str):
    """Status banner, counts and the product table. :raise 404: not a member."""
    store, member = member_store(slug)
    rows = [_product_row(p) for p in catalog.seller_products(store.id)]
    counts = {
        "products": len(rows),
        "active": sum(1 for r in rows if r["product"].status == "active"),
        "draft": sum(1 for r in rows if r["product"].status == "draft"),
        "low_stock": sum(1 for r in rows if r["low"]),
    }
    # couriers price by weight: without one a product goes by pickup and local delivery only
    unweighed = [r["product"] for r in rows if r["product"].weight_grams is None and r["product"].status != "archived"]
    from marketplace.agency import assist, booth_stats, charts, reports

    sales = reports.store_daily_sales(store.id)
    booth = booth_stats.booth_card(store.id)  # "Stan Anda di <expo>": one statement
    return render_template(
        "stores/store_dashboard.html",
        store=store,
        member=member,
        rows=rows,
        counts=counts,
        unweighed=unweighed,
        low_stock=LOW_STOCK,
        sales=sales,
        sales_chart=charts.daily_bars(sales.days, title=_("Penjualan 30 hari terakhir"), height=200),
        assisted=assist.history(store, limit=20),
        booth=booth,
        booth_href=links.booth_url(booth.expo_slug, booth.booth, store.slug) if booth else None,
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
    store, member = member_store(slug, owner_only=True)
    form = _settings_form(store) if request.method == "GET" else StoreSettingsForm()
    if form.validate_on_submit():
        try:
            services.update_store(store, current_user, form.service_data())
            db.session.commit()
        except ServiceError as exc:
            status = failed(form, exc)
            return _render_settings(store, member, form, LogoForm(formdata=None), status)
        flash(_("Profil toko tersimpan."), "success")
        return redirect(url_for(".settings", slug=store.slug))
    return _render_settings(store, member, form, LogoForm(formdata=None), form_status(form))


@bp.post("/seller/stores/<slug>/settings/logo")
@limit_uploads
@login_required
def upload_logo(slug: str):
    """Replace the store's logo. :raise 404: not a member. :raise 403: staff."""
    store, member = member_store(slug, owner_only=True)
    logo_form = LogoForm()
    upload = uploaded(logo_form, "logo") if logo_form.validate_on_submit() else None
    if upload is not None:
        try:
            services.set_logo(store, current_user, upload.stream)
            db.session.commit()
        except ServiceError as exc:
            status = failed(logo_form, exc)
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
    store, member = member_store(slug, owner_only=request.method == "POST")
    form = InviteForm()
    status = form_status(form)
    if form.validate_on_submit():
        try:
            invite, token = services.invite_staff(store, current_user, form.email.data)
            mails.queue_invite_mail(store, invite, token, current_user)
            db.session.commit()
        except ServiceError as exc:
            status = failed(form, exc)
        else:
            flash(_("Undangan untuk %(email)s masuk antrean kirim.", email=invite.email), "success")
            return redirect(url_for(".staff", slug=store.slug))
    return render_template(
        "stores/staff.html",
        store=store,
        member=member,
        form=form,
        members=services.members_of(store),
        invites=services.pending_invites(store),
    ), status


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
    status = form_status(form)
    if form.validate_on_submit():
        if form.password.data != form.password_confirm.data:
            add_error(form.password_confirm, _("Kedua kata sandi tidak sama."))
            status = 422
        else:
            try:
                user = services.claim_with_new_account(invite, form.name.data, form.password.data)
                db.session.commit()
            except ServiceError as exc:
                status = failed(form, exc)
            else:
                start_session(user)
                flash(_("Selamat datang! Toko %(store)s sekarang milik Anda.", store=store.name), "success")
                return redirect(url_for(".store_dashboard", slug=store.slug))
    return render_template("stores/claim.html", form=form, invite=invite, store=store, token=token), status
