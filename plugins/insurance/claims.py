"""Claims: filing one on an aid policy or on an order protection, and the insurer's
decisions (finding the claims a user may see: claim_queries.py, re-exported here).

A claim is checked before anything is written: the incident inside the
policy's period (and not in the future), a cause the product covers, an
amount above 0 and at most the sum insured, a subject (policy or protection)
that is active, and no other open claim for the same incident.

Nobody claims against or decides for their own side (marketplace.stores.interest):
a store's owner or members never claim the protection of an order from that store
(the protection insures the buyer against the store), and an insurer's user never
decides a claim it filed or one of a store it belongs to. A protection claim
needs its premium collected: the order's payment succeeded (``paid_at``; for cash
on delivery, once the buyer paid the courier and confirmed receipt)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from marketplace import audit, inputs, media
from marketplace.accounts.services import require_confirmed_email
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah
from marketplace.inputs import digits
from marketplace.orders import services as orders
from marketplace.stores import interest
from marketplace.stores import services as stores

from . import access, notifications, policies, terms
from .claim_queries import days_since_documents as days_since_documents
from .claim_queries import listing as listing
from .claim_queries import policy_status_label as policy_status_label
from .claim_queries import store_claims as store_claims
from .claim_queries import visible
from .models import CLAIM_STATUSES as CLAIM_STATUSES
from .models import OPEN_CLAIM_STATUSES, STATUS_LABELS, Claim, ClaimPhoto, OrderProtection, Policy

MAX_PHOTOS = 5
DECISIONS = {"approve": ("filed", "approved"), "reject": ("filed", "rejected"), "paid": ("approved", "paid")}


class DuplicateClaim(Conflict):
    code = "duplicate_claim"


# --- input ------------------------------------------------------------------------------


def parse_date(raw, field: str = "incident_date") -> date:
    return inputs.parse_date(raw, field)


def _clean(data: dict, causes: list[str], sum_insured: int, period: tuple[date, date]) -> dict:
    """The claim's fields, or ValidationError naming every bad one."""
    errors: dict[str, str] = {}
    out: dict = {}
    try:
        out["incident_date"] = parse_date(data.get("incident_date"))
    except ValidationError as exc:
        errors.update(exc.fields)
    else:
        first, last = period[0], min(period[1], policies.today())
        if not first <= out["incident_date"] <= last:
            errors["incident_date"] = _(
                "Tanggal kejadian harus di dalam masa pertanggungan (%(a)s s.d. %(b)s) dan tidak setelah hari ini.",
                a=first.isoformat(),
                b=last.isoformat(),
            )
    cause = str(data.get("cause") or "").strip()
    if cause not in causes:
        errors["cause"] = _(
            "Risiko ini tidak dijamin. Yang dijamin: %(list)s.", list=", ".join(terms.cause_label(c) for c in causes)
        )
    out["cause"] = cause
    description = str(data.get("description") or "").strip()
    if not 10 <= len(description) <= 2000:
        errors["description"] = _("Ceritakan kejadiannya (10 sampai 2.000 karakter).")
    out["description"] = description
    amount = data.get("amount")
    if isinstance(amount, str) and digits(amount.strip().replace(".", "")):
        amount = int(amount.strip().replace(".", ""))
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = _("Nilai klaim harus berupa angka rupiah di atas 0.")
    elif amount > sum_insured:
        errors["amount"] = _("Nilai klaim melebihi nilai pertanggungan (%(max)s).", max=rupiah(sum_insured))
    out["amount"] = amount
    if errors:
        raise ValidationError(fields=errors)
    return out


def _check_photos(photos) -> list:
    photos = [p for p in (photos or []) if p is not None and getattr(p, "filename", "x")]
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(fields={"photos": _("Paling banyak %(n)d foto.", n=MAX_PHOTOS)})
    return photos


def _save_photos(claim: Claim, photos: list) -> None:
    """Store every photo or none (a non-image: ValidationError, files already stored removed)."""
    saved: list[str] = []
    try:
        for photo in photos:
            saved.append(media.save_image(getattr(photo, "stream", photo), "claims", field="photos").path)
    except ValidationError:
        for path in saved:
            media.delete_image(path)
        raise
    for path in saved:
        db.session.add(ClaimPhoto(claim_id=claim.id, path=path))
    if saved and claim.documents_complete_at is None:
        claim.documents_complete_at = now()


