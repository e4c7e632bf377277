"""Fixtures and helpers for complaints: a store, its seller, a shopper, an officer, and a
shipped prepaid order of two lines (Rp 50.000 × 2 and Rp 30.000 × 1)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from marketplace.complaints import services as complaints
from marketplace.complaints.models import Complaint
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order, lines_of
from marketplace.payments.models import Payment
from tests.buying_factories import fill_cart, gen_listing, gen_shopper, place
from tests.factories import gen_store, gen_user


@dataclass
class People:
    shopper: object
    other: object
    seller: object
    store: object
    officer: object
    rival: object  # the seller of another store


@pytest.fixture
def people(cod_app) -> People:
    seller = gen_user(role="seller", name="Pak Darto", email="darto@test.id")
    rival = gen_user(role="seller", name="Bu Rini", email="rini@test.id")
    gen_store(owner=rival, name="Tenun Rini")
    return People(
        shopper=gen_shopper(email="siti@test.id"),
        other=gen_shopper(email="rina@test.id", name="Rina"),
        seller=seller,
        store=gen_store(owner=seller, name="Batik Darto"),
        officer=gen_user(role="agency", name="Bu Sri", email="sri@disnakerin.test"),
        rival=rival,
    )


def reload(order) -> Order:
    return db.session.scalars(select(Order).where(Order.id == order.id).execution_options(populate_existing=True)).one()


def shipped_order(people: People, status: str = "shipped") -> Order:
    """A prepaid order of two lines, paid and shipped (and completed by the shopper when asked)."""
    first = gen_listing(store=people.store, price=50_000, stock=10, name="Batik Cap Tegalan")
    second = gen_listing(store=people.store, price=30_000, stock=10, name="Selendang Sutra")
    fill_cart(people.shopper, (first, 2), (second, 1))
    order = place(people.shopper, "fake_transfer").orders[0]
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    db.session.commit()
    for step in ("processing", "shipped"):
        transition(reload(order), step, people.seller, courier="JNE", tracking_number="JP123")
        db.session.commit()
    if status == "completed":
        transition(reload(order), "completed", people.shopper)
        db.session.commit()
    return reload(order)


def line_ids(order) -> list[int]:
    return [line.id for line in lines_of(reload(order))]


def open_on(people: People, order, lines: dict | None = None, reason: str = "barang_rusak") -> Complaint:
    """Open a complaint (default: one unit of the first line) and commit."""
    ids = line_ids(order)
    data = {"reason": reason, "description": "Kainnya sobek di bagian tepi.", "lines": lines or {ids[0]: 1}}
    complaint = complaints.open_complaint(people.shopper, reload(order), data)
    db.session.commit()
    return complaint


def fresh(complaint) -> Complaint:
    return complaints.get(complaint.id)


def payment_of(order) -> Payment:
    return db.session.scalars(
        select(Payment).where(Payment.id == order.payment_id).execution_options(populate_existing=True)
    ).one()
