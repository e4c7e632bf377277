"""An expo's pages rendered into the page cache before its visitors ask for them.

When an expo opens, a thousand visitors open the same few thousand pages within minutes: the
hall, the booths, the exhibitors' stores and their products. A page nobody has opened yet, or
one a sale or a seller's edit just dropped, is rendered from the database by the visitor who
asks first (about 10 ms of a worker's time, tens under load). The job worker renders them
first instead: every minute from ``WARM_AHEAD`` before the opening until the expo closes, it
requests each page as an anonymous visitor (marketplace/pagecache_warm.py). A page already
cached costs it a hit; one that is missing is rendered once and shared with every web worker.
At most ``EXPO_WARM_PAGES`` pages per expo, in the order visitors meet them (the hall before
the booths, the booths before the products), and at most ``SECONDS_PER_RUN`` per minute.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from marketplace import pagecache_warm
from marketplace.catalog.models import ProductListing
from marketplace.clock import now
from marketplace.expo.links import booth_key
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.stores.models import Store

WARM_AHEAD = timedelta(minutes=15)
SECONDS_PER_RUN = 40.0  # the schedule runs it every minute: one run never meets the next


def expos_to_warm() -> list[Expo]:
    """The expos open now, or opening within ``WARM_AHEAD``."""
    at = now()
    return list(
        db.session.scalars(
            select(Expo).where(Expo.starts_at <= at + WARM_AHEAD, Expo.ends_at >= at).order_by(Expo.starts_at)
        )
    )


def paths_of(expo: Expo, limit: int) -> list[str]:
    """The expo's pages, first met first: the home page, the hall, each booth, each exhibitor's
    store, then the exhibitors' listed products (each store's newest first, the stores taking
    turns in the hall's order); at most ``limit``."""
    exhibitors = db.session.execute(
        select(Exhibitor.store_id, Exhibitor.booth, Store.slug)
        .join(Store, Store.id == Exhibitor.store_id)
        .where(Exhibitor.expo_id == expo.id, Store.status == "approved")
        .order_by(Exhibitor.rank, Exhibitor.id)
    ).all()
    build = current_app.url_map.bind("localhost").build
    paths = [build("catalog.home"), build("expo.hall", {"slug": expo.slug})]
    paths += [
        build("booth.page", {"slug": expo.slug, "booth": booth_key(booth, slug)}) for _id, booth, slug in exhibitors
    ]
    paths += [build("catalog.store", {"slug": slug}) for _id, _booth, slug in exhibitors]
    if len(paths) < limit and exhibitors:
        # each store's newest first, the stores taking turns: with more products than the limit,
        # every booth still has its first products warm (those its store page shows first)
        turn = func.row_number().over(partition_by=ProductListing.store_id, order_by=ProductListing.product_id.desc())
        listed = (
            select(ProductListing.product_id, ProductListing.store_id, turn.label("turn"))
            .where(ProductListing.listed.is_(True), ProductListing.store_id.in_([row[0] for row in exhibitors]))
            .subquery()
        )
        products = db.session.scalars(
            select(listed.c.product_id)
            .join(Exhibitor, (Exhibitor.store_id == listed.c.store_id) & (Exhibitor.expo_id == expo.id))
            .order_by(listed.c.turn, Exhibitor.rank, Exhibitor.id)
            .limit(limit - len(paths))
        )
        paths += [build("catalog.product", {"product_id": product_id}) for product_id in products]
    return paths[:limit]


def warm_expos(seconds: float = SECONDS_PER_RUN) -> dict[str, Counter]:
    """Warm the pages of every expo open now or opening soon, within ``seconds`` in all; what
    each expo's pages did (pagecache_warm.warm's counts), by its slug."""
    limit = int(current_app.config.get("EXPO_WARM_PAGES") or 0)
    if limit <= 0 or not current_app.config.get("PAGE_CACHE"):
        return {}
    return warm_paths({expo.slug: paths_of(expo, limit) for expo in expos_to_warm()}, seconds)


def warm_paths(paths_by_expo: dict[str, list[str]], seconds: float | None) -> dict[str, Counter]:
    """Warm each expo's paths in turn, ``seconds`` in all (None: no limit)."""
    db.session.remove()  # the pages read the database in their own sessions, not this one's snapshot
    out: dict[str, Counter] = {}
    started = time.monotonic()
    for slug, paths in paths_by_expo.items():
        left = None if seconds is None else max(0.0, seconds - (time.monotonic() - started))
        out[slug] = pagecache_warm.warm(paths, left)
    return out
