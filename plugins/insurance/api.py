"""JSON endpoints under /api/v1/insurance (CONTRACT.md "Plugin endpoints")."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from marketplace.api import auth_required, current_api_user, json_body, page_args, paged
from marketplace.errors import ValidationError
from marketplace.extensions import csrf, db
from marketplace.stores import services as stores

from . import claims, policies, terms
from .serializers import claim_json, policy_json, product_json

bp = Blueprint("insurance_api", __name__, url_prefix="/api/v1/insurance")
csrf.exempt(bp)


def _typed(data: dict, text: tuple[str, ...] = (), either: tuple[str, ...] = ()) -> dict:
    """``data`` once each named field is absent, null or of its JSON type: ``text`` strings, ``either`` an
    integer or a string (an id or a number). Another type is a 422 naming the field, never its ``str()``."""
    def fits(value, types) -> bool:
        return value is None or (isinstance(value, types) and not isinstance(value, bool))

    wrong = {name: _("Harus teks.") for name in text if not fits(data.get(name), str)}
    wrong.update({name: _("Harus bilangan bulat.") for name in either if not fits(data.get(name), (int, str))})
    if wrong:
        raise ValidationError(fields=wrong)
    return data


@bp.get("/products")
def products():
    """Insurers and their products, with their current terms."""
    return jsonify({"items": [product_json(p) for p in terms.products()]})


@bp.post("/policies")
@auth_required("agency")
def grant():
    """Grant a store (``store``) — or every exhibitor of an expo (``expo``) — a policy of ``product``.
    :raise 404: unknown store, expo or product :raise 409: the store already has an active one"""
    data = _typed(json_body(), text=("product", "store", "expo"))
    product = terms.get_product(data.get("product"))
    user = current_api_user()
    if data.get("expo") and not data.get("store"):
        result = policies.grant_to_exhibitors(user, str(data["expo"]), product)
        db.session.commit()
        granted = policies.by_ids([p.id for p in result.granted])
        return jsonify({"items": [policy_json(p) for p in granted], "granted": len(result.granted),
                        "skipped": result.skipped}), 201
    if not isinstance(data.get("store"), str):
        raise ValidationError(fields={"store": "Wajib diisi."})
    policy = policies.grant(user, stores.get_store(data["store"]), product)
    db.session.commit()
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
@auth_required()
def file_claim():
    """A member of the insured store files a claim on ``policy``; a shopper on its protected ``order``.
    JSON, or multipart with ``photos`` files. :raise 404: :raise 409: an open claim for the incident :raise 422:"""
    data = request.form.to_dict() if request.files or request.form else _typed(
        json_body(), text=("order", "incident_date", "cause", "description"), either=("policy", "amount"))
    photos = request.files.getlist("photos")
    user = current_api_user()
    if data.get("order") and not data.get("policy"):
        claim = claims.file_protection_claim(user, str(data["order"]), data, photos)
    else:
        claim = claims.file_policy_claim(user, data.get("policy"), data, photos)
    db.session.commit()
    return jsonify(claim_json(claims.visible(user, claim.id))), 201


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
    data = _typed(json_body(), text=("decision", "note"), either=("amount",))
    user = current_api_user()
    claim = claims.decide(user, claim_id, str(data.get("decision") or ""), data.get("note") or "",
                          data.get("amount"))
    db.session.commit()
    return jsonify(claim_json(claims.visible(user, claim.id)))
