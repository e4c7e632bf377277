"""Request plumbing shared by every HTML page: the user loader and template
globals. Security headers live in security.py, /healthz in observability.py."""
from __future__ import annotations

from flask import Flask, g, has_request_context, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str):
    """The session stores "<user id>:<session version>"; a bumped version logs the session out."""
    from marketplace.accounts.models import User

    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    @app.context_processor
    def page_globals():
        return {"current_locale": str(get_locale()), "nav_items": _nav_items()}


def _nav_items() -> list[dict]:
    """Menu links for the signed-in user: the core's, then each plugin's ``nav_items(user)``."""
    items = list(g.get("extra_nav_items", [])) if has_request_context() else []
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return items
    if current_user.has_role("seller"):
        items.append({"url": url_for("seller_orders.queue"), "label": _("Pesanan Masuk")})
    from marketplace import plugin_api

    for item in plugin_api.gather("nav_items", loud=False, user=current_user):
        if isinstance(item, dict) and item.get("url") and item.get("label"):
            items.append(item)
    return items
