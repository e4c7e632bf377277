"""The api blueprint and what every endpoint module uses: bearer-token authentication,
the JSON body, page arguments, the page shape and the one commit helper.

Endpoint modules (and plugins' API modules) import these from here, or from the
``marketplace.api`` package, which re-exports them; the package imports the
endpoint modules, so this module must import none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from flask import Blueprint, request
from sqlalchemy.exc import IntegrityError

from marketplace.accounts.tokens import current_api_user
from marketplace.errors import Conflict, PermissionDenied, Unauthorized, ValidationError
from marketplace.extensions import csrf, db
from marketplace.i18n import gettext as _
from marketplace.inputs import Body, digits

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def auth_required(*roles: str) -> Callable:
    """401 without a valid token; 403 when the user has none of ``roles`` (admin has all)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_api_user()
            if user is None:
                raise Unauthorized(_("Token tidak ada atau tidak valid."))
            if roles and not user.has_role(*roles):
                raise PermissionDenied()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def json_body(optional: bool = False) -> Body:
    """The request's JSON object, or 400/422 with the error shape. A ``Body``: a dict whose
    ``text``, ``integer``, ``id``, ``boolean``, ``text_list`` and ``object`` read a field as
    that JSON type or answer 422 naming it (marketplace/inputs.py). ``optional``: a request
    without a body (or with an empty one) is an empty object."""
    if optional and not request.get_data(cache=True).strip():
        return Body()
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationError(_("Badan permintaan harus JSON."), fields={"body": _("JSON tidak valid.")})
    if not isinstance(data, dict):
        raise ValidationError(_("Badan permintaan harus objek JSON."), fields={"body": _("Harus objek JSON.")})
    return Body(data)


def int_arg(name: str, default: int, minimum: int = 1, maximum: int = 1_000_000) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    unsigned = text[1:] if text[:1] == "-" else text
    if not (unsigned.isascii() and unsigned.isdigit()):
        raise ValidationError(fields={name: _("Harus bilangan bulat.")})
    if not digits(unsigned):  # more digits than any column holds (and int() reads at most 4,300)
        raise ValidationError(fields={name: _("Harus antara %(a)d dan %(b)d.", a=minimum, b=maximum)})
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValidationError(fields={name: _("Harus antara %(a)d dan %(b)d.", a=minimum, b=maximum)})
    return value


def page_args(default_per_page: int = 24, max_per_page: int = 100) -> tuple[int, int]:
    return int_arg("page", 1, 1, 100_000), int_arg("per_page", default_per_page, 1, max_per_page)


def paged(items: list, total: int, page: int, per_page: int) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}


@contextmanager
def committing():
    """Commit what the block wrote; roll everything back on any error (which then answers in the
    error shape). A unique or foreign-key clash the services did not foresee is a 409."""
    try:
        yield
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise Conflict(_("Data bertentangan dengan data lain (mis. SKU sudah dipakai).")) from exc
    except Exception:
        db.session.rollback()
        raise
