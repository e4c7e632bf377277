"""The money of a government order (issue #21): the bendahara records the payment after the BAST
and the invoice, and the store is credited once in the ledger, less the government commission
snapshotted at approval; refused payments change nothing; stock and money add up for any
sequence of steps by anyone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace import site_settings
from marketplace.catalog.models import Variant
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, PermissionDenied, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.gov import delivery, purchasing
from marketplace.gov.machine import ConcurrentChange
from marketplace.gov.models import GovOrder, GovOrderLine
from marketplace.ledger import services as ledger
from marketplace.ledger.gov_postings import gov_net
from marketplace.ledger.models import MARKETPLACE, LedgerEntry
from tests.gov_orders_support import meeting_orders, state_of
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day, make_official

REFERENCE = "SP2D 00123/LS/2026"


@pytest.fixture
def world(app):
    return build_gov_world()


def today():
    return to_jakarta(now()).date()


def invoiced(order, seller, ppk):
    """Take an approved order through acceptance, pickup, the BAST and the invoice."""
    delivery.accept(order, seller)
    delivery.ship(order, seller, method="pickup")
    delivery.receive(order, ppk)
    delivery.issue_invoice(order, seller)
    db.session.commit()
    return order


def pay(order, actor, **changes):
    fields = dict(paid_on=today(), reference=REFERENCE, amount=order.total) | changes
    return delivery.record_payment(order, actor, **fields)


def rows_of(order) -> dict[str, tuple]:
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.key.like(f"gov-%:{order.id}")))
    return {e.key.rsplit(":", 1)[0]: (e.account, e.kind, e.amount, e.order_id, e.note) for e in entries}


@pytest.mark.parametrize(("percent", "nasi_net", "snack_net"), [("0", 3_000_000, 500_000), ("2,5", 2_925_000, 487_500)])
def test_the_meeting_is_paid_and_each_store_is_credited_its_total_less_the_commission(
    world, percent, nasi_net, snack_net
):
    site_settings.set_commission(None, percent, key=site_settings.GOV_COMMISSION_KEY)
    db.session.commit()
    orders = meeting_orders(world)
    catering = invoiced(orders.catering, world.catering_owner, world.ppk)
    bakery = invoiced(orders.bakery, world.bakery_owner, world.ppk)
    assert (catering.total, bakery.total) == (3_000_000, 500_000)
    for order in (catering, bakery):
        pay(order, world.bendahara, reference=" SP2D  00123/LS/2026 ")
        db.session.commit()
        assert order.status == "paid" and order.paid_at is not None and order.paid_by_id == world.bendahara.id
        assert (order.payment_date, order.payment_reference, order.payment_amount) == (today(), REFERENCE, order.total)
    assert ledger.balance(world.catering.id) == nasi_net == gov_net(catering)
    assert ledger.balance(world.bakery.id) == snack_net == gov_net(bakery)
    store = f"store:{world.catering.id}"
    expected = {"gov-sale": (store, "sale", 3_000_000, None, catering.number)}
    if nasi_net < 3_000_000:
        expected |= {
            "gov-commission": (store, "commission", -75_000, None, catering.number),
            "gov-commission-mp": (MARKETPLACE, "commission", 75_000, None, catering.number),
        }
    assert rows_of(catering) == expected


def test_the_issue_s_purchase_from_the_cart_to_the_credit(world):
    """Through the office's own steps: the pejabat pengadaan submits the cart, the PPK approves
    both orders, the sellers deliver, the PPK signs the BASTs and the bendahara pays."""
    site_settings.set_commission(None, "2,5", key=site_settings.GOV_COMMISSION_KEY)
    db.session.commit()
    world.fill_meeting_cart()
    purchase = purchasing.submit(world.pp, delivery_date=delivery_day(), **PURCHASE_FIELDS)
    db.session.commit()
    orders = {o.store_name: o for o in db.session.scalars(select(GovOrder).where(GovOrder.purchase_id == purchase.id))}
    sellers = {"Katering Bu Sri": world.catering_owner, "Kue Bu Tini": world.bakery_owner}
    for name, order in orders.items():
        purchasing.approve(order, world.ppk)
        db.session.commit()
        invoiced(order, sellers[name], world.ppk)
        pay(order, world.bendahara)
        db.session.commit()
    assert {name: order.status for name, order in orders.items()} == {"Katering Bu Sri": "paid", "Kue Bu Tini": "paid"}
    assert ledger.balance(world.catering.id) == 2_925_000 and ledger.balance(world.bakery.id) == 487_500
    marketplace = select(func.sum(LedgerEntry.amount)).where(LedgerEntry.account == MARKETPLACE)
    assert db.session.scalar(marketplace) == 75_000 + 12_500
    statement = ledger.summary(world.catering.id)  # the seller's ledger page and its payouts
    assert (statement.earnings, statement.commission, statement.balance) == (3_000_000, 75_000, 2_925_000)
    assert {e.note for e in statement.entries} == {orders["Katering Bu Sri"].number}
    assert db.session.scalar(select(Variant.stock).where(Variant.id == world.nasi.id)) == 380


def test_cancelling_returns_the_stock_once(world):
    order = meeting_orders(world).catering
    delivery.accept(order, world.catering_owner)
    db.session.commit()
    purchasing.cancel(order, world.ppk, "Rapat dibatalkan")
    db.session.commit()
    for step, args in ((purchasing.cancel, (world.ppk, "lagi")), (delivery.decline, (world.catering_owner, "lagi"))):
        with pytest.raises(Conflict):
            step(order, *args)
        db.session.rollback()
    assert db.session.scalar(select(Variant.stock).where(Variant.id == world.nasi.id)) == 500


def test_ongkir_is_credited_to_the_store_without_commission(world):
    site_settings.set_commission(None, "2,5", key=site_settings.GOV_COMMISSION_KEY)
    db.session.commit()
    order = invoiced(meeting_orders(world, shipping_cost=50_000).catering, world.catering_owner, world.ppk)
    pay(order, world.bendahara)
    db.session.commit()
    assert rows_of(order)["gov-shipping"][1:3] == ("shipping", 50_000)
    assert ledger.balance(world.catering.id) == 3_000_000 - 75_000 + 50_000


def test_every_refused_payment_changes_nothing(world):
    orders = meeting_orders(world)
    order = orders.catering
    other_bendahara = make_official(world.other_office, "bendahara", "bendahara@dinkes.test")

    def refused(error, actor, **changes):
        before = state_of(order)
        with pytest.raises(error) as caught:
            pay(order, actor, **changes)
        assert state_of(order) == before
        db.session.rollback()
        return caught.value

    delivery.accept(order, world.catering_owner)
    delivery.ship(order, world.catering_owner, method="pickup")
    db.session.commit()
    refused(Conflict, world.bendahara)  # before the BAST
    delivery.receive(order, world.ppk)
    db.session.commit()
    refused(Conflict, world.bendahara)  # the BAST, but no invoice yet
    delivery.issue_invoice(order, world.catering_owner)
    db.session.commit()

    error = refused(ValidationError, world.bendahara, amount=order.total - 1)
    assert "Rp 3.000.000" in error.fields["amount"]
    refused(ValidationError, world.bendahara, amount=str(order.total))
    refused(ValidationError, world.bendahara, paid_on=today() + timedelta(days=1))
    error = refused(ValidationError, world.bendahara, paid_on=today() - timedelta(days=1))  # before the BAST
    assert "paid_on" in error.fields
    for reference in ("", "AB", "x" * 81, "SP2D\x00123"):
        assert "reference" in refused(ValidationError, world.bendahara, reference=reference).fields
    for stranger in (other_bendahara, world.pp, world.ppk, world.catering_owner, world.bakery_owner):
        refused(PermissionDenied, stranger)
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    pay(order, world.bendahara)
    db.session.commit()
    assert ledger.balance(world.catering.id) == 3_000_000


def test_paying_twice_credits_once(app, world):
    orders = meeting_orders(world)
    order = invoiced(orders.catering, world.catering_owner, world.ppk)
    order_id = order.id
    stale = db.session.get(GovOrder, order_id)
    assert stale.status == "invoiced"
    with app.app_context():  # another request pays first
        fresh = db.session.get(GovOrder, order_id)
        pay(fresh, db.session.merge(world.bendahara))
        db.session.commit()
    with pytest.raises(ConcurrentChange):
        pay(stale, world.bendahara)  # our copy still says "invoiced"
    db.session.rollback()
    with pytest.raises(Conflict):
        pay(db.session.get(GovOrder, order_id), world.bendahara)  # sequentially: already paid
    db.session.rollback()
    assert ledger.balance(world.catering.id) == 3_000_000
    assert len(rows_of(order)) == 1


# --- any sequence of steps by anyone ------------------------------------------------------

# "owner": the seller of the order's own store; every other name is the same person whatever the order
ACTORS = ("owner", "catering_owner", "bakery_owner", "ppk", "pp", "bendahara", "other_ppk")
RIGHTFUL = {
    "cancel": "ppk",
    "receive": "ppk",
    "receive_short": "ppk",
    "receive_short_unnoted": "ppk",
    "pay": "bendahara",
}
STEPS = (
    "accept",
    "decline",
    "ship",
    "ship_courier",
    "receive",
    "receive_short",
    "receive_short_unnoted",
    "invoice",
    "pay",
    "pay_wrong",
    "cancel",
)
# the step that moves an order on from its status, so that random sequences also reach the end
NEXT = {"approved": "accept", "accepted": "ship", "shipped": "receive", "shortfall": "ship", "received": "invoice"}
NEXT["invoiced"] = "pay"
CLOSED = ("declined", "cancelled", "rejected", "withdrawn")


def take(world, order, step: str, actor) -> None:
    line_id = db.session.scalar(select(GovOrderLine.id).where(GovOrderLine.order_id == order.id))
    if step == "accept":
        delivery.accept(order, actor)
    elif step == "decline":
        delivery.decline(order, actor, "Bahan habis")
    elif step == "ship":
        delivery.ship(order, actor, method="pickup")
    elif step == "ship_courier":
        delivery.ship(order, actor, method="courier", courier="kilat", tracking_number="X1")
    elif step == "receive":
        delivery.receive(order, actor)
    elif step == "receive_short":
        delivery.receive(order, actor, received={line_id: 1}, note="kurang")
    elif step == "receive_short_unnoted":
        delivery.receive(order, actor, received={line_id: 0})
    elif step == "cancel":
        purchasing.cancel(order, actor, "Rapat dibatalkan")
    elif step == "invoice":
        delivery.issue_invoice(order, actor)
    else:
        pay(order, actor, amount=order.total + (1 if step == "pay_wrong" else 0))


def check_invariants(world, initial: dict[int, int]) -> None:
    for variant, stock_at_start in initial.items():
        shelf = db.session.scalar(select(Variant.stock).where(Variant.id == variant))
        held = db.session.scalar(
            select(func.coalesce(func.sum(GovOrderLine.quantity), 0))
            .join(GovOrder, GovOrder.id == GovOrderLine.order_id)
            .where(GovOrderLine.variant_id == variant, GovOrder.status.not_in(CLOSED))
        )
        assert shelf + held == stock_at_start
    for store in (world.catering, world.bakery):
        paid = db.session.scalars(select(GovOrder).where(GovOrder.store_id == store.id, GovOrder.status == "paid"))
        assert ledger.balance(store.id) == sum(gov_net(order) for order in paid)
    keys = db.session.scalar(select(func.count(LedgerEntry.key) - func.count(func.distinct(LedgerEntry.key))))
    assert keys == 0


def test_stock_and_money_add_up_for_any_sequence_of_steps_by_anyone(world):
    site_settings.set_commission(None, "2,5", key=site_settings.GOV_COMMISSION_KEY)
    db.session.commit()
    initial = {world.nasi.id: 500, world.snack.id: 300}
    seen: set[str] = set()

    @settings(max_examples=6, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(("catering", "bakery")),
                st.sampled_from(("next",) * 6 + STEPS),
                st.one_of(st.none(), st.sampled_from(ACTORS)),  # None: whoever may take the step
            ),
            min_size=1,
            max_size=12,
        )
    )
    @example(
        [("bakery", "decline", "catering_owner"), ("bakery", "decline", None)]
        + [("catering", "next", None)] * 2
        + [("catering", "receive_short", None), ("catering", "pay", None)]
        + [("catering", "next", None)] * 5
        + [("catering", "pay", "ppk"), ("catering", "next", None), ("catering", "pay", None)]
    )
    def run(steps):
        orders = meeting_orders(world, nasi=20, snack=10)
        for which, step, actor_name in steps:
            order = getattr(orders, which)
            if step == "next":
                step, actor_name = NEXT.get(order.status, "accept"), None
            actor_name = actor_name or RIGHTFUL.get(step, "owner")
            if actor_name == "owner":
                actor_name = f"{which}_owner"
            try:
                take(world, order, step, getattr(world, actor_name))
                db.session.commit()
                seen.add(f"{step}->{order.status}")
            except ServiceError:
                db.session.rollback()
            check_invariants(world, initial)

    run()
    print("\ngovernment order steps taken:", sorted(seen))
    assert {"decline->declined", "receive_short->shortfall", "pay->paid"} <= seen, sorted(seen)
