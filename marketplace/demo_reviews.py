"""Demo reviews: shoppers who bought in the expo's first days and wrote about it.

Each review in ``demo_data.reviews`` is an order of its own, placed through the checkout with
the cash-on-delivery method demo_sales uses, accepted, shipped and received through the order
lifecycle, then reviewed through ``reviews.services.add_review`` (only a buyer of a completed
order may review). Times are then moved back into the expo's days, as demo_sales does, the
review a few hours after the parcel arrived. The reviewers are demo_sales' shoppers. Idempotent:
when any of them has written a review, nothing is added; without a pay-on-delivery method there
are no reviews either.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from marketplace.clock import now
from marketplace.demo_data import DEMO_SHOPPERS, STORES
from marketplace.demo_data.reviews import REVIEWS
from marketplace.demo_sales import DEMO_WAYBILLS, backdate, checkout
from marketplace.extensions import db

SEED = 2026


def load(summary, make_user, expo) -> None:
    """Place, deliver and review the demo's reviewed orders unless they exist; ``make_user`` is demo._user."""
    from marketplace.payments import services as payments
    from marketplace.reviews.models import Review

    method = next((m.id for m in payments.available_methods() if m.pay_on_delivery), None)
    if method is None:
        return
    shoppers = [make_user(summary, email, name, "shopper", phone) for email, name, phone in DEMO_SHOPPERS]
    db.session.flush()
    if db.session.scalar(select(Review.id).where(Review.user_id.in_([s.id for s in shoppers])).limit(1)):
        return
    quiet = logging.getLogger("marketplace.mail")
    level, quiet.level = quiet.level, logging.WARNING  # a few dozen order e-mails would flood the console
    try:
        rnd = random.Random(SEED)
        for product_name, reviews in REVIEWS.items():
            variant_id = _variant_to_buy(product_name, len(reviews))
            for number, rating, comment in reviews if variant_id else []:
                _buy_and_review(shoppers[number - 1], variant_id, method, rating, comment, _when(expo, rnd))
                summary.orders += 1
                summary.reviews += 1
    finally:
        quiet.level = level


def _variant_to_buy(product_name: str, needed: int) -> int | None:
    """The first variant with ``needed`` in stock of the demo product of that name in an approved,
    selling store (None: its reviews are left out rather than the checkout failing)."""
    from marketplace.catalog.models import Product, Variant
    from marketplace.catalog.queries import LISTED
    from marketplace.stores.models import Store

    store_names = [s.name for s in STORES if any(p.name == product_name for p in s.products)]
    return db.session.scalar(
        select(Variant.id)
        .join(Product, Product.id == Variant.product_id)
        .join(Store, Store.id == Product.store_id)
        .where(
            Product.name == product_name,
            Store.name.in_(store_names),
            *LISTED,
            Variant.stock >= needed,
        )
        .order_by(Variant.id)
        .limit(1)
    )


def _when(expo, rnd: random.Random):
    """When the order was placed: in the expo's days, at least two days ago (time to arrive)."""
    latest = now() - timedelta(days=2)
    earliest = min(expo.starts_at, latest)
    span = max(0, int((latest - earliest).total_seconds()))
    return earliest + timedelta(seconds=rnd.randint(0, span))


def _buy_and_review(shopper, variant_id: int, method: str, rating: int, comment: str, when) -> None:
    """Buy one of the variant, receive it, review its line. Whatever else the shopper's cart held
    (someone tried the demo as them) is bought too but left as placed, unreviewed."""
    from marketplace.reviews import services as reviews
    from marketplace.reviews.models import Review

    for placed in checkout(shopper, [(variant_id, 1)], method):
        order = _with_lines(placed.id)
        line = next((line for line in order.lines if line.variant_id == variant_id), None)
        if line is None:
            continue
        _deliver(order, shopper)
        review = reviews.add_review(shopper, order, rating, comment, line_id=line.id)
        backdate(order, when)
        arrived = _with_lines(order.id).completed_at or when
        db.session.execute(
            update(Review)
            .where(Review.id == review.id)
            .values(created_at=arrived + timedelta(hours=3))
            .execution_options(synchronize_session=False)
        )
        db.session.expire(review)


def _deliver(order, shopper) -> None:
    """The seller accepts and ships it (by courier, with a waybill, when it needs one); the buyer receives it."""
    from marketplace.accounts.models import User
    from marketplace.orders.lifecycle import transition
    from marketplace.orders.models import needs_waybill
    from marketplace.stores.models import Store

    store = db.session.get(Store, order.store_id)
    seller = db.session.get(User, store.owner_id)
    transition(order, "processing", seller)
    if needs_waybill(order):
        transition(order, "shipped", seller, courier="jne", tracking_number=DEMO_WAYBILLS["jne"](order.id))
    else:
        transition(order, "shipped", seller)
    transition(order, "completed", shopper)


def _with_lines(order_id: int):
    from marketplace.orders.models import Order

    return db.session.scalars(
        select(Order)
        .options(selectinload(Order.lines))
        .where(Order.id == order_id)
        .execution_options(populate_existing=True)
    ).one()
