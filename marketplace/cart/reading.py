"""The one read of a cart: the owner's cart, each line with its variant's catalogue facts and
whether the shopper may buy from its store, in one statement built once per shape.

:mod:`marketplace.cart.services` reads the cart through :func:`read_cart` before every change."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, cast, false, null, select, union_all

from marketplace.cart.lines import CartLine
from marketplace.cart.models import Cart, CartItem
from marketplace.catalog import stock
from marketplace.catalog.models import Product, Variant
from marketplace.catalog.stock import VariantFacts
from marketplace.extensions import db
from marketplace.mail import Recipient
from marketplace.stores import interest
from marketplace.stores.models import Store

Owner = tuple[str, Any]  # ("user", user id), ("token", anonymous token) or ("cart", cart id)


def owner_clause(kind: str, key):
    """SQL: the cart of this owner (an anonymous cart only while no user has taken it over)."""
    if kind == "user":
        return Cart.user_id == key
    if kind == "token":
        return and_(Cart.token == key, Cart.user_id.is_(None))
    return Cart.id == key


FACTS = len(stock.fact_columns())


@cache
def _cart_query(kind: str, with_variant: bool, with_contacts: bool = False):
    """The owner's cart (a row even when it is empty) with each line and its variant's facts;
    ``with_variant`` adds one row (no cart id) with the facts of the variant being added;
    ``with_contacts`` adds each line's store owner (e-mail, name, language, WhatsApp opt-in) to write to.
    Built once per shape: only the parameters change between requests."""
    from marketplace.accounts.models import User

    contact = (User.email, User.name, User.locale, User.whatsapp, User.whatsapp_opt_in_at) if with_contacts else ()
    # whether the cart's shopper owns or works for each line's store (they may not buy from it):
    # decided in this same statement, so neither the cart nor the checkout pays a query for it
    own_line = false() if kind == "token" else interest.member_clause(Store.id, Cart.user_id, Store.owner_id)
    lines = (
        select(Cart.id, CartItem.id, CartItem.quantity, *stock.fact_columns(), own_line.label("own"), *contact)
        .select_from(Cart)
        .outerjoin(CartItem, CartItem.cart_id == Cart.id)
        .outerjoin(Variant, Variant.id == CartItem.variant_id)
        .outerjoin(Product, Product.id == Variant.product_id)
        .outerjoin(Store, Store.id == Product.store_id)
        .where(owner_clause(kind, bindparam("owner")))
    )
    if with_contacts:
        lines = lines.outerjoin(User, User.id == Store.owner_id)
    if not with_variant:
        return lines
    none = [cast(null(), Integer).label(f"none_{n}") for n in range(3)]
    variant = (
        select(*none, *stock.fact_columns(), _adder_is_member(kind).label("own"))
        .select_from(Variant)
        .join(Product, Product.id == Variant.product_id)
        .join(Store, Store.id == Product.store_id)
        .where(Variant.id == bindparam("variant"))
    )
    return union_all(lines, variant)


def _adder_is_member(kind: str):
    """SQL: the one adding to the cart owns or works for the store of the variant being added."""
    if kind == "token":  # an anonymous visitor: checked again on the merged cart at sign-in and checkout
        return false()
    user_id = (
        bindparam("owner")
        if kind == "user"
        else select(Cart.user_id).where(Cart.id == bindparam("owner")).scalar_subquery()
    )
    return interest.member_clause(Store.id, user_id, Store.owner_id)


def read_cart(
    owner: Owner,
    variant_id: int | None = None,
    contacts: dict | None = None,
) -> tuple[int | None, list[CartLine], VariantFacts | None, bool]:
    """(cart id or None, its lines by id, facts of ``variant_id`` or None, whether its store is
    the shopper's own) in one statement.
    A ``contacts`` dict is filled with each line's store owner, by store id (None: no owner)."""
    kind, key = owner
    params = {"owner": key} if variant_id is None else {"owner": key, "variant": variant_id}
    cart_id, lines, facts, own = None, [], None, False
    end = 3 + FACTS
    for row in db.session.execute(_cart_query(kind, variant_id is not None, contacts is not None), params):
        if row[0] is None:
            facts, own = VariantFacts(*row[3:end]), bool(row[end])
            continue
        cart_id = row[0]
        if row[1] is not None and row[3] is not None:
            line = CartLine(row[1], row[2], VariantFacts(*row[3:end]), own_store=bool(row[end]))
            lines.append(line)
            if contacts is not None:
                contacts[line.facts.store_id] = Recipient(*row[end + 1 :]) if row[end + 1] else None
    lines.sort(key=lambda line: line.item_id)
    return cart_id, lines, facts, own
