"""The cart as it is read: its lines with their catalogue facts, grouped by store (one
group per order the checkout makes), and the fingerprint the checkout form carries.

:mod:`marketplace.cart.services` re-exports these names; other modules use them from there."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from marketplace.catalog.stock import VariantFacts
from marketplace.i18n import gettext as _
from marketplace.mail import Recipient
from marketplace.stores import interest


@dataclass
class CartLine:
    item_id: int
    quantity: int
    facts: VariantFacts
    own_store: bool = False  # the shopper owns or works for the line's store: it cannot be bought

    @property
    def variant_id(self) -> int:
        return self.facts.variant_id

    @property
    def price(self) -> int:
        return self.facts.price

    @property
    def line_total(self) -> int:
        return self.facts.price * self.quantity

    @property
    def problem(self) -> str | None:
        """Why this line cannot be bought as it is, or None."""
        if self.own_store:
            return interest.own_store_message(self.facts.store_name)
        if not self.facts.sellable:
            return _("%(name)s sedang tidak dijual; hapus dari keranjang.", name=line_label(self.facts))
        if self.facts.stock <= 0:
            return _("Stok %(name)s habis; hapus dari keranjang.", name=line_label(self.facts))
        if self.quantity > self.facts.stock:
            return _("Stok %(name)s tinggal %(n)d; kurangi jumlahnya.", name=line_label(self.facts), n=self.facts.stock)
        return None


@dataclass
class StoreGroup:
    """The lines of one store: they become one order."""

    store_id: int
    store_slug: str
    store_name: str
    lines: list[CartLine] = field(default_factory=list)
    contact: Recipient | None = None  # the store's owner, when the cart was loaded with_contacts

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass
class CartView:
    cart_id: int | None
    groups: list[StoreGroup]

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def total(self) -> int:
        return sum(group.subtotal for group in self.groups)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def problems(self) -> dict[int, str]:
        return {line.item_id: line.problem for line in self.lines if line.problem}

    @property
    def version(self) -> str:
        """A fingerprint of what checkout would buy: lines, quantities, prices and whether each can be bought.

        The checkout form carries it; if the cart, a price or the stock moved in
        between, checkout refuses and shows the cart again."""
        state = sorted((line.variant_id, line.quantity, line.price, line.problem is None) for line in self.lines)
        return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:20]


def group_by_store(cart_id: int | None, lines: list[CartLine]) -> CartView:
    """The cart's lines grouped by store (one group per future order), the stores by name."""
    groups: dict[int, StoreGroup] = {}
    for line in lines:
        info = line.facts
        group = groups.get(info.store_id)
        if group is None:
            group = groups[info.store_id] = StoreGroup(info.store_id, info.store_slug, info.store_name)
        group.lines.append(line)
    return CartView(cart_id, sorted(groups.values(), key=lambda g: g.store_name.lower()))


def line_label(facts: VariantFacts) -> str:
    """A line's name: 'Teh Poci (Jumbo)', or the product's name alone for its standard variant."""
    if facts.variant_name and facts.variant_name not in ("Standar", facts.product_name):
        return f"{facts.product_name} ({facts.variant_name})"
    return facts.product_name
