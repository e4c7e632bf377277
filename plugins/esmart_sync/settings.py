"""The plugin's declared settings and the objects built from them."""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from flask import current_app

from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.plugin_api import Setting

from .client import EsmartClient, PhotoFetcher


def _http_url(value: str) -> str | None:
    return None if value.startswith(("https://", "http://")) else "must be an http(s):// address"


def _positive(value) -> str | None:
    return None if value > 0 else "must be more than 0"


def _timeout(value) -> str | None:
    ok = len(value) == 2 and all(isinstance(part, (int, float)) and part > 0 for part in value)
    return None if ok else "must be two positive numbers of seconds: connect, read (e.g. 5,30)"


def _crontab(value: str) -> str | None:
    """Five crontab fields (minute hour day month day-of-week, UTC) Huey accepts."""
    from huey import crontab

    fields = str(value).split()
    if len(fields) != 5:
        return "must be five crontab fields: minute hour day month day-of-week (e.g. 0 2 * * *)"
    try:
        crontab(*fields)
    except ValueError as exc:
        return f"is not a crontab Huey accepts ({exc})"
    return None


# Declared by the plugin (EsmartSyncPlugin.settings); unset server or key: files only.
SETTINGS = (
    Setting(
        "ESMART_BASE_URL", help="The E-Smart IKM server; with ESMART_API_KEY, pull and push over HTTP.", check=_http_url
    ),
    Setting("ESMART_API_KEY", secret=True, help="The key E-Smart IKM gave the marketplace."),
    Setting("ESMART_PAGE_SIZE", 100, kind=int, check=_positive, help="IKM per HTTP page."),
    Setting("ESMART_FILE_PAGE_SIZE", 50, kind=int, check=_positive, help="IKM per committed page of a file."),
    Setting("ESMART_TIMEOUT", (5, 30), kind=tuple, check=_timeout, help="Connect and read timeouts (seconds)."),
    Setting("ESMART_MAX_ATTEMPTS", 5, kind=int, check=_positive, help="Attempts per call before giving up."),
    Setting("ESMART_BACKOFF", 1.0, kind=float, help="First retry after this many seconds, then 2x, 4x ..."),
    Setting("ESMART_MAX_WAIT", 120.0, kind=float, help="Total seconds a call may spend waiting to retry."),
    Setting("ESMART_PHOTO_MAX_BYTES", 5 * 1024 * 1024, kind=int, check=_positive, help="Largest photo fetched."),
    Setting(
        "ESMART_PHOTO_ALLOW_PRIVATE", False, kind=bool, help="Fetch photos from private addresses (tests, intranets)."
    ),
    Setting("ESMART_AUTO_PUSH", True, kind=bool, help="Push a product when it is saved, if E-Smart is configured."),
    Setting(
        "ESMART_PUSH_ASYNC",
        True,
        kind=bool,
        help="That push runs as a job on the queue (off: inline, in the saving request).",
    ),
    Setting(
        "ESMART_PULL_SCHEDULE",
        help="Crontab (UTC) of a pull from the configured server by `flask worker`, e.g. 0 2 * * *; unset: none.",
        check=_crontab,
    ),
    Setting(
        "ESMART_UPLOAD_MAX_BYTES",
        20 * 1024 * 1024,
        kind=int,
        check=_positive,
        help="Largest file the console or the API accepts for a pull.",
    ),
)
# Not a setting: tests put a fake sleep into app.config["ESMART_SLEEP"] (unset: time.sleep).
SLEEP_KEY = "ESMART_SLEEP"

_syncing: ContextVar[bool] = ContextVar("esmart_syncing", default=False)


def configured() -> bool:
    """True when an E-Smart server and key are set; without them only files are exchanged."""
    return bool(current_app.config.get("ESMART_BASE_URL") and current_app.config.get("ESMART_API_KEY"))


def make_client() -> EsmartClient:
    if not configured():
        raise ValidationError(_("E-Smart belum dikonfigurasi (ESMART_BASE_URL dan ESMART_API_KEY)."))
    cfg = current_app.config
    sleep = cfg.get(SLEEP_KEY)
    if sleep is None:  # (a fake sleep may be an empty list that records calls: test for None)
        sleep = time.sleep
    return EsmartClient(
        cfg["ESMART_BASE_URL"],
        cfg["ESMART_API_KEY"],
        timeout=cfg["ESMART_TIMEOUT"],
        max_attempts=cfg["ESMART_MAX_ATTEMPTS"],
        backoff=cfg["ESMART_BACKOFF"],
        max_wait=cfg["ESMART_MAX_WAIT"],
        sleep=sleep,
    )


def make_photo_fetcher() -> PhotoFetcher:
    cfg = current_app.config
    trusted = (urlsplit(cfg["ESMART_BASE_URL"]).hostname or "",) if cfg.get("ESMART_BASE_URL") else ()
    return PhotoFetcher(
        max_bytes=cfg["ESMART_PHOTO_MAX_BYTES"],
        timeout=cfg["ESMART_TIMEOUT"],
        allow_private=cfg["ESMART_PHOTO_ALLOW_PRIVATE"],
        trusted_hosts=trusted,
    )


@contextmanager
def syncing():
    """While a pull or push writes, product_saved does not trigger another push."""
    token = _syncing.set(True)
    try:
        yield
    finally:
        _syncing.reset(token)


def is_syncing() -> bool:
    return _syncing.get()
