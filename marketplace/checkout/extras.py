"""What a plugin's ``checkout_extras(cart)`` hook returns: optional paid add-ons.

The core asks each chosen extra for its price once per store's order
(``price(group)``, in rupiah, computed by the plugin from the server-side
prices of the group's lines), adds it to that order's total and so to the
payment. An extra's price of 0 means "not for this order".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any


class CheckoutExtra(ABC):
    id: str = ""
    name: str = ""
    description: str = ""

    @abstractmethod
    def price(self, group) -> int:
        """Rupiah for one store's order; ``group`` is a ``marketplace.cart.services.StoreGroup``."""

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": str(self.name), "description": str(self.description)}
