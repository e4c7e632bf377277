"""What a beacon counts, and the count of an add to cart: the one place that decides.

A beacon's fields: ``k`` the kind (hall, booth, product, whatsapp), ``e`` an expo's slug, ``s``
a store's slug, ``p`` a product id. What each kind needs: hall an expo; booth an expo and a
store; product and whatsapp a store (the expo optional). The product id is checked (a positive
number) but not kept: the figures are per store. Anything else counts nothing, quietly.
Slugs are resolved through this process's cache (``SLUG_SECONDS``), unknown ones too, so a
beacon of a known page costs no SELECT.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Mapping

from flask import Flask, current_app, request

from marketplace.errors import NotFound
from marketplace.expo import services as expo_services
from marketplace.extensions import db
from marketplace.stores import services as store_services
from marketplace.visits import counter
from marketplace.visits.visitor import is_bot, is_prefetch, salt_of, today, visitor_hash

log = logging.getLogger(__name__)

BEACON_KINDS = ("hall", "booth", "product", "whatsapp")
SLUG_SECONDS = 300  # how long this process trusts a slug's id (or its absence)
MAX_CACHED_SLUGS = 10_000
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
_ID = re.compile(r"[1-9][0-9]{0,17}")


def enabled(app: Flask) -> bool:
    return bool(app.config.get("VISITS_ENABLED", True))


def take_beacon(fields: Mapping[str, str]) -> bool:
    """Count the beacon of this request if its fields and its sender qualify; whether it counted."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not enabled(app):
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
    visitor = _visitor(app)
    if visitor is None:
        return False
    expo_id = _resolve(app, "expo", expo_slug) if expo_slug else 0
    store_id = _resolve(app, "store", store_slug) if store_slug else 0
    if expo_id is None or store_id is None:
        return False
    counter.record(app, today(), kind, expo_id, store_id, visitor)
    return True


def count_request(kind: str, store_id: int = 0, expo_id: int = 0) -> None:
    """Count ``kind`` (e.g. "cart") for the visitor of this request; never raises (a failure is logged)."""
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        if not enabled(app):
            return
        visitor = _visitor(app)
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


def _visitor(app: Flask) -> str | None:
    """The hashed visitor of this request, or None for a bot, a prefetch or no User-Agent."""
    user_agent = request.headers.get("User-Agent", "")[:512]
    if is_prefetch(request.headers) or is_bot(user_agent):
        return None
    return visitor_hash(salt_of(app, today()), request.remote_addr or "", user_agent)


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
