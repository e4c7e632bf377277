"""The beacon: ``POST /beacon``, one per page view or WhatsApp tap, no cookie, no body back."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.globals import request_ctx

from marketplace.extensions import csrf, limiter
from marketplace.visits import services

bp = Blueprint("visits", __name__)

BEACON_LIMIT = "240 per minute"  # per client address; a page view sends one, a WhatsApp tap one more


def _nothing(*_args):
    """204, no body, never stored, and no session cookie: the visitor's session is neither
    loaded for nor saved by a beacon."""
    response = current_app.response_class(status=204)
    response.headers["Cache-Control"] = "no-store"
    # Flask opened the cookie's session when the request began; a null one is never saved (Flask
    # 3.1 keeps the opened session in ``_session``, the attribute ``process_response`` reads)
    request_ctx._session = current_app.session_interface.make_null_session(current_app)
    return response


@bp.post("/beacon")
@limiter.limit(BEACON_LIMIT)
def beacon():
    """Count a page view or a tap (form fields ``k``, ``e``, ``s``, ``p``); 204 whatever they hold."""
    services.take_beacon(request.form)
    return _nothing()


csrf.exempt(beacon)


@bp.errorhandler(429)
def _over_the_limit(_error):
    """Over the limit: 204 like any beacon, not counted (the browser has nothing to do with a 429).
    Text no database can take (NUL, a lone surrogate, JSON nested 1,000 deep) is still refused by
    the app's input check (marketplace/web.py: 422 or 400) before this view runs: beacon.js never
    sends it, and every route refuses it alike (tests/security/test_bad_input_classes.py)."""
    return _nothing()
