"""Read-only expo queries for public pages: the newest expo, the featured
vendors and an expo's exhibitors, each in one statement.

Only approved stores are returned: a suspended exhibitor disappears from the
hall and from the home page without the agency having to edit the expo.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from marketplace.expo.models import Exhibitor, Expo, FeaturedStore
from marketplace.extensions import db
from marketplace.stores.models import Store


def newest_expo() -> Expo | None:
    """The expo that starts last (the one the home page promotes), or None."""
    return db.session.scalar(select(Expo).order_by(Expo.starts_at.desc(), Expo.id.desc()).limit(1))


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
