"""Payouts in tests: a payout rail plugin answering as the test asks (registered through the
``payout_rails`` hook like a real one), verified payout accounts, and store balances."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.ledger import payout_accounts, postings
from marketplace.ledger.models import Payout, StorePayoutAccount, store_account
from marketplace.ledger.rails import AccountCheck, PayoutAccount, PayoutFailed, PayoutRail, PayoutSent
from marketplace.plugin_api import hookimpl
from marketplace.stores.models import Store

MODES = ("succeeded", "failed", "pending", "refused", "exception")


class TestRail(PayoutRail):
    """A bank that moves money once per idempotency key and answers as ``mode`` says:
    ``succeeded``/``failed``/``pending`` answers, ``refused`` raises PayoutFailed, ``exception``
    a connection error. ``later`` is what ``status`` answers for a pending transfer."""

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
            if self.mode == "exception":
                raise ConnectionError("bank timed out")
            if self.mode == "refused":
                raise PayoutFailed("Rekening ditutup")
            if self.mode != "failed":
                self.transfers.setdefault(idempotency_key, (payout.amount, account))
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
