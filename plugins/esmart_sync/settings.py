"""The plugin's settings (with defaults) and the objects built from them."""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import gettext as _

from marketplace.errors import ValidationError

from .client import EsmartClient, PhotoFetcher

DEFAULTS = {
    "ESMART_PAGE_SIZE": 100,  # IKM per HTTP page
    "ESMART_FILE_PAGE_SIZE": 50,  # IKM per committed page of a file
    "ESMART_TIMEOUT": (5, 30),  # connect, read (seconds)
    "ESMART_MAX_ATTEMPTS": 5,
    "ESMART_BACKOFF": 1.0,  # first retry after 1 s, then 2, 4, 8 ...
    "ESMART_MAX_WAIT": 120.0,  # total seconds a call may spend waiting to retry
    "ESMART_SLEEP": None,  # tests inject a fake sleep
    "ESMART_PHOTO_MAX_BYTES": 5 * 1024 * 1024,
    "ESMART_PHOTO_ALLOW_PRIVATE": False,  # fetch photos from private addresses (tests, intranets)
    "ESMART_AUTO_PUSH": True,  # push a product when it is saved, if E-Smart is configured
    "ESMART_PUSH_ASYNC": True,  # that push runs in a background thread (tests: inline)
}

_syncing: ContextVar[bool] = ContextVar("esmart_syncing", default=False)


def init_settings(app: Flask) -> None:
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)


def configured() -> bool:
    """True when an E-Smart server and key are set; without them only files are exchanged."""
    return bool(current_app.config.get("ESMART_BASE_URL") and current_app.config.get("ESMART_API_KEY"))


def make_client() -> EsmartClient:
    if not configured():
        raise ValidationError(_("E-Smart belum dikonfigurasi (ESMART_BASE_URL dan ESMART_API_KEY)."))
    cfg = current_app.config
    sleep = cfg["ESMART_SLEEP"] if cfg["ESMART_SLEEP"] is not None else time.sleep
    return EsmartClient(cfg["ESMART_BASE_URL"], cfg["ESMART_API_KEY"], timeout=cfg["ESMART_TIMEOUT"],
                        max_attempts=cfg["ESMART_MAX_ATTEMPTS"], backoff=cfg["ESMART_BACKOFF"],
                        max_wait=cfg["ESMART_MAX_WAIT"], sleep=sleep)


def make_photo_fetcher() -> PhotoFetcher:
    cfg = current_app.config
    trusted = (urlsplit(cfg["ESMART_BASE_URL"]).hostname or "",) if cfg.get("ESMART_BASE_URL") else ()
    return PhotoFetcher(max_bytes=cfg["ESMART_PHOTO_MAX_BYTES"], timeout=cfg["ESMART_TIMEOUT"],
                        allow_private=cfg["ESMART_PHOTO_ALLOW_PRIVATE"], trusted_hosts=trusted)


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
