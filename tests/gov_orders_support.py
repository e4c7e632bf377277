"""Approved government orders for delivery and payment tests (issue #21), written as rows the
way an approval leaves them: the lines, the stock reserved, the government commission
snapshotted and the Surat Pesanan made. Purchasing's own tests approve through its service;
delivery's start where approval ends, so they do not depend on how a purchase is submitted."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from marketplace import site_settings
from marketplace.catalog import stock
from marketplace.catalog.models import Product
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.gov import paperwork
from marketplace.gov.models import GovOrder, GovOrderLine, GovPurchase
from tests.gov_support import PURCHASE_FIELDS, GovWorld, delivery_day

_numbers = itertools.count(1)


@dataclass
class MeetingOrders:
    purchase: GovPurchase
    catering: GovOrder  # 120 nasi kotak at Rp 25.000 from Katering Bu Sri
    bakery: GovOrder  # 40 snack boxes at Rp 12.500 from Kue Bu Tini


def approved_order(world: GovWorld, purchase: GovPurchase, store, variant, quantity: int, shipping_cost: int = 0):
    """One store's approved order for ``quantity`` of ``variant`` in ``purchase`` (committed)."""
    serial = next(_numbers)
    subtotal = variant.price * quantity
    order = GovOrder(
        purchase_id=purchase.id,
        office_id=purchase.office_id,
        store_id=store.id,
        store_name=store.name,
        number=f"SP-2612-{serial:06d}",
        status="approved",
        subtotal=subtotal,
        shipping_cost=shipping_cost,
        total=subtotal + shipping_cost,
        lead_days=1,
        delivery_date=purchase.delivery_date,
        commission_bps=site_settings.get_gov_commission_bps(),
        approved_at=now(),
        approved_by_id=world.ppk.id,
    )
    db.session.add(order)
    db.session.flush()
    product = db.session.get(Product, variant.product_id)
    db.session.add(
        GovOrderLine(
            order_id=order.id,
            product_id=product.id,
            variant_id=variant.id,
            product_name=product.name,
            variant_name=variant.name,
            sku=variant.sku,
            unit="kotak",
            unit_price=variant.price,
            quantity=quantity,
            line_total=subtotal,
        )
    )
    assert stock.reserve(variant.id, quantity)
    db.session.flush()
    paperwork.issue(order, "sp", world.ppk)
    db.session.commit()
    return order


def meeting_orders(world: GovWorld, nasi: int = 120, snack: int = 40, shipping_cost: int = 0) -> MeetingOrders:
    """The issue's purchase, approved: nasi kotak from the caterer and snack boxes from the bakery."""
    serial = next(_numbers)
    purchase = GovPurchase(
        number=f"PBJ-2612-{serial:06d}",
        office_id=world.office.id,
        created_by_id=world.pp.id,
        delivery_date=delivery_day(),
        **PURCHASE_FIELDS,
    )
    db.session.add(purchase)
    db.session.commit()
    catering = approved_order(world, purchase, world.catering, world.nasi, nasi, shipping_cost)
    bakery = approved_order(world, purchase, world.bakery, world.snack, snack)
    return MeetingOrders(purchase, catering, bakery)


def state_of(order: GovOrder) -> dict:
    """Everything a step may write about ``order``, read from the database (pending changes of
    the session flushed first): a refusal must leave all of it as it was."""
    from sqlalchemy import func, select

    from marketplace.catalog.models import Variant
    from marketplace.gov.models import GovDocument, GovEvent
    from marketplace.ledger.models import LedgerEntry

    row = db.session.execute(select(GovOrder.__table__).where(GovOrder.id == order.id)).mappings().one()
    lines = db.session.execute(
        select(GovOrderLine.id, GovOrderLine.received_quantity, Variant.stock)
        .join(Variant, Variant.id == GovOrderLine.variant_id)
        .where(GovOrderLine.order_id == order.id)
        .order_by(GovOrderLine.id)
    ).all()

    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return {
        "order": {k: v for k, v in row.items() if k != "updated_at"},
        "lines": [tuple(line) for line in lines],
        "events": count(GovEvent, GovEvent.order_id == order.id),
        "documents": count(GovDocument, GovDocument.order_id == order.id),
        "ledger": count(LedgerEntry),
    }
