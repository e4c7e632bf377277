"""Finance of the parties other than a store's payout: what stores owe and their settlements,
premiums per insurer and month and their remittances, and an order's split.

- A store whose balance is negative owes the marketplace (commission on cash-on-delivery
  sales, the premiums its seller collected in cash): finance records a *settlement* when
  the store pays (``settlement`` +amount on the store, at most what it owes). A positive
  balance nets it against the next payout by itself: a balance is a sum.
- Premiums are the insurer's money: ``premium`` rows on ``insurer:<code>``, grouped per
  month (WIB) of the credit; a reversal (refund) counts against the month of its credit.
  Finance records a *remittance* (``remittance`` −amount on the insurer) of at most what is
  outstanding for that month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from marketplace import audit
from marketplace.clock import to_jakarta
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.ledger import postings, services
from marketplace.ledger.models import KIND_LABELS as KIND_LABELS
from marketplace.ledger.models import LedgerEntry, Remittance, Settlement, store_account
from marketplace.stores.models import Store

MONTH = re.compile(r"^(20\d\d)-(0[1-9]|1[0-2])$")


# --- what stores owe ----------------------------------------------------------------------


def receivables(balances: dict[int, int]) -> list[tuple[Store, int]]:
    """Stores with a negative balance and what each owes (rupiah > 0), by name."""
    owing = {store_id: -amount for store_id, amount in balances.items() if amount < 0}
    stores = db.session.scalars(select(Store).where(Store.id.in_(list(owing) or [-1])).order_by(Store.name))
    return [(store, owing[store.id]) for store in stores]


def record_settlement(actor, store, amount, bank_reference: str, paid_on: date | None, note: str = "") -> Settlement:
    """The store paid the marketplace ``amount`` of what it owes (never more than it owes)."""
    amount, bank_reference = services.checked_transfer(amount, bank_reference, paid_on)
    services.refuse_own_store(actor, store)
    owed = -services.locked_balance(store)
    if amount > owed:
        limit = services.rupiah(max(owed, 0))
        raise ValidationError(fields={"amount": _("Melebihi utang toko (%(b)s).", b=limit)})
    settlement = services.add_transfer(Settlement, actor, amount, bank_reference, paid_on, note, store_id=store.id)
    postings.add_once(
        f"settlement:{settlement.id}",
        account=store_account(store.id),
        kind="settlement",
        amount=amount,
        note=bank_reference,
    )
    audit.record(
        actor,
        "settlement.recorded",
        "settlement",
        settlement.id,
        store_id=store.id,
        amount=amount,
        bank_reference=bank_reference,
    )
    return settlement


def recent_settlements(limit: int = 50) -> list[Settlement]:
    return list(db.session.scalars(select(Settlement).order_by(Settlement.id.desc()).limit(limit)))


# --- premiums per insurer and month ----------------------------------------------------------


@dataclass
class PremiumMonth:
    insurer: str  # the insurer's code
    month: str  # YYYY-MM (WIB)
    collected: int = 0
    refunded: int = 0
    remitted: int = 0

    @property
    def outstanding(self) -> int:
        return self.collected - self.refunded - self.remitted

    def as_json(self) -> dict:
        return {
            "insurer": self.insurer,
            "month": self.month,
            "collected": self.collected,
            "refunded": self.refunded,
            "remitted": self.remitted,
            "outstanding": self.outstanding,
        }


def _month(at) -> str:
    return f"{to_jakarta(at):%Y-%m}"


def account_months(account: str | None = None) -> list[PremiumMonth]:
    """Premiums collected, refunded and remitted per insurer account and month, newest first
    (``account``: one insurer, ``"insurer:jasindo"``; None: every insurer)."""
    query = select(LedgerEntry.account, LedgerEntry.order_id, LedgerEntry.amount, LedgerEntry.created_at).where(
        LedgerEntry.kind == "premium", LedgerEntry.account.like("insurer:%")
    )
    remits = select(Remittance.account, Remittance.month, Remittance.amount)
    if account is not None:
        query, remits = query.where(LedgerEntry.account == account), remits.where(Remittance.account == account)
    months: dict[tuple[str, str], PremiumMonth] = {}
    credited: dict[tuple[str, int | None], str] = {}
    rows = db.session.execute(query.order_by(LedgerEntry.id)).all()
    for acct, order_id, amount, at in rows:
        month = (
            credited.setdefault((acct, order_id), _month(at))
            if amount > 0
            else credited.get((acct, order_id), _month(at))
        )
        entry = months.setdefault((acct, month), PremiumMonth(acct.split(":", 1)[1], month))
        if amount > 0:
            entry.collected += amount
        else:
            entry.refunded -= amount
    for acct, month, amount in db.session.execute(remits):
        months.setdefault((acct, month), PremiumMonth(acct.split(":", 1)[1], month)).remitted += amount
    return sorted(months.values(), key=lambda m: (m.month, m.insurer), reverse=True)


def insurer_accounts() -> list[str]:
    """The insurer accounts that have premiums, by code."""
    return sorted({f"insurer:{m.insurer}" for m in account_months()})


def record_remittance(
    actor, account: str, month: str, amount, bank_reference: str, paid_on: date | None, note: str = ""
) -> Remittance:
    """The marketplace transferred ``amount`` of ``month``'s premiums to the insurer (at most what is outstanding)."""
    amount, bank_reference = _checked_remittance(account, month, amount, bank_reference, paid_on)
    _check_outstanding(account, month, amount)
    remittance = services.add_transfer(
        Remittance, actor, amount, bank_reference, paid_on, note, account=account, month=month
    )
    postings.add_once(
        f"remittance:{remittance.id}",
        account=account,
        kind="remittance",
        amount=-amount,
        note=f"{month} {bank_reference}",
    )
    audit.record(
        actor,
        "remittance.recorded",
        "remittance",
        remittance.id,
        insurer=account,
        month=month,
        amount=amount,
        bank_reference=bank_reference,
    )
    return remittance


def _check_outstanding(account: str, month: str, amount: int) -> None:
    """Refuse more than the month's outstanding premiums, holding the insurer's premium rows so two
    remittances of one insurer cannot both pass the check."""
    db.session.scalars(
        select(LedgerEntry.id).where(LedgerEntry.account == account, LedgerEntry.kind == "premium").with_for_update()
    ).all()
    outstanding = next((m.outstanding for m in account_months(account) if m.month == month), 0)
    if amount > outstanding:
        limit = services.rupiah(max(outstanding, 0))
        raise ValidationError(fields={"amount": _("Melebihi premi yang belum disetor (%(b)s).", b=limit)})


def _checked_remittance(account: str, month: str, amount, bank_reference: str, paid_on: date | None) -> tuple[int, str]:
    """The remittance's amount and bank reference, cleaned; every bad field at once as a ValidationError."""
    errors = {}
    if not (account or "").startswith("insurer:") or len(account) > 60:
        errors["insurer"] = _("Pilih perusahaan asuransi.")
    if not MONTH.match(month or ""):
        errors["month"] = _("Isi bulan premi (TTTT-BB).")
    try:
        amount, bank_reference = services.checked_transfer(amount, bank_reference, paid_on)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    return amount, bank_reference


def recent_remittances(limit: int = 50) -> list[Remittance]:
    return list(db.session.scalars(select(Remittance).order_by(Remittance.id.desc()).limit(limit)))
