"""The beacon's fast path: ``POST /beacon`` answered by a WSGI middleware, before Flask's request machinery.

Every page view sends a beacon, so it is the app's most frequent request; through Flask it cost
as much as a cached page (the session, the CSRF check's exemption, the limiter's and the page
cache's hooks, the input check, the user loader, the request log). Installed beneath ProxyFix
(``marketplace/__init__.py``), so that ``REMOTE_ADDR`` is the client's address exactly as
``request.remote_addr`` gives it to a view, the middleware answers a plain beacon itself: it parses
the form with Werkzeug's own parser, calls ``services.take_beacon`` in an app context (the rate
limit, the fields, the visitor and the count are decided there; the Flask view calls it too) and
answers 204 with the headers of the Flask view's 204 and a request id of its own.

Anything else goes on to Flask, which answers it as it always did: another method or path, a
query string, a body that is not ``application/x-www-form-urlencoded``, has no length, is over
``MAX_BODY`` bytes, a Host outside ``TRUSTED_HOSTS`` (400), a header the input check reads
(``web.CHECKED_HEADERS``), text no database can store (422), a limit the limiter puts on every route
(none is set). So does the first beacon of each process: the headers of Flask's answer
(``Cache-Control: no-store``, security.py's headers, ...) are kept and every later beacon gets the
same, so they are made in one place. A fast beacon writes no request log line of the app's own
(gunicorn's access log has it, with its ``X-Request-ID``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask
from werkzeug.datastructures import EnvironHeaders, MultiDict
from werkzeug.exceptions import SecurityError
from werkzeug.formparser import FormDataParser
from werkzeug.http import parse_options_header
from werkzeug.wsgi import get_host

from marketplace import inputs, internals, web
from marketplace.extensions import limiter
from marketplace.observability import REQUEST_ID_HEADER, request_id_from
from marketplace.visits import services

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ENDPOINT = "visits.beacon"  # the Flask view: its route's path is the one answered here
FORM = "application/x-www-form-urlencoded"  # what navigator.sendBeacon sends for URLSearchParams
MAX_BODY = 2048  # bytes; beacon.js sends fewer than 200, and Flask answers a larger body as before
STATUS = "204 NO CONTENT"
NOT_REPEATED = frozenset({"x-request-id", "content-length", "set-cookie"})  # made per answer, if at all
_CHECKED = tuple("HTTP_" + name.upper().replace("-", "_") for name in web.CHECKED_HEADERS)
_REQUEST_ID = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")

log = logging.getLogger(__name__)


class BeaconFastPath:
    """WSGI middleware: a plain beacon answered here, every other request passed to ``wsgi_app``."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.path = ""  # the view's path, read from the URL map at the first request
        self.headers: list[tuple[str, str]] | None = None  # of Flask's 204 to a beacon, once seen
        self.parser = FormDataParser(max_form_memory_size=MAX_BODY, cls=MultiDict)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = self.path or self._path()
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != path or not path:
            return self.wsgi_app(environ, start_response)
        if self.headers is None:
            return self.wsgi_app(environ, self._keep_headers(start_response))
        fields = self.plain_beacon(environ)
        if fields is None:
            return self.wsgi_app(environ, start_response)
        try:
            with self.app.app_context():
                services.take_beacon(self.app, fields, environ.get("REMOTE_ADDR") or "", EnvironHeaders(environ))
        except Exception:  # noqa: BLE001 - a lost count is logged; the sender never reads the answer
            log.exception("beacon: not counted")
        start_response(STATUS, [*self.headers, (REQUEST_ID_HEADER, request_id_from(environ.get(_REQUEST_ID)))])
        return []

    def plain_beacon(self, environ: WSGIEnvironment) -> MultiDict | None:
        """The form fields of a beacon this middleware answers, or None for one Flask should answer
        (a body read here is put back for it)."""
        if environ.get("QUERY_STRING") or any(name in environ for name in _CHECKED) or _limits_on_every_route():
            return None
        mimetype, _options = parse_options_header(environ.get("CONTENT_TYPE", ""))
        length = environ.get("CONTENT_LENGTH", "")
        if mimetype != FORM or "HTTP_TRANSFER_ENCODING" in environ or not inputs.digits(length):
            return None
        if int(length) > MAX_BODY or not self._trusted_host(environ):
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != int(length):
            return None
        # Flask's own parser: a body that is not UTF-8 is an empty form to both
        _stream, form, _files = self.parser.parse(io.BytesIO(body), mimetype, len(body), {})
        if any(inputs.unstorable(name) or inputs.unstorable(value) for name, value in form.items(multi=True)):
            return None
        return form

    def _path(self) -> str:
        self.path = next((rule.rule for rule in self.app.url_map.iter_rules() if rule.endpoint == ENDPOINT), "")
        return self.path

    def _trusted_host(self, environ: WSGIEnvironment) -> bool:
        """The Host check Flask makes before routing (``TRUSTED_HOSTS``, marketplace/urls.py)."""
        trusted = self.app.config.get("TRUSTED_HOSTS")
        if trusted is None:
            return True
        try:
            get_host(environ, trusted)
        except SecurityError:
            return False
        return True

    def _keep_headers(self, start_response: StartResponse) -> StartResponse:
        """``start_response`` keeping the headers of Flask's 204 to a beacon for the fast answers."""

        def start(status, headers, exc_info=None):
            if status.startswith("204"):
                self.headers = [(name, value) for name, value in headers if name.lower() not in NOT_REPEATED]
            return start_response(status, headers, exc_info)

        return start


def _limits_on_every_route() -> bool:
    """Whether the limiter puts a limit on every route (default, application or meta limits):
    Flask-Limiter applies those, so Flask answers."""
    return bool(
        limiter.enabled and (internals.limiter_global_limits(limiter) or internals.limiter_meta_limits(limiter))
    )


def install(app: Flask) -> None:
    """Answer beacons beneath whatever wraps ``app.wsgi_app`` later (ProxyFix)."""
    app.wsgi_app = BeaconFastPath(app, app.wsgi_app)
