"""What a plugin's ``checkout_extras(cart)`` hook returns: optional paid add-ons.

The core asks each chosen extra for its price once per store's order
(``price(group)``, in rupiah, computed by the plugin from the server-side
prices of the group's lines), adds it to that order's total and so to the
payment. An extra's price of 0 means "not for this order".

``payee`` says whose money it is: ``"store"`` (the order's store, the default) or a
ledger account (``"insurer:<code>"``); ``ledger_kind`` is the kind of the ledger row
that credits it on completion (``"extra"``, ``"premium"``). Both are snapshotted on
the order's extra at checkout. Commission is never taken on an extra.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class CheckoutExtra(ABC):
    id: str = ""
    name: str = ""
    description: str = ""
    payee: str = "store"
    ledger_kind: str = "extra"

    @abstractmethod
    def price(self, group) -> int:
        """Rupiah for one store's order; ``group`` is a ``marketplace.cart.services.StoreGroup``."""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": str(self.name), "description": str(self.description)}
