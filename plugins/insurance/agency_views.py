"""/agency/insurance: products and their terms, the order-protection rate,
grants to one store or to every exhibitor of an expo, policies and claims.
Agency and admin only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace import site_settings
from marketplace.agency import agency_only
from marketplace.errors import ServiceError, ValidationError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg
from marketplace.stores import services as stores

from . import claims, policies, premiums, protection, report, terms
from .forms import CancelForm, ExpoGrantForm, GrantForm, ProductForm, ProtectionForm
from .models import OBJECT_KINDS

bp = Blueprint("insurance_agency", __name__, url_prefix="/agency/insurance", template_folder="templates")


bp.before_request(agency_only)  # the core's agency guard: sign-in page for visitors, 403 for others


def _product_choices() -> list[tuple[str, str]]:
    return [(p.code, f"{p.name} ({p.insurer.name})") for p in terms.products(active_only=True)]


def _forms(grant=None, expo_grant=None, rate=None):
    grant, expo_grant, rate = grant or GrantForm(), expo_grant or ExpoGrantForm(), rate or ProtectionForm()
    grant.product.choices = expo_grant.product.choices = _product_choices()
    expo_grant.expo.choices = [(e.slug, e.name) for e in expos.list_expos()]
    rate.insurer.choices = [(i.code, i.name) for i in terms.insurers()]
    if not rate.percent.data:
        rate.percent.data = site_settings.percent_label(protection.rate_bps()).replace(" %", "")
        rate.minimum.data = str(protection.minimum())
        rate.insurer.data = protection.insurer_code()
    return {"grant_form": grant, "expo_grant_form": expo_grant, "rate_form": rate}


def _index(status: int = 200, **forms):
    page = page_arg()
    found, total = policies.listing(current_user, page, 50)
    recent, claim_total = claims.listing(current_user, None, 1, 50)
    return render_template(
        "insurance/agency_index.html",
        products=terms.products(),
        policies=found,
        total=total,
        page=page,
        claims=recent,
        claim_total=claim_total,
        figures=report.report_figures(),
        cancel_form=CancelForm(),
        labels=claims.STATUS_LABELS,
        premium_months=premiums.visible_months(current_user),
        **_forms(**forms),
    ), status


@bp.get("")
def index():
    """Products, the protection rate, grant forms, policies and claims."""
    return _index()


@bp.post("/grant")
def grant():
    """Grant one store a policy. Errors re-render the page (422/404/409 as a message)."""
    form = GrantForm()
    try:
        product = terms.get_product(form.product.data)
        policy = policies.grant(current_user, stores.get_store((form.store.data or "").strip()), product)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        form.store.errors = [exc.message]
        return _index(exc.status, grant=form)
    flash(_("Polis %(number)s diberikan.", number=policy.number), "success")
    return redirect(url_for("insurance_agency.index"))


@bp.post("/grant-expo")
def grant_expo():
    """Grant every exhibitor of an expo that has none a policy of the product: the first submit
    lists who gets one and who is skipped and asks to confirm; the confirmed one grants."""
    form = ExpoGrantForm()
    try:
        product = terms.get_product(form.product.data)
        if request.form.get("confirm") != "1":
            preview = policies.preview_exhibitor_grant(current_user, form.expo.data or "", product)
            return render_template("insurance/confirm_grant.html", preview=preview, product=product, form=form)
        result = policies.grant_to_exhibitors(current_user, form.expo.data or "", product)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        form.expo.errors = [exc.message]
        return _index(exc.status, expo_grant=form)
    flash(
        _(
            "%(n)d polis diberikan; %(s)d peserta dilewati karena sudah punya polis aktif.",
            n=len(result.granted),
            s=len(result.skipped),
        ),
        "success",
    )
    if result.skipped:
        flash(_("Dilewati: %(names)s.", names=", ".join(result.skipped)), "info")
    return redirect(url_for("insurance_agency.index"))


@bp.post("/protection")
def protection_terms():
    """Set the order-protection rate and minimum premium."""
    form = ProtectionForm()
    try:
        protection.set_terms(current_user, form.percent.data, form.minimum.data, form.insurer.data or None)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        if "percent" in exc.fields:
            form.percent.errors = [exc.fields["percent"]]
        return _index(422, rate=form)
    flash(_("Tarif proteksi pesanan disimpan."), "success")
    return redirect(url_for("insurance_agency.index"))


@bp.post("/policies/<int:policy_id>/cancel")
def cancel(policy_id: int):
    """Cancel an active policy. :raise 404: :raise 409: not active"""
    form = CancelForm()
    policy = policies.visible(current_user, policy_id)
    policies.cancel(current_user, policy, form.reason.data or "")
    db.session.commit()
    flash(_("Polis %(number)s dibatalkan.", number=policy.number), "success")
    return redirect(url_for("insurance_agency.index"))


@bp.route("/products/<code>", methods=["GET", "POST"])
def product(code: str):
    """Edit a product's terms. :raise 404:"""
    found = terms.get_product(code)
    form = ProductForm(obj=None if request.method == "POST" else found)
    form.object_kind.choices = [(k, terms.object_label(k)) for k in OBJECT_KINDS]
    form.causes.choices = [(c, terms.cause_label(c)) for c in terms.POLICY_CAUSES]
    if request.method == "GET":
        form.causes.data = found.cause_list
        form.sum_insured.data, form.premium.data = str(found.sum_insured), str(found.premium)
        form.period_months.data = str(found.period_months)
        return render_template("insurance/product_form.html", form=form, product=found)
    data = {
        "name": form.name.data,
        "coverage": form.coverage.data,
        "causes": form.causes.data,
        "object_kind": form.object_kind.data,
        "sum_insured": form.sum_insured.data,
        "premium": form.premium.data,
        "period_months": form.period_months.data,
        "active": form.active.data,
    }
    try:
        terms.update_product(current_user, found, data)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return render_template("insurance/product_form.html", form=form, product=terms.get_product(code)), 422
    flash(_("Ketentuan %(name)s disimpan.", name=found.name), "success")
    return redirect(url_for("insurance_agency.index"))
