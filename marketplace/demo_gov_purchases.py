"""Demo government buying (issue #21): the Sekretariat Daerah's meeting — 120 nasi kotak and
40 snack boxes from two culinary IKM — taken through every step to both stores' credit, and a
second purchase waiting for the PPK, so `make run` shows /gov/, the seller's queue, the
documents and the agency's spending report with something in them. Every step goes through
marketplace.gov.flow as the officials and sellers would take it. Idempotent: an office that
has any purchase is left alone."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.cart import services as carts
from marketplace.catalog.models import Product, Variant
from marketplace.extensions import db
from marketplace.gov import delivery, flow, limits
from marketplace.gov.models import GovOffice, GovOrder, GovPurchase
from marketplace.stores.models import Store

OFFICE_CODE = "4.01.0.00.0.00.01.0000"  # Sekretariat Daerah Kota Tegal (marketplace.demo_gov)
MEETING = (("Nasi Kotak Ayam Bakar", 120), ("Snack Box Rapat", 40))
WAITING = (("Nasi Kotak Ayam Bakar", 60),)


def load(summary) -> None:
    """The two purchases, when the office has none yet; counts their store orders."""
    office = db.session.scalar(select(GovOffice).where(GovOffice.code == OFFICE_CODE))
    people = {name: accounts.get_user_by_email(f"{name}@demo.test") for name in ("pp", "ppk", "bendahara")}
    if office is None or None in people.values():
        return
    if db.session.scalar(select(GovPurchase.id).where(GovPurchase.office_id == office.id).limit(1)):
        return
    meeting = _submit(people["pp"], MEETING, "Rapat koordinasi Apik Banget Virtual Expo", days=2)
    if meeting is None:
        return
    for order in _orders(meeting):
        _deliver_and_pay(order, people)
        summary.gov_orders += 1
    waiting = _submit(people["pp"], WAITING, "Rapat evaluasi pameran", days=5)
    summary.gov_orders += len(_orders(waiting)) if waiting is not None else 0


def _submit(pp, lines: tuple, note: str, days: int) -> GovPurchase | None:
    """The pejabat pengadaan's cart of ``lines`` (product name, quantity) submitted; None when a
    product is missing from the demo catalogue."""
    cart = carts.get_or_create_cart(pp)
    for name, quantity in lines:
        variant_id = db.session.scalar(
            select(Variant.id).join(Product, Product.id == Variant.product_id).where(Product.name == name).limit(1)
        )
        if variant_id is None:
            carts.clear(cart)
            return None
        carts.add_item(cart, variant_id, quantity)
    db.session.flush()
    return flow.submit(
        pp,
        rup_code="45123678",
        budget_code="5.1.02.01.01.0052",
        delivery_date=limits.today() + timedelta(days=days),
        delivery_place="Ruang Rapat Sekda, Jl. Ki Gede Sebayu No. 12, Kota Tegal",
        note=note,
    )


def _orders(purchase: GovPurchase) -> list[GovOrder]:
    return list(db.session.scalars(select(GovOrder).where(GovOrder.purchase_id == purchase.id).order_by(GovOrder.id)))


def _deliver_and_pay(order: GovOrder, people: dict) -> None:
    """Approve, accept, hand over (the store's own delivery, or pickup), receive in full,
    invoice and pay: every document made, the store credited."""
    store = db.session.get_one(Store, order.store_id)
    seller = db.session.get_one(User, store.owner_id)
    flow.approve(order, people["ppk"])
    flow.accept(order, seller)
    methods = delivery.offered_methods(order)
    flow.ship(order, seller, method="local" if methods["local"] else "pickup")
    flow.receive(order, people["ppk"])
    flow.issue_invoice(order, seller)
    flow.record_payment(
        order, people["bendahara"], paid_on=limits.today(), reference=f"SP2D-{order.number}", amount=order.total
    )
