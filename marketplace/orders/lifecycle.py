"""The order state machine and the ONE function that moves an order.

    pending_payment → paid → processing → shipped → completed
    (cancelled: stock back, refund when paid;  refunded: money back after shipping)

Cash on delivery (a method with ``pay_on_delivery``): the order goes to the
seller at once. It stays ``pending_payment`` with no expiry; the seller accepts
it (pending_payment → processing) and ships it; the buyer, having paid the
courier, confirms receipt (shipped → completed), which records the cash as the
order's payment (``paid_at``, ``order_paid``). When the buyer refuses the
parcel at the door, the seller cancels the shipped order (the goods come back,
and so does the stock). Every other move is the same for every method.

Completion credits the store's ledger, so it is the buyer's confirmation (or
the system's clock, or an admin's), never the store's: a seller completing its
own sale is how money out of thin air was made (issue #15). Nobody who owns or
works for the order's store completes it, whatever else they are to it; nor
does an admin mark paid or refund an order it bought or whose store it belongs
to (SELF_INTEREST).

:func:`transition` checks the move is in the table (else 409), that the actor
may make it (else 403), applies it with a compare-and-set on the status (a
concurrent change makes it 409, never a double move), and writes the order's
history and an audit row. Stock goes back exactly once, with the one move out
of a reserving state into ``cancelled``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from marketplace import audit, internals, plugin_api
from marketplace.agency.assist import ASSISTANT
from marketplace.catalog import stock
from marketplace.clock import now
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.ledger import postings
from marketplace.orders import notifications, refunds
from marketplace.orders.models import (
    ORDER_STATUSES,
    STATUS_LABELS,
    Order,
    OrderEvent,
    OrderLine,
    extras_of,
    needs_waybill,
)
from marketplace.orders.status_names import EXPIRED_REASON as EXPIRED_REASON  # the cancel reason of expiry
from marketplace.payments import services as payments
from marketplace.shipping import couriers
from marketplace.stores import interest

LATE_PAYMENT_NOTE = "late_payment"  # the history line of an expired order revived by its late payment


class ConcurrentChange(Conflict):
    """Someone changed the order between our read and our write; nothing was written."""

    code = "concurrent_change"


@dataclass(frozen=True)
class Move:
    who: frozenset[str]
    method: str | None = None  # "cod": pay-on-delivery orders only; "prepaid": the others only


def _move(who: str, method: str | None = None) -> Move:
    return Move(frozenset(who.split()), method)


MOVES: dict[tuple[str, str], Move] = {
    ("pending_payment", "paid"): _move("system admin", method="prepaid"),
    ("pending_payment", "processing"): _move("seller admin", method="cod"),
    ("pending_payment", "cancelled"): _move("shopper seller admin system"),
    ("paid", "processing"): _move("seller admin"),
    ("paid", "cancelled"): _move("shopper seller admin system"),
    ("processing", "shipped"): _move("seller admin"),
    ("processing", "cancelled"): _move("shopper seller admin"),
    ("shipped", "completed"): _move("shopper admin system"),  # the buyer's confirmation credits the store
    ("shipped", "cancelled"): _move("seller admin", method="cod"),  # the buyer refused the parcel at the door
    ("shipped", "refunded"): _move("admin system"),
    ("completed", "refunded"): _move("admin system"),
}


# The one move out of "cancelled", kept out of MOVES so that transition() can never make it: an
# order cancelled by expiry whose payment arrived late goes on (revive_paid), for the system only.
LATE_PAYMENT_MOVE = ("cancelled", "paid")


# The statuses a shopper or a seller may ask for (PATCH of an order): the API document's enum.
REQUESTABLE_STATUSES = tuple(
    status
    for status in ORDER_STATUSES
    if any(to == status and move.who & {"shopper", "seller"} for (_from, to), move in MOVES.items())
)


def capacities(order: Order, actor) -> set[str]:
    """In which capacities ``actor`` (None: the system) stands to this order."""
    if actor is None:
        return {"system"}
    from marketplace.stores import services as stores
    from marketplace.stores.models import Store

    found = set()
    if order.user_id == actor.id:
        found.add("shopper")
    store = db.session.get(Store, order.store_id) if order.store_id else None
    member = stores.acting_membership(store, actor) if store is not None else None
    if store is not None and (store.owner_id == actor.id or member is not None):
        found.add("seller")
        if store.owner_id == actor.id or member.role != ASSISTANT:
            found.add("member")  # one of the store's own people (an assisting officer is not)
    if "admin" in actor.roles:
        found.add("admin")
    return found


def allowed_moves(order: Order, actor) -> list[str]:
    """The statuses ``actor`` may move this order to now (for buttons)."""
    mine = capacities(order, actor)
    return [
        to
        for (frm, to), move in MOVES.items()
        if frm == order.status and _method_fits(order, move) and move.who & mine and not _for_itself(to, mine)
    ]


def _method_fits(order: Order, move: Move) -> bool:
    return move.method is None or (move.method == "cod") == bool(order.pay_on_delivery)


# Moves that move money, and the sides that may not make them for themselves even when the
# table lets their other capacity (admin, shopper) make them: marking paid by hand (money in
# without a provider), completing (credits the store), refunding (money back to the buyer).
SELF_INTEREST = {"paid": {"shopper", "member"}, "completed": {"member"}, "refunded": {"shopper", "member"}}


def _for_itself(to_status: str, mine: set[str]) -> bool:
    """Whether the actor would make a money move on its own behalf (see SELF_INTEREST)."""
    return bool(SELF_INTEREST.get(to_status, set()) & mine)


def transition(
    order: Order,
    to_status: str,
    actor,
    *,
    reason: str | None = None,
    courier: str | None = None,
    tracking_number: str | None = None,
    shipment_reference: str | None = None,
) -> Order:
    """Move ``order`` to ``to_status`` as ``actor`` (None: the system). Raises
    Conflict (illegal or concurrent move), PermissionDenied, ValidationError.

    Shipping takes the courier and its waybill (``tracking_number``); a pickup booked through a
    shipping plugin may have no waybill yet but has the plugin's ``shipment_reference``, and an
    order the buyer collects or the store brings itself has neither (orders.models.needs_waybill).
    The courier's code and the waybill's format are checked by marketplace.shipping.fulfilment."""
    old = order.status
    move = _legal_move(order, to_status)
    _check_mover(order, to_status, move, actor)
    details = _check_details(order, to_status, actor, reason, courier, tracking_number, shipment_reference)
    _check_paid_by_system(order, to_status, actor)
    _compare_and_set(order, old, to_status)
    if to_status == "paid" and actor is not None and order.payment_id is not None:
        # an admin marking an order paid by hand records its money on the payment
        # (the system's move comes from apply_payment, which has already recorded it)
        payments.capture(order.payment_id, order.total)
    _apply(order, old, to_status, details, actor)
    _record(order, old, actor, details)
    plugin_api.notify("order_status_changed", order=order, old_status=old, new_status=to_status, actor=actor)
    notifications.status_changed(order, old, actor)
    return order


def revive_paid(order: Order) -> Order:
    """LATE_PAYMENT_MOVE: the payment of ``order``, cancelled by its expiry (never by a person),
    arrived after the deadline and the caller took its stock again and captured its money: the
    order goes on as a paid order, with the normal paid-order deadlines from now. Audited, with a
    history line saying so; Conflict for any other order."""
    if (
        order.status != LATE_PAYMENT_MOVE[0]
        or order.cancel_reason != EXPIRED_REASON
        or order.paid_at is not None
        or order.pay_on_delivery
        or order.payment_id is None
    ):
        raise Conflict(_("Pesanan %(number)s tidak bisa dilanjutkan.", number=order.number))
    _check_paid_by_system(order, "paid", None)
    _compare_and_set(order, "cancelled", "paid")
    order.cancelled_at, order.cancel_reason = None, None
    _apply(order, "cancelled", "paid", {}, None)
    _record(order, "cancelled", None, {"reason": LATE_PAYMENT_NOTE, "late_payment": True})
    plugin_api.notify("order_status_changed", order=order, old_status="cancelled", new_status="paid", actor=None)
    notifications.status_changed(order, "cancelled", None)
    return order


def _legal_move(order: Order, to_status: str) -> Move:
    """The move from the order's status to ``to_status``; ValidationError for an
    unknown status, Conflict when that move does not exist for the order."""
    if to_status not in STATUS_LABELS:
        message = _("Status tidak dikenal.")
        raise ValidationError(message, fields={"status": message})
    old = order.status
    move = MOVES.get((old, to_status))
    if move is None or not _method_fits(order, move):
        raise Conflict(
            _(
                'Pesanan %(number)s berstatus "%(old)s" dan tidak bisa diubah menjadi "%(new)s".',
                number=order.number,
                old=STATUS_LABELS.get(old, old),
                new=STATUS_LABELS.get(to_status, to_status),
            )
        )
    return move


def _check_mover(order: Order, to_status: str, move: Move, actor) -> None:
    """Refuse an actor who would decide for their own order, or who may not make ``move``."""
    mine = capacities(order, actor)
    if _for_itself(to_status, mine):
        raise interest.ConflictOfInterest(
            _(
                "Pesanan %(number)s diselesaikan oleh pembeli (konfirmasi barang diterima), bukan oleh toko "
                "penjualnya.",
                number=order.number,
            )
            if to_status == "completed"
            else _(
                'Anda pembeli pesanan %(number)s atau anggota tokonya; status "%(new)s" diubah oleh admin lain.',
                number=order.number,
                new=STATUS_LABELS[to_status],
            )
        )
    if not move.who & mine:
        raise PermissionDenied(
            _('Anda tidak berhak mengubah pesanan ini menjadi "%(new)s".', new=STATUS_LABELS[to_status])
        )


def _check_paid_by_system(order: Order, to_status: str, actor) -> None:
    """The system's move to paid follows a confirmed payment (apply_payment); never without the money."""
    if (
        to_status == "paid"
        and actor is None
        and order.payment_id is not None
        and payments.get_payment(order.payment_id).amount_due != 0
    ):
        raise Conflict(_("Pembayaran pesanan %(number)s belum tercatat.", number=order.number))


