"""Request plumbing shared by every HTML page: the user loader, template
globals, security headers and the health check."""
from __future__ import annotations

from flask import Flask, g, jsonify
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import text

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

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @app.get("/healthz")
    def healthz():
        """200 when the database answers; 503 otherwise."""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not healthy", never a 500
            db.session.rollback()
            return jsonify(status="unavailable", database="down"), 503
        return jsonify(status="ok", database="up")


def _nav_items() -> list[dict]:
    """Menu links for the signed-in user's roles (plugins add theirs later)."""
    return list(g.get("extra_nav_items", []))
