from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context, has_request_context, session
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

ROLES = ("shopper", "seller", "agency", "insurer", "gov", "admin")
# The session key of a signed-in session's random id (accounts/sessions.py), part of User.get_id.
SESSION_ID_KEY = "sid"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __page_cache__ = {  # only a rename shows (a review's author); a new user has written no review yet
        "detail": ("name",),
        "nothing": (
            "id",
            "email",
            "password_hash",
            "phone",
            "role_names",
            "insurer_code",
            "locale",
            "active",
            "session_version",
            "created_at",
            "email_confirmed_at",
            "whatsapp",
            "whatsapp_opt_in_at",
        ),
        "new_rows": False,
    }

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    # comma-separated subset of ROLES; read through .roles / .has_role
    role_names: Mapped[str] = mapped_column(String(100), default="shopper")
    insurer_code: Mapped[str | None] = mapped_column(String(40))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped at password change and "log out everywhere": old sessions stop matching
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # set when the owner opened the link mailed at registration; None: may not open a store or upload
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # WhatsApp notices: the number (E.164) the user gave and when they opted in; None: e-mail only
    whatsapp: Mapped[str | None] = mapped_column(String(20))
    whatsapp_opt_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def roles(self) -> list[str]:
        return [r for r in self.role_names.split(",") if r]

    def has_role(self, *roles: str) -> bool:
        mine = set(self.roles)
        return "admin" in mine or bool(mine.intersection(roles))

    def add_role(self, role: str) -> None:
        if role not in self.roles:
            self.role_names = ",".join([*self.roles, role])

    def set_password(self, password: str) -> None:
        # tests choose a cheap method through PASSWORD_HASH_METHOD; production keeps scrypt
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and in the remember-me cookie: the user, the
        password's session version and, when signed in through a page, that session's random id —
        so signing out of it also kills every copy of its remember-me cookie (accounts/sessions.py)."""
        sid = session.get(SESSION_ID_KEY) if has_request_context() else None
        return f"{self.id}:{self.session_version}:{sid}" if sid else f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # sliding: pushed forward on use (at most hourly), never past created_at + API_TOKEN_MAX_DAYS
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # what the owner sees in the token list: a label given at creation, else the client's User-Agent
    label: Mapped[str | None] = mapped_column(String(200))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(lazy="joined")


class EndedSession(db.Model):
    """A signed-out browser session: its id (only the SHA-256 is kept), so a copy of
    the cookie replayed after sign-out stays anonymous. Kept as long as a session
    cookie can live (PERMANENT_SESSION_LIFETIME), then pruned."""

    __tablename__ = "ended_sessions"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)


class SignInFailure(db.Model):
    """Failed password checks of one e-mail address (only its SHA-256 is kept), whether or not an
    account has it — so the answer and the work are the same for unknown addresses. After
    ``FREE_FAILURES`` failures each new one makes the address wait 1, 2, 4 ... minutes (capped);
    a success deletes the row (accounts.services)."""

    __tablename__ = "sign_in_failures"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