def _no_open_duplicate(condition, incident_date: date, cause: str) -> None:
    open_id = db.session.scalar(
        select(Claim.id).where(
            condition, Claim.incident_date == incident_date, Claim.cause == cause, Claim.status.in_(OPEN_CLAIM_STATUSES)
        )
    )
    if open_id is not None:
        raise DuplicateClaim(_("Sudah ada klaim #%(id)d yang masih diproses untuk kejadian ini.", id=open_id))


# --- filing -----------------------------------------------------------------------------


def file_policy_claim(user, policy_ref, data: dict, photos=None) -> Claim:
    """A member of the insured store files a claim on its policy. NotFound for a
    policy the user may not see, PermissionDenied for one it may see but not claim on."""
    policy = claimable_policy(user, policy_ref)
    status = policies.state(policy)
    if status != "active":
        message = _(
            "Polis %(number)s tidak aktif (%(status)s); klaim tidak bisa diajukan.",
            number=policy.number,
            status=policy_status_label(status),
        )
        raise ValidationError(message, fields={"policy": message})
    fields = _clean(data, policy.product.cause_list, policy.sum_insured, (policy.starts_on, policy.ends_on))
    photos = _check_photos(photos)
    _no_open_duplicate(Claim.policy_id == policy.id, fields["incident_date"], fields["cause"])
    claim = Claim(
        policy_id=policy.id,
        insurer_id=policy.insurer_id,
        store_id=policy.store_id,
        claimant_id=user.id,
        status="filed",
        **fields,
    )
    return _file(user, claim, photos, policy.insurer, policy_number=policy.number)


def claimable_policy(user, policy_ref) -> Policy:
    """A policy the user may file a claim on: NotFound when it may not see it,
    PermissionDenied when it sees it (agency, insurer) but is not a member of the store."""
    policy = policies.visible(user, policy_ref)
    if stores.membership(policy.store, user) is None:
        raise PermissionDenied(_("Hanya anggota toko yang diasuransikan yang dapat mengajukan klaim."))
    return policy


def file_protection_claim(user, order_number: str, data: dict, photos=None) -> Claim:
    """The shopper of a protected order files a claim (damaged, or never arrived)."""
    order = orders.get_for_shopper(user, order_number)
    protection = db.session.scalar(
        select(OrderProtection).options(joinedload(OrderProtection.insurer)).where(OrderProtection.order_id == order.id)
    )
    if protection is None:
        raise NotFound(_("Pesanan ini tidak dilindungi asuransi."))
    interest.refuse_own_store(
        order.store_id,
        user,
        _(
            "Anda anggota toko %(store)s; proteksi pesanan dari toko sendiri tidak bisa diklaim.",
            store=order.store_name,
        ),
    )
    if protection.status != "active" or order.status not in ("shipped", "completed"):
        message = _(
            "Perlindungan pesanan ini tidak aktif: klaim bisa diajukan setelah pesanan dikirim, "
            "dan tidak untuk pesanan yang dibatalkan atau dananya dikembalikan."
        )
        raise ValidationError(message, fields={"order": message})
    if order.paid_at is None:  # the premium rides on the order's payment: nothing paid, nothing insured
        message = _(
            "Premi proteksi pesanan ini belum dibayar: klaim bisa diajukan setelah pembayaran pesanan "
            "berhasil (bayar di tempat: setelah Anda membayar kurir dan mengonfirmasi pesanan diterima)."
        )
        raise ValidationError(message, fields={"order": message})
    placed_on = to_jakarta(order.placed_at).date()
    fields = _clean(
        data, list(terms.PROTECTION_CAUSES), protection.goods_value, (placed_on, policies.add_months(placed_on, 3))
    )
    photos = _check_photos(photos)
    _no_open_duplicate(Claim.protection_id == protection.id, fields["incident_date"], fields["cause"])
    claim = Claim(
        protection_id=protection.id, insurer_id=protection.insurer_id, claimant_id=user.id, status="filed", **fields
    )
    return _file(user, claim, photos, protection.insurer, order_number=order.number)


def _file(user, claim: Claim, photos: list, insurer, **details) -> Claim:
    if photos:
        require_confirmed_email(user)
    db.session.add(claim)
    db.session.flush()
    _save_photos(claim, photos)
    audit.record(
        user,
        "insurance.claim_filed",
        "insurance_claim",
        claim.id,
        store_id=claim.store_id,
        amount=claim.amount,
        cause=claim.cause,
        photos=len(photos),
        **details,
    )
    db.session.flush()
    notifications.claim_filed(claim, insurer)
    return claim


