"""Aid policies: granting one store, granting every exhibitor of an expo,
cancelling, and finding the policies a user may see."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from marketplace import audit
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, NotFound
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import in_id_range
from marketplace.stores import interest
from marketplace.stores import services as stores

from . import access, notifications
from .models import InsuranceProduct, Policy


def today() -> date:
    """Today's date on a Tegal wall calendar (policy periods are in WIB days)."""
    return to_jakarta(now()).date()


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError(start)


def period_for(product: InsuranceProduct, starts_on: date) -> tuple[date, date]:
    """From ``starts_on`` for the product's months, the last day included."""
    return starts_on, add_months(starts_on, product.period_months) - timedelta(days=1)


def expire_due(store_id: int | None = None) -> int:
    """Mark active policies whose period has ended as expired; how many."""
    query = update(Policy).where(Policy.status == "active", Policy.ends_on < today())
    if store_id is not None:
        query = query.where(Policy.store_id == store_id)
    return db.session.execute(query.values(status="expired").execution_options(synchronize_session=False)).rowcount


def state(policy: Policy) -> str:
    """The status as of today (an active policy past its end is expired)."""
    if policy.status == "active" and policy.ends_on < today():
        return "expired"
    return policy.status


class AlreadyInsured(Conflict):
    code = "already_insured"


def grant(actor, store, product: InsuranceProduct, expo_id: int | None = None, *, notify: bool = True) -> Policy:
    """Grant ``store`` a policy of ``product`` from today. AlreadyInsured (409)
    when the store has an active policy of that product."""
    _check_grantable(actor, store, product)
    policy = _new_policy(actor, store, product, expo_id)
    _insert_numbered(policy, store, product)
    audit.record(
        actor,
        "insurance.policy_granted",
        "insurance_policy",
        policy.id,
        store_id=store.id,
        number=policy.number,
        product=product.code,
        expo_id=expo_id,
    )
    db.session.flush()
    if notify:
        notifications.policy_granted(policy, store, product)
    return policy


def _check_grantable(actor, store, product: InsuranceProduct) -> None:
    """Refuse a withdrawn product, the actor's own store, and a store already insured by it."""
    if not product.active:
        raise Conflict(_("Produk %(name)s tidak lagi diberikan.", name=product.name))
    interest.refuse_own_store(
        store.id,
        actor,
        _("Anda anggota toko %(store)s; polis untuk toko sendiri diberikan oleh petugas lain.", store=store.name),
    )
    expire_due(store.id)
    if _active_policy_id(store.id, product.id) is not None:
        raise AlreadyInsured(
            _("%(store)s sudah punya polis %(product)s yang aktif.", store=store.name, product=product.name)
        )


def _new_policy(actor, store, product: InsuranceProduct, expo_id: int | None) -> Policy:
    """The active policy from today, under a temporary number until its id is known."""
    starts_on, ends_on = period_for(product, today())
    return Policy(
        number=f"TMP-{secrets.token_hex(8)}",
        store_id=store.id,
        product_id=product.id,
        insurer_id=product.insurer_id,
        expo_id=expo_id,
        insured_kind=product.object_kind,
        insured_address=_address(store),
        sum_insured=product.sum_insured,
        premium=product.premium,
        starts_on=starts_on,
        ends_on=ends_on,
        status="active",
        granted_by=getattr(actor, "id", None),
    )


def _insert_numbered(policy: Policy, store, product: InsuranceProduct) -> None:
    """Insert the policy, then give it its real number, which is built from its id."""
    try:
        with db.session.begin_nested():
            db.session.add(policy)
            db.session.flush()
    except IntegrityError as exc:  # a parallel grant won the partial unique index
        raise AlreadyInsured(
            _("%(store)s sudah punya polis %(product)s yang aktif.", store=store.name, product=product.name)
        ) from exc
    policy.number = f"{product.insurer.policy_prefix}-{to_jakarta(policy.created_at):%y%m}-{policy.id:06d}"


def _address(store) -> str:
    return ", ".join(part for part in (store.address, store.city) if part)[:255]


def _active_policy_id(store_id: int, product_id: int) -> int | None:
    return db.session.scalar(
        select(Policy.id).where(Policy.store_id == store_id, Policy.product_id == product_id, Policy.status == "active")
    )


@dataclass
class BulkResult:
    granted: list[Policy] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # store names that already had one (or are the actor's)


