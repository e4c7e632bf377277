"""A store's payout account: the owner sets it, the agency verifies it, runs pay only verified ones.

- Only the store's owner sets it (an assisting officer or staff may not). A change of bank,
  number or holder returns it to ``unverified``, is audited with the number masked and
  e-mailed to the owner; the same values again change nothing and send nothing.
- The agency (agency or admin role, never a member of the store) verifies it. When the payout
  rail can ask the bank (``PayoutRail.check_account``) the bank's holder name must match the
  one entered (case, spaces, punctuation and titles aside); a missing account or another name
  is refused and the bank's answer kept. Without such a rail, the officer's word is recorded.
- The full number is shown to the owner and finance (agency, admin); everyone else sees
  ``banks.mask``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace import audit
from marketplace.agency import assist
from marketplace.clock import now
from marketplace.errors import Conflict, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.ledger.models import StorePayoutAccount
from marketplace.ledger.payout_mails import queue_account_changed
from marketplace.ledger.payout_runs import current_rail
from marketplace.ledger.rails import PayoutAccount
from marketplace.payments import banks
from marketplace.stores import interest
from marketplace.stores import services as stores
from marketplace.stores.models import Store


def get(store_id: int) -> StorePayoutAccount | None:
    return db.session.scalar(select(StorePayoutAccount).where(StorePayoutAccount.store_id == store_id))


def sees_full_number(store: Store, user) -> bool:
    """The owner and finance (agency, admin) see the whole account number; others the mask."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if assist.is_officer(user):
        return True
    member = stores.membership(store, user)
    return member is not None and member.role == "owner"


def readable(store: Store, user) -> bool:
    """Who may see the account at all: the store's members (and an officer assisting it), finance."""
    if user is not None and getattr(user, "is_authenticated", False) and assist.is_officer(user):
        return True
    stores.require_member(store, user)  # 404 for anyone else
    return True


def as_json(account: StorePayoutAccount | None, full: bool) -> dict:
    if account is None:
        return {"status": "missing", "bank": None, "account_number": None, "holder_name": None}
    bank = banks.get(account.bank)
    return {
        "status": account.status,
        "bank": account.bank,
        "bank_name": bank.name if bank else account.bank,
        "account_number": account.account_number if full else banks.mask(account.account_number),
        "masked": not full,
        "holder_name": account.holder_name,
        "verified_at": account.verified_at.isoformat() if account.verified_at else None,
        "bank_holder": account.bank_holder or None,
        "bank_answer": account.bank_answer or None,
        "checked_at": account.checked_at.isoformat() if account.checked_at else None,
        "updated_at": account.updated_at.isoformat() if account.updated_at else None,
    }


def set_account(store: Store, actor, bank, number, holder) -> tuple[StorePayoutAccount, bool]:
    """The owner sets the store's payout account: (the account, whether it changed). The caller commits.
    :raise NotFound: not a member. :raise PermissionDenied: a member but not the owner."""
    stores.require_member(store, actor, owner_only=True)
    code, digits, holder = banks.checked_account(bank, number, holder)
    account = get(store.id)
    if account is not None and (account.bank, account.account_number, account.holder_name) == (code, digits, holder):
        return account, False
    if account is None:
        account = StorePayoutAccount(store_id=store.id)
        db.session.add(account)
    account.bank, account.account_number, account.holder_name = code, digits, holder
    account.status, account.verified_by, account.verified_at = "unverified", None, None
    account.bank_holder, account.bank_answer, account.checked_at = "", "", None
    account.updated_by, account.updated_at = getattr(actor, "id", None), now()
    db.session.flush()
    audit.record(
        actor,
        "payout_account.changed",
        "store",
        store.id,
        store_id=store.id,
        bank=code,
        account_number=banks.mask(digits),
        holder_name=holder,
    )
    queue_account_changed(account, actor)
    return account, True


@dataclass
class Verification:
    account: StorePayoutAccount
    problem: ServiceError | None = None  # why it was refused (the bank's answer is kept)


def verify(store: Store, actor) -> Verification:
    """The agency verifies the store's payout account (the caller commits, also when refused:
    the bank's answer is kept). :raise Conflict: no account set, or the officer's own store."""
    interest.refuse_own_store(store.id, actor, _("Anda anggota toko ini; rekeningnya diverifikasi petugas lain."))
    account = get(store.id)
    if account is None:
        raise Conflict(_("Toko ini belum mengisi rekening pencairan."))
    if account.status == "verified":
        return Verification(account)
    problem = _bank_check(account)
    if problem is not None:
        audit.record(actor, "payout_account.refused", "store", store.id, store_id=store.id, reason=problem.message)
        return Verification(account, problem)
    account.status, account.verified_by, account.verified_at = "verified", getattr(actor, "id", None), now()
    audit.record(
        actor,
        "payout_account.verified",
        "store",
        store.id,
        store_id=store.id,
        bank=account.bank,
        account_number=banks.mask(account.account_number),
        bank_holder=account.bank_holder,
    )
    return Verification(account)


def _bank_check(account: StorePayoutAccount) -> ServiceError | None:
    """Ask the bank through the rail (when it can): why the account cannot be verified, or None."""
    rail = current_rail()
    if rail is None:
        return None
    try:
        answer = rail.check_account(PayoutAccount(account.bank, account.account_number, account.holder_name))
    except Exception:  # the bank could not be asked: nothing verified, try again later
        return Conflict(_("Bank tidak bisa ditanya sekarang; coba verifikasi lagi nanti."))
    if answer is None:
        return None
    account.checked_at, account.bank_holder = now(), (answer.holder or "")[:120]
    account.bank_answer = (answer.reason or "")[:300]
    if not answer.exists:
        account.bank_answer = account.bank_answer or "not found"
        return ValidationError(
            _("Rekening tidak ditemukan di bank; minta pemilik toko memeriksa nomor rekeningnya."),
            fields={"account_number": _("Rekening tidak ditemukan di bank.")},
        )
    if banks.normalised_name(answer.holder) != banks.normalised_name(account.holder_name):
        return Conflict(
            _(
                "Nama pemilik rekening di bank (%(bank)s) tidak sama dengan nama yang diisi (%(entered)s).",
                bank=answer.holder,
                entered=account.holder_name,
            )
        )
    return None


def unverified() -> list[tuple[Store, StorePayoutAccount]]:
    """Accounts waiting for the agency, oldest change first."""
    rows = db.session.execute(
        select(Store, StorePayoutAccount)
        .join(StorePayoutAccount, StorePayoutAccount.store_id == Store.id)
        .where(StorePayoutAccount.status == "unverified")
        .order_by(StorePayoutAccount.updated_at, StorePayoutAccount.id)
    )
    return [(store, account) for store, account in rows.tuples()]
