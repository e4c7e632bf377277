"""Who a signed-in user is to government buying: an official of one office in one position."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.gov.models import GovOfficial

POSITION_LABELS_ID = {"pp": "Pejabat Pengadaan", "ppk": "Pejabat Pembuat Komitmen", "bendahara": "Bendahara"}


def official_of(user) -> GovOfficial | None:
    """The user's active position in an active office (None: not a government buyer)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role("gov"):
        return None
    official = db.session.scalar(select(GovOfficial).where(GovOfficial.user_id == user.id))
    if official is None or not official.active or not official.office.active:
        return None
    return official


def require(user, *positions: str) -> GovOfficial:
    """The user's position when it is one of ``positions`` (any, when none is named); else 403."""
    official = official_of(user)
    if official is None or (positions and official.position not in positions):
        raise PermissionDenied()
    return official
