"""Payout runs: every store with a verified payout account and a balance of at least
``PAYOUT_MINIMUM`` rupiah is paid once, through the first payout rail a plugin offers
(``payout_rails`` hook), or in a bank bulk-transfer file when none does; and the outcome of
each payout, written once (:func:`record_outcome`).

A run (:func:`run`):
1. asks the rail again about the payouts still pending (:func:`refresh_pending`);
2. plans the stores to pay and how much (:func:`plan`; all that ``--dry-run`` does);
3. per store, in a transaction of its own: the payout (pending, the account it goes to, the
   rail, its idempotency key) and the debit ``payout:<id>`` of the store's balance, committed;
4. outside any transaction: ``rail.send(payout, account, key)``; the answer goes through
   :func:`record_outcome`. ``PayoutFailed`` is a failure; any other exception leaves the
   payout pending, asked again on the next run with the same key.

Two runs at once pay each store once: the key is ``store:<id>:upto:<last ledger row id>``
and unique in the database, and the balance is read again once the payout's row is written
(the store's row locked on PostgreSQL, the database's write lock held on SQLite), so a second
run either writes the same key (refused: skipped) or sees the first run's debit.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace import audit, plugin_api
from marketplace.clock import now, to_jakarta
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.ledger import postings, services
from marketplace.ledger.models import (
    FILE_RAIL,
    PAYOUT_STATES,
    LedgerEntry,
    Payout,
    StorePayoutAccount,
    store_account,
)
from marketplace.ledger.payout_mails import queue_payout_failed
from marketplace.ledger.rails import PayoutAccount, PayoutFailed, PayoutRail, PayoutSent
from marketplace.stores.models import Store

log = logging.getLogger(__name__)
DEFAULT_MINIMUM = 50_000


# --- outcomes ------------------------------------------------------------------------------


def record_outcome(idempotency_key: str, state: str, reference: str | None = None, reason: str = "") -> bool:
    """The outcome of the payout with ``idempotency_key``: ``succeeded`` or ``failed`` is written
    once (True when written now, False when it was already, or for a key no payout has);
    ``pending`` only keeps the rail's ``reference`` (False). A failure gives the money back to
    the store's balance (``payout-return:<id>``, the reason in its note) and tells the seller.
    In the caller's transaction: the caller commits."""
    if state not in PAYOUT_STATES:
        raise ValueError(f"unknown payout state {state!r}")
    payout = db.session.scalar(select(Payout).where(Payout.idempotency_key == idempotency_key))
    if payout is None:
        log.warning("payout outcome for an unknown key %s ignored", idempotency_key)
        return False
    reference = (reference or "").strip()[:120]
    if state == "pending":
        if reference and not payout.bank_reference and payout.status == "pending":
            payout.bank_reference = reference
            db.session.flush()
        return False
    reason = (reason or "").strip()[:500] or (_("Ditolak bank.") if state == "failed" else "")
    values = {"status": state, "settled_at": now(), "reason": reason if state == "failed" else ""}
    if reference:
        values["bank_reference"] = reference
    if state == "succeeded":
        values["paid_on"] = to_jakarta(now()).date()
    # conditional on "pending": of two notifications at once, one changes the row
    changed = db.session.execute(
        update(Payout)
        .where(Payout.id == payout.id, Payout.status == "pending")
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return False
    db.session.refresh(payout)
    if state == "failed":
        _give_back(payout)
    audit.record(None, f"payout.{state}", "payout", payout.id, store_id=payout.store_id, reason=payout.reason)
    return True


def _give_back(payout: Payout) -> None:
    postings.add_once(
        f"payout-return:{payout.id}",
        account=store_account(payout.store_id),
        payout_id=payout.id,
        kind="payout",
        amount=payout.amount,
        note=payout.reason,
    )
    queue_payout_failed(payout)


def mark(actor, payout_id: int, state: str, reference: str = "", reason: str = "") -> bool:
    """Finance says a pending payout (one of a bulk-transfer file) arrived or failed."""
    from marketplace.errors import Conflict, NotFound, ValidationError

    payout = db.session.get(Payout, payout_id) if isinstance(payout_id, int) else None
    if payout is None or payout.idempotency_key is None:
        raise NotFound(_("Pencairan tidak ditemukan."))
    if state not in ("succeeded", "failed"):
        raise ValidationError(fields={"state": _("Pilih terkirim atau gagal.")})
    if state == "failed" and not (reason or "").strip():
        raise ValidationError(fields={"reason": _("Tulis alasan kegagalan.")})
    if not marked_by_hand(payout, current_rail()):
        raise Conflict(_("Hasil pencairan ini dilaporkan oleh layanan pencairannya, bukan dicatat tangan."))
    applied = record_outcome(payout.idempotency_key, state, reference, reason)
    if applied:
        audit.record(actor, f"payout.marked_{state}", "payout", payout.id, store_id=payout.store_id)
    return applied


def marked_by_hand(payout: Payout, rail: PayoutRail | None) -> bool:
    """Finance records the outcome of a bank-file payout, and of one whose rail is gone; a live
    rail's payouts get theirs from the rail only (marking one failed by hand while the bank
    paid it would pay the store twice)."""
    return payout.rail == FILE_RAIL or rail is None or rail.id != payout.rail


def mark_batch(actor, batch: str, state: str, reference: str = "", reason: str = "") -> int:
    """Finance marks every pending payout of the bank file ``batch`` at once: how many changed."""
    from marketplace.errors import NotFound

    ids = db.session.scalars(
        select(Payout.id).where(Payout.batch == batch, Payout.rail == FILE_RAIL, Payout.status == "pending")
    ).all()
    if not ids:
        raise NotFound(_("Tidak ada pencairan yang menunggu di berkas ini."))
    return sum(mark(actor, payout_id, state, reference, reason) for payout_id in ids)


# --- the rail ------------------------------------------------------------------------------


class RailUnavailable(ServiceError):
    """A plugin's ``payout_rails`` hook raised: nothing is paid (not even in a bank file, which
    would pay by hand what the plugin is meant to pay) until it is fixed."""

    status = 503
    code = "unavailable"


def current_rail() -> PayoutRail | None:
    """The first payout rail an enabled plugin offers; None: payouts go in a bulk-transfer file.
    :raise RailUnavailable: a plugin's hook raised (loud, like the payment hooks)."""
    try:
        offered = plugin_api.gather("payout_rails", loud=True)
    except plugin_api.PluginFailure as exc:
        raise RailUnavailable(
            _("Layanan pencairan %(plugin)s sedang bermasalah; pencairan ditunda.", plugin=exc.plugin)
        ) from exc
    rails = [r for r in offered if isinstance(r, PayoutRail)]
    return rails[0] if rails else None


def account_of(payout: Payout) -> PayoutAccount:
    return PayoutAccount(payout.account_bank or "", payout.account_number or "", payout.account_holder or "")


def _detached(payout_id: int) -> Payout | None:
    """The payout, loaded and detached, and no transaction left open: what a rail is given
    (nothing is held in the database while it talks to the bank)."""
    payout = db.session.get(Payout, payout_id)
    if payout is not None:
        db.session.refresh(payout)
        db.session.expunge(payout)
    db.session.commit()
    return payout


def _ask(payout: Payout, rail: PayoutRail, again: bool) -> str:
    """Send ``payout`` through ``rail`` (or ask where it stands when ``again`` and its
    reference is known), write the answer and commit; its state after."""
    key = payout.idempotency_key or ""
    try:
        if again and payout.bank_reference:
            answer = rail.status(payout)
        else:
            answer = rail.send(payout, account_of(payout), key)
    except PayoutFailed as exc:
        answer = PayoutSent(reference="", state="failed", reason=str(exc))
    except Exception:  # not known yet: pending, asked again later with the same key
        log.exception("payout %s: rail %s did not answer", payout.id, rail.id)
        return "pending"
    try:
        record_outcome(key, answer.state, answer.reference, answer.reason)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("payout %s: outcome %s not written", payout.id, answer.state)
        return "pending"
    return answer.state


def refresh_pending(rail: PayoutRail | None = None) -> dict[str, int]:
    """Ask the rail again about each payout it still has pending; counts by state after."""
    rail = rail or current_rail()
    counts = dict.fromkeys(PAYOUT_STATES, 0)
    if rail is None:
        return counts
    ids = db.session.scalars(
        select(Payout.id).where(Payout.status == "pending", Payout.rail == rail.id).order_by(Payout.id)
    ).all()
    for payout_id in ids:
        payout = _detached(payout_id)
        if payout is not None and payout.status == "pending":
            counts[_ask(payout, rail, again=True)] += 1
    return counts


# --- planning and running ------------------------------------------------------------------


def minimum() -> int:
    return int(current_app.config.get("PAYOUT_MINIMUM", DEFAULT_MINIMUM))


class BalanceMoved(Exception):
    """The balance read before the payout's row was written changed meanwhile: skipped, the
    next run pays what is left."""


@dataclass
class Planned:
    store: Store
    account: StorePayoutAccount
    amount: int


def _balance_upto(store_id: int) -> tuple[int, int]:
    """The store's balance and the id of the last ledger row it sums."""
    total, last = db.session.execute(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0), func.coalesce(func.max(LedgerEntry.id), 0)).where(
            LedgerEntry.store_id == store_id
        )
    ).one()
    return int(total or 0), int(last or 0)


