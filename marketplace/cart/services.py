"""Cart rules: one cart per shopper (or anonymous session), quantities, the
store-grouped view with its fingerprint, and the merge at sign-in.

Prices and stock are never stored in the cart: every view reads them fresh
from the catalogue, and checkout prices again.
"""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.cart.lines import CartLine, CartView, group_by_store, line_label
from marketplace.cart.lines import StoreGroup as StoreGroup  # re-exported: the checkout reads it from here
from marketplace.cart.models import MAX_LINE_QUANTITY, Cart, CartItem
from marketplace.cart.reading import Owner, owner_clause, read_cart
from marketplace.catalog.stock import VariantFacts
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.inputs import digits
from marketplace.stores import interest

# --- input -------------------------------------------------------------------------


def clean_quantity(value: Any, field_name: str = "quantity") -> int:
    """A quantity of 1..MAX_LINE_QUANTITY from a form or JSON; ValidationError otherwise."""
    if type(value) is int and 1 <= value <= MAX_LINE_QUANTITY:  # the usual case, before any message is made
        return value
    message = _("Jumlah harus bilangan bulat 1 sampai %(n)d.", n=MAX_LINE_QUANTITY)
    if isinstance(value, bool) or value is None:
        raise ValidationError(message, fields={field_name: message})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(message, fields={field_name: message})
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not digits(text, 6):
            raise ValidationError(message, fields={field_name: message})
        value = int(text)
    if not isinstance(value, int) or not 1 <= value <= MAX_LINE_QUANTITY:
        raise ValidationError(message, fields={field_name: message})
    return value


