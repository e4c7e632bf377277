"""Service errors and the HTML/JSON error pages.

Services raise these; the HTML views turn ValidationError into messages next
to form fields, and the JSON API turns every one of them into the error shape
of CONTRACT.md: {"error": {"code", "message", "fields"}}.
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ServiceError(Exception):
    status = 400
    code = "bad_request"

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


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def handle_service_error(exc: ServiceError):
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        status = exc.code or 500
        code, message = HTTP_MESSAGES.get(status, ("error", lambda: exc.description))
        response = error_response(status, code, message())
        if status == 429 or status == 405:
            # keep Retry-After / Allow headers that Werkzeug and Flask-Limiter set
            body, status = response
            resp = app.make_response((body, status))
            for header in ("Retry-After", "Allow"):
                value = exc.get_response().headers.get(header)
                if value:
                    resp.headers[header] = value
            return resp
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message())
