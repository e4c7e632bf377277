"""What a payment plugin gives the core: PaymentMethod objects and their answers.

A plugin's ``payment_methods()`` hook returns instances of (subclasses of)
:class:`PaymentMethod`. The core calls ``start(payment)`` once the orders and
the payment are written (still inside the checkout transaction: raising undoes
the whole checkout) and ``refund(payment, amount)`` when a paid order is
cancelled. A method may raise ``marketplace.errors.ServiceError`` to show its
own message; any other exception becomes a generic "payment unavailable".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from marketplace.payments.groups import group_of


@dataclass(frozen=True)
class Channel:
    """One way through a method the shopper picks at checkout: the bank of a virtual account
    (``BCA``: a code of ``marketplace.payments.banks``), the e-wallet (``OVO``). The core checks
    the choice and stores it on ``payment.channel`` before calling ``start``."""

    id: str
    name: str

    def as_json(self) -> dict[str, str]:
        return {"id": self.id, "name": str(self.name)}


@dataclass
class PaymentStart:
    """How the shopper pays: a page to go to, or instructions to follow."""

    redirect_url: str | None = None
    instructions: str | None = None
    provider_reference: str | None = None


@dataclass
class RefundResult:
    reference: str | None = None
    note: str = ""


class PaymentMethod(ABC):
    """A way to pay, offered by a payment plugin (which implements start and refund).

    ``reservation_window``: how long the stock of an unpaid order stays reserved
    (None: the order does not expire unpaid, e.g. cash on delivery).
    ``pay_on_delivery``: the seller may prepare and ship before the money is in,
    and records the payment when the goods are handed over.
    """

    id: str = ""
    name: str = ""
    description: str = ""
    provider: str = ""
    reservation_window: timedelta | None = timedelta(hours=24)
    pay_on_delivery: bool = False
    # the banks or wallets the shopper picks from (empty: nothing to pick); see Channel
    channels: tuple[Channel, ...] = ()
    # the heading it is listed under at checkout: an id of marketplace.payments.groups ("qris",
    # "virtual_account", "ewallet", "transfer", "card", "cod"); "": decided by pay_on_delivery
    group: str = ""

    @abstractmethod
    def start(self, payment) -> PaymentStart:
        """Begin paying ``payment``: a redirect URL or instructions for the shopper."""

    @abstractmethod
    def refund(self, payment, amount: int) -> RefundResult:
        """Give ``amount`` rupiah of ``payment`` back through the provider."""

    def refunds_to_bank_account(self, payment) -> bool:
        """True when money of ``payment`` cannot go back the way it came (a bank transfer, a
        virtual account of a bank the gateway cannot refund): the core then records the refund
        as owed to the shopper's bank account, which the shopper enters and finance sends,
        and ``refund`` is not called."""
        return False

    def as_json(self) -> dict[str, Any]:
        window = self.reservation_window
        return {
            "id": self.id,
            "name": str(self.name),
            "description": str(self.description),
            "pay_on_delivery": self.pay_on_delivery,
            "reservation_minutes": int(window.total_seconds() // 60) if window else None,
            "channels": [channel.as_json() for channel in self.channels],
            "group": group_of(self),
        }
