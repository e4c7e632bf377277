"""Cart rules: one cart per shopper (or anonymous session), quantities, the
store-grouped view with its fingerprint, and the merge at sign-in.

Prices and stock are never stored in the cart: every view reads them fresh
from the catalogue, and checkout prices again.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from marketplace.cart.models import MAX_LINE_QUANTITY, Cart, CartItem
from marketplace.catalog import stock
from marketplace.catalog.stock import VariantFacts
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db


# --- input -------------------------------------------------------------------------

def clean_quantity(value: Any, field_name: str = "quantity") -> int:
    """A quantity of 1..MAX_LINE_QUANTITY from a form or JSON; ValidationError otherwise."""
    message = _("Jumlah harus bilangan bulat 1 sampai %(n)d.", n=MAX_LINE_QUANTITY)
    if isinstance(value, bool) or value is None:
        raise ValidationError(message, fields={field_name: message})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(message, fields={field_name: message})
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit() or len(text) > 6:
            raise ValidationError(message, fields={field_name: message})
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_LINE_QUANTITY:
        raise ValidationError(message, fields={field_name: message})
    return value


def clean_id(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise ValidationError(fields={field_name: _("Harus bilangan bulat.")})
    number = int(str(value).strip())
    if not 0 < number < 2**31:
        raise ValidationError(fields={field_name: _("Harus bilangan bulat.")})
    return number


# --- finding the cart --------------------------------------------------------------

def new_token() -> str:
    return secrets.token_urlsafe(24)


def find_cart(user=None, token: str | None = None) -> Cart | None:
    """The signed-in user's cart, else the anonymous cart of ``token``; None when there is none."""
    if user is not None and getattr(user, "is_authenticated", False):
        return db.session.scalar(select(Cart).where(Cart.user_id == user.id))
    if token:
        return db.session.scalar(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))
    return None


def get_or_create_cart(user=None, token: str | None = None) -> Cart:
    """The cart to add to, created when missing (``token`` for anonymous visitors)."""
    cart = find_cart(user, token)
    if cart is not None:
        return cart
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    if not signed_in and not token:
        raise ValueError("an anonymous cart needs a token")
    cart = Cart(user_id=user.id if signed_in else None, token=None if signed_in else token)
    try:
        with db.session.begin_nested():
            db.session.add(cart)
    except IntegrityError:  # created meanwhile by a parallel request of the same shopper
        cart = find_cart(user, token)
        if cart is None:
            raise
    return cart


# --- changing it ---------------------------------------------------------------------

def _sellable_facts(variant_id: int) -> VariantFacts:
    facts = stock.variant_facts([variant_id]).get(variant_id)
    if facts is None:
        raise NotFound(_("Varian produk tidak ditemukan."), fields={"variant_id": _("Varian tidak ditemukan.")})
    if not facts.sellable:
        raise Conflict(_("%(name)s sedang tidak dijual.", name=facts.product_name),
                       fields={"variant_id": _("Produk ini sedang tidak dijual.")})
    return facts


def _check_stock(facts: VariantFacts, quantity: int) -> None:
    if facts.stock <= 0:
        raise Conflict(_("Stok %(name)s habis.", name=line_label(facts)), fields={"quantity": _("Stok habis.")})
    if quantity > facts.stock:
        message = _("Stok %(name)s tinggal %(n)d.", name=line_label(facts), n=facts.stock)
        raise Conflict(message, fields={"quantity": message})


def add_item(cart: Cart, variant_id: Any, quantity: Any) -> CartItem:
    """Put ``quantity`` more of a variant in the cart (added to what is there)."""
    quantity = clean_quantity(quantity)
    variant_id = clean_id(variant_id, "variant_id")
    facts = _sellable_facts(variant_id)
    item = db.session.scalar(select(CartItem).where(CartItem.cart_id == cart.id, CartItem.variant_id == variant_id))
    total = quantity + (item.quantity if item else 0)
    if total > MAX_LINE_QUANTITY:
        message = _("Maksimal %(n)d per produk dalam satu pesanan.", n=MAX_LINE_QUANTITY)
        raise ValidationError(message, fields={"quantity": message})
    _check_stock(facts, total)
    if item is None:
        item = CartItem(cart_id=cart.id, variant_id=variant_id, quantity=total)
        db.session.add(item)
    else:
        item.quantity = total
    try:
        db.session.flush()
    except IntegrityError:  # the same variant added by a parallel request (a double click)
        raise Conflict(_("Keranjang Anda baru saja berubah. Muat ulang halaman lalu coba lagi."))
    return item


