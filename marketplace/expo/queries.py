"""Read-only expo queries for public pages: the newest expo, the featured
vendors and an expo's exhibitors, each in one statement.

Only approved stores are returned: a suspended exhibitor disappears from the
hall and from the home page without the agency having to edit the expo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import groupby
from typing import NamedTuple

from flask import g, has_app_context
from sqlalchemy import Select, String, bindparam, case, cast, func, select
from sqlalchemy.orm import contains_eager, joinedload

from marketplace import pagecache, reads
from marketplace.catalog.sectors import SECTORS, sector_name
from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.expo.models import Exhibitor, Expo, FeaturedStore
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

# Statements of the public pages, each built once per process (``@cache``), their values bound
# parameters: a statement object remembers its SQLAlchemy cache key, a new one is built and
# traversed again on every request (as marketplace/rows.py's).


class NewestExpo(NamedTuple):
    """The expo the home page promotes, as it shows it: a plain tuple a memo keeps across
    requests (an Expo object belongs to one request's session)."""

    slug: str
    name: str
    starts_at: datetime
    ends_at: datetime


def newest_expo() -> NewestExpo | None:
    """The expo that starts last (the one the home page promotes), or None. Remembered until an
    expo changes (any write to the expos replaces the page cache's generations)."""
    return pagecache.memo(("newest-expo",), _read_newest_expo, depends=())


def _read_newest_expo() -> NewestExpo | None:
    row = reads.execute(_newest_expo()).first()
    return None if row is None else NewestExpo._make(row)


@cache
def _newest_expo() -> Select:
    columns = [Expo.__table__.c[name] for name in NewestExpo._fields]
    return select(*columns).order_by(Expo.starts_at.desc(), Expo.id.desc()).limit(1)


def expo_with_zones(slug: str) -> Expo:
    """An expo with its zones loaded, in one statement. :raise NotFound: unknown slug."""
    expo = db.session.scalars(_expo_with_zones(), {"slug": slug}).unique().one_or_none()
    if expo is None:
        raise NotFound(_("Expo tidak ditemukan."))
    return expo


@cache
def _expo_with_zones() -> Select:
    return select(Expo).options(joinedload(Expo.zones)).where(Expo.slug == bindparam("slug"))


def expos_with_zones() -> list[Expo]:
    """Every expo with its zones, the newest first (one statement)."""
    return list(
        db.session.scalars(
            select(Expo).options(joinedload(Expo.zones)).order_by(Expo.starts_at.desc(), Expo.id.desc())
        ).unique()
    )


def live_exhibitor_ids() -> frozenset[int]:
    """Stores exhibiting in a running expo, for the expo badge of every product card and
    product page of a request and the listings' expo filter: one statement, remembered (a
    memo) until the badges change next or an expo or exhibitor changes.

    The same statement reads the exhibitors of the expos still to come, so the memo, and the
    page cache, learn when the badges change next (an expo opens or closes)."""
    if has_app_context() and "expo_live_store_ids" in g:
        return g.expo_live_store_ids
    live = pagecache.memo(("expo-live-exhibitors",), _read_live_exhibitors, depends=(), size=pagecache.sized(64))
    if has_app_context():
        g.expo_live_store_ids = live
    return live


def _read_live_exhibitors() -> frozenset[int]:
    change, ids = reads.execute(_live_exhibitors(), {"at": now()}).one()
    if change is not None:
        pagecache.expires_at(change)
    return frozenset(int(store_id) for store_id in ids.split(",")) if ids else frozenset()


@cache
def _live_exhibitors():
    """One row: the next change of a badge as of ``:at``, and the live stores' ids joined with
    commas (group_concat on SQLite, string_agg on PostgreSQL). Reading the dates of every
    exhibitor row was a millisecond of the home page on SQLite; a row per live store (a
    union of the two) still cost the driver and SQLAlchemy a row each, hundreds in an expo."""
    at = bindparam("at")
    upcoming = Expo.ends_at >= at
    next_change = (
        select(func.min(case((Expo.starts_at > at, Expo.starts_at), else_=Expo.ends_at)))
        .select_from(Exhibitor)
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(upcoming)
    )
    live_ids = (
        select(func.aggregate_strings(cast(Exhibitor.store_id, String), ","))
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(upcoming, Expo.starts_at <= at)
    )
    return select(next_change.scalar_subquery(), live_ids.scalar_subquery())


def store_expo_change(store_id_column, at: datetime | None = None):
    """An SQL scalar: when the expo badge of the store of ``store_id_column`` changes next
    (an expo it exhibits in opens or closes), NULL when never; for the page cache."""
    if at is None:  # else a datetime, or a bound parameter of a statement built once
        at = now()
    return (
        select(func.min(case((Expo.starts_at > at, Expo.starts_at), else_=Expo.ends_at)))
        .join(Exhibitor, Exhibitor.expo_id == Expo.id)
        .where(Exhibitor.store_id == store_id_column, Expo.ends_at >= at)
        .scalar_subquery()
    )


def zone_anchor(zone_slug: str) -> str:
    """The id of a zone's section in the expo hall, for links to a booth from other pages."""
    return "zona-" + (zone_slug or "lain")


def store_booth_id(store_id_column, at: datetime | None = None):
    """An SQL scalar: the exhibitor row of the store of ``store_id_column`` in the expo
    that ends last among those not over yet, NULL when none; for the store card of a
    product page, joined in its own statement."""
    if at is None:  # else a datetime, or a bound parameter of a statement built once
        at = now()
    return (
        select(Exhibitor.id)
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(Exhibitor.store_id == store_id_column, Expo.ends_at >= at)
        .order_by(Expo.ends_at.desc(), Exhibitor.id)
        .limit(1)
        .scalar_subquery()
    )


def remember_live_exhibitors(store_ids: set[int]) -> None:
    """For a page that shows only these stores and already knows which of them
    exhibit now (see services.exhibiting_now): the badge then costs no statement."""
    if has_app_context():
        g.expo_live_store_ids = frozenset(store_ids)


def featured_stores() -> list[Store]:
    """The agency's featured vendors that are selling, in the agency's order."""
    return list(db.session.scalars(_featured_stores()))


class FeaturedEntry(NamedTuple):
    """A featured vendor as the home page's store card shows it: the statement's columns as a
    plain tuple. Twelve Store objects (every column, identity map, instance state) cost the home
    page more than the card's five fields."""

    slug: str
    name: str
    logo: str | None
    sector: str
    city: str


def featured_entries() -> tuple[FeaturedEntry, ...]:
    """``featured_stores()`` as the home page shows them (one statement, the same order),
    remembered until a store or the featured list changes (they replace the generations)."""
    return pagecache.memo(("featured-entries",), _read_featured_entries, depends=(), size=pagecache.sized(200))


def _read_featured_entries() -> tuple[FeaturedEntry, ...]:
    return tuple(FeaturedEntry._make(row) for row in reads.execute(_featured_entries()))


@cache
def _featured_entries() -> Select:
    # which stores are featured, and in which order, is _featured_stores' to say
    return _featured_stores().with_only_columns(*[Store.__table__.c[name] for name in FeaturedEntry._fields])


@cache
def _featured_stores() -> Select:
    return (
        select(Store)
        .join(FeaturedStore, FeaturedStore.store_id == Store.id)
        .where(Store.status == "approved")
        .order_by(FeaturedStore.position, Store.id)
    )


def exhibitors(expo: Expo) -> list[Exhibitor]:
    """The expo's exhibitors with their (approved) stores loaded, by zone and rank."""
    return list(
        db.session.scalars(
            select(Exhibitor)
            .join(Exhibitor.store)
            .options(contains_eager(Exhibitor.store))
            .where(Exhibitor.expo_id == expo.id, Store.status == "approved")
            .order_by(Exhibitor.zone, Exhibitor.rank, Exhibitor.id)
        )
    )


class HallBooth(NamedTuple):
    """An exhibitor as the hall lists it: its booth and what its store's entry shows. A plain
    tuple of the statement's columns, no ORM objects: a hall lists hundreds, and loading an
    Exhibitor and its Store for each was a fifth of its render (and reading an SQLAlchemy Row's
    fields by name costs ~1 µs each, a tuple's ~0.05)."""

    id: int
    zone: str
    rank: int
    booth: str
    store_slug: str
    store_name: str
    store_logo: str | None
    store_sector: str
    store_city: str


def hall_booths(expo: Expo) -> list[HallBooth]:
    """``exhibitors(expo)`` as the hall lists them (one statement, the same order)."""
    return [HallBooth._make(row) for row in reads.execute(_hall_booths(), {"expo_id": expo.id})]


@cache
def _hall_booths() -> Select:
    return (
        select(
            Exhibitor.id,
            Exhibitor.zone,
            Exhibitor.rank,
            Exhibitor.booth,
            Store.slug.label("store_slug"),
            Store.name.label("store_name"),
            Store.logo.label("store_logo"),
            Store.sector.label("store_sector"),
            Store.city.label("store_city"),
        )
        .join(Store, Store.id == Exhibitor.store_id)
        .where(Exhibitor.expo_id == bindparam("expo_id"), Store.status == "approved")
        .order_by(Exhibitor.zone, Exhibitor.rank, Exhibitor.id)
    )


# --- the hall's zones (the hall page and the agency's funnel group booths alike) ---------


@dataclass
class HallZone:
    slug: str
    name: str
    exhibitors: list = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return zone_anchor(self.slug)


def hall_zones(expo, exhibitors: list) -> list[HallZone]:
    """The expo's zones in their order, each with its exhibitors (zones may be empty); then
    exhibitors whose zone the expo does not define, grouped by that slug (a sector's name)."""
    zones = [HallZone(z.slug, z.name) for z in expo.zones]
    by_slug = {z.slug: z for z in zones}
    rest = []
    for exhibitor in exhibitors:
        zone = by_slug.get(exhibitor.zone)
        if zone is not None:
            zone.exhibitors.append(exhibitor)
        else:
            rest.append(exhibitor)
    order = {slug: i for i, slug in enumerate(SECTORS)}
    rest.sort(key=lambda e: (order.get(e.zone, len(order)), e.zone))
    for slug, rows in groupby(rest, key=lambda e: e.zone):
        zones.append(HallZone(slug, sector_name(slug) if slug else "", list(rows)))
    for zone in zones:
        zone.exhibitors.sort(key=lambda e: (e.rank, e.id))
    return zones
