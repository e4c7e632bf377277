"""Settings: defaults here, then instance/config.py, then environment variables, then the
config given to ``create_app`` (tests).

The names are the public surface of CONTRACT.md ("Settings"). Plugins declare their own
settings (``marketplace.plugin_api.Setting``), read by the plugin host the same way; none is
named here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from marketplace import production, urls
from marketplace.errors import ConfigurationError
from marketplace.inputs import truthy

# app.extensions key: the names given to create_app(test_config), which win over the environment
# (the plugin host reads plugins' settings in the same order)
EXPLICIT_SETTINGS_KEY = "apik_explicit_settings"

# The order clock's deadlines in whole days (README "The order clock"); checked at start-up.
CLOCK_SETTINGS = (
    "ORDER_ACCEPT_DAYS",
    "ORDER_COMPLETE_DAYS",
    "COMPLAINT_DAYS",
    "COMPLAINT_RESPONSE_DAYS",
    "COMPLAINT_RETURN_DAYS",
)

ENV_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "MARKETPLACE_PLUGINS",
    "MARKETPLACE_ENV",
    "REDIS_URL",
    "RATELIMIT_ENABLED",
    "UPLOAD_FOLDER",
    "REPORTS_FOLDER",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_USE_TLS",
    "MAX_CONTENT_LENGTH",
    "BASE_URL",
    "PAGE_CACHE",
    "PAGE_CACHE_TTL",
    "PAGE_CACHE_MAX_BYTES",
    "PAGE_CACHE_SHARED_MAX_BYTES",
    "EXPO_WARM_PAGES",
    "CARD_CACHE_MAX_BYTES",
    # deployment (docs/PRODUCTION.md)
    "LOG_LEVEL",
    "LOG_FORMAT",
    "LOG_REQUESTS",
    "TRUSTED_PROXIES",
    "PROXY_FIX_X_FOR",
    "PROXY_FIX_X_PROTO",
    "PROXY_FIX_X_HOST",
    "PROXY_FIX_X_PORT",
    "PROXY_FIX_X_PREFIX",
    "HSTS_MAX_AGE",
    # absolute links and the Host header (marketplace/urls.py); rate limits per worker (production.py)
    "TRUSTED_HOSTS",
    "ALLOW_UNSHARED_RATE_LIMITS",
    # accounts (README "Accounts and limits")
    "API_TOKEN_IDLE_DAYS",
    "API_TOKEN_MAX_DAYS",
    "EMAIL_CONFIRM_MAX_AGE",
    # image uploads (marketplace/media.py reads them as numbers and limit strings)
    "UPLOAD_RATE_LIMIT",
    "UPLOAD_RATE_LIMIT_PER_IP",
    "UPLOAD_DECODE_CONCURRENCY",
    "UPLOAD_DECODE_WAIT_SECONDS",
    # payout runs (docs/PAYMENTS.md "Payout runs")
    "PAYOUT_MINIMUM",
    "PAYOUT_SCHEDULE",
    # the job queue and the mail outbox (README "Job queue, worker and mail outbox")
    "JOBS_IMMEDIATE",
    "JOBS_SQLITE_PATH",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_RETRY_SECONDS",
    "MAIL_LEASE_SECONDS",
    "NOTICE_FALLBACK_MINUTES",
    # the order clock (marketplace/orders/clock.py) and the complaints' steps, whole days
    *CLOCK_SETTINGS,
    # shipping: how often a shipped parcel's courier is asked (marketplace/shipping/tracking.py)
    "TRACKING_REFRESH_MINUTES",
    # government buying (marketplace/gov): the ceiling of one store's direct purchase, rupiah
    "GOV_DIRECT_PURCHASE_LIMIT",
    # visitor figures (marketplace/visits): the beacon, the buffer's flush
    "VISITS_ENABLED",
    "VISITS_FLUSH_EVERY",
    "VISITS_FLUSH_SECONDS",
)


class Defaults:
    MARKETPLACE_ENV = "development"
    MARKETPLACE_PLUGINS = None  # unset: every bundled plugin (marketplace.plugin_api.plugin_names)
    REDIS_URL = None
    RATELIMIT_ENABLED = True
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False
    MAIL_DEFAULT_SENDER = "Apik Market <noreply@apik-market.local>"
    BASE_URL = None  # every absolute link (marketplace/urls.py); required in production
    TRUSTED_HOSTS = None  # host names accepted besides BASE_URL's (comma-separated); others get 400
    ALLOW_UNSHARED_RATE_LIMITS = False  # production without REDIS_URL: each worker counts alone
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    PER_PAGE = 24
    PASSWORD_RESET_MAX_AGE = 2 * 3600
    INVITE_MAX_AGE = 7 * 24 * 3600
    API_TOKEN_IDLE_DAYS = 30  # an API token unused this long expires (each use slides it forward)
    API_TOKEN_MAX_DAYS = 365  # ... but never lives longer than this from its creation
    EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds an e-mail confirmation link is valid
    RATELIMIT_SWALLOW_ERRORS = True  # Redis down: serve without limits rather than answer 500
    LOG_LEVEL = "INFO"
    LOG_FORMAT = None  # "json" or "text"; default: json in production, text elsewhere
    LOG_REQUESTS = None  # one log line per request; default: on in production
    TRUSTED_PROXIES = 0  # reverse proxies in front of the app (ProxyFix); see docs/PRODUCTION.md
    HSTS_MAX_AGE = 31536000
    PAGE_CACHE = True  # anonymous catalogue pages from memory (marketplace/pagecache.py)
    PAGE_CACHE_TTL = 300  # seconds: the longest a cached page lives, whatever else happens
    PAGE_CACHE_MAX_BYTES = 64 * 1024 * 1024  # per process
    # pages every worker reads (files beside the generations, or Redis); 0: each worker its own
    PAGE_CACHE_SHARED_MAX_BYTES = 256 * 1024 * 1024
    # an open expo's pages the job worker keeps in the page cache (marketplace/expo/warming.py); 0: none
    EXPO_WARM_PAGES = 5000
    CARD_CACHE_MAX_BYTES = 8 * 1024 * 1024  # product cards' HTML per process (catalog/cardcache.py); 0: off
    MAIL_MAX_ATTEMPTS = 6  # tries of one message before it is marked failed (and listed for admins)
    MAIL_RETRY_SECONDS = 60  # the first retry's wait; each next one waits twice as long
    # a WhatsApp (channel) notice not reported delivered this long after it went: its e-mail goes
    NOTICE_FALLBACK_MINUTES = 30
    MAIL_LEASE_SECONDS = 300  # a sender that died holding a message: sent again after this
    ORDER_ACCEPT_DAYS = 2  # a paid order the seller has not accepted is cancelled and refunded
    ORDER_COMPLETE_DAYS = 7  # a shipped order completes this long after shipping ...
    COMPLAINT_DAYS = 3  # ... or this long after the courier reports delivery; the complaint window
    COMPLAINT_RESPONSE_DAYS = 2  # the seller answers a complaint, the shopper an offer, the goods go back
    TRACKING_REFRESH_MINUTES = 60  # a shipped parcel's courier is asked again after this long
    COMPLAINT_RETURN_DAYS = 7  # the seller confirms the returned goods arrived, else they are refunded
    PAYOUT_MINIMUM = 50000  # rupiah: a payout run pays balances of at least this
    PAYOUT_SCHEDULE = ""  # crontab fields (UTC) of the periodic payout run; empty: no periodic run
    # an office may buy directly from one store up to this (Bela Pengadaan: Rp 50 juta per purchase)
    GOV_DIRECT_PURCHASE_LIMIT = 50_000_000
    VISITS_ENABLED = True  # the beacon counts page views (off: 204, nothing counted, no meta rendered)
    VISITS_FLUSH_EVERY = 200  # buffered entries that make a flush into visit_tallies (without Redis)
    VISITS_FLUSH_SECONDS = 5  # ... or seconds since the last flush, checked at the next count


def _coerce(name: str, value: str):
    if name in (
        "RATELIMIT_ENABLED",
        "MAIL_USE_TLS",
        "LOG_REQUESTS",
        "PAGE_CACHE",
        "ALLOW_UNSHARED_RATE_LIMITS",
        "JOBS_IMMEDIATE",
        "VISITS_ENABLED",
    ):
        return truthy(value)
    if name in (
        "MAIL_PORT",
        "MAX_CONTENT_LENGTH",
        "TRUSTED_PROXIES",
        "HSTS_MAX_AGE",
        "PAGE_CACHE_TTL",
        "PAGE_CACHE_MAX_BYTES",
        "PAGE_CACHE_SHARED_MAX_BYTES",
        "EXPO_WARM_PAGES",
        "CARD_CACHE_MAX_BYTES",
        "API_TOKEN_IDLE_DAYS",
        "API_TOKEN_MAX_DAYS",
        "EMAIL_CONFIRM_MAX_AGE",
        "MAIL_MAX_ATTEMPTS",
        "MAIL_RETRY_SECONDS",
        "MAIL_LEASE_SECONDS",
        "NOTICE_FALLBACK_MINUTES",
        "TRACKING_REFRESH_MINUTES",
        "GOV_DIRECT_PURCHASE_LIMIT",
        "VISITS_FLUSH_EVERY",
        "VISITS_FLUSH_SECONDS",
    ) or name.startswith("PROXY_FIX_"):
        return int(value)
    return value


def _secret_key(instance_path: Path) -> str:
    """A key generated once per installation and kept in instance/secret_key."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(app: Flask, test_config: dict | None = None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.extensions[EXPLICIT_SETTINGS_KEY] = frozenset(test_config or ())
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name in ENV_SETTINGS:
        if name in os.environ:
            app.config[name] = _coerce(name, os.environ[name])
    if test_config:
        app.config.update(test_config)

    cfg = app.config
    cfg.setdefault("DATABASE_URL", f"sqlite:///{instance / 'marketplace.sqlite'}")
    cfg["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(cfg["DATABASE_URL"])
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        cfg["SQLALCHEMY_DATABASE_URI"], cfg.get("SQLALCHEMY_ENGINE_OPTIONS")
    )
    _check_clock_settings(cfg)
    _check_payout_settings(cfg)
    production.check_settings(app)  # before a key is generated: production refuses insecure settings
    urls.configure(cfg)  # BASE_URL (or the address started on) and TRUSTED_HOSTS from it
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_key(instance)
    cfg.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    Path(cfg["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    cfg.setdefault("REPORTS_FOLDER", str(instance / "reports"))  # report jobs' CSV files (kept 7 days)
    cfg["RATELIMIT_STORAGE_URI"] = cfg["REDIS_URL"] or "memory://"
    cfg["RATELIMIT_HEADERS_ENABLED"] = True


def _check_clock_settings(cfg) -> None:
    """The order clock's settings are positive whole numbers of days (a string from the
    environment is read as one); anything else stops start-up saying what to change."""
    for name in CLOCK_SETTINGS:
        value = cfg.get(name)
        text = str(value).strip()
        if (
            isinstance(value, bool)
            or not (isinstance(value, int) or (text.isascii() and text.isdigit()))
            or int(text) < 1
        ):
            raise ConfigurationError(
                f"{name}={value!r} is not a positive whole number of days. "
                f"Set it to 1 or more (default {getattr(Defaults, name)})."
            )
        cfg[name] = int(text)


def _check_payout_settings(cfg) -> None:
    """PAYOUT_MINIMUM is a whole number of rupiah (1 or more), PAYOUT_SCHEDULE empty or five
    crontab fields; anything else stops start-up saying what to change."""
    text = str(cfg.get("PAYOUT_MINIMUM")).strip()
    if isinstance(cfg.get("PAYOUT_MINIMUM"), bool) or not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ConfigurationError(f"PAYOUT_MINIMUM={text!r} is not a whole number of rupiah (1 or more).")
    cfg["PAYOUT_MINIMUM"] = int(text)
    schedule = str(cfg.get("PAYOUT_SCHEDULE") or "").strip()
    if schedule and len(schedule.split()) != 5:
        raise ConfigurationError(f"PAYOUT_SCHEDULE={schedule!r} needs five crontab fields, e.g. '0 3 * * 1'.")
    cfg["PAYOUT_SCHEDULE"] = schedule


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// URLs use the psycopg 3 driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Seconds to wait for a PostgreSQL connection before answering 503 (docs/PRODUCTION.md,
# "Database outages"): an unreachable host must not hold every worker thread.
DEFAULT_CONNECT_TIMEOUT = 5


def engine_options(uri: str, configured: dict | None) -> dict:
    """The engine options for ``uri``: what the settings give, plus, for a database server,
    a liveness check on every checkout (``pool_pre_ping``: after a restart or failover the
    pool's dead connections are replaced, no app restart needed) and a connect timeout.
    A setting given in SQLALCHEMY_ENGINE_OPTIONS (or ``connect_timeout`` in the URL) wins."""
    options = dict(configured or {})
    if uri.startswith("sqlite"):
        return options
    options.setdefault("pool_pre_ping", True)
    if uri.startswith("postgresql") and "connect_timeout=" not in uri:
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        options["connect_args"] = connect_args
    return options
