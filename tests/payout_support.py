"""Payouts in tests: a payout rail plugin answering as the test asks (registered through the
``payout_rails`` hook like a real one), verified payout accounts, and store balances."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.ledger import payout_accounts, postings
from marketplace.ledger.models import Payout, StorePayoutAccount, store_account
from marketplace.ledger.rails import AccountCheck, PayoutAccount, PayoutFailed, PayoutRail, PayoutSent
from marketplace.plugin_api import hookimpl
from marketplace.stores.models import Store

MODES = ("succeeded", "failed", "pending", "refused", "exception")


class RailDriver(Protocol):
    """What the ledger property test needs of a payout rail under test (this module's TestRail;
    a gateway plugin's rail against its fake server can offer the same)."""

    id: str

    def behave(self, mode: str) -> None:
        """How the next ``send`` answers: one of MODES."""

    def answer_later(self, state: str) -> None:
        """What ``status`` answers about a pending transfer: pending, succeeded or failed."""

    def notify(self, idempotency_key: str, state: str) -> bool:
        """The gateway tells the app the outcome (through the app's handler): record_outcome's answer."""
        ...

    def kept(self) -> dict[str, int]:
        """Idempotency key → rupiah the bank transferred and kept (returned transfers left out)."""
        ...


class TestRail(PayoutRail):
    """A bank that moves money once per idempotency key and answers as ``mode`` says:
    ``succeeded``/``failed``/``pending`` answers, ``refused`` raises PayoutFailed, ``exception``
    takes the transfer and then fails to answer (a timeout). ``later`` is what ``status``
    answers for a pending transfer."""

    __test__ = False  # not a pytest class
    id = "test_rail"
    name = "Rail uji"

    def __init__(self):
        self.mode = "succeeded"
        self.later = "pending"
        self.transfers: dict[str, tuple[int, PayoutAccount]] = {}  # key -> (amount, account): money moved
        self.calls: list[str] = []
        self.holders: dict[str, str] | None = None  # account number -> holder name; None: cannot check
        self._lock = threading.Lock()

    def send(self, payout, account: PayoutAccount, idempotency_key: str) -> PayoutSent:
        with self._lock:
            self.calls.append(idempotency_key)
            if self.mode == "refused":
                raise PayoutFailed("Rekening ditutup")
            if self.mode != "failed":
                self.transfers.setdefault(idempotency_key, (payout.amount, account))
            if self.mode == "exception":  # the bank took it, its answer was lost: only the key saves a second transfer
                raise ConnectionError("bank timed out")
        reason = "Nama penerima tidak cocok" if self.mode == "failed" else ""
        return PayoutSent(reference=f"TR-{idempotency_key}", state=self.mode, reason=reason)

    def status(self, payout) -> PayoutSent:
        if self.later == "failed":
            self.transfers.pop(payout.idempotency_key, None)  # the bank sent it back
        return PayoutSent(reference=payout.reference, state=self.later, reason="Dikembalikan bank")

    def check_account(self, account: PayoutAccount) -> AccountCheck | None:
        if self.holders is None:
            return None
        holder = self.holders.get(account.number)
        return AccountCheck(exists=True, holder=holder) if holder else AccountCheck(False, reason="not found")

    def moved(self) -> int:
        """What the bank paid out in all."""
        return sum(amount for amount, _account in self.transfers.values())

    # --- the RailDriver of the ledger property test ---
    def behave(self, mode: str) -> None:
        self.mode = mode

    def answer_later(self, state: str) -> None:
        self.later = state

    def notify(self, idempotency_key: str, state: str) -> bool:
        """The bank's later word on a transfer, as a gateway's notification would bring it."""
        from marketplace.ledger import payout_runs

        if state == "failed":
            self.transfers.pop(idempotency_key, None)
        return payout_runs.record_outcome(idempotency_key, state, f"TR-{idempotency_key}", "Dikembalikan bank")

    def kept(self) -> dict[str, int]:
        return {key: amount for key, (amount, _account) in self.transfers.items()}


@dataclass
class TestRailPlugin:
    __test__ = False
    rail: TestRail = field(default_factory=TestRail)

    @hookimpl
    def payout_rails(self):
        return [self.rail]


def with_test_rail(app) -> TestRail:
    plugin = TestRailPlugin()
    plugin_api.register(app, plugin, "test_rail")
    return plugin.rail


NUMBERS = iter(range(10**9, 10**10))


def gen_payout_account(store: Store, verified: bool = True, holder: str = "Darto Wiyono", bank: str = "BCA"):
    """A payout account set by the store's owner (through the service), verified by hand."""
    from marketplace.accounts.models import User

    owner = db.session.get(User, store.owner_id)
    number = str(next(NUMBERS))
    account, _changed = payout_accounts.set_account(store, owner, bank, number, holder)
    if verified:
        account.status = "verified"
    db.session.commit()
    return account


def credit(store: Store, amount: int, key: str | None = None) -> None:
    """An adjustment of ``amount`` on the store's balance (what sales would credit)."""
    key = key or f"adjustment:test:{store.id}:{next(NUMBERS)}"
    postings.add_once(key, account=store_account(store.id), kind="adjustment", amount=amount)
    db.session.commit()


def payouts_of(store_id: int) -> list[Payout]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payout).where(Payout.store_id == store_id).order_by(Payout.id)))


def account_row(store_id: int) -> StorePayoutAccount | None:
    db.session.expire_all()
    return payout_accounts.get(store_id)
