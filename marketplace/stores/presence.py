"""The booth's "online now": when one of a store's members last used the seller pages.

:func:`seen` is called before every ``/seller/...`` request (:func:`before_seller_page`): it
reads the stores concerned and their last sighting in one statement and writes only for a store
not seen for a minute, in its own short transaction; the browser's session skips even the read
within that minute, so a busy seller costs one read and at most one write a minute.
The agency officer assisting a store is not its seller: no sighting.
A failure here is logged and forgotten; the page goes on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import g, request, session
from flask_login import current_user
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.stores.models import Store, StoreMember, StorePresence

log = logging.getLogger(__name__)

ONLINE_FOR = timedelta(minutes=5)  # "Online" on the booth page this long after the last sighting
WRITE_EVERY = timedelta(minutes=1)  # at most one write per store in this time


def online(store_id: int, at: datetime | None = None) -> bool:
    """Whether a member of the store used the seller pages in the last five minutes."""
    seen_at = db.session.scalar(select(StorePresence.last_seen_at).where(StorePresence.store_id == store_id))
    return seen_at is not None and seen_at > (at or now()) - ONLINE_FOR


def seen(user_id: int, store_slug: str | None = None, at: datetime | None = None) -> int:
    """Record that the user, a member, is using the seller pages of the store ``store_slug``
    (every store they belong to when None); returns how many sightings were written.

    One statement reads the user's memberships with their last sighting; a store seen less
    than a minute ago is left alone. The writes are committed at once (nothing else is in the
    session before a request's view runs)."""
    at = at or now()
    query = (
        select(StoreMember.store_id, StorePresence.last_seen_at)
        .outerjoin(StorePresence, StorePresence.store_id == StoreMember.store_id)
        .where(StoreMember.user_id == user_id)
    )
    if store_slug is not None:
        query = query.join(Store, Store.id == StoreMember.store_id).where(Store.slug == store_slug)
    rows = db.session.execute(query).all()
    stale = at - WRITE_EVERY
    written = 0
    for store_id, last in rows:
        if last is not None and last > stale:
            continue
        if last is None:
            try:
                with db.session.begin_nested():
                    db.session.add(StorePresence(store_id=store_id, last_seen_at=at))
            except IntegrityError:  # another request of the store wrote it first
                continue
        else:
            db.session.execute(
                update(StorePresence)
                .where(StorePresence.store_id == store_id, StorePresence.last_seen_at <= stale)
                .values(last_seen_at=at)
            )
        written += 1
    if written:
        db.session.commit()
    return written


SEEN_KEY = "_seller_seen"  # in the signed session cookie: {"<user id>:<store slug or *>": epoch seconds}


def _fresh_marks(at: datetime) -> dict:
    return {k: v for k, v in (session.get(SEEN_KEY) or {}).items() if at.timestamp() - v < WRITE_EVERY.seconds}


def _record(user_id: int, slug: str | None) -> None:
    """The sighting, remembered in the browser's session for a minute; a failure is logged."""
    try:
        at = now()
        seen(user_id, slug, at)
        marks = _fresh_marks(at)
        marks[f"{user_id}:{slug or '*'}"] = int(at.timestamp())
        session[SEEN_KEY] = marks
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("store presence not recorded for %s", request.path, exc_info=True)


def before_seller_page() -> None:
    """A ``before_app_request`` of the stores blueprint: the sighting of a seller page.

    The browser's session remembers what it recorded in the last minute (signing in records
    every store of the user), so a seller clicking through their pages costs no statement at
    all; once a minute the sighting reads and (when no other browser of the store did) writes."""
    if not request.path.startswith("/seller/") or not current_user.is_authenticated:
        return
    slug = (request.view_args or {}).get("slug") if request.path.startswith("/seller/stores/") else None
    slug = slug if isinstance(slug, str) else None
    marks = _fresh_marks(now())
    if f"{current_user.id}:{slug or '*'}" in marks or f"{current_user.id}:*" in marks:
        return
    _record(current_user.id, slug)


def on_sign_in(_app, user) -> None:
    """Flask-Login's ``user_logged_in``: a seller signing in is online (recorded after the view)."""
    g.presence_sign_in = user.id


def after_sign_in(response):
    """An ``after_app_request``: the sighting of a sign-in, once the sign-in's own work is done."""
    user_id = g.pop("presence_sign_in", None)
    if user_id is not None and response.status_code < 400:
        _record(user_id, None)
    return response