def _check_details(order, to_status, actor, reason, courier, tracking_number, shipment_reference=None) -> dict:
    reason = (reason or "").strip()[:1000]
    if to_status == "shipped":
        return _shipping_details(order, courier, tracking_number, shipment_reference)
    if to_status == "refunded" and order.paid_at is None:
        raise Conflict(_("Pesanan %(number)s belum dibayar; tidak ada dana untuk dikembalikan.", number=order.number))
    if to_status == "cancelled" and not reason and actor is not None and order.user_id != actor.id:
        message = _("Tuliskan alasan pembatalan untuk pembeli.")
        raise ValidationError(message, fields={"reason": message})
    return {"reason": reason or None}


def _shipping_details(order, courier, tracking_number, shipment_reference) -> dict:
    tracking_number = (tracking_number or "").strip()
    reference = (shipment_reference or "").strip()[:120] or None
    if not tracking_number and reference is None and needs_waybill(order):
        message = _("Isi nomor resi pengiriman.")
        raise ValidationError(message, fields={"tracking_number": message})
    if len(tracking_number) > 80 or len((courier or "").strip()) > 60:
        raise ValidationError(fields={"tracking_number": _("Nomor resi terlalu panjang.")})
    details = {"courier": (courier or "").strip() or None, "tracking_number": tracking_number or None}
    if reference is not None:
        details["shipment_reference"] = reference
    return details


