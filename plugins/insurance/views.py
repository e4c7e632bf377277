"""Pages of store members and shoppers: policies, certificates, claims.

/seller/insurance (the user's stores' policies and claims), a printable
certificate per policy, the claim form, /insurance/claims/<id> (anyone allowed
to see the claim; the claim's insurer decides there), and the shopper's
order-protection claims."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace import media
from marketplace.api import current_api_user
from marketplace.errors import Unauthorized, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads
from marketplace.orders import services as orders
from marketplace.stores import interest

from . import access, claims, policies, protection, terms
from .forms import ClaimForm, DecisionForm, PhotosForm

bp = Blueprint(
    "insurance", __name__, template_folder="templates", static_folder="static", static_url_path="/insurance/static"
)


def _cause_choices(codes) -> list[tuple[str, str]]:
    return [("", _("— pilih penyebab —"))] + [(c, terms.cause_label(c)) for c in codes]


@bp.get("/seller/insurance")
@login_required
def seller_index():
    """The policies of the stores the user works for, and their claims."""
    store_ids = access.member_store_ids(current_user)
    found = [p for sid in store_ids for p in policies.listing(current_user, 1, 100, store_id=sid)[0]]
    store_claims = claims.store_claims(store_ids)
    return render_template(
        "insurance/seller_index.html", policies=found, claims=store_claims, has_store=bool(store_ids)
    )


@bp.get("/seller/insurance/policies/<policy_id>")
@login_required
def certificate(policy_id: str):
    """The policy's printable certificate. :raise 404: not the user's to see"""
    policy = policies.visible(current_user, policy_id)
    policy_claims, _total = claims.listing(current_user, policy_id=policy.id)
    return render_template(
        "insurance/certificate.html", policy=policy, state=policies.state(policy), claims=policy_claims
    )


def _claim_page(form: ClaimForm, subject, causes, status: int = 200, **context):
    form.cause.choices = _cause_choices(causes)
    return render_template("insurance/claim_form.html", form=form, subject=subject, **context), status


@bp.route("/seller/insurance/policies/<policy_id>/claim", methods=["GET", "POST"])
@limit_uploads
@login_required
def file_claim(policy_id: str):
    """The claim form of a store's policy; files the claim. :raise 404: :raise 403: not a member"""
    policy = claims.claimable_policy(current_user, policy_id)
    form = ClaimForm()
    if request.method == "POST":
        data = {
            "incident_date": request.form.get("incident_date"),
            "cause": form.cause.data,
            "description": form.description.data,
            "amount": form.amount.data,
        }
        try:
            claim = claims.file_policy_claim(current_user, policy.id, data, request.files.getlist("photos"))
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc)
            policy = policies.visible(current_user, policy_id)
            return _claim_page(form, policy, policy.product.cause_list, 422, policy=policy)
        flash(_("Klaim #%(id)d diajukan. Penjamin akan memeriksanya.", id=claim.id))
        return redirect(url_for("insurance.claim", claim_id=claim.id))
    return _claim_page(form, policy, policy.product.cause_list, policy=policy)


@bp.get("/insurance/protection")
@login_required
def protection_index():
    """The shopper's protected orders and its claims on them."""
    found = protection.protected_orders(current_user)
    mine, _total = claims.listing(current_user)
    mine = [c for c in mine if c.protection_id is not None]
    return render_template("insurance/protection_index.html", protected=found, claims=mine)


@bp.route("/orders/<number>/protection-claim", methods=["GET", "POST"])
@limit_uploads
@login_required
def protection_claim(number: str):
    """The claim form of a protected order (its shopper only). :raise 404:"""
    order = orders.get_for_shopper(current_user, number)
    if protection.for_order(order.id) is None:
        abort(404)
    form = ClaimForm()
    causes = list(terms.PROTECTION_CAUSES)
    if request.method == "POST":
        data = {
            "incident_date": request.form.get("incident_date"),
            "cause": form.cause.data,
            "description": form.description.data,
            "amount": form.amount.data,
        }
        try:
            claim = claims.file_protection_claim(current_user, number, data, request.files.getlist("photos"))
            db.session.commit()
        except (ValidationError, interest.ConflictOfInterest) as exc:  # bad fields; or the store's own people
            db.session.rollback()
            apply_errors(form, exc)
            order = orders.get_for_shopper(current_user, number)
            return _claim_page(form, order, causes, exc.status, order=order)
        flash(_("Klaim #%(id)d diajukan. Penjamin akan memeriksanya.", id=claim.id))
        return redirect(url_for("insurance.claim", claim_id=claim.id))
    return _claim_page(form, order, causes, order=order)


def _claim_detail(claim, status: int = 200, decision_form=None, photos_form=None):
    return render_template(
        "insurance/claim.html",
        claim=claim,
        can_decide=claims.can_decide(current_user, claim),
        decision_form=decision_form or DecisionForm(),
        photos_form=photos_form or PhotosForm(),
        days=claims.days_since_documents(claim),
        labels=claims.STATUS_LABELS,
    ), status


@bp.get("/insurance/claims/<int:claim_id>")
@login_required
def claim(claim_id: int):
    """One claim with its status and documents; the decision buttons for its insurer. :raise 404:"""
    return _claim_detail(claims.visible(current_user, claim_id))


@bp.post("/insurance/claims/<int:claim_id>/decision")
@login_required
def decide(claim_id: int):
    """The claim's insurer approves, rejects or marks it paid. :raise 404: :raise 403: :raise 409:"""
    form = DecisionForm()
    try:
        claims.decide(current_user, claim_id, form.decision.data or "", form.note.data or "", form.amount.data or None)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        for message in exc.fields.values():
            flash(message, "error")
        return _claim_detail(claims.visible(current_user, claim_id), 422, decision_form=form)
    except interest.ConflictOfInterest as exc:  # the insurer's user filed it, or belongs to the insured store
        db.session.rollback()
        flash(exc.message, "error")
        return _claim_detail(claims.visible(current_user, claim_id), exc.status, decision_form=form)
    flash(_("Keputusan klaim #%(id)d disimpan.", id=claim_id))
    return redirect(url_for("insurance.claim", claim_id=claim_id))


@bp.post("/insurance/claims/<int:claim_id>/photos")
@limit_uploads
@login_required
def add_photos(claim_id: int):
    """The claimant adds photos to its open claim. :raise 404: :raise 403:"""
    claim_obj = claims.visible(current_user, claim_id)
    form = PhotosForm()
    try:
        claims.add_photos(current_user, claim_obj, request.files.getlist("photos"))
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        apply_errors(form, exc)
        return _claim_detail(claims.visible(current_user, claim_id), 422, photos_form=form)
    flash(_("Foto bukti ditambahkan."))
    return redirect(url_for("insurance.claim", claim_id=claim_id))


@bp.get("/insurance/claims/<int:claim_id>/photos/<int:photo_id>")
def claim_photo(claim_id: int, photo_id: int):
    """A claim's photo (``?size=200|400|800`` for a thumbnail) for those who may see the claim: the
    signed-in user of the pages or the bearer of an API token (the API's claim JSON links here).
    :raise 401: nobody signed in :raise 404: not the caller's claim, or no such photo"""
    user = current_user if current_user.is_authenticated else current_api_user()
    if user is None:
        raise Unauthorized()
    claim_obj = claims.visible(user, claim_id)
    photo = next((p for p in claim_obj.photos if p.id == photo_id), None)
    if photo is None:
        abort(404)
    return media.send_private(photo.path, request.args.get("size", type=int))
