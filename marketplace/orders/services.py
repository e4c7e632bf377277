"""Order rules: creating an order from a store's priced lines, finding orders
for their shopper and their seller, expiry, and applying a confirmed payment.

Status changes go through :func:`marketplace.orders.lifecycle.transition` only.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import cast

from flask_babel import gettext as _
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from marketplace import audit, rows
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.ledger.models import EXTRA_KINDS
from marketplace.orders import late_payments
from marketplace.orders.lifecycle import EXPIRED_REASON, ConcurrentChange, transition
from marketplace.orders.models import ORDER_STATUSES, Order, OrderEvent, OrderExtra, OrderLine
from marketplace.payments import services as payments
from marketplace.site_settings import commission_bps_sql

log = logging.getLogger(__name__)


# --- creating ----------------------------------------------------------------------------


def order_number(order: Order) -> str:
    """APK-<yymm in WIB>-<id>: short to read out on the phone, unique by the id."""
    return f"APK-{to_jakarta(order.placed_at):%y%m}-{order.id:06d}"


def create_orders(
    *, checkout_id: int, payment_id: int, user, parts: list, address: dict, method, shipping: dict | None = None
) -> list[Order]:
    """One order per store from its priced cart lines, snapshotting names and prices.

    ``parts`` is a list of ``(group, extras)``: a store's lines (a cart StoreGroup)
    and the ``(CheckoutExtra, amount)`` pairs priced for its order; ``shipping`` maps a
    store id to the option chosen for it (marketplace.shipping.options.Option), whose
    price is the order's ongkir (none: no ongkir, as orders before shipping). One INSERT per
    table for all the orders (see :mod:`marketplace.rows`), then one UPDATE for
    their numbers, which are made from the ids. The caller holds every row it
    wrote: ``order.lines`` and ``order.extras`` are loaded, nothing lazy-loads."""
    placed = now()
    made = rows.insert_returning(
        Order,
        [
            _with_shipping(
                _order_values(checkout_id, payment_id, user, group, extras, address, method, placed),
                (shipping or {}).get(group.store_id),
                address,
            )
            for group, extras in parts
        ],
        computed=_snapshots,
    )
    lines = rows.insert_returning(OrderLine, _line_values(made, parts))
    order_extras = rows.insert_returning(OrderExtra, _extra_values(made, parts))
    rows.insert_plain(
        OrderEvent,
        [
            dict(order_id=order.id, at=placed, actor_id=user.id, from_status=None, to_status="pending_payment", note="")
            for order in made
        ],
    )
    rows.write_each([(order, {"number": order_number(order)}) for order in made])
    _attach_children(made, lines, order_extras)
    audit.record_many(
        user,
        "order.placed",
        "order",
        [
            (order.id, order.store_id, {"number": order.number, "total": order.total, "method": method.id})
            for order in made
        ],
    )
    return made


def _order_values(
    checkout_id: int, payment_id: int, user, group, extras: list, address: dict, method, placed: datetime
) -> dict:
    """The columns of one store's order; its number is a placeholder until the id is known."""
    window = method.reservation_window
    extras_total = sum(amount for _extra, amount in extras)
    return dict(
        number=f"TMP-{secrets.token_hex(8)}",
        checkout_id=checkout_id,
        payment_id=payment_id,
        user_id=user.id,
        store_id=group.store_id,
        store_name=group.store_name,
        status="pending_payment",
        payment_method=method.id,
        pay_on_delivery=bool(method.pay_on_delivery),
        subtotal=group.subtotal,
        extras_total=extras_total,
        shipping_cost=0,
        total=group.subtotal + extras_total,
        placed_at=placed,
        updated_at=placed,
        expires_at=placed + window if window else None,
        ship_name=address["name"],
        ship_phone=address["phone"],
        ship_address=address["address"],
        ship_city=address["city"],
        ship_postal_code=address["postal_code"],
    )


def _with_shipping(values: dict, option, address: dict) -> dict:
    """The order's columns with the option the buyer chose; the total grows by the ongkir."""
    values = values | _shipping_values(option, address)
    values["total"] = values["subtotal"] + values["extras_total"] + values["shipping_cost"]
    return values


def _shipping_values(option, address: dict) -> dict:
    """The option the buyer chose and the address's regions (none: no ongkir)."""
    regions = dict(
        ship_region_code=address.get("region_code"),
        ship_province=_cut(address.get("province"), 80),
        ship_district=_cut(address.get("district"), 80),
        ship_village=_cut(address.get("village"), 80),
    )
    if option is None:
        return regions
    return regions | dict(
        shipping_cost=option.price,
        shipping_method=option.method,
        shipping_courier=option.courier,
        shipping_service=option.service,
        shipping_label=_cut(str(option.label), 160),
        shipping_etd=option.etd_days,
        shipping_source=_cut(option.source, 40),
    )


def _cut(value, limit: int):
    return value[:limit] if isinstance(value, str) else value


def _line_values(made: list[Order], parts: list) -> list[dict]:
    """The order lines of every order, snapshotting the product's names and price."""
    return [
        dict(
            order_id=order.id,
            product_id=line.facts.product_id,
            variant_id=line.facts.variant_id,
            product_name=line.facts.product_name,
            variant_name=line.facts.variant_name,
            sku=line.facts.sku,
            unit_price=line.facts.price,
            quantity=line.quantity,
            line_total=line.facts.price * line.quantity,
        )
        for order, (group, _extras) in zip(made, parts, strict=True)
        for line in group.lines
    ]


def _extra_values(made: list[Order], parts: list) -> list[dict]:
    """The priced extras of every order, their names cut to the column's length."""
    return [
        dict(
            order_id=order.id,
            extra_id=extra.id,
            name=str(extra.name)[:160],
            amount=amount,
            payee=str(getattr(extra, "payee", "store") or "store")[:60],
            ledger_kind=_ledger_kind(extra),
        )
        for order, (_group, extras) in zip(made, parts, strict=True)
        for extra, amount in extras
    ]


def _ledger_kind(extra) -> str:
    """The ledger kind an extra is credited as; a plugin's unknown kind is a plain "extra"."""
    kind = getattr(extra, "ledger_kind", "extra")
    return kind if kind in EXTRA_KINDS else "extra"


def _attach_children(made: list[Order], lines: list[OrderLine], order_extras: list[OrderExtra]) -> None:
    """Load ``order.lines``/``order.extras`` (and each line's order) so nothing lazy-loads later."""
    for order in made:
        rows.attach(order, "lines", [line for line in lines if line.order_id == order.id])
        rows.attach(order, "extras", [extra for extra in order_extras if extra.order_id == order.id])
        for line in order.lines:
            rows.attach(line, "order", order)


def _snapshots() -> dict:
    """What an order snapshots as its row is written: the commission (no read of its own)."""
    return {"commission_bps": commission_bps_sql()}


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


def apply_payment(payment_id: int, amount: int, currency: str, provider_reference: str | None = None) -> list[Order]:
    """A provider confirmed a payment: record it (amount and currency must match) and move its
    unpaid orders to ``paid``. Applying it twice changes nothing. Orders cancelled before the
    money came are settled by :func:`marketplace.orders.late_payments.settle`: revived when
    they expired and their stock is free again, refunded otherwise. The orders are locked before
    the payment, in id order, as expiry locks them (order, then payment): a payment and an expiry
    of the same orders at once wait for each other instead of deadlocking."""
    db.session.scalars(
        select(Order.id).where(Order.payment_id == payment_id).order_by(Order.id).with_for_update()
    ).all()
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
