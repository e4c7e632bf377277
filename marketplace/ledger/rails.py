"""What a payout plugin gives the core: a rail that sends a store's money to its bank account.

A plugin's ``payout_rails()`` hook returns :class:`PayoutRail` objects; the core uses the
first one. Without a rail, a payout run writes a bank bulk-transfer file instead and finance
records the outcome by hand.

The core writes the payout and debits the store's balance first (committed), then calls
``send`` outside any transaction, with the payout's own idempotency key, so a retried run
never pays twice. The answer says whether the money already arrived, failed at once or is on
its way; a rail that learns the outcome later (a gateway's notification) reports it through
``marketplace.ledger.payout_runs.record_outcome``, which writes it once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Literal

PayoutState = Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class PayoutAccount:
    """Where the money goes: a bank of ``marketplace.payments.banks`` (its code), the account
    number (digits only) and the holder's name as the bank knows it."""

    bank: str
    number: str
    holder: str


@dataclass(frozen=True)
class PayoutSent:
    """The rail's answer: its own reference for the transfer and where it stands."""

    reference: str
    state: PayoutState = "pending"
    reason: str = ""  # why it failed, for finance and the seller


@dataclass(frozen=True)
class AccountCheck:
    """The bank's answer about an account: whether it exists, and the holder name it has."""

    exists: bool
    holder: str = ""
    reason: str = ""


class PayoutFailed(Exception):
    """The rail refused the payout for good (bad account, insufficient float...): the money
    goes back to the store's balance with ``str(exc)`` as the reason. Any other exception is
    taken as "not known yet": the payout stays pending and is asked again with the same key."""


class PayoutRail(ABC):
    id: str = ""
    name: str = ""

    @abstractmethod
    def send(self, payout, account: PayoutAccount, idempotency_key: str) -> PayoutSent:
        """Transfer ``payout.amount`` rupiah to ``account``. The same key twice is one transfer."""

    @abstractmethod
    def status(self, payout) -> PayoutSent:
        """Ask again where ``payout`` (sent before, its ``reference`` known) stands."""

    def check_account(self, account: PayoutAccount) -> AccountCheck | None:
        """The bank's answer about ``account``; None when this rail cannot ask."""
        return None