def add_photos(user, claim: Claim, photos) -> Claim:
    """The claimant adds documents to an open claim; the first ones complete the documents."""
    if claim.claimant_id != user.id:
        raise PermissionDenied(_("Hanya pengaju klaim yang dapat menambah dokumen."))
    if claim.status not in OPEN_CLAIM_STATUSES:
        raise Conflict(_("Klaim ini sudah selesai diputus."))
    photos = _check_photos(photos)
    if not photos:
        raise ValidationError(fields={"photos": _("Pilih setidaknya satu foto.")})
    require_confirmed_email(user)
    _save_photos(claim, photos)
    audit.record(
        user, "insurance.claim_documents", "insurance_claim", claim.id, store_id=claim.store_id, photos=len(photos)
    )
    return claim


# --- deciding -----------------------------------------------------------------------------


def can_decide(user, claim: Claim) -> bool:
    """Only the users of the claim's own insurer decide it (not the agency, not an admin)."""
    insurer_id = access.insurer_id_of(user)
    return insurer_id is not None and insurer_id == claim.insurer_id


def decide(user, claim_id, decision: str, note: str = "", paid_amount=None) -> Claim:
    """approve (with the amount to pay; the claim's amount by default), reject
    (a reason is required), or paid (after approval). NotFound for another
    insurer's claim; Conflict for a step out of order."""
    claim = _claim_to_decide(user, claim_id)
    after = _next_status(claim, decision)
    note = str(note or "").strip()[:2000]
    if decision == "reject" and not note:
        raise ValidationError(fields={"note": _("Tuliskan alasan penolakan untuk pengaju klaim.")})
    if decision == "approve":
        claim.paid_amount = _approved_amount(claim, paid_amount)
    claim.status = after
    claim.decision_note = note or claim.decision_note
    if decision == "paid":
        claim.paid_at = now()
    else:
        claim.decided_by, claim.decided_at = user.id, now()
    audit.record(
        user,
        f"insurance.claim_{after}",
        "insurance_claim",
        claim.id,
        store_id=claim.store_id,
        paid_amount=claim.paid_amount,
        note=note,
    )
    db.session.flush()
    notifications.claim_decided(claim)
    return claim


def _claim_to_decide(user, claim_id) -> Claim:
    """The claim, when ``user`` works for its insurer and has no interest in it."""
    claim = visible(user, claim_id)
    if not can_decide(user, claim):
        raise (
            NotFound(_("Klaim tidak ditemukan."))
            if access.insurer_code(user)
            else PermissionDenied(_("Hanya perusahaan asuransi penjamin yang memutus klaim."))
        )
    _not_own_claim(user, claim)
    return claim


def _next_status(claim: Claim, decision: str) -> str:
    """The status ``decision`` moves the claim to; refused when the claim is not where it starts."""
    if decision not in DECISIONS:
        raise ValidationError(fields={"decision": _("Pilih approve, reject, atau paid.")})
    before, after = DECISIONS[decision]
    if claim.status != before:
        raise Conflict(
            _(
                "Klaim #%(id)d berstatus %(status)s; langkah ini tidak bisa dilakukan.",
                id=claim.id,
                status=STATUS_LABELS[claim.status],
            )
        )
    return after


def _not_own_claim(user, claim: Claim) -> None:
    """:raise ConflictOfInterest: the insurer's user filed the claim or belongs to the insured store."""
    message = _(
        "Anda tidak bisa memutus klaim yang Anda ajukan sendiri atau klaim toko tempat Anda menjadi "
        "anggota; minta rekan di perusahaan asuransi Anda."
    )
    if claim.claimant_id == user.id:
        raise interest.ConflictOfInterest(message)
    interest.refuse_own_store(claim.store_id, user, message)


def _approved_amount(claim: Claim, raw) -> int:
    if raw in (None, ""):
        return claim.amount
    if isinstance(raw, str) and digits(raw.strip().replace(".", "")):
        raw = int(raw.strip().replace(".", ""))
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= claim.amount:
        raise ValidationError(
            fields={"paid_amount": _("Nilai yang disetujui harus di atas 0 dan paling banyak nilai klaim.")}
        )
    return raw
