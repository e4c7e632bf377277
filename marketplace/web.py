"""Request plumbing shared by every HTML page: the user loader and template
globals. Security headers live in security.py, /healthz in observability.py."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.routing import IntegerConverter

from marketplace import inputs, nav, urls
from marketplace.errors import NotFound, ServiceError, ValidationError
from marketplace.i18n import gettext as _


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` for ids: a number larger than an INTEGER column holds names nothing,
    so the URL is a 404 whatever the method (PostgreSQL would refuse the query with an
    error). Raised here rather than as a non-match, which Werkzeug would answer with 405
    when another method's rule has the same path."""

    MAX = 2**31 - 1

    def to_python(self, value: str) -> int:
        if len(value) > 18:  # int() refuses 4,300+ digits with ValueError, which routing does not catch
            raise HTTPNotFound()
        number = super().to_python(value)
        if number > self.MAX:
            raise HTTPNotFound()
        return number


# Headers whose values the app looks up or stores (the bearer token, the checkout's key).
CHECKED_HEADERS = ("Authorization", "Idempotency-Key")


def check_request_input():
    """Input no database can take, refused before any view reads it (issue #15):

    - JSON nested deeper than ``inputs.MAX_JSON_DEPTH``: 400 on every route, webhooks included
      (Python's decoder would exhaust its recursion: a 500); malformed JSON is left to the view,
      which answers it (``json_body``: 422) or ignores a body it does not read;
    - text with NUL (PostgreSQL refuses it) or a lone surrogate (no UTF-8 for it: UnicodeEncodeError
      when bound) in the path (404: it names nothing), a query parameter, a form field, a JSON key
      or value, an upload's file name, or a header the app reads: 422 naming the field.

    Webhook bodies are left raw for their signature check (the plugin answers those)."""
    _check_json_depth()
    if request.path.startswith("/webhooks/"):
        return None
    if inputs.unstorable(request.view_args or {}):
        raise NotFound()
    fields = _unstorable_fields()
    if fields:
        # the message names the fields: a page has no form here to mark them on
        raise ValidationError(
            _("Isian ini berisi karakter yang tidak dapat disimpan: %(names)s.", names=", ".join(sorted(fields))),
            fields=fields,
        )
    return None


def _check_json_depth() -> None:
    """400 for a JSON body nested deeper than ``inputs.MAX_JSON_DEPTH``."""
    if request.is_json:
        if inputs.json_depth(request.get_data(cache=True)) > inputs.MAX_JSON_DEPTH:
            raise ServiceError(
                _("JSON tidak valid."),
                fields={
                    "body": _("JSON bersarang terlalu dalam (paling banyak %(n)d tingkat).", n=inputs.MAX_JSON_DEPTH)
                },
            )


def _unstorable_fields() -> dict[str, str]:
    """The request's query parameters, read headers, form fields, file names and JSON body that
    hold text no database can store, each with the reason."""
    fields: dict[str, str] = {}
    for name, value in request.args.items(multi=True):
        _note_unstorable(fields, "query", name, value)
    for header in CHECKED_HEADERS:
        _note_unstorable(fields, "headers", header, request.headers.get(header))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            _note_unstorable(fields, "form", name, value)
        for name, upload in request.files.items(multi=True):
            _note_unstorable(fields, "form", name, upload.filename or "")
    if request.is_json:
        _note_unstorable(fields, "body", "body", request.get_json(silent=True))
    return fields


def _note_unstorable(fields: dict[str, str], source: str, name: str, value) -> None:
    """Add ``name`` to ``fields`` when it or ``value`` cannot be stored; ``source`` names the
    field when its own name is what cannot be stored."""
    reason = inputs.unstorable(name) or inputs.unstorable(value)
    if reason:
        fields[source if inputs.unstorable(name) else name] = inputs.unstorable_message(reason)


def init_app(app: Flask) -> None:
    # before the blueprints register their rules, so every <int:...> is bounded
    app.url_map.converters["int"] = DatabaseIntConverter
    app.json = inputs.BoundedJSONProvider(app)  # request.get_json refuses deep nesting
    app.before_request(check_request_input)
    app.jinja_env.globals["url_for"] = urls.remembered_url_for  # the same URLs, each built once

    @app.context_processor
    def page_globals():
        items = _nav_items()
        return {
            "current_locale": str(get_locale()),
            "nav_items": items,
            "nav_sections": nav.group(items) if items else [],
            "panels": _panels,
        }


def _panels(slot: str) -> list[str]:
    """The plugins' templates for a named slot of a core page (``template_panels``; ``plugin_api.SLOTS``)."""
    from marketplace import plugin_api

    if slot not in plugin_api.SLOTS:
        raise ValueError(f"no template slot called {slot!r}; add it to plugin_api.SLOTS")
    return [name for name in plugin_api.gather("template_panels", loud=False, slot=slot) if isinstance(name, str)]


def _nav_items() -> list[dict]:
    """Menu links for the signed-in user: each ``nav_items(user)``, the core's own first."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return []
    return nav.menu_items(current_user)
