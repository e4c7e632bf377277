"""Reading government orders, scoped: an official sees only its office's, a seller only its
stores', the agency all. A number the reader may not see is a 404, never a 403 (no oracle).

Each read loads what its pages show (an order's lines and purchase) in a fixed number of
statements, whatever the number of orders or lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.gov.models import GovDocument, GovEvent, GovOrder, GovPurchase, GovQuote
from marketplace.gov.officials import official_of
from marketplace.i18n import gettext as _

PER_PAGE = 50


def _listing(statuses: tuple[str, ...] | None, page: int):
    query = select(GovOrder).options(joinedload(GovOrder.purchase), selectinload(GovOrder.lines))
    if statuses:
        query = query.where(GovOrder.status.in_(statuses))
    page = max(1, int(page or 1))
    return query.order_by(GovOrder.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)


def office_orders(office_id: int, *, statuses: tuple[str, ...] | None = None, page: int = 1) -> list[GovOrder]:
    """The office's orders, newest first, 50 a page (lines and purchase loaded)."""
    return list(db.session.scalars(_listing(statuses, page).where(GovOrder.office_id == office_id)).unique())


def store_orders(store_ids: list[int], *, statuses: tuple[str, ...] | None = None, page: int = 1) -> list[GovOrder]:
    """The stores' orders, newest first, 50 a page (lines and purchase loaded)."""
    if not store_ids:
        return []
    return list(db.session.scalars(_listing(statuses, page).where(GovOrder.store_id.in_(store_ids))).unique())


def reads_all(user) -> bool:
    """The agency (and the admin) read every office's orders."""
    from marketplace.agency import assist

    return assist.is_officer(user)


def may_read(user, order: GovOrder) -> bool:
    """Whether ``user`` may see ``order``: the agency, an official of its office, a member of its store."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if reads_all(user):
        return True
    official = official_of(user)
    if official is not None and official.office_id == order.office_id:
        return True
    return order.store_id is not None and order.store_id in member_store_ids(user)


def member_store_ids(user) -> list[int]:
    """The ids of the stores ``user`` belongs to (owner or staff)."""
    from marketplace.stores import services as stores

    return [store.id for store in stores.stores_of(user)]


def _missing() -> NotFound:
    return NotFound(_("Pesanan instansi tidak ditemukan."))


def order_for(user, number: str) -> GovOrder:
    """The order ``number`` if ``user`` may see it (its office's official, a member of its
    store, the agency), with its lines and purchase loaded; NotFound otherwise."""
    number = str(number or "").strip()
    if not number or len(number) > 30:
        raise _missing()
    order = db.session.scalar(
        select(GovOrder)
        .where(GovOrder.number == number)
        .options(joinedload(GovOrder.purchase), selectinload(GovOrder.lines))
    )
    if order is None or not may_read(user, order):
        raise _missing()
    return order


def purchase_for(user, number: str) -> GovPurchase:
    """The purchase ``number`` with its orders (and their lines), if ``user`` is an official of
    its office or the agency; NotFound otherwise."""
    number = str(number or "").strip()
    missing = NotFound(_("Pengadaan tidak ditemukan."))
    if not number or len(number) > 30:
        raise missing
    official = None if reads_all(user) else official_of(user)
    if not reads_all(user) and official is None:
        raise missing
    purchase = db.session.scalar(
        select(GovPurchase)
        .where(GovPurchase.number == number)
        .options(
            joinedload(GovPurchase.office),
            selectinload(GovPurchase.orders).selectinload(GovOrder.lines),
        )
    )
    if purchase is None or (official is not None and purchase.office_id != official.office_id):
        raise missing
    return purchase


def documents_of(order: GovOrder) -> list[GovDocument]:
    """The order's documents, oldest first, without their bytes."""
    return list(
        db.session.scalars(select(GovDocument).where(GovDocument.order_id == order.id).order_by(GovDocument.id))
    )


def document_for(user, document_id: int) -> GovDocument:
    """A document its order's reader may download; NotFound otherwise."""
    missing = NotFound(_("Dokumen tidak ditemukan."))
    text = str(document_id).strip()
    # isascii: "²" is a digit to isdigit but not to int
    if isinstance(document_id, bool) or not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        raise missing
    document = db.session.get(GovDocument, int(text))
    if document is None:
        raise missing
    order = db.session.get(GovOrder, document.order_id)
    if order is None or not may_read(user, order):
        raise missing
    return document


@dataclass(frozen=True)
class HistoryLine:
    """One step of an order's history as its pages show it."""

    at: datetime
    action: str
    from_status: str | None
    to_status: str
    note: str
    actor_id: int | None
    actor_name: str | None  # None: the system, or an account since deleted


def events_of(order: GovOrder) -> list[HistoryLine]:
    """The order's history, oldest first, with each actor's name."""
    rows = db.session.execute(
        select(GovEvent, User.name)
        .outerjoin(User, User.id == GovEvent.actor_id)
        .where(GovEvent.order_id == order.id)
        .order_by(GovEvent.id)
    )
    return [
        HistoryLine(event.at, event.action, event.from_status, event.to_status, event.note, event.actor_id, name)
        for event, name in rows
    ]


def open_quote(order: GovOrder) -> GovQuote | None:
    """The seller's quote waiting for the pejabat pengadaan's decision, if any (one statement)."""
    return db.session.scalar(
        select(GovQuote)
        .where(GovQuote.order_id == order.id, GovQuote.status == "open")
        .order_by(GovQuote.id.desc())
        .limit(1)
    )
