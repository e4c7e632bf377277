"""JSON endpoints under /api/v1/insurance (CONTRACT.md "Plugin endpoints")."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace.api import auth_required, committing, current_api_user, json_body, page_args, paged
from marketplace.errors import ValidationError
from marketplace.extensions import csrf
from marketplace.i18n import gettext as _
from marketplace.inputs import Body
from marketplace.media import limit_uploads
from marketplace.stores import services as stores

from . import claims, policies, premiums, terms
from .serializers import claim_json, policy_json, product_json

bp = Blueprint("insurance_api", __name__, url_prefix="/api/v1/insurance")
csrf.exempt(bp)


@bp.get("/products")
def products():
    """Insurers and their products, with their current terms."""
    return jsonify({"items": [product_json(p) for p in terms.products()]})


@bp.post("/policies")
@auth_required("agency")
def grant():
    """Grant a store (``store``) — or every exhibitor of an expo (``expo``) — a policy of ``product``.
    :raise 404: unknown store, expo or product :raise 409: the store already has an active one"""
    data = json_body()
    data.texts("product", "expo", "store")
    product = terms.get_product(data.text("product"))
    user = current_api_user()
    if data.get("expo") and not data.get("store"):
        with committing():
            result = policies.grant_to_exhibitors(user, data.text("expo"), product)
        granted = policies.by_ids([p.id for p in result.granted])
        return jsonify(
            {"items": [policy_json(p) for p in granted], "granted": len(result.granted), "skipped": result.skipped}
        ), 201
    if not isinstance(data.get("store"), str):
        raise ValidationError(fields={"store": _("Wajib diisi.")})
    with committing():
        policy = policies.grant(user, stores.get_store(data["store"]), product)
    return jsonify(policy_json(policies.visible(user, policy.id))), 201


@bp.get("/policies")
@auth_required()
def list_policies():
    """A seller: its stores' policies; an insurer: its own insurer's; agency and admin: all."""
    page, per_page = page_args(50, 100)
    items, total = policies.listing(current_api_user(), page, per_page)
    return jsonify(paged([policy_json(p) for p in items], total, page, per_page))


@bp.get("/policies/<ref>")
@auth_required()
def get_policy(ref: str):
    """One policy by id or number. :raise 404: unknown or not the user's to see"""
    return jsonify(policy_json(policies.visible(current_api_user(), ref)))


@bp.post("/claims")
@limit_uploads
@auth_required()
def file_claim():
    """A member of the insured store files a claim on ``policy``; a shopper on its protected ``order``.
    JSON, or multipart with ``photos`` files. :raise 404: :raise 409: an open claim for the incident :raise 422:"""
    data = Body(request.form.to_dict()) if request.files or request.form else json_body()
    data.texts("order", "incident_date", "cause", "description")
    photos = request.files.getlist("photos")
    user = current_api_user()
    with committing():
        if data.get("order") and not data.get("policy"):
            claim = claims.file_protection_claim(user, data.text("order"), data, photos)
        else:
            claim = claims.file_policy_claim(user, _policy_ref(data), data, photos)
    return jsonify(claim_json(claims.visible(user, claim.id))), 201


def _policy_ref(data: Body):
    """The claimed policy: its number (text) or id (a whole number an id column holds; 422 otherwise)."""
    ref = data.get("policy")
    if isinstance(ref, str) and not (ref.strip().isascii() and ref.strip().isdigit()):
        return ref
    if ref is None or ref == "":
        raise ValidationError(fields={"policy": _("Wajib diisi.")})
    return data.id("policy")


@bp.get("/claims")
@auth_required()
def list_claims():
    """The claims the user may see (``status`` filters)."""
    page, per_page = page_args(50, 100)
    status = request.args.get("status") or None
    if status is not None and status not in claims.CLAIM_STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    items, total = claims.listing(current_api_user(), status, page, per_page)
    return jsonify(paged([claim_json(c) for c in items], total, page, per_page))


@bp.get("/claims/<int:claim_id>")
@auth_required()
def get_claim(claim_id: int):
    """One claim. :raise 404: unknown or not the user's to see"""
    return jsonify(claim_json(claims.visible(current_api_user(), claim_id)))


@bp.post("/claims/<int:claim_id>/decision")
@auth_required("insurer")
def decide(claim_id: int):
    """The claim's insurer approves (optional ``amount``), rejects (``note`` required) or marks it paid.
    :raise 404: another insurer's claim :raise 409: a step out of order"""
    data = json_body()
    data.texts("decision", "note")
    user = current_api_user()
    with committing():
        claim = claims.decide(user, claim_id, data.text("decision") or "", data.text("note") or "", data.get("amount"))
    return jsonify(claim_json(claims.visible(user, claim.id)))


@bp.get("/premiums")
@auth_required()
def list_premiums():
    """Order-protection premiums per insurer and month: collected, refunded, remitted, outstanding.
    An insurer: its own; agency and admin: all. :raise 403: anyone else"""
    return jsonify({"items": [m.as_json() for m in premiums.visible_months(current_api_user())]})
