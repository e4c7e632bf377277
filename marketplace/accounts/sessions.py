"""Browser sessions: signing in and out, the session's random id, and Flask-Login's user loader.

A session cookie is signed, not stored: a copy of it stays valid until it ages
out. Each signed-in session therefore carries a random id, and sign-out records
that id, so the copy is refused from then on (see ``load_session_user``).
The session key itself is ``models.SESSION_ID_KEY``: ``User.get_id`` puts the id
into what Flask-Login stores, and the model must not import this module back.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, g, has_request_context, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, exists, select

from marketplace.accounts.models import SESSION_ID_KEY, EndedSession, User
from marketplace.accounts.services import secret_digest
from marketplace.clock import now
from marketplace.extensions import db, login_manager

__all__ = [
    "SESSION_ID_KEY",
    "current_session_id",
    "end_session",
    "load_session_user",
    "load_user",
    "new_session_id",
    "sign_out",
    "start_session",
]

# Session keys that survive the session renewal at sign-in and sign-out.
KEPT_ACROSS_LOGIN = ("lang",)


def current_session_id() -> str | None:
    """This browser session's random id (None outside a request or before sign-in)."""
    return session.get(SESSION_ID_KEY) if has_request_context() else None


def new_session_id() -> str:
    return secrets.token_urlsafe(24)


def end_session(session_id: str | None) -> None:
    """Record a signed-out session id; forget records older than any cookie can live."""
    if not session_id:
        return
    # kept as long as any cookie naming it can live: the session's, or the remember-me cookie's
    remember = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    if not isinstance(remember, timedelta):
        remember = timedelta(seconds=int(remember))
    lifetime = max(current_app.permanent_session_lifetime, remember)
    db.session.execute(delete(EndedSession).where(EndedSession.ended_at < now() - lifetime))
    if db.session.get(EndedSession, secret_digest(session_id)) is None:
        db.session.add(EndedSession(sid_hash=secret_digest(session_id), ended_at=now()))


def load_session_user(user_id: int, version: int, session_id: str | None) -> User | None:
    """The active user of a session cookie whose version is current and whose id was not signed out
    (one statement)."""
    query = select(User).where(User.id == user_id)
    if session_id:
        query = query.where(~exists().where(EndedSession.sid_hash == secret_digest(session_id)))
    user = db.session.scalar(query)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def start_session(user, remember: bool = False) -> None:
    """Sign ``user`` in on a brand-new session (keeping only the chosen language).

    The session as it was before is left in ``g.previous_session`` for
    ``flask_login.user_logged_in`` receivers (an anonymous cart to merge, say).
    """
    g.previous_session = dict(session)
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
    session[SESSION_ID_KEY] = new_session_id()
    login_user(user, remember=remember)


def sign_out() -> None:
    """Sign out: this session's id is recorded as ended, so a copy of the cookie stays anonymous.
    The record is committed before the cookie is cleared: a sign-out that could not be recorded
    must not look done."""
    end_session(session.get(SESSION_ID_KEY))
    db.session.commit()
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)
    logout_user()  # after the clear: it marks the remember-me cookie for deletion


@login_manager.user_loader
def load_user(stored_id: str):
    """Flask-Login's stored id is "<user id>:<session version>[:<session id>]" (User.get_id). A bumped
    version (password change) logs every session out; a signed-out session id logs out that session
    and every copy of its cookies, remember-me included.

    A session without an id is accepted only while Flask-Login restores it from the remember-me
    cookie: it takes the id the cookie names (ids from before ids were in the cookie: a fresh one)."""
    user_id, version, cookie_sid = (stored_id.split(":") + ["", ""])[:3]
    if not user_id.isdigit() or not version.isdigit():
        return None
    sid = session.get(SESSION_ID_KEY)
    if not sid:
        if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") not in request.cookies:
            return None
        sid = cookie_sid or None
    elif cookie_sid and cookie_sid != sid:
        return None  # a stored id grafted from another session
    user = load_session_user(int(user_id), int(version), sid)
    if user is not None and not session.get(SESSION_ID_KEY):
        session[SESSION_ID_KEY] = sid or new_session_id()
    return user
