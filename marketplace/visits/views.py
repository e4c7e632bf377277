"""The beacon: ``POST /beacon``, one per page view or WhatsApp tap, no cookie, no body back.

A plain beacon is answered before it reaches this view, by the fast path (``fastpath.py``);
this view answers the rest (a query string, a body that is not a small UTF-8 form, a header the
input check reads) and the first beacon of each process, whose answer's headers the fast path
then repeats. Both call ``services.take_beacon``: the limit, the fields and the count are decided
there, once.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from marketplace.extensions import csrf
from marketplace.visits import services

bp = Blueprint("visits", __name__)


def _nothing():
    """204, no body, never stored, and no session cookie: nothing on the way of a beacon reads or
    writes the session or the signed-in user (sessions are not permanent, so an untouched one
    is not sent back; tests/integration/test_visits.py checks it for a signed-in visitor)."""
    response = current_app.response_class(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/beacon")
def beacon():
    """Count a page view or a tap (form fields ``k``, ``e``, ``s``, ``p``); 204 whatever they hold,
    over the rate limit too (the browser has nothing to do with a 429). Text no database can take
    (NUL, a lone surrogate, JSON nested 1,000 deep) is refused by the app's input check
    (marketplace/web.py: 422 or 400) before this view runs: beacon.js never sends it, and every
    route refuses it alike (tests/security/test_bad_input_classes.py)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    services.take_beacon(app, request.form, request.remote_addr or "", request.headers)
    return _nothing()


csrf.exempt(beacon)
