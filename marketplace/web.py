"""Request plumbing shared by every HTML page: the user loader and template
globals. Security headers live in security.py, /healthz in observability.py."""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.routing import IntegerConverter

from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import login_manager


# The session key of a signed-in session's random id (accounts.services: end_session).
SESSION_ID_KEY = "sid"


def current_session_id() -> str | None:
    """This browser session's random id (None outside a request or before sign-in)."""
    return session.get(SESSION_ID_KEY) if has_request_context() else None


@login_manager.user_loader
def load_user(stored_id: str):
    """Flask-Login's stored id is "<user id>:<session version>[:<session id>]" (User.get_id). A bumped
    version (password change) logs every session out; a signed-out session id logs out that session
    and every copy of its cookies, remember-me included.

    A session without an id is accepted only while Flask-Login restores it from the remember-me
    cookie: it takes the id the cookie names (ids from before ids were in the cookie: a fresh one)."""
    from marketplace.accounts.services import load_session_user, new_session_id

    user_id, version, cookie_sid = (stored_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not version.isdigit():
        return None
    sid = session.get(SESSION_ID_KEY)
    if not sid:
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies:
            return None
        sid = cookie_sid or None
    elif cookie_sid and cookie_sid != sid:
        return None  # a stored id grafted from another session
    user = load_session_user(int(user_id), int(version), sid)
    if user is not None and not session.get(SESSION_ID_KEY):
        session[SESSION_ID_KEY] = sid or new_session_id()
    return user


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` for ids: a number larger than an INTEGER column holds names nothing,
    so the URL is a 404 whatever the method (PostgreSQL would refuse the query with an
    error). Raised here rather than as a non-match, which Werkzeug would answer with 405
    when another method's rule has the same path."""

    MAX = 2**31 - 1

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > self.MAX:
            raise HTTPNotFound()
        return number


def _nul_in(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


def reject_nul_characters():
    """No text the app stores or searches may hold NUL: PostgreSQL refuses it with an error.
    A path with one names nothing (404); a parameter, form field or JSON value with one is a 422."""
    if request.path.startswith("/webhooks/"):  # signed provider bodies: the plugin answers those
        return None
    if _nul_in(request.view_args or {}):
        raise NotFound()
    fields = {name: _("Tidak boleh berisi karakter NUL.") for name, value in request.args.items(multi=True)
              if _nul_in(name) or _nul_in(value)}
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.update({name: _("Tidak boleh berisi karakter NUL.") for name, value in request.form.items(multi=True)
                       if _nul_in(name) or _nul_in(value)})
    if request.is_json and _nul_in(request.get_json(silent=True)):
        fields["body"] = _("Tidak boleh berisi karakter NUL.")
    if fields:
        raise ValidationError(fields=fields)
    return None


def init_app(app: Flask) -> None:
    # before the blueprints register their rules, so every <int:...> is bounded
    app.url_map.converters["int"] = DatabaseIntConverter
    app.before_request(reject_nul_characters)

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
