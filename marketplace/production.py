"""MARKETPLACE_ENV=production: refuse insecure settings, harden the rest.

``check_settings`` runs inside ``config.load_config`` before anything is
generated or connected: an unknown MARKETPLACE_ENV, and in production a missing
or weak SECRET_KEY, a SQLite file on a network filesystem, debug mode, a missing
BASE_URL (absolute links would otherwise have no trustworthy origin), or rate
limits without a shared store (REDIS_URL; each worker would count alone) unless
ALLOW_UNSHARED_RATE_LIMITS says the operator knows, stop start-up with a
``ConfigurationError`` that says what to change. Production also gets Secure
cookies and https URLs.

``check_startup`` runs once the app is built: a production database holding
the demo accounts (whose password is public) stops gunicorn from starting; a
``flask`` command only warns, so the operator can still repair the data.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask

from marketplace.errors import ConfigurationError
from marketplace.inputs import truthy

log = logging.getLogger(__name__)

ENVIRONMENTS = ("development", "production", "testing")
MIN_SECRET_LENGTH = 32
MIN_SECRET_DISTINCT = 10
# Fragments of the placeholders people copy from examples instead of generating a key.
PLACEHOLDER_SECRETS = (
    "change-me",
    "changeme",
    "change_me",
    "replace-me",
    "replaceme",
    "your-secret",
    "example",
    "insecure",
)
NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb3",
    "smbfs",
    "ncpfs",
    "afs",
    "9p",
    "sshfs",
    "fuse.sshfs",
    "glusterfs",
    "fuse.glusterfs",
    "ceph",
    "fuse.ceph",
    "lustre",
    "gpfs",
    "davfs",
    "fuse.davfs",
    "fuse.rclone",
    "fuse.s3fs",
    "fuse.gcsfuse",
    "fuse.juicefs",
    "fuse.mountpoint-s3",
    "fuse.goofys",
}
MOUNTS_FILE = "/proc/mounts"
DEMO_EMAIL_DOMAIN = "@demo.test"
GENERATE_HINT = "python3 -c 'import secrets; print(secrets.token_hex(32))'"


def is_production(config) -> bool:
    return config.get("MARKETPLACE_ENV") == "production"


def check_settings(app: Flask) -> None:
    """Validate MARKETPLACE_ENV; in production refuse insecure settings and harden cookies."""
    cfg = app.config
    env = cfg.get("MARKETPLACE_ENV") or "development"
    if env not in ENVIRONMENTS:
        raise ConfigurationError(
            f"MARKETPLACE_ENV={env!r} is not one of {', '.join(ENVIRONMENTS)}. "
            "Use 'production' on a public server, 'development' (the default) elsewhere."
        )
    cfg["MARKETPLACE_ENV"] = env
    if env != "production":
        return
    _check_secret_key(cfg.get("SECRET_KEY"))
    _check_debug(cfg)
    _check_sqlite_path(cfg.get("SQLALCHEMY_DATABASE_URI") or "", Path(app.instance_path))
    _check_base_url(cfg)
    _check_rate_limit_store(cfg)
    _harden(cfg)


def _check_secret_key(key) -> None:
    if not key:
        raise ConfigurationError(
            "SECRET_KEY is not set. In production it must be set explicitly (environment or instance/config.py) "
            "and be the same on every app host; the key generated into instance/secret_key is for development "
            f"only. Generate one with: {GENERATE_HINT}"
        )
    key = str(key)
    lowered = key.lower()
    weak = (
        len(key) < MIN_SECRET_LENGTH
        or len(set(key)) < MIN_SECRET_DISTINCT
        or any(fragment in lowered for fragment in PLACEHOLDER_SECRETS)
    )
    if weak:
        raise ConfigurationError(
            f"SECRET_KEY is too weak for production: it needs at least {MIN_SECRET_LENGTH} random characters "
            f"(at least {MIN_SECRET_DISTINCT} different ones) and must not be a placeholder. "
            f"Generate one with: {GENERATE_HINT}"
        )


def _check_debug(cfg) -> None:
    flag = os.environ.get("FLASK_DEBUG", "").strip().lower()
    if cfg.get("DEBUG") or truthy(flag):
        raise ConfigurationError(
            "Debug mode is on (DEBUG / FLASK_DEBUG). The debugger runs arbitrary code for anyone who can reach "
            "it: unset FLASK_DEBUG and DEBUG when MARKETPLACE_ENV=production."
        )


def _check_base_url(cfg) -> None:
    from marketplace.urls import BaseUrlError, normalise_base

    if not cfg.get("BASE_URL"):
        raise ConfigurationError(
            "BASE_URL is not set. In production every absolute link (password reset, invitations, order e-mails, "
            "payment redirects) is built from it, never from the request's Host header, and only its host is "
            "accepted in Host (TRUSTED_HOSTS adds others). Set it to the public address, e.g. "
            "BASE_URL=https://pasar.example.id"
        )
    try:
        normalise_base(cfg["BASE_URL"])
    except BaseUrlError as exc:
        raise ConfigurationError(str(exc)) from None


def _check_rate_limit_store(cfg) -> None:
    """Without REDIS_URL every worker process keeps its own counters: with 2 workers an attacker
    got 35 of 60 password guesses through a 20-a-minute limit. ALLOW_UNSHARED_RATE_LIMITS=true
    (one worker, or limits enforced in front of the app) lets it start anyway."""
    if cfg.get("REDIS_URL") or not truthy(cfg.get("RATELIMIT_ENABLED", True)):
        return
    if truthy(cfg.get("ALLOW_UNSHARED_RATE_LIMITS")):
        log.warning(
            "MARKETPLACE_ENV=production without REDIS_URL and ALLOW_UNSHARED_RATE_LIMITS=true: rate "
            "limits are counted per worker process, so N workers allow N times the limit."
        )
        return
    raise ConfigurationError(
        "REDIS_URL is not set. In production the rate limits (sign-in guesses, registrations, reset e-mails) must "
        "be counted in one shared store; without it each worker process counts alone and N workers allow N times "
        "the limit. Set REDIS_URL=redis://HOST:6379/0, or, with a single worker process or limits enforced in "
        "front of the app, ALLOW_UNSHARED_RATE_LIMITS=true."
    )


def _check_sqlite_path(uri: str, instance_path: Path) -> None:
    if not uri.startswith("sqlite"):
        return
    from sqlalchemy.engine import make_url

    database = make_url(uri).database or ""
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        raise ConfigurationError(
            "DATABASE_URL is an in-memory SQLite database: everything would be lost on "
            "restart. Use a file (sqlite:////srv/apik/marketplace.sqlite) or PostgreSQL."
        )
    if database.startswith(("//", "\\\\")):
        raise ConfigurationError(_network_message(database, "a network (UNC) path"))
    path = Path(database)
    if not path.is_absolute():
        path = instance_path / path  # Flask-SQLAlchemy reads relative SQLite paths from the instance folder
    fstype = filesystem_type(path.parent)
    if fstype in NETWORK_FILESYSTEMS:
        raise ConfigurationError(_network_message(str(path), f"a {fstype} network filesystem"))


def _network_message(path: str, where: str) -> str:
    return (
        f"The SQLite database {path} is on {where}. SQLite's locking is not reliable over network "
        "filesystems and the database can be corrupted. Keep the file on a local disk of one host, or use "
        "PostgreSQL (DATABASE_URL=postgresql://...) to run several app hosts."
    )


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path`` per /proc/mounts (None when unknown)."""
    try:
        lines = Path(MOUNTS_FILE).read_text().splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, best_type = "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount = fields[1].encode().decode("unicode_escape")  # /proc/mounts writes a space as \040
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, best_type = mount, fields[2]
    return best_type