def _compare_and_set(order: Order, old: str, new: str) -> None:
    """Write the new status only if nobody changed it since we read it."""
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status == old)
        .values(status=new, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(order)
        raise ConcurrentChange(
            _("Pesanan %(number)s baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.", number=order.number)
        )
    internals.set_loaded(order, "status", new)


def _apply(order: Order, old: str, new: str, details: dict, actor) -> None:
    at = now()
    if new == "paid":
        order.paid_at = at
        plugin_api.notify("order_paid", order=order, payment=payments.get_payment(order.payment_id))
    elif new == "shipped":
        order.courier, order.tracking_number, order.shipped_at = details["courier"], details["tracking_number"], at
        order.shipment_reference = details.get("shipment_reference")
    elif new == "completed":
        order.completed_at = at
        if order.paid_at is None:  # cash on delivery: the cash came with the goods
            payment = payments.capture(order.payment_id, order.total)
            order.paid_at = at
            plugin_api.notify("order_paid", order=order, payment=payment)
        postings.credit_order(order, extras_of(order))  # every party's share (ledger/postings.py)
        refunds.debit_earlier_refunds(order)
    elif new == "cancelled":
        order.cancelled_at, order.cancel_reason = at, details.get("reason")
        _give_stock_back(order)
        _settle_money(order, actor, details, "cancel")
    elif new == "refunded":
        order.cancel_reason = details.get("reason") or order.cancel_reason
        _settle_money(order, actor, details, "status:refunded")
    db.session.flush()


def _give_stock_back(order: Order) -> None:
    for variant_id, quantity in db.session.execute(
        select(OrderLine.variant_id, OrderLine.quantity)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.variant_id)
    ):
        if variant_id is not None:
            stock.release(variant_id, quantity)


def _settle_money(order: Order, actor, details: dict, source: str) -> None:
    """A paid order gives back whatever is not refunded yet (goods and extras, debiting a
    credited store and reversing the insurer's premium); an unpaid one is no longer due."""
    if order.payment_id is None:
        return
    if order.paid_at is not None:
        refunds.refund_rest(order, actor=actor, reason=details.get("reason") or "", source=source)
    else:
        payments.void(order.payment_id, order.total)


def _record(order: Order, old: str, actor, details: dict) -> None:
    note = details.get("reason") or ""
    if order.status == "shipped":
        note = " ".join(filter(None, [couriers.name_of(details.get("courier")), details.get("tracking_number")]))
    db.session.add(
        OrderEvent(
            order_id=order.id, actor_id=getattr(actor, "id", None), from_status=old, to_status=order.status, note=note
        )
    )
    audit.record(
        actor,
        f"order.{order.status}",
        "order",
        order.id,
        store_id=order.store_id,
        number=order.number,
        from_status=old,
        **details,
    )
