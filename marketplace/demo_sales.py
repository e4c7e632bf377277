"""Demo sales: the expo's first days, bought by the demo shoppers with the first payment
method offered that is paid on delivery (no payment to confirm).

Part of ``flask demo load`` when such a method is on (a bundled plugin offers one, on
by default): the agency's report and the sellers' sales charts then have numbers
to show. Orders go through the real checkout and the order lifecycle (the
seller accepts, ships, the buyer receives); only their times are then moved
back to the day of the expo they stand for, so the charts have days to draw.
Idempotent: when any demo shopper has an order, nothing is added.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy import select, update

from marketplace.clock import now
from marketplace.demo_data import DEMO_ADDRESS, DEMO_SHOPPERS
from marketplace.extensions import db

SEED = 2020
ORDERS_PER_DAY = (4, 9)
# the couriers demo orders go by, each with a waybill in its format (marketplace/shipping/couriers.py)
DEMO_WAYBILLS = {
    "jne": lambda n: f"TGL{n:010d}",
    "jnt": lambda n: f"JP{n:010d}",
    "sicepat": lambda n: f"{n:012d}",
    "pos": lambda n: f"P{n:013d}",
}


def load(summary, make_user, users: dict, expo) -> None:
    """Place the demo orders unless some exist; ``make_user`` is demo._user."""
    from marketplace.orders.models import Order
    from marketplace.payments import services as payments

    method = next((m.id for m in payments.available_methods() if m.pay_on_delivery), None)
    if method is None:
        return
    shoppers = [users["shopper@demo.test"]] + [
        make_user(summary, email, name, "shopper", phone) for email, name, phone in DEMO_SHOPPERS
    ]
    db.session.flush()
    if db.session.scalar(select(Order.id).where(Order.user_id.in_([s.id for s in shoppers])).limit(1)):
        return
    variants = _sellable_variants(expo)
    if not variants:
        return
    quiet = logging.getLogger("marketplace.mail")
    level, quiet.level = quiet.level, logging.WARNING  # forty order e-mails would flood the console
    try:
        summary.orders = _place_all(shoppers, variants, expo, method)
    finally:
        quiet.level = level


def _sellable_variants(expo) -> list:
    from marketplace.catalog.models import Product, Variant
    from marketplace.catalog.queries import LISTED
    from marketplace.expo.models import Exhibitor
    from marketplace.stores.models import Store

    return list(
        db.session.execute(
            select(Variant.id, Variant.price)
            .join(Product, Product.id == Variant.product_id)
            .join(Store, Store.id == Product.store_id)
            .join(Exhibitor, (Exhibitor.store_id == Store.id) & (Exhibitor.expo_id == expo.id))
            .where(*LISTED, Variant.stock >= 8)
            .order_by(Variant.id)
        ).all()
    )


def _place_all(shoppers, variants, expo, method: str) -> int:
    from marketplace.accounts.models import User
    from marketplace.stores.models import Store

    rnd = random.Random(SEED)
    today = now()
    days = max(1, (today - expo.starts_at).days + 1)
    placed = 0
    for day in range(days):
        for _ in range(rnd.randint(*ORDERS_PER_DAY)):
            when = expo.starts_at + timedelta(days=day, hours=rnd.randint(0, 12), minutes=rnd.randint(0, 59))
            if when >= today:
                continue
            shopper = rnd.choice(shoppers)
            chosen = rnd.sample(variants, k=rnd.choice((1, 1, 2)))
            for order in checkout(shopper, [(v.id, rnd.randint(1, 3)) for v in chosen], method):
                store = db.session.get(Store, order.store_id)
                seller = db.session.get(User, store.owner_id) if store and store.owner_id else None
                _progress(order, seller, shopper, age=(today - when).days, rnd=rnd)
                backdate(order, when)
                placed += 1
    return placed


def checkout(shopper, lines: list[tuple[int, int]], method: str) -> list:
    from marketplace.cart import services as carts
    from marketplace.checkout import services as checkout

    cart = carts.get_or_create_cart(shopper)
    for variant_id, quantity in lines:
        carts.add_item(cart, variant_id, quantity)
    shipping = {"name": shopper.name, "phone": shopper.phone or "0812-2634-1187", **DEMO_ADDRESS}
    return checkout.place_orders(shopper, payment_method=method, shipping=shipping).orders


def _progress(order, seller, shopper, age: int, rnd: random.Random) -> None:
    """Older orders got further: accepted, shipped, received (cash paid); a few were cancelled."""
    from marketplace.orders.lifecycle import transition
    from marketplace.orders.models import needs_waybill

    if seller is None:
        return
    if rnd.random() < 0.06:
        transition(order, "cancelled", shopper)
        return
    if rnd.random() < 0.9 or age >= 1:
        transition(order, "processing", seller)
    else:
        return
    if age >= 1 or rnd.random() < 0.4:
        courier = rnd.choice(tuple(DEMO_WAYBILLS))
        if needs_waybill(order):  # a courier code and a waybill in its format: the pages link to its tracking
            transition(order, "shipped", seller, courier=courier, tracking_number=DEMO_WAYBILLS[courier](order.id))
        else:  # pickup or the store's own delivery: handed over without a courier
            transition(order, "shipped", seller)
    if order.status == "shipped" and age >= 2 and rnd.random() < 0.8:
        transition(order, "completed", shopper)


def backdate(order, when) -> None:
    """Move the order's times back by the same amount, to the expo day it stands for."""
    from marketplace.orders.models import Order, OrderEvent

    shift = order.placed_at - when
    values = {"placed_at": when}
    for name in ("paid_at", "shipped_at", "completed_at", "cancelled_at", "expires_at"):
        value = getattr(order, name)
        if value is not None:
            values[name] = value - shift
    db.session.execute(
        update(Order).where(Order.id == order.id).values(**values).execution_options(synchronize_session=False)
    )
    for event in db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)):
        event.at = event.at - shift
    db.session.expire(order)
