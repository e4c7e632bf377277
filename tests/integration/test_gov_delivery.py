"""Delivery of a government order (issue #21) at service level: the seller accepts or declines
the Surat Pesanan and sends the goods by one of its own shipping methods, the PPK receives them
(BAST) or reports a shortfall, the seller invoices. Every refusal leaves the order, its lines,
the stock, its history, its documents and the ledger as they were."""

from __future__ import annotations

import io
import logging

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from marketplace.catalog.models import Variant
from marketplace.errors import Conflict, PermissionDenied, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.gov import delivery, paperwork
from marketplace.gov.models import GovDocument, GovEvent, GovOrderLine
from marketplace.i18n import rupiah
from marketplace.shipping.store_models import StoreShipping
from tests.gov_orders_support import meeting_orders, state_of
from tests.gov_support import build_gov_world


@pytest.fixture
def world(app):
    return build_gov_world()


def line_of(order) -> GovOrderLine:
    return db.session.scalars(select(GovOrderLine).where(GovOrderLine.order_id == order.id)).one()


def shelf(variant) -> int:
    return db.session.scalar(select(Variant.stock).where(Variant.id == variant.id))


def refused(error, step, *args, **kwargs):
    """Run a step that must be refused with ``error``; assert it wrote nothing; roll back."""
    order = args[0]
    before = state_of(order)
    with pytest.raises(error) as caught:
        step(*args, **kwargs)
    assert state_of(order) == before
    db.session.rollback()
    return caught.value


def offer_couriers(store, services: str = '{"jne": ["reg"]}') -> None:
    db.session.add(
        StoreShipping(
            store_id=store.id,
            pickup_enabled=False,
            local_enabled=False,
            couriers_enabled=True,
            courier_services=services,
        )
    )
    db.session.commit()


def test_the_caterer_accepts_sends_and_is_received_then_invoices(world):
    order = meeting_orders(world).catering
    assert shelf(world.nasi) == 380  # 500 less the 120 reserved at approval
    delivery.accept(order, world.catering_owner)
    db.session.commit()
    assert order.status == "accepted" and order.accepted_at is not None
    delivery.ship(order, world.catering_owner, method="pickup", courier="jne", tracking_number="x")
    db.session.commit()
    assert (order.status, order.shipping_method, order.courier, order.tracking_number) == (
        "shipped",
        "pickup",
        None,
        None,
    )
    delivery.receive(order, world.ppk)
    db.session.commit()
    assert order.status == "received" and order.received_by_id == world.ppk.id
    assert line_of(order).received_quantity == 120
    bast = paperwork.latest(order, "bast")
    assert bast is not None and bast.amount == 3_000_000
    invoice, kuitansi = delivery.issue_invoice(order, world.catering_owner)
    db.session.commit()
    assert order.status == "invoiced" and order.invoiced_at is not None
    assert (invoice.kind, kuitansi.kind) == ("invoice", "kuitansi")
    assert invoice.number.startswith("INV-") and kuitansi.number.startswith("KWT-")
    actions = db.session.scalars(select(GovEvent.action).where(GovEvent.order_id == order.id).order_by(GovEvent.id))
    assert list(actions) == ["accept", "ship", "receive", "invoice"]
    assert shelf(world.nasi) == 380  # delivered goods never come back to the shelf


def test_a_courier_shipment_needs_an_offered_courier_and_a_waybill_in_its_format(world):
    order = meeting_orders(world).catering
    offer_couriers(world.catering)
    delivery.accept(order, world.catering_owner)
    db.session.commit()
    error = refused(ValidationError, delivery.ship, order, world.catering_owner, method="courier", courier="kilat")
    assert "courier" in error.fields
    error = refused(ValidationError, delivery.ship, order, world.catering_owner, method="courier", courier="jnt")
    assert "courier" in error.fields  # a courier the store does not use
    error = refused(
        ValidationError, delivery.ship, order, world.catering_owner, method="courier", courier="jne", tracking_number=""
    )
    assert "tracking_number" in error.fields
    seller = world.catering_owner
    error = refused(ValidationError, delivery.ship, order, seller, method="courier", courier="JNE", tracking_number="1")
    assert "CGK1234567890" in error.fields["tracking_number"]
    for method in ("pickup", "local", "cod", ""):  # the store offers couriers only, and never COD
        error = refused(ValidationError, delivery.ship, order, world.catering_owner, method=method)
        assert "method" in error.fields
    delivery.ship(order, world.catering_owner, method="courier", courier="JNE", tracking_number="cgk 1234567890")
    db.session.commit()
    assert (order.shipping_method, order.courier, order.tracking_number) == ("courier", "jne", "CGK1234567890")