def _harden(cfg) -> None:
    cfg["SESSION_COOKIE_SECURE"] = True
    cfg["REMEMBER_COOKIE_SECURE"] = True
    cfg["SESSION_COOKIE_HTTPONLY"] = True
    cfg["REMEMBER_COOKIE_HTTPONLY"] = True
    for name in ("SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SAMESITE"):
        if cfg.get(name) not in ("Lax", "Strict"):
            cfg[name] = "Lax"
    cfg["PREFERRED_URL_SCHEME"] = "https"


def check_startup(app: Flask) -> None:
    """Production only, once the app is built: refuse to serve a database that holds the demo accounts.

    One query at start-up. A database that cannot be reached or is not migrated
    yet is left to /healthz; a ``flask`` command only warns, so the operator can
    still restore a backup or deactivate the accounts."""
    if not is_production(app.config):
        return
    if not app.config.get("MAIL_SERVER"):
        log.warning(
            "MARKETPLACE_ENV=production without MAIL_SERVER: no e-mail is sent (password resets, "
            "invitations, orders). The log records each message's recipient and subject only, never "
            "its body or links. Set MAIL_SERVER."
        )
    found = _demo_accounts(app)
    if not found:
        return
    message = (
        f"The database holds demo accounts ({', '.join(found)}) whose password is public. A production "
        "database must not: point DATABASE_URL at the production database, restore a production backup "
        "(flask backup restore PATH), or deactivate those accounts. On a demo machine unset "
        "MARKETPLACE_ENV."
    )
    import click

    if click.get_current_context(silent=True) is not None:
        log.error("%s", message)
        return
    raise ConfigurationError(message)


def _demo_accounts(app: Flask) -> list[str]:
    from sqlalchemy import text

    from marketplace.extensions import db

    with app.app_context():
        try:
            rows = db.session.scalars(
                text("SELECT email FROM users WHERE email LIKE :pattern AND active ORDER BY id LIMIT 3"),
                {"pattern": "%" + DEMO_EMAIL_DOMAIN},
            ).all()
        except Exception as exc:  # unreachable or not migrated yet: /healthz reports it
            log.warning("start-up check for demo accounts skipped: %s", exc.__class__.__name__)
            rows = []
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection crosses a fork (gunicorn --preload)
    return list(rows)
