"""Order rules: finding orders for their shopper and their seller, expiry, delivery, and
applying a confirmed payment (orders are created by :mod:`marketplace.orders.creation`).

Status changes go through :func:`marketplace.orders.lifecycle.transition` only.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from marketplace import audit
from marketplace.catalog.queries import first_images
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders import late_payments
from marketplace.orders.lifecycle import EXPIRED_REASON, ConcurrentChange, transition
from marketplace.orders.models import ORDER_STATUSES, Order, OrderEvent
from marketplace.payments import services as payments
from marketplace.payments.models import Payment

log = logging.getLogger(__name__)


# --- finding -------------------------------------------------------------------------------


def _with_details(query):
    return query.options(joinedload(Order.store), selectinload(Order.lines), selectinload(Order.extras))


def _by_number(number: str, *conditions) -> Order | None:
    return db.session.scalar(_with_details(select(Order)).where(Order.number == (number or "").upper(), *conditions))


def get_for_shopper(user, number: str) -> Order:
    """The user's own order; NotFound for anyone else's."""
    order = _by_number(number, Order.user_id == user.id)
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def seller_store_ids(user) -> list[int]:
    from marketplace.stores import services as stores

    return [store.id for store in stores.workable_stores(user)]


def get_for_seller(user, number: str) -> Order:
    """An order of a store the user works for; NotFound for another store's."""
    store_ids = seller_store_ids(user)
    order = _by_number(number, Order.store_id.in_(store_ids)) if store_ids else None
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def get_any(number: str) -> Order:
    """Any order by its number (the agency's view); NotFound when there is none."""
    order = _by_number(number)
    if order is None:
        raise NotFound(_("Pesanan tidak ditemukan."))
    return order


def _page(query, page: int, per_page: int) -> tuple[list[Order], int]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = (
        db.session.scalars(
            _with_details(query)
            .order_by(Order.placed_at.desc(), Order.id.desc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
        .unique()
        .all()
    )
    return list(items), total or 0


def shopper_orders(user, page: int = 1, per_page: int = 20, status: str | None = None) -> tuple[list[Order], int]:
    query = select(Order).where(Order.user_id == user.id)
    if status in ORDER_STATUSES:
        query = query.where(Order.status == status)
    return _page(query, page, per_page)


def seller_orders(
    user, store_id: int | None = None, status: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Order], int]:
    """The queue of the stores the user works for (or of one of them)."""
    store_ids = seller_store_ids(user)
    if store_id is not None:
        store_ids = [s for s in store_ids if s == store_id]
    query = select(Order).where(Order.store_id.in_(store_ids or [-1]))
    if status in ORDER_STATUSES:
        query = query.where(Order.status == status)
    return _page(query, page, per_page)


TO_PACK_STATUSES = ("paid", "processing")  # paid (or cash on delivery accepted) and not sent yet


def orders_to_pack(user, store_id: int | None = None, limit: int = 100) -> list[Order]:
    """The orders of the user's stores (or of one) waiting to be packed and sent, oldest first:
    paid or accepted, with their store and lines (the packing slips of the queue)."""
    store_ids = seller_store_ids(user)
    if store_id is not None:
        store_ids = [s for s in store_ids if s == store_id]
    query = select(Order).where(Order.store_id.in_(store_ids or [-1]), Order.status.in_(TO_PACK_STATUSES))
    return list(db.session.scalars(_with_details(query).order_by(Order.placed_at, Order.id).limit(limit)).unique())


def orders_of_checkout(checkout_id: int) -> list[Order]:
    return list(
        db.session.scalars(
            _with_details(select(Order)).where(Order.checkout_id == checkout_id).order_by(Order.id)
        ).unique()
    )


def numbers_of(order_ids) -> dict[int, str]:
    """Order id → number, in one statement (for lists of other domains that name orders)."""
    ids = sorted({i for i in order_ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(select(Order.id, Order.number).where(Order.id.in_(ids))).tuples().all())


def history(order: Order) -> list[OrderEvent]:
    return list(db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)))


# --- expiry ------------------------------------------------------------------------------


def due_order_ids(
    *,
    user_id: int | None = None,
    store_ids: list[int] | None = None,
    at: datetime | None = None,
    limit: int | None = 200,
) -> list[int]:
    """Unpaid orders past their payment window, oldest deadline first (``limit=None``: all)."""
    query = select(Order.id).where(
        Order.status == "pending_payment", Order.expires_at.is_not(None), Order.expires_at <= (at or now())
    )
    if user_id is not None:
        query = query.where(Order.user_id == user_id)
    if store_ids is not None:
        query = query.where(Order.store_id.in_(store_ids or [-1]))
    return list(db.session.scalars(query.order_by(Order.expires_at, Order.id).limit(limit)))


