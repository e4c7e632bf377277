"""What a beacon counts, and the count of an add to cart: the one place that decides.

A beacon's fields: ``k`` the kind (hall, booth, product, whatsapp), ``e`` an expo's slug, ``s``
a store's slug, ``p`` a product id. What each kind needs: hall an expo; booth an expo and a
store; product and whatsapp a store (the expo optional). The product id is checked (a positive
number) but not kept: the figures are per store. Anything else counts nothing, quietly.
Slugs are resolved through this process's cache (``SLUG_SECONDS``), unknown ones too, so a
beacon of a known page costs no SELECT.

A beacon reaches :func:`take_beacon` two ways, with the same plain arguments: the fast path
(``fastpath.py``, a WSGI middleware answering a plain beacon before Flask's request machinery)
and the Flask view (``views.py``, for anything else). The rate limit is applied here, once for
both, in the limiter's own storage.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping

from flask import Flask, current_app, request
from limits import parse
from limits.errors import StorageError
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import Headers

from marketplace.errors import NotFound
from marketplace.expo import services as expo_services
from marketplace.extensions import db, limiter
from marketplace.stores import services as store_services
from marketplace.visits import counter
from marketplace.visits.visitor import is_bot, is_prefetch, salt_of, today, visitor_hash

log = logging.getLogger(__name__)

BEACON_KINDS = ("hall", "booth", "product", "whatsapp")
SLUG_SECONDS = 300  # how long this process trusts a slug's id (or its absence)
MAX_CACHED_SLUGS = 10_000
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
_ID = re.compile(r"[1-9][0-9]{0,17}")
BEACON_LIMIT = "240 per minute"  # per client address; a page view sends one, a WhatsApp tap one more
_LIMIT = parse(BEACON_LIMIT)
# the scope Flask-Limiter's decorator on the view counted under: a count in Redis carries over a deploy
LIMIT_SCOPE = "visits.beacon"


def enabled(app: Flask) -> bool:
    return bool(app.config.get("VISITS_ENABLED", True))


def take_beacon(app: Flask, fields: Mapping[str, str], address: str, headers: Headers) -> bool:
    """Count a beacon with form ``fields`` sent from ``address`` (the client's, after ProxyFix) with
    ``headers``, if the sender is within the limit and the fields and the sender qualify; whether
    it counted. Call inside an app context; never raises for Redis or the database being down."""
    if over_the_limit(app, address) or not enabled(app):
        return False
    kind = fields.get("k", "")
    expo_slug, store_slug, product = fields.get("e", ""), fields.get("s", ""), fields.get("p", "")
    if kind not in BEACON_KINDS or (product and not _ID.fullmatch(product)):
        return False
    if kind in ("hall", "booth") and not expo_slug:
        return False
    if kind != "hall" and not store_slug:
        return False
    if kind == "hall":
        store_slug = ""
    try:
        visitor = _visitor(app, address, headers)
        if visitor is None:
            return False
        expo_id = _resolve(app, "expo", expo_slug) if expo_slug else 0
        store_id = _resolve(app, "store", store_slug) if store_slug else 0
        if expo_id is None or store_id is None:
            return False
        counter.record(app, today(), kind, expo_id, store_id, visitor)
    except (RedisError, SQLAlchemyError):  # Redis or the database down: the view is lost, the beacon still 204
        log.warning("visits: could not count a %s beacon", kind, exc_info=True)
        return False
    return True


def over_the_limit(app: Flask, address: str) -> bool:
    """Whether this beacon takes ``address`` over ``BEACON_LIMIT`` (it counts against it either way).

    The app's limiter: its switch (``RATELIMIT_ENABLED``), its storage (memory, or Redis with
    ``REDIS_URL``) and the key Flask-Limiter's decorator made when the view wore one (an empty
    address is 127.0.0.1, as in its ``get_remote_address``). A storage that fails lets the beacon
    through, as ``RATELIMIT_SWALLOW_ERRORS`` does for every other limit."""
    if not limiter.enabled:
        return False
    prefix = app.config.get("RATELIMIT_KEY_PREFIX")
    key = (prefix, address or "127.0.0.1", LIMIT_SCOPE) if prefix else (address or "127.0.0.1", LIMIT_SCOPE)
    try:
        return not limiter.limiter.hit(_LIMIT, *key)
    except (RedisError, StorageError):  # the limiter's Redis down: no limit rather than a lost beacon
        log.warning("visits: the rate limit of a beacon could not be checked", exc_info=True)
        return False


def count_request(kind: str, store_id: int = 0, expo_id: int = 0) -> None:
    """Count ``kind`` (e.g. "cart") for the visitor of this request; never raises (a failure is logged)."""
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if not enabled(app):
            return
        visitor = _visitor(app, request.remote_addr or "", request.headers)
        if visitor is not None:
            counter.record(app, today(), kind, int(expo_id or 0), int(store_id or 0), visitor)
    except Exception:  # noqa: BLE001 - a figure is never worth a failed add to cart
        log.warning("visits: could not count %s for store %s", kind, store_id, exc_info=True)


def cart_store_id(cart, variant_id) -> int:
    """The store of ``variant_id`` in a cart as the cart service returned it (0 when not in it)."""
    wanted = str(variant_id).strip()  # the form's text or the API's number
    for group in getattr(cart, "groups", ()):
        if any(str(line.variant_id) == wanted for line in group.lines):
            return int(group.store_id)
    return 0


def _visitor(app: Flask, address: str, headers: Headers) -> str | None:
    """The hashed visitor of a request from ``address`` with ``headers``, or None for a bot, a
    prefetch or no User-Agent."""
    user_agent = headers.get("User-Agent", "")[:512]
    if is_prefetch(headers) or is_bot(user_agent):
        return None
    return visitor_hash(salt_of(app, today()), address, user_agent)


def _resolve(app: Flask, kind: str, slug: str) -> int | None:
    """The id of an expo or a store the public may see, from the cache or one SELECT."""
    if not _SLUG.fullmatch(slug):
        return None
    ids = counter.state(app).ids
    moment = time.monotonic()
    cached = ids.get((kind, slug))
    if cached is not None and cached[0] > moment:
        return cached[1]
    try:
        found = expo_services.get_expo(slug).id if kind == "expo" else store_services.get_selling_store(slug).id
    except NotFound:
        found = None
    finally:
        db.session.rollback()  # end the read: the count's flush writes on its own connection
    if len(ids) >= MAX_CACHED_SLUGS:
        ids.clear()
    ids[(kind, slug)] = (moment + SLUG_SECONDS, found)
    return found