def _item(cart: Cart, item_id: Any) -> CartItem:
    try:
        item_id = clean_id(item_id, "item_id")
    except ValidationError:  # an id no line can have (say 10**10 from a URL) names no line of this cart
        raise NotFound(_("Barang tidak ada di keranjang Anda.")) from None
    item = db.session.get(CartItem, item_id)
    if item is None or item.cart_id != cart.id:
        raise NotFound(_("Barang tidak ada di keranjang Anda."))
    return item


def set_quantity(cart: Cart, item_id: Any, quantity: Any) -> CartItem:
    """Change a line's quantity (1..MAX_LINE_QUANTITY, no more than the stock)."""
    quantity = clean_quantity(quantity)
    item = _item(cart, item_id)
    facts = stock.variant_facts([item.variant_id]).get(item.variant_id)
    if facts is not None and quantity > item.quantity:  # lowering is always allowed
        _check_stock(facts, quantity)
    item.quantity = quantity
    db.session.flush()
    return item


def remove_item(cart: Cart, item_id: Any) -> None:
    db.session.delete(_item(cart, item_id))
    db.session.flush()


def clear(cart: Cart) -> None:
    db.session.execute(delete(CartItem).where(CartItem.cart_id == cart.id))


def merge_anonymous_cart(token: str, user) -> Cart | None:
    """At sign-in: the visitor's anonymous cart joins the user's (quantities add up, capped)."""
    anonymous = find_cart(None, token)
    if anonymous is None:
        return None
    items = list(db.session.scalars(select(CartItem).where(CartItem.cart_id == anonymous.id)))
    cart = get_or_create_cart(user)
    mine = {i.variant_id: i for i in db.session.scalars(select(CartItem).where(CartItem.cart_id == cart.id))}
    for item in items:
        if item.variant_id in mine:
            mine[item.variant_id].quantity = min(MAX_LINE_QUANTITY, mine[item.variant_id].quantity + item.quantity)
        else:
            db.session.add(CartItem(cart_id=cart.id, variant_id=item.variant_id, quantity=item.quantity))
    db.session.flush()
    clear(anonymous)
    db.session.execute(delete(Cart).where(Cart.id == anonymous.id))
    return cart


# --- reading it ----------------------------------------------------------------------

@dataclass
class CartLine:
    item_id: int
    quantity: int
    facts: VariantFacts

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


def view(cart: Cart | None) -> CartView:
    """The cart grouped by store, with fresh prices and stock (two statements)."""
    if cart is None:
        return CartView(None, [])
    items = list(db.session.execute(
        select(CartItem.id, CartItem.variant_id, CartItem.quantity).where(CartItem.cart_id == cart.id)
        .order_by(CartItem.id)
    ))
    facts = stock.variant_facts(row.variant_id for row in items)
    groups: dict[int, StoreGroup] = {}
    for item_id, variant_id, quantity in items:
        info = facts.get(variant_id)
        if info is None:
            continue
        group = groups.setdefault(info.store_id, StoreGroup(info.store_id, info.store_slug, info.store_name))
        group.lines.append(CartLine(item_id, quantity, info))
    return CartView(cart.id, sorted(groups.values(), key=lambda g: g.store_name.lower()))


def item_count(user=None, token: str | None = None) -> int:
    """Units in the cart, in one statement (the header badge)."""
    query = select(func.coalesce(func.sum(CartItem.quantity), 0)).join(Cart, Cart.id == CartItem.cart_id)
    if user is not None and getattr(user, "is_authenticated", False):
        query = query.where(Cart.user_id == user.id)
    elif token:
        query = query.where(Cart.token == token)
    else:
        return 0
    return int(db.session.scalar(query) or 0)


def line_label(facts: VariantFacts) -> str:
    """A line's name: 'Teh Poci (Jumbo)', or the product's name alone for its standard variant."""
    if facts.variant_name and facts.variant_name not in ("Standar", facts.product_name):
        return f"{facts.product_name} ({facts.variant_name})"
    return facts.product_name
