"""The agency's console: verification, curation, expos, assisted selling, reports.

The console's one blueprint and what its page modules share live here: ``views``,
``expo_views``, ``onboard_views`` and ``report_views`` import ``bp`` from this
package and register their routes on it, and the app imports each of them
(``marketplace.BLUEPRINT_MODULES``), so this package imports none of them.
Every page is for agency officers (and admins): a visitor is sent to the login
page, anyone else gets 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash
from flask_login import current_user

from marketplace.agency.services import require_agency
from marketplace.errors import PermissionDenied, ServiceError
from marketplace.extensions import db, login_manager
from marketplace.i18n import gettext as _

bp = Blueprint("agency", __name__, url_prefix="/agency", template_folder="templates")


@bp.before_request
def agency_only():
    """Sign-in page for visitors; 403 for users without the agency (or admin) role. The agency's
    pages elsewhere (the payouts of ``ledger.views``) call it too."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    try:
        require_agency(current_user)
    except PermissionDenied:
        abort(403)
    return None


def flash_claim_mail(invite) -> None:
    """Tell the officer the claim link is queued (``services.queue_claim_mail``): the outbox sends it."""
    flash(_("Tautan untuk mengambil alih toko masuk antrean kirim ke %(email)s.", email=invite.email), "success")


def flash_error(exc: ServiceError) -> None:
    db.session.rollback()
    flash(next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message, "error")