def expire_one(order_id: int, at: datetime | None = None) -> bool:
    """Cancel one unpaid order past its window (at ``at``, default now) and give its stock back.
    False when another request paid or expired it meanwhile (nothing is written then)."""
    order = db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).one()
    if order.status != "pending_payment" or order.expires_at is None or order.expires_at > (at or now()):
        return False
    try:
        transition(order, "cancelled", None, reason=EXPIRED_REASON)
    except ConcurrentChange:
        return False
    return True


def expire_due(**scope) -> int:
    """Expire every due order of ``scope`` (see :func:`due_order_ids`) in the current
    transaction; the number expired now."""
    return sum(expire_one(order_id) for order_id in due_order_ids(**scope))


def expire_and_commit(**scope) -> None:
    """Unpaid orders of ``scope`` past their window are cancelled when someone looks at them
    (``flask orders expire`` does the same on a schedule). The one service that commits: it runs
    before a page or an API listing reads the orders, as its own transaction, and never fails the
    request (an error is logged and rolled back)."""
    try:
        if expire_due(**scope):
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("lazy expiry failed for %s", scope)


# --- delivery ----------------------------------------------------------------------------

DELIVERED_NOTE = "delivered"  # the note of the order event a delivery report writes
DELIVERABLE_STATUSES = ("shipped", "completed")


def mark_delivered(order: Order, at: datetime | None = None, source: str = "courier") -> bool:
    """Record that ``order`` reached its buyer at ``at`` (default now; never later than now), as
    reported by ``source`` (a shipping plugin: "courier"). The order clock completes it
    COMPLAINT_DAYS later unless ORDER_COMPLETE_DAYS after shipping comes first. Writes an order
    event and an audit row in the current transaction (the caller commits). Idempotent: False,
    and nothing written, when a delivery is already recorded (the first report stands);
    Conflict for an order that was not shipped."""
    if order.status not in DELIVERABLE_STATUSES:
        raise Conflict(_("Pesanan %(number)s belum dikirim; laporan tiba tidak dicatat.", number=order.number))
    at = min(at or now(), now())
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.delivered_at.is_(None), Order.status.in_(DELIVERABLE_STATUSES))
        .values(delivered_at=at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(order, ["delivered_at"])
    if cast(CursorResult, result).rowcount != 1:
        return False
    source = (source or "courier")[:40]
    db.session.add(
        OrderEvent(
            order_id=order.id,
            at=at,
            actor_id=None,
            from_status=order.status,
            to_status=order.status,
            note=DELIVERED_NOTE,
        )
    )
    audit.record(
        None, "order.delivered", "order", order.id, store_id=order.store_id, number=order.number, source=source
    )
    return True


def note_shipment(order: Order, *, checked_at: datetime, status: str | None = None) -> None:
    """A shipping plugin was asked about ``order``'s parcel at ``checked_at``; ``status``: its
    latest tracking status (marketplace.shipping.quotes.TRACKING_STATUSES), None: unchanged."""
    order.shipment_checked_at = checked_at
    if status is not None:
        order.shipment_status = status
    db.session.flush()


# --- payments ----------------------------------------------------------------------------


def lock_payment(payment_id: int) -> Payment:
    """The payment, locked after its orders (in id order), the order every path that touches
    both takes (expiry, cancellation, a provider's notification), so two of them at once wait
    for each other instead of deadlocking."""
    db.session.scalars(
        select(Order.id).where(Order.payment_id == payment_id).order_by(Order.id).with_for_update()
    ).all()
    return payments.locked(payment_id)


def apply_payment(payment_id: int, amount: int, currency: str, provider_reference: str | None = None) -> list[Order]:
    """A provider confirmed a payment: record it (amount and currency must match) and move its
    unpaid orders to ``paid``. Applying it twice changes nothing. Orders cancelled before the
    money came are settled by :func:`marketplace.orders.late_payments.settle`: revived when
    they expired and their stock is free again, refunded otherwise. The orders are locked before
    the payment, in id order, as expiry locks them (order, then payment): a payment and an expiry
    of the same orders at once wait for each other instead of deadlocking."""
    lock_payment(payment_id)
    late_share = payments.accept(payment_id, amount, currency, provider_reference)
    if late_share is None:
        return []
    paid = []
    for order in db.session.scalars(
        select(Order)
        .where(Order.payment_id == payment_id, Order.status == "pending_payment")
        .order_by(Order.id)
        .execution_options(populate_existing=True)
    ).all():
        paid.append(transition(order, "paid", None))
    if late_share:
        paid.extend(late_payments.settle(payment_id, late_share))
    return paid


def line_thumbs(order: Order) -> dict:
    """The first photo of each product ``order`` bought, by product id (one statement)."""
    return first_images(sorted({line.product_id for line in order.lines if line.product_id}))
