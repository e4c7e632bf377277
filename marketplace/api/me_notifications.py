"""API endpoints: the token's user's notices besides e-mail (WhatsApp): read, opt in, opt out.

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its routes to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from marketplace.accounts import notice_prefs
from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _

__all__ = ["api_me_notifications", "api_me_notifications_update", "bp"]


def _state(user) -> dict:
    return {
        "whatsapp": user.whatsapp,
        "whatsapp_opt_in": notice_prefs.opted_in(user),
        "available": notice_prefs.available(),
    }


@bp.get("/me/notifications")
@auth_required()
def api_me_notifications():
    """The number notices go to by WhatsApp, whether the user opted in, and whether the site
    has a channel besides e-mail at all."""
    return _state(current_api_user())


@bp.put("/me/notifications")
@auth_required()
def api_me_notifications_update():
    """``{"whatsapp": "+62...", "whatsapp_opt_in": true}`` opts in (the request is the consent):
    422 on a bad number, 409 when no channel is enabled; ``"whatsapp_opt_in": false`` opts out
    (the number is forgotten)."""
    user = current_api_user()
    body = json_body()
    opt_in = body.boolean("whatsapp_opt_in")
    number = body.text("whatsapp")
    if opt_in is None:
        raise ValidationError(fields={"whatsapp_opt_in": _("Wajib diisi.")})
    with committing():
        if opt_in:
            notice_prefs.opt_in(user, number)
        else:
            notice_prefs.opt_out(user)
    return _state(user)