@dataclass
class GrantPreview:
    """What a grant to an expo's exhibitors would do, shown to the officer before it is done."""

    expo_name: str
    to_grant: list = field(default_factory=list)  # stores
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (store name, why)


def preview_exhibitor_grant(actor, expo_slug: str, product: InsuranceProduct) -> GrantPreview:
    """Who would get a policy of ``product`` and who would be skipped, and why: the grant's own
    check (``_check_grantable``: a withdrawn product is refused as there) on each exhibitor,
    nothing granted. The caller does not commit (the check closes lapsed policies first, as the
    grant would)."""
    expo = expos.get_expo(expo_slug)
    preview = GrantPreview(expo.name)
    for store_id in expos.exhibitor_store_ids(expo.slug):
        store = stores.get_store_by_id(store_id)
        try:
            _check_grantable(actor, store, product)
        except AlreadyInsured:
            preview.skipped.append((store.name, _("sudah punya polis aktif")))
        except interest.ConflictOfInterest:
            preview.skipped.append((store.name, _("toko Anda sendiri")))
        else:
            preview.to_grant.append(store)
    return preview


def grant_to_exhibitors(actor, expo_slug: str, product: InsuranceProduct) -> BulkResult:
    """A policy for every exhibitor of the expo that has no active one of ``product``."""
    expo = expos.get_expo(expo_slug)
    result = BulkResult()
    for store_id in expos.exhibitor_store_ids(expo.slug):
        store = stores.get_store_by_id(store_id)
        try:
            result.granted.append(grant(actor, store, product, expo_id=expo.id))
        except (AlreadyInsured, interest.ConflictOfInterest):  # insured already, or the officer's own store
            result.skipped.append(store.name)
    audit.record(
        actor,
        "insurance.bulk_grant",
        "expo",
        expo.id,
        product=product.code,
        granted=len(result.granted),
        skipped=len(result.skipped),
    )
    return result


def cancel(actor, policy: Policy, reason: str = "") -> Policy:
    """Cancel an active policy (agency); its open claims stay to be decided."""
    if policy.status != "active":
        raise Conflict(_("Polis %(number)s tidak aktif.", number=policy.number))
    policy.status, policy.cancelled_at = "cancelled", now()
    audit.record(
        actor,
        "insurance.policy_cancelled",
        "insurance_policy",
        policy.id,
        store_id=policy.store_id,
        number=policy.number,
        reason=reason[:500],
    )
    return policy


# --- finding ------------------------------------------------------------------------


def _with_details(query):
    return query.options(joinedload(Policy.product), joinedload(Policy.insurer), joinedload(Policy.store))


def visible(user, policy_ref) -> Policy:
    """A policy (by id or number) the user may see; NotFound otherwise."""
    query = _with_details(select(Policy))
    ref = str(policy_ref or "").strip()
    if ref.isascii() and ref.isdigit():  # an id: one no INTEGER column holds names nothing
        query = query.where(Policy.id == int(ref)) if in_id_range(ref) else query.where(false())
    else:
        query = query.where(Policy.number == ref.upper())
    scope = access.policy_scope(user)
    if scope is not None:
        query = query.where(scope)
    policy = db.session.scalar(query)
    if policy is None:
        raise NotFound(_("Polis tidak ditemukan."))
    return policy


def listing(
    user, page: int = 1, per_page: int = 50, store_id: int | None = None, expo_id: int | None = None
) -> tuple[list[Policy], int]:
    """The policies ``user`` may see, newest first: two statements for any page size."""
    query = select(Policy)
    scope = access.policy_scope(user)
    if scope is not None:
        query = query.where(scope)
    if store_id is not None:
        query = query.where(Policy.store_id == store_id)
    if expo_id is not None:
        query = query.where(Policy.expo_id == expo_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = (
        db.session.scalars(
            _with_details(query).order_by(Policy.id.desc()).limit(per_page).offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    return list(items), total


def by_ids(ids: list[int]) -> list[Policy]:
    """These policies with product, insurer and store loaded (one statement)."""
    if not ids:
        return []
    return list(
        db.session.scalars(_with_details(select(Policy)).where(Policy.id.in_(ids)).order_by(Policy.id)).unique()
    )


def store_policies(store) -> list[Policy]:
    """A store's policies, newest first (for its dashboard panel; one statement)."""
    return list(
        db.session.scalars(
            _with_details(select(Policy)).where(Policy.store_id == store.id).order_by(Policy.id.desc()).limit(20)
        ).unique()
    )