def test_only_the_store_s_own_people_act_for_it_and_only_the_ppk_receives(world):
    orders = meeting_orders(world)
    order = orders.catering
    for stranger in (world.bakery_owner, world.ppk, world.pp, world.bendahara, world.other_ppk):
        refused(PermissionDenied, delivery.accept, order, stranger)
        refused(PermissionDenied, delivery.decline, order, stranger, "tidak sanggup")
    delivery.accept(order, world.catering_owner)
    db.session.commit()
    refused(Conflict, delivery.accept, order, world.catering_owner)  # once is enough
    refused(Conflict, delivery.receive, order, world.ppk)  # nothing sent yet
    refused(PermissionDenied, delivery.ship, order, world.bakery_owner, method="pickup")
    delivery.ship(order, world.catering_owner, method="pickup")
    db.session.commit()
    for stranger in (world.catering_owner, world.pp, world.bendahara, world.other_ppk):
        refused(PermissionDenied, delivery.receive, order, stranger)
    refused(Conflict, delivery.issue_invoice, order, world.catering_owner)  # no BAST yet


def test_a_shortfall_waits_for_the_rest_then_the_bast_is_signed(world):
    orders = meeting_orders(world)
    order, line = orders.catering, line_of(orders.catering)
    delivery.accept(order, world.catering_owner)
    delivery.ship(order, world.catering_owner, method="pickup")
    db.session.commit()
    error = refused(ValidationError, delivery.receive, order, world.ppk, received={line.id: 100})
    assert "note" in error.fields
    other_line = line_of(orders.bakery)
    error = refused(ValidationError, delivery.receive, order, world.ppk, received={other_line.id: 40}, note="x")
    assert f"received.{other_line.id}" in error.fields
    for bad in (121, -1, "banyak", 99.5, True, None):
        refused(ValidationError, delivery.receive, order, world.ppk, received={line.id: bad}, note="kurang")
    error = refused(ValidationError, delivery.receive, order, world.ppk, received={line.id: 100}, note="x" * 1001)
    assert "note" in error.fields

    delivery.receive(order, world.ppk, received={line.id: 100}, note="20 kotak belum datang")
    db.session.commit()
    assert order.status == "shortfall" and order.received_at is None
    assert line_of(order).received_quantity == 100 and paperwork.latest(order, "bast") is None
    newest = select(GovEvent).where(GovEvent.order_id == order.id).order_by(GovEvent.id.desc())
    event = db.session.scalars(newest).first()
    assert event.to_status == "shortfall" and "100" in event.note and "120" in event.note
    assert "20 kotak belum datang" in event.note
    refused(Conflict, delivery.issue_invoice, order, world.catering_owner)

    delivery.ship(order, world.catering_owner, method="pickup")  # the seller sends the rest
    db.session.commit()
    delivery.receive(order, world.ppk, received={line.id: 120})
    db.session.commit()
    assert order.status == "received" and line_of(order).received_quantity == 120
    assert paperwork.latest(order, "bast") is not None


def test_declining_returns_the_stock_once_and_needs_a_reason(world):
    order = meeting_orders(world).bakery
    assert shelf(world.snack) == 260
    error = refused(ValidationError, delivery.decline, order, world.bakery_owner, "   ")
    assert "reason" in error.fields
    delivery.decline(order, world.bakery_owner, "Oven rusak")
    db.session.commit()
    assert (order.status, order.close_reason) == ("declined", "Oven rusak") and order.closed_at is not None
    assert shelf(world.snack) == 300
    refused(Conflict, delivery.decline, order, world.bakery_owner, "lagi")
    refused(Conflict, delivery.accept, order, world.bakery_owner)
    assert shelf(world.snack) == 300


def test_the_bast_pdf_states_the_order_number_and_its_total(world):
    order = meeting_orders(world).catering
    delivery.accept(order, world.catering_owner)
    delivery.ship(order, world.catering_owner, method="pickup")
    delivery.receive(order, world.ppk)
    db.session.commit()
    bast = paperwork.latest(order, "bast")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(delivery.document_pdf(bast))).pages)
    assert order.number in text and rupiah(3_000_000) in text and "Berita Acara Serah Terima".upper() in text


def test_a_document_whose_bytes_changed_is_never_served(world, caplog):
    order = meeting_orders(world).catering
    sp = paperwork.latest(order, "sp")
    assert delivery.document_pdf(sp)[:5] == b"%PDF-"
    db.session.execute(update(GovDocument).where(GovDocument.id == sp.id).values(content=b"%PDF-altered"))
    with caplog.at_level(logging.ERROR), pytest.raises(Conflict):
        delivery.document_pdf(sp)
    assert any(sp.number in record.getMessage() for record in caplog.records)


def test_every_delivery_refusal_is_a_service_error(world):
    """A step refused by status or actor never escapes as anything but a ServiceError (a 4xx)."""
    order = meeting_orders(world).catering
    for step, kwargs in (
        (delivery.ship, {"method": "pickup"}),
        (delivery.receive, {}),
        (delivery.issue_invoice, {}),
    ):
        refused(ServiceError, step, order, world.catering_owner, **kwargs)
