"""The government order's moves and the ONE function that makes them.

Every step of government buying (purchasing.py, delivery.py) is a named action in
:data:`ACTIONS`: the statuses it starts from, the status it goes to and who may take it — an
official of the order's office in a position (``pp``, ``ppk``, ``bendahara``) or a member of the
order's store (``seller``). :func:`check` refuses before anything is written: a Conflict when the
order's status does not allow the action, PermissionDenied when the actor has no such capacity,
a ConflictOfInterest when an official would decide for the office about a store they belong to.
:func:`move` then writes the status with a compare-and-set (a concurrent step is a Conflict,
never a double move), the order's history line and an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.engine import CursorResult

from marketplace import audit, internals
from marketplace.clock import now
from marketplace.errors import Conflict, PermissionDenied
from marketplace.extensions import db
from marketplace.gov import notices
from marketplace.gov.models import GovEvent, GovOrder
from marketplace.gov.officials import official_of
from marketplace.i18n import gettext as _
from marketplace.stores import interest

STATUS_LABELS = {
    "submitted": _l("Menunggu persetujuan PPK"),
    "negotiating": _l("Penawaran penjual"),
    "approved": _l("Surat Pesanan terbit"),
    "accepted": _l("Diproses penjual"),
    "shipped": _l("Dikirim"),
    "shortfall": _l("Kurang — menunggu kekurangan"),
    "received": _l("BAST ditandatangani"),
    "invoiced": _l("Tagihan terbit"),
    "paid": _l("Dibayar"),
    "rejected": _l("Ditolak PPK"),
    "withdrawn": _l("Ditarik"),
    "declined": _l("Ditolak penjual"),
    "cancelled": _l("Dibatalkan"),
}
OPEN_STATUSES = ("submitted", "negotiating", "approved", "accepted", "shipped", "shortfall", "received", "invoiced")
# statuses in which the order's stock is held (taken at approval, given back when it closes)
RESERVING = ("approved", "accepted", "shipped", "shortfall")
# a Surat Pesanan in force: approved and not cancelled or declined (a paid one stays in force)
IN_FORCE = (*RESERVING, "received", "invoiced", "paid")


@dataclass(frozen=True)
class Action:
    sources: tuple[str, ...]
    target: str | None  # None: the action decides (receive) or keeps the status (amend)
    who: str  # "pp", "ppk", "bendahara" or "seller"
    label: object


ACTIONS: dict[str, Action] = {
    "quote": Action(("submitted",), "negotiating", "seller", _l("Kirim penawaran")),
    "accept_quote": Action(("negotiating",), "submitted", "pp", _l("Terima penawaran")),
    "withdraw": Action(("submitted", "negotiating"), "withdrawn", "pp", _l("Tarik pesanan")),
    "approve": Action(("submitted",), "approved", "ppk", _l("Setujui dan terbitkan Surat Pesanan")),
    "reject": Action(("submitted", "negotiating"), "rejected", "ppk", _l("Tolak")),
    "amend": Action(("approved", "accepted"), None, "ppk", _l("Buat adendum")),
    "cancel": Action(("approved", "accepted"), "cancelled", "ppk", _l("Batalkan Surat Pesanan")),
    "accept": Action(("approved",), "accepted", "seller", _l("Terima Surat Pesanan")),
    "decline": Action(("approved",), "declined", "seller", _l("Tolak Surat Pesanan")),
    "ship": Action(("accepted", "shortfall"), "shipped", "seller", _l("Kirim barang")),
    "receive": Action(("shipped",), None, "ppk", _l("Periksa barang dan tanda tangani BAST")),
    "invoice": Action(("received",), "invoiced", "seller", _l("Terbitkan tagihan dan kuitansi")),
    "pay": Action(("invoiced",), "paid", "bendahara", _l("Catat pembayaran")),
}
SUBMITTED = _l("Pengadaan diajukan")  # the first step, before the machine: in the history and the mails
# What each step is called in an order's history and its e-mails.
STEP_LABELS = {"submit": SUBMITTED, **{name: step.label for name, step in ACTIONS.items()}}


class ConcurrentChange(Conflict):
    """Someone changed the order between our read and our write; nothing was written."""

    code = "concurrent_change"


def capacities(order: GovOrder, actor) -> set[str]:
    """What ``actor`` is to ``order``: its office's position, and/or "seller" (a member of
    its store, an assisting officer included), "member" (one of the store's own people)."""
    found: set[str] = set()
    official = official_of(actor)
    if official is not None and official.office_id == order.office_id:
        found.add(official.position)
    if order.store_id is not None and actor is not None and getattr(actor, "is_authenticated", False):
        from marketplace.agency.assist import ASSISTANT
        from marketplace.stores import services as stores
        from marketplace.stores.models import Store

        store = db.session.get(Store, order.store_id)
        member = stores.acting_membership(store, actor) if store is not None else None
        if member is not None:
            found.add("seller")
            if member.role != ASSISTANT:
                found.add("member")
    return found


def check(order: GovOrder, action: str, actor) -> Action:
    """Refuse, before anything is written, a step the order's status or the actor does not allow.
    Every step starts here, so every step first holds the order's row and sees it as committed
    (:func:`lock`)."""
    lock(order)
    step = ACTIONS[action]
    if order.status not in step.sources:
        raise Conflict(
            _(
                'Pesanan %(number)s berstatus "%(status)s"; langkah "%(action)s" tidak bisa dilakukan.',
                number=order.number,
                status=STATUS_LABELS[order.status],
                action=step.label,
            )
        )
    mine = capacities(order, actor)
    if step.who not in mine:
        raise PermissionDenied(
            _("Anda tidak berhak melakukan langkah ini pada pesanan %(number)s.", number=order.number)
        )
    if step.who != "seller" and "member" in mine:
        raise interest.ConflictOfInterest(
            _(
                "Anda anggota toko %(store)s; keputusan instansi atas pesanannya diambil pejabat lain.",
                store=order.store_name,
            )
        )
    return step


def allowed(order: GovOrder, actor) -> list[str]:
    """The actions ``actor`` may take on ``order`` now (for buttons)."""
    mine = capacities(order, actor)
    return [
        name
        for name, step in ACTIONS.items()
        if order.status in step.sources and step.who in mine and not (step.who != "seller" and "member" in mine)
    ]


def move(order: GovOrder, action: str, actor, to_status: str, *, note: str = "", **details) -> None:
    """Write ``to_status`` if nobody changed the order since it was read, with the order's
    history line, an audit row (``gov.<action>``) and the e-mails of whoever acts next
    (gov/notices.py); the caller checked first and commits."""
    old = order.status
    if to_status != old:
        result = db.session.execute(
            update(GovOrder)
            .where(GovOrder.id == order.id, GovOrder.status == old)
            .values(status=to_status, updated_at=now())
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult, result).rowcount != 1:
            db.session.expire(order)
            raise ConcurrentChange(
                _(
                    "Pesanan %(number)s baru saja diubah orang lain. Muat ulang halaman lalu coba lagi.",
                    number=order.number,
                )
            )
        internals.set_loaded(order, "status", to_status)
    record(order, action, actor, old, to_status, note=note, from_status=old, to_status=to_status, **details)


def record(
    order: GovOrder,
    action: str,
    actor,
    old: str | None,
    new: str,
    *,
    note: str = "",
    mail_note: str | None = None,
    **details,
) -> None:
    """What every step leaves behind, in one place: the order's history line (``old`` to
    ``new``), an audit row (``gov.<action>`` with ``details``) and the e-mails of whoever acts
    next (gov/notices.py), which carry ``mail_note`` (default: ``note``)."""
    db.session.add(
        GovEvent(
            order_id=order.id,
            actor_id=getattr(actor, "id", None),
            action=action,
            from_status=old,
            to_status=new,
            note=note,
        )
    )
    audit.record(actor, f"gov.{action}", "gov_order", order.id, store_id=order.store_id, number=order.number, **details)
    notices.step_taken(
        order,
        action,
        actor,
        step=STEP_LABELS[action],
        status=STATUS_LABELS[new],
        note=note if mail_note is None else mail_note,
    )


def lock(order: GovOrder) -> GovOrder:
    """Hold the order's row until the caller commits and reload its columns as they are now,
    before :func:`check`: a step that moves stock or issues a document must not run on what it
    read before another step committed (a cancel releasing quantities an addendum already
    changed, a second approval making a second Surat Pesanan). Relationships the caller loaded
    (the purchase, for its page) stay; steps read lines afresh (gov/holding.py). PostgreSQL
    blocks here; SQLite has one writer at a time anyway."""
    columns = [column.key for column in GovOrder.__mapper__.column_attrs]
    db.session.refresh(order, attribute_names=columns, with_for_update=True)
    return order
