"""Service errors and the HTML/JSON error pages.

Services raise these; the HTML views turn ValidationError into messages next
to form fields, and the JSON API turns every one of them into the error shape
of CONTRACT.md: {"error": {"code", "message", "fields"}}.
"""

from __future__ import annotations

import logging
import sqlite3

from flask import Flask, current_app, g, jsonify, render_template, request
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from marketplace import internals, logsafe
from marketplace.i18n import gettext as _

log = logging.getLogger(__name__)

# Seconds a client should wait before retrying a 503: long enough for a database
# restart or failover, short enough that a shopper's retry then succeeds.
RETRY_AFTER_SECONDS = 30


class ConfigurationError(RuntimeError):
    """A setting that must change before the app may start; the message says how (production.py, urls.py)."""


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    # more of the error for a JSON client, beside code, message and fields (a 409's new prices)
    details: dict | None = None

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message or self.default_message()
        self.fields = fields or {}

    def default_message(self) -> str:
        return _("Permintaan tidak dapat diproses.")


class ValidationError(ServiceError):
    status = 422
    code = "validation_error"

    def default_message(self) -> str:
        return _("Periksa kembali isian yang ditandai.")


class NotFound(ServiceError):
    status = 404
    code = "not_found"

    def default_message(self) -> str:
        return _("Tidak ditemukan.")


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"

    def default_message(self) -> str:
        return _("Anda tidak berhak melakukan ini.")


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"

    def default_message(self) -> str:
        return _("Silakan masuk terlebih dahulu.")


class Conflict(ServiceError):
    status = 409
    code = "conflict"

    def default_message(self) -> str:
        return _("Permintaan bertentangan dengan keadaan saat ini.")


HTTP_MESSAGES = {
    400: ("bad_request", lambda: _("Permintaan tidak valid.")),
    401: ("unauthorized", lambda: _("Silakan masuk terlebih dahulu.")),
    403: ("forbidden", lambda: _("Anda tidak berhak membuka halaman ini.")),
    404: ("not_found", lambda: _("Halaman tidak ditemukan.")),
    405: ("method_not_allowed", lambda: _("Metode tidak diizinkan.")),
    409: ("conflict", lambda: _("Permintaan bertentangan dengan keadaan saat ini.")),
    413: ("too_large", lambda: _("Berkas terlalu besar.")),
    422: ("validation_error", lambda: _("Periksa kembali isian yang ditandai.")),
    429: ("rate_limited", lambda: _("Terlalu banyak permintaan. Coba lagi sebentar lagi.")),
    500: ("server_error", lambda: _("Terjadi kesalahan di server. Kami sudah mencatatnya.")),
    503: ("unavailable", lambda: _("Layanan sedang tidak tersedia. Coba lagi sebentar lagi.")),
}


def wants_json() -> bool:
    """API paths and clients that ask only for JSON get JSON errors."""
    if request.path.startswith("/api/") or request.path.startswith("/webhooks/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def error_response(status: int, code: str, message: str, fields: dict | None = None, details: dict | None = None):
    if wants_json():
        body = {"error": {**(details or {}), "code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    if internals.request_url_adapter() is None:  # a Host outside TRUSTED_HOSTS: no layout links
        log.info(
            "Host %r refused: neither BASE_URL's host nor in TRUSTED_HOSTS (marketplace/urls.py)",
            request.environ.get("HTTP_HOST", "")[:100],
        )
        return _plain_page(status, message)
    try:
        return render_template("errors/error.html", status=status, message=message), status
    except Exception as exc:  # the layout's own queries failed (the signed-in user, the cart badge)
        cause = database_unavailable(exc)
        if cause is None:
            log.warning("error page %s could not be rendered", status, exc_info=True)
        else:
            _reset_session(cause)
            _without_database()
            try:
                return render_template("errors/error.html", status=status, message=message), status
            except Exception:
                log.warning("error page %s could not be rendered without the database", status, exc_info=True)
    return _plain_page(status, message)


def _plain_page(status: int, message: str):
    page = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{escape(message)}</p>"
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def _without_database() -> None:
    """What the layout reads from the database, answered without it: an anonymous visitor, an empty cart."""
    internals.set_current_user(current_app.login_manager.anonymous_user())
    g.cart_count = 0


# --- the database is unreachable ------------------------------------------------------------------

# SQLite reports SQL mistakes as OperationalError too: only these mean "try again later".
_SQLITE_UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database",
    "disk i/o error",
)

try:
    import psycopg
except ImportError:  # pragma: no cover - psycopg ships with requirements.txt
    _PSYCOPG_UNAVAILABLE: tuple[type[BaseException], ...] = ()
else:
    # connection refused or lost, server shutting down or starting, too many clients,
    # statement timeout, deadlock: all transient, all OperationalError or InterfaceError
    _PSYCOPG_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError)


def _is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):  # pool: a dead checkout, or exhausted
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        if isinstance(exc.orig, (sqlite3.Error, *_PSYCOPG_UNAVAILABLE)):
            return _is_unavailable(exc.orig)
        return isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError))  # another driver's
    if isinstance(exc, sqlite3.OperationalError):
        return str(exc).lower().startswith(_SQLITE_UNAVAILABLE)
    return isinstance(exc, _PSYCOPG_UNAVAILABLE)