def plan(least: int | None = None) -> list[Planned]:
    """The stores a run pays now, by name: a verified account and a balance of at least
    ``least`` (default ``PAYOUT_MINIMUM``, never below 1 rupiah). Writes nothing."""
    least = max(minimum() if least is None else least, 1)
    accounts = {
        a.store_id: a
        for a in db.session.scalars(select(StorePayoutAccount).where(StorePayoutAccount.status == "verified"))
    }
    found = services.balances()
    due = [store_id for store_id in accounts if found.get(store_id, 0) >= least]
    stores = db.session.scalars(select(Store).where(Store.id.in_(due or [-1])).order_by(Store.name))
    return [Planned(store, accounts[store.id], found[store.id]) for store in stores]


def new_batch() -> str:
    """A run's name: when it started (WIB) and a few random letters (two runs in one second)."""
    return f"{to_jakarta(now()):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def reserve(item: Planned, rail_id: str, batch: str, least: int, actor=None) -> Payout | None:
    """Write the payout of ``item``'s whole balance and debit it (the caller commits); None when
    the balance is now below ``least`` or the account no longer verified. IntegrityError: another
    run wrote this payout already."""
    services.locked_balance(item.store)
    amount, upto = _balance_upto(item.store.id)
    account = db.session.scalar(select(StorePayoutAccount).where(StorePayoutAccount.store_id == item.store.id))
    if amount < max(least, 1) or account is None or account.status != "verified":
        return None
    payout = services.add_transfer(
        Payout, actor, amount, "", None, _("Pencairan otomatis %(batch)s", batch=batch), store_id=item.store.id
    )
    payout.status, payout.rail, payout.batch = "pending", rail_id, batch
    payout.idempotency_key = f"store:{item.store.id}:upto:{upto}"
    payout.account_bank, payout.account_number = account.bank, account.account_number
    payout.account_holder = account.holder_name
    db.session.flush()  # the unique key: a second run's row stops here
    if _balance_upto(item.store.id) != (amount, upto):  # read before another run's commit: theirs wins
        raise BalanceMoved(item.store.id)
    postings.add_once(
        f"payout:{payout.id}", account=store_account(item.store.id), payout_id=payout.id, kind="payout", amount=-amount
    )
    audit.record(actor, "payout.started", "payout", payout.id, store_id=item.store.id, amount=amount, rail=rail_id)
    return payout


