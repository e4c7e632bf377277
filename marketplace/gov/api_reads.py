"""Reads the JSON API of government buying needs beyond marketplace/gov/queries.py: counted pages
of orders and purchases, the open quote of an order, the office and store an order names, and the
agency's list of offices.

Who sees what is decided once, in :func:`reader_scope`: an official sees its office's orders and
purchases, the agency (and admins) everything, a store's people their stores' orders; anyone else
is refused (403). Each page is two statements (the count and the rows, their lines and purchase
loaded alongside), whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.gov import negotiation, offices, queries
from marketplace.gov.models import GovOffice, GovOrder, GovPurchase
from marketplace.gov.officials import official_of


@dataclass(frozen=True)
class Scope:
    """What one reader may list: everything, one office's, or some stores' (never a mix)."""

    everything: bool = False
    office_id: int | None = None
    store_ids: tuple[int, ...] = ()


def reader_scope(user, *, stores: bool = True) -> Scope:
    """The reader's scope, by the rules of marketplace/gov/queries.py: the agency reads all, an
    official its office's, (with ``stores``) a store's people their stores'. PermissionDenied for
    anyone else."""
    if queries.reads_all(user):
        return Scope(everything=True)
    official = official_of(user)
    if official is not None:
        return Scope(office_id=official.office_id)
    if stores:
        store_ids = tuple(queries.member_store_ids(user))
        if store_ids:
            return Scope(store_ids=store_ids)
    raise PermissionDenied()


def _count_and_rows(query, order_by, page: int, per_page: int, *options) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.options(*options).order_by(*order_by).limit(per_page).offset((page - 1) * per_page))
    return list(rows.unique().all()), total


def orders_page(user, *, status: str | None = None, page: int = 1, per_page: int = 20) -> tuple[list[GovOrder], int]:
    """The reader's orders, newest first, with their purchase and its office loaded."""
    scope = reader_scope(user)
    query = select(GovOrder)
    if scope.office_id is not None:
        query = query.where(GovOrder.office_id == scope.office_id)
    elif not scope.everything:
        query = query.where(GovOrder.store_id.in_(scope.store_ids))
    if status:
        query = query.where(GovOrder.status == status)
    return _count_and_rows(
        query,
        (GovOrder.submitted_at.desc(), GovOrder.id.desc()),
        page,
        per_page,
        joinedload(GovOrder.purchase).joinedload(GovPurchase.office),
    )


def purchases_page(user, *, page: int = 1, per_page: int = 20) -> tuple[list[GovPurchase], int]:
    """The reader's purchases (officials: their office's; the agency: all), newest first, with
    their office and orders loaded; store members are refused (they see orders, not purchases)."""
    scope = reader_scope(user, stores=False)
    query = select(GovPurchase)
    if scope.office_id is not None:
        query = query.where(GovPurchase.office_id == scope.office_id)
    return _count_and_rows(
        query,
        (GovPurchase.created_at.desc(), GovPurchase.id.desc()),
        page,
        per_page,
        joinedload(GovPurchase.office),
        selectinload(GovPurchase.orders),
    )


def office_of(office_id: int) -> GovOffice | None:
    return db.session.get(GovOffice, office_id)


def store_slugs(store_ids) -> dict[int, str]:
    """Store id → slug, for naming an order's store as the API names stores (one statement)."""
    from marketplace.stores.models import Store

    wanted = {store_id for store_id in store_ids if store_id is not None}
    if not wanted:
        return {}
    return dict(db.session.execute(select(Store.id, Store.slug).where(Store.id.in_(wanted))).tuples().all())


@dataclass(frozen=True)
class OpenQuote:
    prices: dict[int, int]
    lead_days: int | None
    shipping_cost: int | None
    note: str
    created_at: object


def open_quote(order: GovOrder) -> OpenQuote | None:
    """The seller's quote the pejabat pengadaan has not decided yet, if any."""
    quote = queries.open_quote(order)
    if quote is None:
        return None
    change = negotiation.quote_changes(order, quote)
    return OpenQuote(change["prices"], quote.lead_days, quote.shipping_cost, quote.note, quote.created_at)


def offices_page(*, page: int = 1, per_page: int = 20) -> tuple[list[tuple[GovOffice, int]], int]:
    """Every office with the number of its active officials (for the agency), one page."""
    return offices.list_offices(limit=per_page, offset=(page - 1) * per_page), offices.count_offices()
