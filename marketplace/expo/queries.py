"""Read-only expo queries for public pages: the newest expo, the featured
vendors and an expo's exhibitors, each in one statement.

Only approved stores are returned: a suspended exhibitor disappears from the
hall and from the home page without the agency having to edit the expo.
"""
from __future__ import annotations

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from marketplace.errors import NotFound
from marketplace.expo.models import Exhibitor, Expo, FeaturedStore
from marketplace.extensions import db
from marketplace.stores.models import Store


def newest_expo() -> Expo | None:
    """The expo that starts last (the one the home page promotes), or None."""
    return db.session.scalar(select(Expo).order_by(Expo.starts_at.desc(), Expo.id.desc()).limit(1))


def expo_with_zones(slug: str) -> Expo:
    """An expo with its zones loaded, in one statement. :raise NotFound: unknown slug."""
    expo = db.session.scalars(
        select(Expo).options(joinedload(Expo.zones)).where(Expo.slug == slug)).unique().one_or_none()
    if expo is None:
        raise NotFound(_("Expo tidak ditemukan."))
    return expo


def expos_with_zones() -> list[Expo]:
    """Every expo with its zones, the newest first (one statement)."""
    return list(db.session.scalars(
        select(Expo).options(joinedload(Expo.zones)).order_by(Expo.starts_at.desc(), Expo.id.desc())).unique())


def live_exhibitor_ids() -> set[int]:
    """Stores exhibiting in a running expo: fetched once per request (one statement), for the
    expo badge of every product card and product page of that request."""
    from marketplace.expo.services import live_store_ids

    if not has_app_context():
        return live_store_ids()
    if "expo_live_store_ids" not in g:
        g.expo_live_store_ids = live_store_ids()
    return g.expo_live_store_ids


def remember_live_exhibitors(store_ids: set[int]) -> None:
    """For a page that shows only these stores and already knows which of them
    exhibit now (see services.exhibiting_now): the badge then costs no statement."""
    if has_app_context():
        g.expo_live_store_ids = set(store_ids)


def featured_stores() -> list[Store]:
    """The agency's featured vendors that are selling, in the agency's order."""
    return list(db.session.scalars(
        select(Store).join(FeaturedStore, FeaturedStore.store_id == Store.id)
        .where(Store.status == "approved")
        .order_by(FeaturedStore.position, Store.id)
    ))


def exhibitors(expo: Expo) -> list[Exhibitor]:
    """The expo's exhibitors with their (approved) stores loaded, by zone and rank."""
    return list(db.session.scalars(
        select(Exhibitor).join(Exhibitor.store)
        .options(contains_eager(Exhibitor.store))
        .where(Exhibitor.expo_id == expo.id, Store.status == "approved")
        .order_by(Exhibitor.zone, Exhibitor.rank, Exhibitor.id)
    ))
