"""API bearer tokens: issued for a password, looked up on every API request in one statement,
expiring when unused (sliding) and at a maximum age, listed and revoked by their user.

Only a token's SHA-256 is stored; the secret is shown once."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app, g, request
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError

from marketplace import audit
from marketplace.accounts.models import ApiToken, User
from marketplace.accounts.services import secret_digest
from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import in_id_range

log = logging.getLogger(__name__)

# API tokens (overridable as API_TOKEN_IDLE_DAYS / API_TOKEN_MAX_DAYS): a token unused for the idle
# time expires; use pushes it forward, at most once per TOKEN_TOUCH_INTERVAL (no write per request),
# never past the absolute maximum counted from its creation.
API_TOKEN_IDLE_DAYS = 30
API_TOKEN_MAX_DAYS = 365
TOKEN_TOUCH_INTERVAL = timedelta(hours=1)


def _token_days(name: str, default: int) -> timedelta:
    return timedelta(days=int(current_app.config.get(name) or default))


def issue_token(user: User, label: str | None = None) -> str:
    """A new bearer token (only its hash is stored), valid for API_TOKEN_IDLE_DAYS from now."""
    return new_token(user, label)[1]


def new_token(user: User, label: str | None = None) -> tuple[ApiToken, str]:
    """The stored token (id, expiry) and its secret, which is shown once and never kept."""
    token = "apk_" + secrets.token_urlsafe(32)
    moment = now()
    label = " ".join((label or "").split())[:200] or None
    row = ApiToken(
        user_id=user.id,
        token_hash=secret_digest(token),
        created_at=moment,
        last_used_at=moment,
        expires_at=_sliding_expiry(moment, moment),
        label=label,
    )
    db.session.add(row)
    return row, token


def _sliding_expiry(created_at: datetime, used_at: datetime) -> datetime:
    return min(
        used_at + _token_days("API_TOKEN_IDLE_DAYS", API_TOKEN_IDLE_DAYS),
        created_at + _token_days("API_TOKEN_MAX_DAYS", API_TOKEN_MAX_DAYS),
    )


@lru_cache(maxsize=1)
def _user_of_token():
    # built once: every API request runs it, only the hash and the time change
    return (
        select(User, ApiToken.id, ApiToken.created_at, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("token_hash"),
            ApiToken.revoked.is_(False),
            ApiToken.expires_at > bindparam("now"),
            User.active.is_(True),
        )
    )


@lru_cache(maxsize=1)
def _touch_token():
    return (
        update(ApiToken.__table__)
        .where(ApiToken.__table__.c.id == bindparam("token_id"))
        .values(last_used_at=bindparam("used_at"), expires_at=bindparam("expires_at"))
    )


def user_for_token(token: str) -> User | None:
    """The active user of a token that was neither revoked nor expired, else None (one statement).

    A use more than TOKEN_TOUCH_INTERVAL after the last recorded one moves last_used_at and the sliding
    expiry forward, in a short transaction of its own (the request may never commit)."""
    moment = now()
    row = db.session.execute(_user_of_token(), {"token_hash": secret_digest(token), "now": moment}).first()
    if row is None:
        return None
    user, token_id, created_at, last_used_at = row
    if last_used_at is None or moment - last_used_at >= TOKEN_TOUCH_INTERVAL:
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    _touch_token(),
                    {"token_id": token_id, "used_at": moment, "expires_at": _sliding_expiry(created_at, moment)},
                )
        except SQLAlchemyError:  # the token stays valid; the next use tries again
            log.warning("could not record the use of API token %s", token_id, exc_info=True)
    return user


def current_api_user():
    """The user of the request's bearer token, or None. Cached on ``g`` for the request. The
    JSON API authenticates with it (``api.base.auth_required``); upload limits count by it too."""
    if "api_user" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        g.api_user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    return g.api_user


def token_id_of(user: User, token: str | None) -> int | None:
    """The id of ``token`` if it is a live token of ``user``."""
    if not token:
        return None
    return db.session.scalar(
        select(ApiToken.id).where(
            ApiToken.token_hash == secret_digest(token), ApiToken.user_id == user.id, ApiToken.revoked.is_(False)
        )
    )


def tokens_of(user: User) -> list[ApiToken]:
    """The user's live tokens (not revoked, not expired), the most recently used first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False), ApiToken.expires_at > now())
            .order_by(ApiToken.last_used_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(user: User, token_id) -> ApiToken:
    """Revoke one of the user's live tokens; NotFound for anyone else's (or a dead or unknown id)."""
    if not isinstance(token_id, int) or not in_id_range(token_id):  # in_id_range refuses True
        raise NotFound(_("Token tidak ditemukan."))
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.id == token_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked.is_(False),
            ApiToken.expires_at > now(),
        )
    )
    if token is None:
        raise NotFound(_("Token tidak ditemukan."))
    token.revoked = True
    audit.record(user, "user.token_revoked", "user", user.id, token_id=token.id)
    return token
