"""The seller pages' blueprint and what its page modules share.

``views`` (stores, staff, invites) and ``product_views`` (products, variants,
photos) import ``bp`` from here and register their routes on it; the app imports
each of them (``marketplace.BLUEPRINT_MODULES``), so this module imports neither.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user

from marketplace.i18n import gettext as _
from marketplace.stores import services

bp = Blueprint("stores", __name__, template_folder="templates")


def member_store(slug: str, owner_only: bool = False):
    """The store and the current user's membership; 404 for non-members, 403 for staff on owner pages."""
    store = services.get_store(slug)
    member = services.require_member(store, current_user, owner_only=owner_only)
    return store, member


def add_error(field, message: str) -> None:
    """One more error on a form field (WTForms keeps them as a tuple until validation)."""
    if isinstance(field.errors, tuple):
        field.errors = list(field.errors)
    field.errors.append(message)


def form_status(form) -> int:
    """422 for a posted form with errors, else 200."""
    return 422 if request.method == "POST" and form.errors else 200


def _upload_limit_mb() -> int:
    return max(1, int(current_app.config.get("MAX_CONTENT_LENGTH") or 8 * 1024 * 1024) // (1024 * 1024))


def uploaded(form, field_name: str):
    """The uploaded file, or None with an error on the field when none was chosen."""
    upload = getattr(form, field_name).data
    if upload is None or not getattr(upload, "filename", ""):
        add_error(getattr(form, field_name), _("Pilih berkas gambar terlebih dahulu."))
        return None
    return upload


@bp.app_template_global()
def upload_limit_mb() -> int:
    return _upload_limit_mb()
