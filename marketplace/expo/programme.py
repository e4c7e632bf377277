"""An expo's programme: its sessions, what is on now and next, and the sessions held at a booth."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.expo.models import ExpoSession
from marketplace.extensions import db


def sessions_at_booth(exhibitor_id: int) -> list[ExpoSession]:
    """The sessions held at this booth, in time order."""
    query = select(ExpoSession).where(ExpoSession.exhibitor_id == exhibitor_id).order_by(ExpoSession.starts_at)
    return list(db.session.scalars(query))
