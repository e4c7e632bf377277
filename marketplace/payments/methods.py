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

    @abstractmethod
    def start(self, payment) -> PaymentStart:
        """Begin paying ``payment``: a redirect URL or instructions for the shopper."""

    @abstractmethod
    def refund(self, payment, amount: int) -> RefundResult:
        """Give ``amount`` rupiah of ``payment`` back through the provider."""

    def as_json(self) -> dict[str, Any]:
        window = self.reservation_window
        return {
            "id": self.id,
            "name": str(self.name),
            "description": str(self.description),
            "pay_on_delivery": self.pay_on_delivery,
            "reservation_minutes": int(window.total_seconds() // 60) if window else None,
        }