def clean_id(value: Any, field_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not digits(str(value).strip()):
        raise ValidationError(fields={field_name: _("Harus bilangan bulat.")})
    number = int(str(value).strip())
    if not 0 < number < 2**31:
        raise ValidationError(fields={field_name: _("Harus bilangan bulat.")})
    return number


class OwnStoreItem(Conflict):
    """The shopper owns or works for the store of what it would buy (409)."""

    code = "own_store"


# --- whose cart -------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _owner(user=None, token: str | None = None) -> Owner | None:
    """Whose cart: the signed-in user's, else the anonymous one of ``token``; None for neither."""
    if user is not None and getattr(user, "is_authenticated", False):
        return "user", user.id
    if token:
        return "token", token
    return None


def find_cart(user=None, token: str | None = None) -> Cart | None:
    """The signed-in user's cart, else the anonymous cart of ``token``; None when there is none."""
    owner = _owner(user, token)
    return db.session.scalar(select(Cart).where(owner_clause(*owner))) if owner else None


def _create_cart(owner: Owner) -> int:
    """A new cart for ``owner`` (a user or a token), its id."""
    kind, key = owner
    if kind not in ("user", "token"):
        raise LookupError(f"cart {key} is gone")
    values = {"user_id": key} if kind == "user" else {"token": key}
    try:
        with db.session.begin_nested():
            return db.session.execute(_INSERT_CART, values).scalar_one()
    except IntegrityError:  # created meanwhile by a parallel request of the same shopper
        cart_id = db.session.scalar(select(Cart.id).where(owner_clause(kind, key)))
        if cart_id is None:
            raise
        return cart_id


def get_or_create_cart(user=None, token: str | None = None) -> Cart:
    """The cart to add to, created when missing (``token`` for anonymous visitors)."""
    cart = find_cart(user, token)
    if cart is not None:
        return cart
    owner = _owner(user, token)
    if owner is None:
        raise ValueError("an anonymous cart needs a token")
    return db.session.get_one(Cart, _create_cart(owner))


# The writes, built once (only their parameters change). Core statements: no cart line is
# kept as an ORM object on these paths; _forget() drops a loaded one that a write outdates.
_carts, _items = Cart.__table__, CartItem.__table__
_INSERT_CART = insert(_carts).returning(_carts.c.id)
_INSERT_LINE = insert(_items).returning(_items.c.id)
_SET_QUANTITY = update(_items).where(_items.c.id == bindparam("item_id")).values(quantity=bindparam("new_quantity"))
_DELETE_LINE = delete(_items).where(_items.c.id == bindparam("item_id"))
_CLEAR_CART = delete(_items).where(_items.c.cart_id == bindparam("cart_id"))


def _forget(item_id: int) -> None:
    loaded = db.session.identity_map.get(db.session.identity_key(CartItem, item_id))
    if loaded is not None:
        db.session.expire(loaded)


# --- changing it ---------------------------------------------------------------------
# Each change reads the cart once (with the facts it needs), applies the rules below,
# writes one row, and answers with the cart rebuilt from what it read: nothing is read back.


def _check_stock(facts: VariantFacts, quantity: int) -> None:
    if facts.stock <= 0:
        raise Conflict(_("Stok %(name)s habis.", name=line_label(facts)), fields={"quantity": _("Stok habis.")})
    if quantity > facts.stock:
        message = _("Stok %(name)s tinggal %(n)d.", name=line_label(facts), n=facts.stock)
        raise Conflict(message, fields={"quantity": message})


def _add(owner: Owner, variant_id: Any, quantity: Any) -> tuple[CartView, CartLine]:
    quantity = clean_quantity(quantity)
    variant_id = clean_id(variant_id, "variant_id")
    cart_id, lines, facts, own = read_cart(owner, variant_id)
    if facts is None:
        raise NotFound(_("Varian produk tidak ditemukan."), fields={"variant_id": _("Varian tidak ditemukan.")})
    if not facts.sellable:
        raise Conflict(
            _("%(name)s sedang tidak dijual.", name=facts.product_name),
            fields={"variant_id": _("Produk ini sedang tidak dijual.")},
        )
    if own:
        message = interest.own_store_message(facts.store_name)
        raise OwnStoreItem(message, fields={"variant_id": message})
    line = next((line for line in lines if line.variant_id == variant_id), None)
    total = quantity + (line.quantity if line else 0)
    if total > MAX_LINE_QUANTITY:
        message = _("Maksimal %(n)d per produk dalam satu pesanan.", n=MAX_LINE_QUANTITY)
        raise ValidationError(message, fields={"quantity": message})
    _check_stock(facts, total)
    if cart_id is None:
        cart_id = _create_cart(owner)
    try:
        if line is None:
            item_id = db.session.execute(
                _INSERT_LINE, {"cart_id": cart_id, "variant_id": variant_id, "quantity": total}
            ).scalar_one()
            line = CartLine(item_id, total, facts)
            lines.append(line)
        else:
            _set_quantity(line, total)
    except IntegrityError as exc:  # the same variant added by a parallel request (a double click)
        raise Conflict(_("Keranjang Anda baru saja berubah. Muat ulang halaman lalu coba lagi.")) from exc
    return group_by_store(cart_id, lines), line


def _line_id(item_id: Any) -> int:
    try:
        return clean_id(item_id, "item_id")
    except ValidationError:  # an id no line can have (say 10**10 from a URL) names no line of this cart
        raise NotFound(_("Barang tidak ada di keranjang Anda.")) from None


def _line(owner: Owner | None, item_id: int) -> tuple[int | None, list[CartLine], CartLine]:
    cart_id, lines, _facts, _own = read_cart(owner) if owner else (None, [], None, False)
    line = next((line for line in lines if line.item_id == item_id), None)
    if line is None:
        raise NotFound(_("Barang tidak ada di keranjang Anda."))
    return cart_id, lines, line


def _change(owner: Owner | None, item_id: Any, quantity: Any) -> tuple[CartView, CartLine]:
    """A line's quantity becomes ``quantity`` (1..MAX_LINE_QUANTITY, no more than the stock)."""
    quantity = clean_quantity(quantity)
    cart_id, lines, line = _line(owner, _line_id(item_id))
    if quantity > line.quantity:  # lowering is always allowed
        _check_stock(line.facts, quantity)
    _set_quantity(line, quantity)
    return group_by_store(cart_id, lines), line


def _set_quantity(line: CartLine, quantity: int) -> None:
    db.session.execute(_SET_QUANTITY, {"item_id": line.item_id, "new_quantity": quantity})
    _forget(line.item_id)
    line.quantity = quantity


def _remove(owner: Owner | None, item_id: Any) -> CartView:
    cart_id, lines, line = _line(owner, _line_id(item_id))
    db.session.execute(_DELETE_LINE, {"item_id": line.item_id})
    _forget(line.item_id)
    lines.remove(line)
    return group_by_store(cart_id, lines)


def add(user=None, token: str | None = None, variant_id: Any = None, quantity: Any = 1) -> CartView:
    """Put ``quantity`` more of a variant in the visitor's cart (created when missing); the cart after."""
    owner = _owner(user, token)
    if owner is None:
        raise ValueError("an anonymous cart needs a token")
    return _add(owner, variant_id, quantity)[0]


def change(user=None, token: str | None = None, item_id: Any = None, quantity: Any = None) -> CartView:
    """Set a line of the visitor's cart to ``quantity``; the cart after. NotFound for a line not in it."""
    return _change(_owner(user, token), item_id, quantity)[0]


def take_out(user=None, token: str | None = None, item_id: Any = None) -> CartView:
    """Take a line out of the visitor's cart; the cart after. NotFound for a line not in it."""
    return _remove(_owner(user, token), item_id)


def add_item(cart: Cart, variant_id: Any, quantity: Any) -> CartLine:
    """Put ``quantity`` more of a variant in ``cart`` (added to what is there)."""
    return _add(("cart", cart.id), variant_id, quantity)[1]


def set_quantity(cart: Cart, item_id: Any, quantity: Any) -> CartLine:
    """Change a line's quantity (1..MAX_LINE_QUANTITY, no more than the stock)."""
    return _change(("cart", cart.id), item_id, quantity)[1]


def remove_item(cart: Cart, item_id: Any) -> None:
    _remove(("cart", cart.id), item_id)


def clear(cart: Cart | int) -> None:
    """Empty a cart (given as a Cart or its id). A Core statement, as for one line: no
    loaded line is kept in step (see _forget), and nothing else has to be flushed first."""
    cart_id = cart if isinstance(cart, int) else cart.id
    db.session.execute(_CLEAR_CART, {"cart_id": cart_id})


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


def load(user=None, token: str | None = None, with_contacts: bool = False) -> CartView:
    """The visitor's cart grouped by store, with fresh prices and stock (one statement).
    ``with_contacts``: each StoreGroup's ``contact`` is its store's owner (for the new-order mail)."""
    owner = _owner(user, token)
    if owner is None:
        return CartView(None, [])
    contacts: dict | None = {} if with_contacts else None
    cart_id, lines, _facts, _own = read_cart(owner, contacts=contacts)
    view = group_by_store(cart_id, lines)
    for group in view.groups:
        group.contact = (contacts or {}).get(group.store_id)
    return view


def view(cart: Cart | None) -> CartView:
    """The cart grouped by store, with fresh prices and stock (one statement)."""
    if cart is None:
        return CartView(None, [])
    _cart_id, lines, _facts, _own = read_cart(("cart", cart.id))
    return group_by_store(cart.id, lines)


def item_count(user=None, token: str | None = None) -> int:
    """Units in the cart, in one statement (the header badge); none for a visitor without a
    cart, for whom no statement is built either (every page's layout asks)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return int(db.session.scalar(_item_count_by_user(), {"user_id": user.id}) or 0)
    if token:
        return int(db.session.scalar(_item_count_by_token(), {"token": token}) or 0)
    return 0


def _item_count() -> Select:
    return select(func.coalesce(func.sum(CartItem.quantity), 0)).join(Cart, Cart.id == CartItem.cart_id)


# built once per process: a statement object remembers its SQLAlchemy cache key
@cache
def _item_count_by_user() -> Select:
    return _item_count().where(Cart.user_id == bindparam("user_id"))


@cache
def _item_count_by_token() -> Select:
    return _item_count().where(Cart.token == bindparam("token"))
