"""Conflicts of interest: nobody acts on a store as its counterparty while belonging to it.

A store's people — its owner and every member, whatever their role — may not
buy from it, review it, claim its orders' protection, verify or suspend it,
feature it, give it a booth or a policy, decide claims on its policies, or pay
it out. Each rule calls :func:`refuse_own_store` (or reads
:func:`member_store_ids`) so the answer and its message are the same
everywhere. The cart and checkout do the same test inside the statement that
already reads the cart (``cart.services``), so buying costs no extra query.
"""

from __future__ import annotations

from sqlalchemy import exists, or_, select

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store, StoreMember


class ConflictOfInterest(PermissionDenied):
    """The actor belongs to the store it would act on as its counterparty (403)."""

    code = "conflict_of_interest"


def member_clause(store_id_column, user_id_column, owner_id_column=None):
    """SQL: the user (a column or a bound value) is the owner or a member of the store in
    ``store_id_column`` — for queries that decide it along with what they already read
    (``owner_id_column``: the store's owner column when the query already reads the store)."""
    is_owner = (
        (owner_id_column == user_id_column)
        if owner_id_column is not None
        else exists(select(Store.id).where(Store.id == store_id_column, Store.owner_id == user_id_column))
    )
    return or_(
        exists(
            select(StoreMember.id).where(StoreMember.store_id == store_id_column, StoreMember.user_id == user_id_column)
        ),
        is_owner,
    )


def member_store_ids(user) -> set[int]:
    """The ids of every store ``user`` owns or belongs to (one statement; empty for nobody)."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return set()
    members = select(StoreMember.store_id).where(StoreMember.user_id == user_id)
    owners = select(Store.id).where(Store.owner_id == user_id)
    return set(db.session.scalars(members.union(owners)))


def is_member(store_id: int | None, user) -> bool:
    """Whether ``user`` owns or belongs to the store ``store_id`` (one statement)."""
    user_id = getattr(user, "id", None)
    if store_id is None or user_id is None:
        return False
    return bool(db.session.scalar(select(member_clause(store_id, user_id))))


def refuse_own_store(store_id: int | None, user, message: str | None = None, field: str | None = None) -> None:
    """:raise ConflictOfInterest: ``user`` owns or belongs to the store ``store_id`` (the message
    also on ``field``, for a form to show it there)."""
    if is_member(store_id, user):
        message = message or _("Anda tidak bisa melakukan ini untuk toko Anda sendiri.")
        raise ConflictOfInterest(message, fields={field: message} if field else None)


def own_store_message(store_name: str) -> str:
    """The buyer's message: why a line of the cart cannot be bought."""
    return _("Anda anggota toko %(store)s; Anda tidak bisa membeli dari toko sendiri.", store=store_name)
