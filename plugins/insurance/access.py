"""Who sees what: the one place the insurance plugin decides visibility.

- agency and admin: every policy and claim;
- an insurer user: the policies and claims of its own insurer only;
- a store member: its store's policies and their claims;
- a shopper: the claims on its own orders' protections.
Anything else is NotFound, so nobody learns that another's object exists."""

from __future__ import annotations

from sqlalchemy import false, or_, select

from marketplace.agency.assist import is_officer
from marketplace.stores import services as stores

from .models import Claim, Insurer, OrderProtection, Policy


def is_staff(user) -> bool:
    """Agency officers and admins: every policy and claim."""
    return is_officer(user)


def insurer_code(user) -> str | None:
    """The insurer an insurer user belongs to (None for everyone else)."""
    if user is None or "insurer" not in user.roles:
        return None
    return user.insurer_code or None


def member_store_ids(user) -> list[int]:
    return [store.id for store in stores.stores_of(user)] if user is not None else []


def insurer_id_of(user) -> int | None:
    code = insurer_code(user)
    if code is None:
        return None
    from marketplace.extensions import db

    return db.session.scalar(select(Insurer.id).where(Insurer.code == code))


def policy_scope(user):
    """A WHERE condition on Policy for what ``user`` may see."""
    if is_staff(user):
        return None
    conditions = []
    insurer_id = insurer_id_of(user)
    if insurer_id is not None:
        conditions.append(Policy.insurer_id == insurer_id)
    store_ids = member_store_ids(user)
    if store_ids:
        conditions.append(Policy.store_id.in_(store_ids))
    return or_(*conditions) if conditions else false()


def claim_scope(user):
    """A WHERE condition on Claim for what ``user`` may see."""
    if is_staff(user):
        return None
    conditions = []
    insurer_id = insurer_id_of(user)
    if insurer_id is not None:
        conditions.append(Claim.insurer_id == insurer_id)
    store_ids = member_store_ids(user)
    if store_ids:
        conditions.append(Claim.policy_id.is_not(None) & Claim.store_id.in_(store_ids))
    if user is not None:
        mine = select(OrderProtection.id).where(OrderProtection.user_id == user.id)
        conditions.append(Claim.protection_id.in_(mine))
    return or_(*conditions) if conditions else false()
