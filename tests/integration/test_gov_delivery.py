"""Delivery of a government order (issue #21): the seller accepts or declines the Surat
Pesanan and sends the goods, the PPK receives them or reports a shortfall, the seller invoices."""

from __future__ import annotations

from marketplace.extensions import db
from marketplace.gov import delivery
from tests.gov_orders_support import meeting_orders
from tests.gov_support import build_gov_world


def test_the_issue_scenario_runs_from_the_surat_pesanan_to_the_invoice(app):
    world = build_gov_world()
    orders = meeting_orders(world)
    order = orders.catering
    delivery.accept(order, world.catering_owner)
    delivery.ship(order, world.catering_owner, method="pickup")
    delivery.receive(order, world.ppk)
    invoice, kuitansi = delivery.issue_invoice(order, world.catering_owner)
    db.session.commit()
    assert order.status == "invoiced" and invoice.kind == "invoice" and kuitansi.kind == "kuitansi"
    from marketplace.clock import now, to_jakarta

    delivery.record_payment(
        order, world.bendahara, paid_on=to_jakarta(now()).date(), reference="SP2D 00123/2026", amount=order.total
    )
    db.session.commit()
    assert order.status == "paid"
