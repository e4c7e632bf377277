"""Request ids and structured logs.

Every request gets an id: the incoming ``X-Request-ID`` when it is a sane token
(a reverse proxy's ``$request_id``), a new one otherwise. It is kept on
``g.request_id``, sent back in the ``X-Request-ID`` response header (which
gunicorn's access log prints) and added to every log line by
``RequestContextFilter``. In production (or with LOG_FORMAT=json) log lines are
JSON objects, one per line: time, level, logger, message, request_id, method,
path, status, duration_ms; elsewhere they are plain text.

``/healthz`` answers 200 when the database answers and its migrations are the
code's head (read once at start-up), 503 with what is wrong otherwise; never 500.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from functools import lru_cache

from flask import Flask, g, has_request_context, jsonify, request
from sqlalchemy import text

from marketplace import logsafe

REQUEST_ID_HEADER = "X-Request-ID"
WARM_ENVIRON_KEY = "apik.warm"  # a request of the page cache's warm-up (marketplace/pagecache_warm.py)
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"
request_log = logging.getLogger("marketplace.request")


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is a sane token (letters, digits, ``._:-``, up to 128), else a new one."""
    if incoming and _SANE_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestContextFilter(logging.Filter):
    """Adds request_id, method and path (or "-") to every record that passes the handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = getattr(record, "request_id", None) or g.get("request_id") or "-"
            record.method = getattr(record, "method", None) or request.method
            record.path = getattr(record, "path", None) or logsafe.request_path()  # no reset tokens
        else:
            for name in ("request_id", "method", "path"):
                if not hasattr(record, name):
                    setattr(record, name, "-")
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms")
    _encoder = json.JSONEncoder(ensure_ascii=False, default=str)  # one, not one per line
    _second: tuple[int, str] = (-1, "")  # the last second's "2026-11-30T01:36:37", reused within it

    def _time(self, created: float) -> str:
        second = int(created)
        cached_second, prefix = self._second
        if cached_second != second:
            prefix = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = (second, prefix)
        return f"{prefix}.{int((created - second) * 1000):03d}+00:00"  # isoformat(timespec="milliseconds")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self._time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in self.FIELDS:
            value = getattr(record, name, None)
            if value not in (None, "-"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return self._encoder.encode(entry)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def log_format(app: Flask) -> str:
    fmt = (app.config.get("LOG_FORMAT") or "").lower()
    if fmt in ("json", "text"):
        return fmt
    return "json" if app.config.get("MARKETPLACE_ENV") == "production" else "text"


def configure_logging(app: Flask) -> logging.Handler:
    """One handler on the root logger (created once per process), formatted for this app's environment."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_apik", False)), None)
    if handler is None:
        handler = _StderrHandler()
        handler._apik = True
        handler.addFilter(RequestContextFilter())
        root.addHandler(handler)
    if log_format(app) == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    _enable_own_loggers()
    return handler


def _enable_own_loggers() -> None:
    """Alembic's ``fileConfig`` (an in-process ``db upgrade``) disables every logger that existed before it."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and name.split(".")[0] in ("marketplace", "plugins"):
            logger.disabled = False


def init_app(app: Flask) -> None:
    configure_logging(app)
    _init_healthz(app)
    log_requests = app.config.get("LOG_REQUESTS")
    if log_requests is None:
        log_requests = app.config.get("MARKETPLACE_ENV") == "production"

    def assign_request_id():
        g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        g.request_started = time.perf_counter()

    # first of all before_request functions, so even their log lines carry the id
    app.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)

    @app.after_request
    def send_request_id(response):
        request_id = g.get("request_id") or request_id_from(None)
        response.headers[REQUEST_ID_HEADER] = request_id
        if log_requests:
            _log_request(response.status_code)
        return response


def _log_request(status: int) -> None:
    method, path = request.method, logsafe.request_path()  # a reset or invitation token stays out
    # the health check and the page cache's warm-up (thousands a minute) only when debugging; an
    # environ key no HTTP client can set (a server puts headers under HTTP_)
    routine = path == "/healthz" or WARM_ENVIRON_KEY in request.environ
    level = logging.DEBUG if status == 200 and routine else logging.INFO
    if not request_log.isEnabledFor(level):
        return
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    # a record made here, not by Logger.log: no walk up the stack for a caller every request
    # prints, and the context filter finds the request's fields already set
    record = request_log.makeRecord(
        request_log.name,
        level,
        __file__,
        0,
        "%s %s %s",
        (method, path, status),
        None,
        func="_log_request",
        extra={
            "status": status,
            "duration_ms": duration,
            "method": method,
            "path": path,
            "request_id": g.get("request_id") or "-",
        },
    )
    request_log.handle(record)


# --- /healthz ---------------------------------------------------------------------


@lru_cache(maxsize=8)
def migration_heads(directory: str) -> tuple[str, ...]:
    """The head revision(s) of the Alembic history in ``directory``."""
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory(directory).get_heads()))


def _init_healthz(app: Flask) -> None:
    from marketplace.extensions import db

    heads = migration_heads(app.extensions["migrate"].directory)  # the code this process runs

    @app.get("/healthz")
    def healthz():
        """200 {"status":"ok","database":"up","migrations":"current"}; 503 saying what is wrong."""
        body, status = _health(db, heads)
        response = jsonify(body)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response


def _health(db, heads: tuple[str, ...]) -> tuple[dict, int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means "not healthy", never a 500
        _rollback(db)
        return {"status": "unavailable", "database": "down"}, 503
    try:
        revisions = tuple(sorted(db.session.scalars(text("SELECT version_num FROM alembic_version")).all()))
    except Exception:  # no alembic_version table: never migrated
        revisions = ()
    finally:
        _rollback(db)  # end the read transaction; nothing to keep
    if revisions == heads:
        return {"status": "ok", "database": "up", "migrations": "current"}, 200
    if not revisions:
        state = "missing"
    elif set(revisions) - set(_known_revisions()):
        state = "unknown"  # the database is ahead of this code (or from another history)
    else:
        state = "behind"
    return {
        "status": "unavailable",
        "database": "up",
        "migrations": state,
        "database_revision": list(revisions),
        "code_revision": list(heads),
    }, 503


def _rollback(db) -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it
        db.session.remove()


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {rev.revision for rev in script.walk_revisions()}
