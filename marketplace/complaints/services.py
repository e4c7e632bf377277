"""Opening a complaint, and finding complaints for the shopper, the seller and the agency.

Every later move (answers, decisions, the return, deadlines) lives in ``steps``; the refund
in ``outcome``. Services add to the session and never commit (the caller does).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from marketplace import audit, media
from marketplace.accounts.services import require_confirmed_email
from marketplace.agency.services import require_agency
from marketplace.clock import now
from marketplace.complaints import notifications, outcome
from marketplace.complaints.models import (
    OPEN_STATUSES,
    REASONS,
    STATUSES,
    Complaint,
    ComplaintEvent,
    ComplaintLine,
    ComplaintPhoto,
)
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import whole_number
from marketplace.orders.models import Order, lines_of
from marketplace.stores import interest

MAX_PHOTOS = 5
COMPLAINABLE = ("shipped", "completed")


class ComplaintOpen(Conflict):
    code = "complaint_open"


def response_days() -> int:
    return int(current_app.config["COMPLAINT_RESPONSE_DAYS"])


def due_in(days: int) -> datetime:
    return now() + timedelta(days=days)


# --- opening ------------------------------------------------------------------------------


def open_complaint(user, order: Order, data: dict, photos=None) -> Complaint:
    """The shopper of ``order`` (the caller found it with ``get_for_shopper``) complains about
    chosen lines. :raise Conflict: not shipped or completed, not paid, too late, one already open
    :raise ValidationError: reason, description, lines, photos"""
    interest.refuse_own_store(order.store_id, user)
    _lock(order)
    _check_order(order)
    fields, lines = _clean_all(order, data)
    photos = _check_photos(photos)
    if photos:
        require_confirmed_email(user)
    complaint = Complaint(
        order_id=order.id,
        open_order_id=order.id,
        store_id=order.store_id,
        user_id=user.id,
        status="awaiting_seller",
        due_at=due_in(response_days()),
        lines=lines,
        **fields,
    )
    _insert(complaint)
    _save_photos(complaint, photos)
    add_event(complaint, user, "shopper", "opened", note=fields["description"])
    audit.record(
        user, "complaint.opened", "complaint", complaint.id, store_id=order.store_id, number=order.number,
        reason=complaint.reason, lines={line.order_line_id: line.quantity for line in lines}, photos=len(photos),
    )  # fmt: skip
    notifications.step(complaint, order, "opened", user)
    return complaint


def _lock(order: Order) -> None:
    """Hold the order's row and read its status afresh, so the clock does not complete it under a
    complaint opened at the same moment (PostgreSQL ``FOR UPDATE``; SQLite writes one at a time)."""
    db.session.scalar(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.refresh(order, ["status", "paid_at", "shipped_at", "delivered_at", "completed_at"])


def _check_order(order: Order) -> None:
    refused = refusal(order)
    if refused is not None:
        raise refused


def refusal(order: Order) -> Conflict | None:
    """Why a complaint cannot be opened on ``order`` now (None: it can)."""
    if order.status not in COMPLAINABLE:
        return Conflict(_("Komplain bisa diajukan setelah pesanan dikirim."))
    if order.paid_at is None:
        return Conflict(_("Pesanan ini belum dibayar: bayar di tempat, konfirmasi dulu pesanan diterima."))
    until = outcome.complaint_until(order)
    if until is None or now() > until:
        return Conflict(_("Batas waktu mengajukan komplain untuk pesanan ini sudah lewat."))
    if db.session.scalar(select(Complaint.id).where(Complaint.open_order_id == order.id)) is not None:
        return ComplaintOpen(_("Pesanan ini sudah punya komplain yang sedang diproses."))
    return None


def _clean_all(order: Order, data: dict) -> tuple[dict, list[ComplaintLine]]:
    """The fields and the chosen lines, every error at once."""
    errors: dict = {}
    fields: dict = {}
    lines: list[ComplaintLine] = []
    try:
        fields = _clean(data)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        lines = _chosen_lines(order, data.get("lines"))
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    return fields, lines


def _clean(data: dict) -> dict:
    errors = {}
    reason = data.get("reason")
    if reason not in REASONS:
        errors["reason"] = _("Pilih alasan komplain.")
    description = data.get("description")
    description = description.strip() if isinstance(description, str) else ""
    if not 10 <= len(description) <= 2000:
        errors["description"] = _("Ceritakan masalahnya (10 sampai 2.000 karakter).")
    if errors:
        raise ValidationError(fields=errors)
    return {"reason": reason, "description": description}


def _chosen_lines(order: Order, chosen) -> list[ComplaintLine]:
    """``chosen``: ``{order line id: quantity}`` (or a list of ``{"line_id", "quantity"}``)."""
    if isinstance(chosen, list):
        if not all(isinstance(item, dict) for item in chosen):
            raise ValidationError(fields={"lines": _("Pilih barang yang dikomplain.")})
        chosen = {item.get("line_id"): item.get("quantity") for item in chosen}
    if not isinstance(chosen, dict) or not chosen:
        raise ValidationError(fields={"lines": _("Pilih barang yang dikomplain.")})
    by_id = {line.id: line for line in lines_of(order)}
    refundable = outcome.refundable(order)
    made = []
    for line_id, quantity in chosen.items():
        line = by_id.get(line_id) if isinstance(line_id, int) and not isinstance(line_id, bool) else None
        if line is None:
            raise ValidationError(fields={"lines": _("Barang itu tidak ada di pesanan ini.")})
        quantity = whole_number(quantity, "lines", maximum=line.quantity)
        amount = min(line.unit_price * quantity, refundable.get(line.id, 0))
        if amount <= 0:
            raise ValidationError(
                fields={"lines": _("Dana barang %(name)s sudah dikembalikan.", name=line.product_name)}
            )
        name = f"{line.product_name} ({line.variant_name})"[:300]
        made.append(ComplaintLine(order_line_id=line.id, product_name=name, quantity=quantity, amount=amount))
    return made


def _check_photos(photos) -> list:
    photos = [p for p in (photos or []) if p is not None and bool(getattr(p, "filename", True))]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(fields={"photos": _("Paling banyak %(n)d foto.", n=MAX_PHOTOS)})
    return photos


def _insert(complaint: Complaint) -> None:
    """Add the complaint; a concurrent one for the same order loses on the unique open_order_id
    (the caller rolls back on the error). No savepoint: on SQLite its release would commit."""
    db.session.add(complaint)
    try:
        db.session.flush()
    except IntegrityError:
        raise ComplaintOpen(_("Pesanan ini sudah punya komplain yang sedang diproses.")) from None


def _save_photos(complaint: Complaint, photos: list) -> None:
    """Store every photo or none (a non-image: ValidationError, files already stored removed)."""
    saved: list[str] = []
    try:
        for photo in photos:
            saved.append(media.save_image(getattr(photo, "stream", photo), "complaints", field="photos").path)
    except ValidationError:
        for path in saved:
            media.delete_image(path)
        raise
    for path in saved:
        db.session.add(ComplaintPhoto(complaint_id=complaint.id, path=path))


def add_event(complaint: Complaint, actor, role: str, action: str, amount: int | None = None, note: str = "") -> None:
    db.session.add(
        ComplaintEvent(
            complaint_id=complaint.id, actor_id=getattr(actor, "id", None), role=role, action=action,
            amount=amount, note=note or "",
        )
    )  # fmt: skip


# --- finding ---------------------------------------------------------------------------------


def loaded_query():
    return select(Complaint).options(
        selectinload(Complaint.lines), selectinload(Complaint.photos), selectinload(Complaint.events)
    )


def _one(query) -> Complaint:
    complaint = db.session.scalars(query.execution_options(populate_existing=True)).first()
    if complaint is None:
        raise NotFound(_("Komplain tidak ditemukan."))
    return complaint


def get(complaint_id: int) -> Complaint:
    """A complaint as it is now, with lines, photos and timeline (the clock's read; no access check)."""
    return _one(loaded_query().where(Complaint.id == complaint_id))


def for_order(order: Order) -> list[Complaint]:
    """The order's complaints, newest first, with lines, photos and timeline."""
    return list(db.session.scalars(loaded_query().where(Complaint.order_id == order.id).order_by(Complaint.id.desc())))


def for_shopper(user, complaint_id: int) -> Complaint:
    return _one(loaded_query().where(Complaint.id == complaint_id, Complaint.user_id == user.id))


def for_seller(user, complaint_id: int) -> Complaint:
    from marketplace.orders.services import seller_store_ids

    store_ids = seller_store_ids(user)
    return _one(loaded_query().where(Complaint.id == complaint_id, Complaint.store_id.in_(store_ids or [0])))


def for_agency(user, complaint_id: int) -> Complaint:
    require_agency(user)
    return _one(loaded_query().where(Complaint.id == complaint_id))


def visible(user, complaint_id: int) -> Complaint:
    """For a photo: the shopper, the store's people or an officer; NotFound for anyone else."""
    from marketplace.agency.assist import is_officer
    from marketplace.orders.services import seller_store_ids

    query = loaded_query().where(Complaint.id == complaint_id)
    if not is_officer(user):
        query = query.where((Complaint.user_id == user.id) | Complaint.store_id.in_(seller_store_ids(user) or [0]))
    return _one(query)


def order_of(complaint: Complaint) -> Order:
    return db.session.scalars(
        select(Order).options(selectinload(Order.lines)).where(Order.id == complaint.order_id)
    ).one()


def listing(*, store_ids: list[int] | None = None, status: str | None = None, page: int = 1, per_page: int = 30):
    """Complaints (of ``store_ids`` when given), open ones first by deadline, then the newest;
    ``status``: one status, or "open". Each with its order's number, in two statements."""
    query = loaded_query().add_columns(Order.number).join(Order, Order.id == Complaint.order_id)
    if store_ids is not None:
        query = query.where(Complaint.store_id.in_(store_ids or [0]))
    if status == "open":
        query = query.where(Complaint.status.in_(OPEN_STATUSES))
    elif status is not None:
        query = query.where(Complaint.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Complaint.id).subquery()))
    rows = db.session.execute(
        query.order_by(Complaint.closed_at.is_not(None), Complaint.due_at.asc().nulls_last(), Complaint.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [(complaint, number) for complaint, number in rows], total or 0


def status_arg(raw: str | None) -> str | None:
    if raw in (None, ""):
        return None
    if raw != "open" and raw not in STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    return raw


def complaint_until(order: Order) -> datetime | None:
    return outcome.complaint_until(order)


def order_number(complaint: Complaint) -> str:
    return db.session.scalar(select(Order.number).where(Order.id == complaint.order_id)) or ""
