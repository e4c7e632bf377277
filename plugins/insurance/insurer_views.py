"""/insurer/: the console of an insurer's users — its own insurer's claims and policies only."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from marketplace.extensions import login_manager

from . import access, claims, policies, premiums, terms
from .models import CLAIM_STATUSES

bp = Blueprint("insurer", __name__, url_prefix="/insurer", template_folder="templates")


@bp.before_request
def insurer_only():
    """Sign-in page for visitors; 403 for anyone who is not bound to an insurer."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if access.insurer_code(current_user) is None:
        abort(403)
    return None


@bp.get("/")
def index():
    """The claims queue of the user's insurer (``status``: filed by default) and its policies."""
    status = request.args.get("status", "filed")
    status = status if status in CLAIM_STATUSES or status == "all" else "filed"
    queue, total = claims.listing(current_user, None if status == "all" else status, 1, 200)
    found, policy_total = policies.listing(current_user, 1, 100)
    return render_template(
        "insurance/insurer_index.html",
        claims=queue,
        total=total,
        status=status,
        statuses=CLAIM_STATUSES,
        policies=found,
        policy_total=policy_total,
        insurer=terms.insurer_by_code(access.insurer_code(current_user)),
        labels=claims.STATUS_LABELS,
        days=claims.days_since_documents,
        premium_months=premiums.visible_months(current_user),
    )
