"""Who a signed-in user is to government buying: an official of one office in one position."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy import select

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.gov.models import GovOfficial

POSITION_LABELS_ID = {"pp": "Pejabat Pengadaan", "ppk": "Pejabat Pembuat Komitmen", "bendahara": "Bendahara"}


def official_of(user) -> GovOfficial | None:
    """The user's active position in an active office (None: not a government buyer). No
    statement for a user without the gov role; one per request for an official, however many
    parts of a page ask (the header, the menu, the catalogue's marks)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role("gov"):
        return None
    remembered = g.setdefault("gov_officials", {}) if has_request_context() else {}
    if user.id not in remembered:
        official = db.session.scalar(select(GovOfficial).where(GovOfficial.user_id == user.id))
        active = official is not None and official.active and official.office.active
        remembered[user.id] = official if active else None
    return remembered[user.id]


def forget(user_id: int | None = None) -> None:
    """A position (``user_id``) or an office (None: every position) changed during this
    request: ask the database again next time."""
    if has_request_context():
        remembered = g.setdefault("gov_officials", {})
        if user_id is None:
            remembered.clear()
        else:
            remembered.pop(user_id, None)


def require(user, *positions: str) -> GovOfficial:
    """The user's position when it is one of ``positions`` (any, when none is named); else 403."""
    official = official_of(user)
    if official is None or (positions and official.position not in positions):
        raise PermissionDenied()
    return official
