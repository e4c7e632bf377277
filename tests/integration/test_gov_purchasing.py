"""The office side of a government order (issue #21): the pejabat pengadaan submits the cart,
the seller may quote, the PPK approves (stock reserved, Surat Pesanan made), rejects, amends by
addendum or cancels. Every refusal changes nothing: rows and stock are compared before and after."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import delete, func, select, update

from marketplace import audit_text
from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.cart.models import CartItem
from marketplace.catalog.models import Product, Variant
from marketplace.clock import now
from marketplace.errors import Conflict, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.gov import limits, machine, negotiation, purchasing
from marketplace.gov.models import (
    GovDocument,
    GovEvent,
    GovOffer,
    GovOrder,
    GovOrderLine,
    GovPurchase,
    GovQuote,
)
from marketplace.stores.interest import ConflictOfInterest
from marketplace.stores.models import Store, StoreMember
from tests.buying_factories import fill_cart, variant_of
from tests.conftest import ON_POSTGRES
from tests.factories import gen_product
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day, make_offer

COUNTED = (GovPurchase, GovOrder, GovOrderLine, GovEvent, GovQuote, GovDocument, AuditLog, CartItem)


@pytest.fixture
def world(app):
    return build_gov_world()


def snapshot() -> dict:
    """Every row count, every variant's stock, every order's status and totals: what a
    refusal must leave as it was."""
    db.session.rollback()
    db.session.expire_all()
    return {
        "counts": {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED},
        "stock": dict(db.session.execute(select(Variant.id, Variant.stock)).all()),
        "orders": db.session.execute(
            select(GovOrder.id, GovOrder.status, GovOrder.total, GovOrder.lead_days).order_by(GovOrder.id)
        ).all(),
        "lines": db.session.execute(
            select(GovOrderLine.id, GovOrderLine.quantity, GovOrderLine.unit_price).order_by(GovOrderLine.id)
        ).all(),
        "dates": db.session.execute(select(GovPurchase.id, GovPurchase.delivery_date)).all(),
        "order_dates": db.session.execute(select(GovOrder.id, GovOrder.delivery_date).order_by(GovOrder.id)).all(),
    }


def refused(error, call, *args, **kwargs):
    """``call`` raises ``error`` and, even after a commit, nothing changed; the error back."""
    before = snapshot()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    db.session.commit()  # a refusal leaves nothing behind for the caller to commit by mistake
    assert snapshot() == before
    return caught.value


def submit(world, **changes):
    fields = {**PURCHASE_FIELDS, "delivery_date": delivery_day(), **changes}
    purchase = purchasing.submit(world.pp, **fields)
    db.session.commit()
    return purchase


def orders_of(purchase) -> dict[str, GovOrder]:
    orders = db.session.scalars(select(GovOrder).where(GovOrder.purchase_id == purchase.id)).all()
    return {order.store_name: order for order in orders}


def nasi_order(world, **fill) -> GovOrder:
    world.fill_meeting_cart(**fill)
    return orders_of(submit(world))["Katering Bu Sri"]


def stock_of(variant) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Variant.stock).where(Variant.id == variant.id))


def lines_of(order) -> list[GovOrderLine]:
    return list(db.session.scalars(select(GovOrderLine).where(GovOrderLine.order_id == order.id)))


def approved(world, order) -> GovOrder:
    purchasing.approve(order, world.ppk)
    db.session.commit()
    return order


# --- submit -------------------------------------------------------------------------------


def test_submit_makes_one_order_per_store_and_empties_the_cart(world):
    world.fill_meeting_cart()
    purchase = submit(world)
    assert purchase.number == f"PBJ-{purchase.number[4:8]}-{purchase.id:06d}"
    orders = orders_of(purchase)
    nasi, snack = orders["Katering Bu Sri"], orders["Kue Bu Tini"]
    assert nasi.number == f"SP-{nasi.number[3:7]}-{nasi.id:06d}" and nasi.status == "submitted"
    assert (nasi.subtotal, nasi.total, nasi.lead_days, nasi.office_id) == (3_000_000, 3_000_000, 1, world.office.id)
    assert snack.total == 500_000
    (line,) = lines_of(nasi)
    assert (line.product_name, line.unit, line.unit_price, line.quantity, line.line_total) == (
        "Nasi Kotak Ayam Bakar",
        "kotak",
        25000,
        120,
        3_000_000,
    )
    assert (purchase.rup_code, purchase.budget_code, purchase.created_by_id) == (
        "45123678",
        "5.1.02.01.01.0052",
        world.pp.id,
    )
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0
    assert stock_of(world.nasi) == 500  # nothing is reserved before the PPK approves
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "gov_order")).all()
    assert actions == ["gov.submit", "gov.submit"]
    events = db.session.scalars(select(GovEvent).where(GovEvent.order_id == nasi.id)).all()
    assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in events] == [
        ("submit", None, "submitted", world.pp.id)
    ]


def test_only_the_pejabat_pengadaan_submits(world):
    fill_cart(world.ppk, (world.nasi, 20))
    fields = {**PURCHASE_FIELDS, "delivery_date": delivery_day()}
    refused(PermissionDenied, purchasing.submit, world.ppk, **fields)
    refused(PermissionDenied, purchasing.submit, world.catering_owner, **fields)


def test_an_empty_cart_is_refused(world):
    error = refused(ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    assert "cart" in error.fields


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("rup_code", "4512A"),
        ("rup_code", "1" * 21),
        ("rup_code", ""),
        ("budget_code", "5."),
        ("budget_code", "5.1.x"),
        ("budget_code", "51"),
        ("delivery_place", "Aula"),
        ("delivery_date", None),
        ("delivery_date", "besok"),
        ("delivery_date", now()),
    ],
)
def test_bad_purchase_fields_are_refused_next_to_the_field(world, field, value):
    world.fill_meeting_cart()
    fields = {**PURCHASE_FIELDS, "delivery_date": delivery_day(), field: value}
    error = refused(ValidationError, purchasing.submit, world.pp, **fields)
    assert list(error.fields) == [field]


def test_delivery_dates_in_the_past_too_soon_or_too_far_are_refused(world):
    world.fill_meeting_cart()
    for days, words in ((-1, "sudah lewat"), (0, "paling cepat"), (366, "satu tahun")):
        error = refused(
            ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day(days)
        )
        assert words in error.fields["delivery_date"]
    db.session.execute(update(GovOffer).where(GovOffer.store_id == world.catering.id).values(lead_days=5))
    db.session.commit()
    error = refused(ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day(4))
    message = error.fields["delivery_date"]
    assert "Katering Bu Sri butuh 5 hari" in message and limits.wib(delivery_day(5), "date") in message


def test_lines_not_offered_not_listed_under_the_minimum_or_over_the_stock_are_refused(world):
    tempe = variant_of(gen_product(world.catering, name="Keripik Tempe", price=15000, stock=50, category=None))
    world.fill_meeting_cart(nasi=10)
    fill_cart(world.pp, (tempe, 5))
    error = refused(ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    problems = " ".join(error.fields.values())
    assert "Nasi Kotak Ayam Bakar dipesan paling sedikit 20 kotak." in problems
    assert "Keripik Tempe tidak ditawarkan untuk instansi" in problems
    assert len(error.fields) == 2  # the snack line is fine

    db.session.execute(update(CartItem).where(CartItem.variant_id == world.nasi.id).values(quantity=120))
    db.session.execute(update(Variant).where(Variant.id == world.nasi.id).values(stock=100))
    db.session.execute(update(GovOffer).where(GovOffer.product_id == world.snack.product_id).values(active=False))
    db.session.execute(update(CartItem).where(CartItem.variant_id == tempe.id).values(quantity=1))
    db.session.execute(update(Product).where(Product.id == tempe.product_id).values(status="archived"))
    db.session.commit()
    error = refused(ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    problems = " ".join(error.fields.values())
    assert "Stok Nasi Kotak Ayam Bakar tinggal 100" in problems
    assert "Snack Box Rapat tidak ditawarkan untuk instansi" in problems
    assert "Keripik Tempe sedang tidak dijual" in problems


def test_a_store_order_over_the_direct_purchase_limit_is_refused_while_the_other_is_fine(world):
    tent = gen_product(world.catering, name="Paket Katering Sebulan", price=51_000_000, stock=3, category=None)
    make_offer(tent, "paket", min_quantity=1, lead_days=1)
    world.fill_meeting_cart()
    fill_cart(world.pp, (variant_of(tent), 1))
    error = refused(ValidationError, purchasing.submit, world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    assert error.fields == {
        f"store_{world.catering.id}": "Pesanan ke Katering Bu Sri Rp 54.000.000 melebihi batas pembelian langsung "
        "Rp 50.000.000 per toko; pecah pengadaan atau gunakan metode lain."
    }


def test_a_cart_emptied_by_a_parallel_submit_is_refused_and_writes_nothing(world, monkeypatch):
    world.fill_meeting_cart()
    read = purchasing.cart_services.load

    def read_then_lose_the_race(user):
        cart = read(user)
        # the first of two submits (a double click) took the lines after this one read them
        db.session.execute(delete(CartItem).execution_options(synchronize_session=False))
        return cart

    monkeypatch.setattr(purchasing.cart_services, "load", read_then_lose_the_race)
    with pytest.raises(Conflict, match="baru saja berubah"):
        purchasing.submit(world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (GovPurchase, GovOrder, GovEvent)] == [
        0,
        0,
        0,
    ]


# --- approval ------------------------------------------------------------------------------


def test_approve_reserves_stock_snapshots_the_commission_and_makes_the_surat_pesanan(world):
    from marketplace import site_settings

    site_settings.set_value(None, site_settings.GOV_COMMISSION_KEY, "150")
    db.session.commit()
    order = approved(world, nasi_order(world))
    assert order.status == "approved" and order.approved_by_id == world.ppk.id and order.approved_at is not None
    assert order.commission_bps == 150
    assert stock_of(world.nasi) == 380
    sp = db.session.scalars(select(GovDocument).where(GovDocument.order_id == order.id)).one()
    assert (sp.kind, sp.number, sp.amount, sp.amends_id) == ("sp", order.number, 3_000_000, None)
    assert db.session.scalar(select(GovDocument.content).where(GovDocument.id == sp.id)).startswith(b"%PDF")
    assert db.session.scalar(select(AuditLog.action).order_by(AuditLog.id.desc()).limit(1)) == "gov.approve"


def test_only_the_ppk_of_the_orders_office_approves(world):
    order = nasi_order(world)
    refused(PermissionDenied, purchasing.approve, order, world.other_ppk)
    refused(PermissionDenied, purchasing.approve, order, world.pp)
    refused(PermissionDenied, purchasing.approve, order, world.catering_owner)
    db.session.add(StoreMember(store_id=world.catering.id, user_id=world.ppk.id, role="staff"))
    db.session.commit()
    refused(ConflictOfInterest, purchasing.approve, order, world.ppk)


def test_approve_twice_or_concurrently_reserves_the_stock_once(world):
    order = approved(world, nasi_order(world))
    refused(Conflict, purchasing.approve, order, world.ppk)
    assert stock_of(world.nasi) == 380

    other = orders_of(db.session.get(GovPurchase, order.purchase_id))["Kue Bu Tini"]
    before = snapshot()
    assert other.status == "submitted"
    # another PPK's request approved it after this one read it
    db.session.execute(
        update(GovOrder)
        .where(GovOrder.id == other.id)
        .values(status="approved")
        .execution_options(synchronize_session=False)
    )
    # the step reads the order again, locked, before it checks: the status it finds refuses
    with pytest.raises(Conflict, match="Surat Pesanan terbit"):
        purchasing.approve(other, world.ppk)
    assert db.session.scalar(select(Variant.stock).where(Variant.id == world.snack.id)) == 300
    assert db.session.scalar(select(func.count()).select_from(GovDocument)) == 1
    db.session.rollback()
    assert snapshot() == before


@pytest.mark.skipif(not ON_POSTGRES, reason="two writers at once need PostgreSQL's row locks")
def test_two_ppk_requests_approving_at_once_reserve_the_stock_once(app, world):
    number = nasi_order(world).number
    ppk_id = world.ppk.id
    first_approved, second_read = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def request(name: str, before_commit=None, after_read=None) -> None:
        with app.app_context():
            try:
                order = db.session.scalars(select(GovOrder).where(GovOrder.number == number)).one()
                if after_read:
                    after_read()
                purchasing.approve(order, db.session.get(User, ppk_id))
                if before_commit:
                    before_commit()
                db.session.commit()
                outcome[name] = "approved"
            except Conflict as exc:
                db.session.rollback()
                outcome[name] = exc
            finally:
                db.session.remove()

    def hold_until_the_second_has_read() -> None:
        first_approved.set()
        second_read.wait(30)

    first = threading.Thread(target=request, args=("first", hold_until_the_second_has_read))
    first.start()
    first_approved.wait(30)
    # the second reads the order while the first has approved it but not committed yet
    second = threading.Thread(target=request, args=("second", None, second_read.set))
    second.start()
    first.join(60)
    second.join(60)
    assert outcome["first"] == "approved"
    assert isinstance(outcome["second"], Conflict)
    assert stock_of(world.nasi) == 380
    assert db.session.scalar(select(func.count()).select_from(GovDocument)) == 1
    assert db.session.scalar(select(func.count()).where(AuditLog.action == "gov.approve")) == 1


def test_approve_short_of_stock_names_the_product_and_reserves_nothing(world):
    rendang = gen_product(world.catering, name="Nasi Kotak Rendang", price=30000, stock=50, category=None)
    make_offer(rendang, "kotak", min_quantity=10, lead_days=2)
    world.fill_meeting_cart()
    fill_cart(world.pp, (variant_of(rendang), 30))
    order = orders_of(submit(world, delivery_date=delivery_day(3)))["Katering Bu Sri"]
    assert order.lead_days == 2
    db.session.execute(update(Variant).where(Variant.product_id == rendang.id).values(stock=12))
    db.session.commit()
    error = refused(Conflict, purchasing.approve, order, world.ppk)
    assert "Stok Nasi Kotak Rendang tinggal 12 kotak" in error.message
    assert stock_of(world.nasi) == 500


def test_approve_after_the_delivery_date_is_refused(world):
    order = nasi_order(world)
    with time_machine.travel(now() + timedelta(days=5)):
        error = refused(Conflict, purchasing.approve, order, world.ppk)
    assert "sudah lewat" in error.message


def test_no_surat_pesanan_goes_to_a_suspended_store(world):
    order = nasi_order(world)
    db.session.execute(update(Store).where(Store.id == world.catering.id).values(status="suspended"))
    db.session.commit()
    error = refused(Conflict, purchasing.approve, order, world.ppk)
    assert "Katering Bu Sri sedang tidak berjualan" in error.message


def test_cancel_gives_the_stock_back_exactly_once(world):
    order = approved(world, nasi_order(world))
    refused(ValidationError, purchasing.cancel, order, world.ppk, "")
    refused(PermissionDenied, purchasing.cancel, order, world.pp, "Acara dibatalkan")
    purchasing.cancel(order, world.ppk, "Rapat koordinasi dibatalkan")
    db.session.commit()
    assert (order.status, order.close_reason) == ("cancelled", "Rapat koordinasi dibatalkan")
    assert stock_of(world.nasi) == 500
    refused(Conflict, purchasing.cancel, order, world.ppk, "Sekali lagi")
    assert stock_of(world.nasi) == 500


def test_cancel_gives_back_what_an_addendum_left_not_what_it_read_before(world):
    order = approved(world, nasi_order(world))
    (line,) = lines_of(order)
    assert line.quantity == 120
    # another PPK request's addendum (100 boxes, 20 back on the shelf) lands after this read
    db.session.execute(
        update(GovOrderLine)
        .where(GovOrderLine.id == line.id)
        .values(quantity=100, line_total=2_500_000)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(GovOrder)
        .where(GovOrder.id == order.id)
        .values(subtotal=2_500_000, total=2_500_000)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Variant)
        .where(Variant.id == world.nasi.id)
        .values(stock=Variant.stock + 20)
        .execution_options(synchronize_session=False)
    )
    purchasing.cancel(order, world.ppk, "Acara dibatalkan")
    db.session.commit()
    assert stock_of(world.nasi) == 500


def test_a_failing_surat_pesanan_leaves_nothing_reserved(world, monkeypatch):
    order = nasi_order(world)

    def renderer_down(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(purchasing.paperwork, "issue", renderer_down)
    refused(RuntimeError, purchasing.approve, order, world.ppk)


def test_reject_and_withdraw_close_an_order_before_approval(world):
    world.fill_meeting_cart()
    orders = orders_of(submit(world))
    nasi, snack = orders["Katering Bu Sri"], orders["Kue Bu Tini"]
    refused(ValidationError, purchasing.reject, nasi, world.ppk, "  ")
    purchasing.reject(nasi, world.ppk, "Anggaran belum tersedia")
    purchasing.withdraw(snack, world.pp)
    db.session.commit()
    assert (nasi.status, nasi.close_reason, snack.status) == ("rejected", "Anggaran belum tersedia", "withdrawn")
    assert nasi.closed_at is not None and stock_of(world.nasi) == 500
    refused(Conflict, purchasing.approve, nasi, world.ppk)


# --- negotiation -----------------------------------------------------------------------------


def test_negotiation_round_trip(world):
    world.fill_meeting_cart()
    orders = orders_of(submit(world, delivery_date=delivery_day(5)))
    order, snack = orders["Katering Bu Sri"], orders["Kue Bu Tini"]
    (line,) = lines_of(order)
    (snack_line,) = lines_of(snack)
    refused(PermissionDenied, negotiation.quote, order, world.bakery_owner, prices={line.id: 24000})
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices={snack_line.id: 10000})
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices={line.id: 25000})
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices={line.id: 0})
    refused(ValidationError, negotiation.quote, order, world.catering_owner, lead_days=400)
    refused(ValidationError, negotiation.quote, order, world.catering_owner, shipping_cost=-1)
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices=[line.id, 24000])
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices={"baris": 24000})
    refused(ValidationError, negotiation.quote, order, world.catering_owner, prices={line.id: "²"})

    offered = negotiation.quote(
        order, world.catering_owner, prices={str(line.id): "24000"}, lead_days=3, shipping_cost=150_000, note="Grosir"
    )
    db.session.commit()
    assert order.status == "negotiating" and offered.status == "open"
    assert negotiation.quote_changes(order, offered) == {
        "prices": {line.id: 24000},
        "lead_days": 3,
        "shipping_cost": 150_000,
    }
    assert order.total == 3_000_000  # nothing applies until the pejabat pengadaan accepts
    refused(PermissionDenied, negotiation.accept_quote, order, world.ppk)
    refused(Conflict, purchasing.approve, order, world.ppk)

    negotiation.accept_quote(order, world.pp)
    db.session.commit()
    db.session.refresh(line)
    assert order.status == "submitted" and offered.status == "accepted" and offered.decided_by_id == world.pp.id
    assert (line.unit_price, line.line_total) == (24000, 2_880_000)
    assert (order.subtotal, order.shipping_cost, order.total, order.lead_days) == (2_880_000, 150_000, 3_030_000, 3)
    approved(world, order)
    assert order.status == "approved" and stock_of(world.nasi) == 380
    steps = db.session.scalars(select(GovEvent.action).where(GovEvent.order_id == order.id).order_by(GovEvent.id))
    assert list(steps) == ["submit", "quote", "accept_quote", "approve"]


def test_a_quote_the_office_cannot_take_is_refused_on_acceptance(app, world):
    order = nasi_order(world)
    (line,) = lines_of(order)
    negotiation.quote(order, world.catering_owner, lead_days=10)
    db.session.commit()
    error = refused(ValidationError, negotiation.accept_quote, order, world.pp)
    assert "butuh 10 hari" in error.fields["delivery_date"]
    purchasing.reject(order, world.ppk, "Waktu penyiapan terlalu lama")
    db.session.commit()
    assert db.session.scalar(select(GovQuote.status)) == "withdrawn"

    app.config["GOV_DIRECT_PURCHASE_LIMIT"] = 3_500_000
    second = nasi_order(world)
    (line,) = lines_of(second)
    negotiation.quote(second, world.catering_owner, prices={line.id: 30000})
    db.session.commit()
    error = refused(ValidationError, negotiation.accept_quote, second, world.pp)
    assert "Rp 3.600.000 melebihi batas pembelian langsung Rp 3.500.000" in error.message


# --- addendum --------------------------------------------------------------------------------


def test_an_addendum_amends_the_surat_pesanan_without_touching_it(world):
    order = approved(world, nasi_order(world))
    sp = db.session.scalars(select(GovDocument).where(GovDocument.order_id == order.id)).one()
    sp_bytes, sp_hash = db.session.scalar(select(GovDocument.content).where(GovDocument.id == sp.id)), sp.sha256
    (line,) = lines_of(order)
    refused(ValidationError, purchasing.amend, order, world.ppk, quantities={line.id: 100}, reason="")
    refused(ValidationError, purchasing.amend, order, world.ppk, quantities={line.id: 120}, reason="Tidak berubah")
    refused(ValidationError, purchasing.amend, order, world.ppk, quantities={line.id + 1: 5}, reason="Baris lain")
    refused(ValidationError, purchasing.amend, order, world.ppk, quantities={line.id: 0}, reason="Nol kotak")
    refused(ValidationError, purchasing.amend, order, world.ppk, quantities=[100], reason="Bukan pasangan")
    refused(ValidationError, purchasing.amend, order, world.ppk, delivery_date=now(), reason="Jam, bukan tanggal")
    refused(PermissionDenied, purchasing.amend, order, world.other_ppk, quantities={line.id: 100}, reason="Kantor lain")

    addendum = purchasing.amend(order, world.ppk, quantities={line.id: 100}, reason="Peserta rapat berkurang")
    db.session.commit()
    assert (addendum.kind, addendum.amends_id, addendum.number) == ("sp_addendum", sp.id, f"{order.number}/ADD-1")
    assert (order.status, order.subtotal, order.total, addendum.amount) == ("approved", 2_500_000, 2_500_000, 2_500_000)
    assert stock_of(world.nasi) == 400  # 20 back on the shelf
    db.session.expire_all()
    assert db.session.get(GovDocument, sp.id).sha256 == sp_hash
    assert db.session.scalar(select(GovDocument.content).where(GovDocument.id == sp.id)) == sp_bytes
    event = db.session.scalars(select(GovEvent).where(GovEvent.action == "amend")).one()
    assert (event.from_status, event.to_status, event.note) == ("approved", "approved", "Peserta rapat berkurang")
    audit_row = db.session.scalars(select(AuditLog).where(AuditLog.action == "gov.amend")).one()
    assert "Nasi Kotak Ayam Bakar: 120 → 100 kotak" in audit_row.data

    more = purchasing.amend(order, world.ppk, quantities={line.id: 150}, reason="Tamu dari provinsi")
    db.session.commit()
    assert (more.amends_id, more.number) == (addendum.id, f"{order.number}/ADD-2")
    assert stock_of(world.nasi) == 350
    db.session.execute(update(Variant).where(Variant.id == world.nasi.id).values(stock=10))
    db.session.commit()
    error = refused(ValidationError, purchasing.amend, order, world.ppk, quantities={line.id: 2001}, reason="Banyak")
    assert "melebihi batas" in error.message
    error = refused(Conflict, purchasing.amend, order, world.ppk, quantities={line.id: 200}, reason="Tambah lagi")
    assert "tinggal 10 kotak" in error.message


def test_an_addendum_moves_one_store_s_delivery_date_alone(world):
    world.fill_meeting_cart()
    orders = orders_of(submit(world))
    order, snack = orders["Katering Bu Sri"], orders["Kue Bu Tini"]
    approved(world, order)
    requested = db.session.get(GovPurchase, order.purchase_id).delivery_date
    refused(ValidationError, purchasing.amend, order, world.ppk, delivery_date=delivery_day(-1), reason="Mundur")
    addendum = purchasing.amend(order, world.ppk, delivery_date=delivery_day(7), reason="Rapat diundur")
    db.session.commit()
    assert order.delivery_date == delivery_day(7) and addendum.kind == "sp_addendum"
    # each Surat Pesanan is its own contract: the other store and the request keep their date
    assert snack.delivery_date == requested == db.session.get(GovPurchase, order.purchase_id).delivery_date
    assert stock_of(world.nasi) == 380


def test_every_step_has_an_audit_sentence():
    assert {f"gov.{name}" for name in machine.ACTIONS} | {"gov.submit"} <= set(audit_text.SENTENCES)
    assert "gov_order" in audit_text.NOUNS
