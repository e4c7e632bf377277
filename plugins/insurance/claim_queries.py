"""Finding claims: the one a user may see, a page of them, a store's, and how long a
claim has waited since its documents were complete."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.clock import now
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import in_id_range

from . import access
from .models import CLAIM_STATUSES, Claim, OrderProtection, Policy


def _with_details(query):
    """What every claim page shows loaded with the claim: policy and product, insurer, order, photos."""
    return query.options(
        joinedload(Claim.policy).joinedload(Policy.product),
        joinedload(Claim.insurer),
        joinedload(Claim.protection).joinedload(OrderProtection.order),
        selectinload(Claim.photos),
    )


def visible(user, claim_id) -> Claim:
    """A claim the user may see; NotFound otherwise (whoever else's it is)."""
    ref = str(claim_id or "").strip()
    if not in_id_range(ref):
        raise NotFound(_("Klaim tidak ditemukan."))
    query = _with_details(select(Claim)).where(Claim.id == int(ref))
    scope = access.claim_scope(user)
    if scope is not None:
        query = query.where(scope)
    claim = db.session.scalar(query)
    if claim is None:
        raise NotFound(_("Klaim tidak ditemukan."))
    return claim


def listing(
    user, status: str | None = None, page: int = 1, per_page: int = 50, policy_id: int | None = None
) -> tuple[list[Claim], int]:
    """The claims ``user`` may see, oldest open first for a queue: two statements for any page size."""
    query = select(Claim)
    scope = access.claim_scope(user)
    if scope is not None:
        query = query.where(scope)
    if status in CLAIM_STATUSES:
        query = query.where(Claim.status == status)
    if policy_id is not None:
        query = query.where(Claim.policy_id == policy_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = (
        db.session.scalars(
            _with_details(query)
            .order_by(Claim.created_at.desc(), Claim.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    return list(items), total


def days_since_documents(claim: Claim) -> int | None:
    """Whole days since the claim's documents were complete (None: still incomplete)."""
    if claim.documents_complete_at is None:
        return None
    end = claim.decided_at if claim.status != "filed" and claim.decided_at else now()
    return max(0, (end - claim.documents_complete_at).days)


def policy_status_label(status: str) -> str:
    """A policy status in the reader's language (shown beside its claims)."""
    return str({"active": _l("Aktif"), "expired": _l("Berakhir"), "cancelled": _l("Dibatalkan")}.get(status, status))


def store_claims(store_ids: list[int], limit: int = 100) -> list[Claim]:
    """The policy claims of these stores, newest first."""
    if not store_ids:
        return []
    return list(
        db.session.scalars(
            _with_details(select(Claim))
            .where(Claim.store_id.in_(store_ids), Claim.policy_id.is_not(None))
            .order_by(Claim.id.desc())
            .limit(limit)
        ).unique()
    )