@dataclass
class RunResult:
    batch: str
    rail: str  # the rail's id, or "file"
    planned: list[Planned] = field(default_factory=list)
    payouts: list[int] = field(default_factory=list)  # ids written by this run
    skipped: int = 0  # written by another run at the same time, or the balance moved
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAYOUT_STATES, 0))
    refreshed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.planned)


def run(dry_run: bool = False, actor=None, rail: PayoutRail | None = None) -> RunResult:
    """One payout run (module docstring); ``dry_run``: the plan only, nothing written or sent."""
    rail = rail or current_rail()
    least = minimum()
    result = RunResult(new_batch(), rail.id if rail else FILE_RAIL, plan(least))
    if dry_run:
        return result
    if rail is not None:
        result.refreshed = refresh_pending(rail)
    db.session.commit()
    for item in result.planned:
        try:
            payout = reserve(item, result.rail, result.batch, least, actor)
            payout_id = payout.id if payout is not None else None
            db.session.commit()
        except (IntegrityError, OperationalError, BalanceMoved):
            db.session.rollback()
            result.skipped += 1
            continue
        if payout_id is None:
            result.skipped += 1
            continue
        result.payouts.append(payout_id)
    for payout_id in result.payouts:
        sent = _detached(payout_id) if rail is not None else None
        state = _ask(sent, rail, again=False) if rail is not None and sent is not None else "pending"
        result.states[state] += 1
    return result