def database_unavailable(exc: BaseException | None) -> BaseException | None:
    """The database error behind ``exc`` (itself, or what it was raised from or while handling), or None.

    Following the chain catches an outage that surfaced as something else: a
    PendingRollbackError after a failed flush, a plugin's wrapper exception, or
    Flask's InternalServerError around an error raised by an error handler."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if _is_unavailable(exc):
            return exc
        exc = getattr(exc, "original_exception", None) or exc.__cause__ or exc.__context__
    return None


def _connection_is_broken(exc: BaseException) -> bool:
    """True for a lost or refused connection; False for what a live connection reports
    (a deadlock, a statement timeout, SQLite's lock), which a rollback ends."""
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig
    if isinstance(exc, (sa_exc.DisconnectionError, sa_exc.InterfaceError)):
        return True
    if isinstance(exc, (sqlite3.Error, sa_exc.TimeoutError)):
        return False
    sqlstate = getattr(exc, "sqlstate", None)
    # no SQLSTATE: the client could not connect or lost the socket; 08: connection exception;
    # 57P01-57P03: the server is shutting down, crashed or is starting up
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in ("57P01", "57P02", "57P03")


def _reset_session(exc: BaseException) -> None:
    """End the request's transaction. A broken connection is invalidated rather than returned to
    the pool, so the next request checks out (and pre-pings) a fresh one: no restart needed."""
    from marketplace.extensions import db

    session = db.session()  # the request's Session (the scoped_session proxy lacks invalidate)
    try:
        if _connection_is_broken(exc):
            session.invalidate()
        else:
            session.rollback()
    except Exception:  # the rollback needed the connection that is gone
        try:
            session.invalidate()
        except Exception:
            log.warning("could not invalidate the session after a database error", exc_info=True)


def database_unavailable_response(exc: BaseException):
    """503 with Retry-After, as the page or JSON of every other error; nothing of the request is kept."""
    _reset_session(exc)
    _without_database()  # the page must not wait for the database again
    first_line = (str(exc).strip().splitlines() or [""])[0]
    # one line, no traceback: an outage is an operations event, not a bug
    log.error(
        "database unavailable on %s %s: %s: %s", request.method, logsafe.request_path(), type(exc).__name__, first_line
    )
    code, message = HTTP_MESSAGES[503]
    return _with_headers(error_response(503, code, message()), {"Retry-After": str(RETRY_AFTER_SECONDS)})


def _translated(message) -> str:
    """The message in the visitor's language; the language of a signed-in user is read from the
    database, so when that is down the message is in the session's or the default language."""
    try:
        return message()
    except Exception as exc:
        cause = database_unavailable(exc)
        if cause is None:
            raise
        _reset_session(cause)
        _without_database()
        return message()


def _with_headers(response, headers: dict[str, str | None]):
    resp = current_app.make_response(response)
    for name, value in headers.items():
        if value:
            resp.headers[name] = value
    return resp


def _end_session(_exc: BaseException | None = None) -> None:
    """Close the request's session, surviving a database that went away after the response was
    made: the rollback that ends the transaction then fails, and would turn an answered request
    into a 500. Registered after Flask-SQLAlchemy's own teardown, so it runs before it."""
    from marketplace.extensions import db

    registry = db.session.registry
    if not registry.has():
        return
    try:
        registry().close()
    except Exception as exc:
        cause = database_unavailable(exc)
        if cause is None:
            raise
        log.warning("database connection lost while ending the request: %s", type(cause).__name__)
        try:
            registry().invalidate()
        except Exception:  # it is gone either way; the pool opens a new one next time
            pass
    registry.clear()


def register_error_handlers(app: Flask) -> None:
    app.teardown_appcontext(_end_session)

    @app.errorhandler(ServiceError)
    def handle_service_error(exc: ServiceError):
        response = error_response(exc.status, exc.code, exc.message, exc.fields, exc.details)
        if exc.status == 503:  # a payment provider or plugin is down: worth retrying later
            return _with_headers(response, {"Retry-After": str(RETRY_AFTER_SECONDS)})
        return response

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        if status == 500:
            cause = database_unavailable(exc)  # raised by a hook, an after_request or an error page
            if cause is not None:
                return database_unavailable_response(cause)
        code, message = HTTP_MESSAGES.get(status, ("error", lambda: exc.description))
        response = error_response(status, code, _translated(message))
        if status in (429, 405, 503):
            # keep Retry-After / Allow headers that Werkzeug and Flask-Limiter set
            original = exc.get_response().headers
            retry_after = original.get("Retry-After") or (str(RETRY_AFTER_SECONDS) if status == 503 else None)
            return _with_headers(response, {"Retry-After": retry_after, "Allow": original.get("Allow")})
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        cause = database_unavailable(exc)
        if cause is not None:
            return database_unavailable_response(cause)
        log.exception("unhandled error on %s %s", request.method, logsafe.request_path())
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message())
