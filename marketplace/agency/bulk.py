"""Decisions on several stores at once (the verification list's checkboxes): each store in
its own savepoint, so one that cannot take the decision is skipped with the reason and the
others go through. The caller commits."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.agency.services import decide, require_agency
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

BULK_DECISIONS = ("approve", "suspend")
MAX_STORES = 200  # one page of the queue is 50; more is not a choice an officer made by hand
ALREADY = {"approve": "approved", "suspend": "suspended"}


@dataclass
class BulkDecision:
    done: list[Store] = field(default_factory=list)
    skipped: list[tuple[Store, str]] = field(default_factory=list)


def chosen_stores(slugs: list[str]) -> list[Store]:
    """The stores ticked, in name order (unknown slugs dropped). :raise ValidationError: none."""
    wanted = {s for s in slugs if s}
    if not wanted or len(wanted) > MAX_STORES:
        raise ValidationError(fields={"stores": _("Pilih 1 sampai %(n)d toko terlebih dahulu.", n=MAX_STORES)})
    found = list(db.session.scalars(select(Store).where(Store.slug.in_(wanted)).order_by(Store.name)))
    if not found:
        raise ValidationError(fields={"stores": _("Toko yang dipilih tidak ditemukan.")})
    return found


def check_decision(decision: str, reason: str | None) -> None:
    """:raise ValidationError: an unknown decision, or a suspension without a reason."""
    if decision not in BULK_DECISIONS:
        raise ValidationError(fields={"decision": _("Keputusan tidak dikenal.")})
    if decision == "suspend" and not (reason or "").strip():
        raise ValidationError(fields={"reason": _("Tuliskan alasannya untuk penjual.")})


def decide_many(actor, stores: list[Store], decision: str, reason: str | None = None) -> BulkDecision:
    """``decision`` on each store; a store already in that state, or one the rules refuse
    (the officer's own store, a status that does not allow it), is skipped with why."""
    require_agency(actor)
    check_decision(decision, reason)
    result = BulkDecision()
    for store in stores:
        if store.status == ALREADY[decision]:
            result.skipped.append((store, _("sudah %(state)s", state=_state_word(decision))))
            continue
        try:
            with db.session.begin_nested():
                decide(actor, store, decision, reason)
        except ServiceError as exc:
            message = next(iter(exc.fields.values()), exc.message) if exc.fields else exc.message
            result.skipped.append((store, str(message)))
        else:
            result.done.append(store)
    return result


def _state_word(decision: str) -> str:
    return _("disetujui") if decision == "approve" else _("dibekukan")
