"""Property test: random sequences of checkouts, payments, cancellations, refunds, expiries and
payouts, on the real database, with the money and stock invariants checked after every step.

Invariants (scoped to the stores, variants and payments each example creates):
- money in = money to stores + commission + refunds + money held for open paid orders:
  Σ captured = (Σ store balances − COD cash the sellers hold + Σ payouts) + commission kept
  + Σ refunded + escrow (open paid orders less what was refunded of them); the premiums and
  partial refunds are in tests/integration/test_ledger_properties.py
- a store's balance is the sum of its ledger rows; a payout never exceeds it (a refund after a
  payout may leave the store owing: a negative balance, offset by its next sales);
- stock sold + stock left = stock listed (an order holds its stock unless cancelled; stock
  another buyer took outside these orders is counted as sold);
- every order's history is a chain of moves of lifecycle.MOVES (no state reached illegally),
  or the one late-payment move (cancelled → paid) with its history line;
- a payment paid in full after some of its orders were cancelled (a late payment) leaves each
  such order revived or refunded in full; refunds owed to a bank account never exceed what
  the payments refunded;
- every payment: captured + voided ≤ amount, refunded ≤ captured.

Runs ``max_examples=40`` examples of up to ``stateful_step_count=20`` steps.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta

import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import func, select

from marketplace import site_settings
from marketplace.cart import services as carts
from marketplace.catalog import stock
from marketplace.catalog.models import Variant
from marketplace.clock import now
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerEntry
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import LATE_PAYMENT_MOVE, LATE_PAYMENT_NOTE, MOVES, transition
from marketplace.orders.models import Order, OrderEvent, OrderLine, OrderRefund
from marketplace.orders.refunds import LATE_PAYMENT_SOURCE
from marketplace.payments.bank_refund_models import BankRefund
from marketplace.payments.models import Payment
from tests.buying_factories import SHIPPING, cod_app, gen_listing, gen_shopper, prepaid  # noqa: F401
from tests.factories import gen_store, gen_user

MAX_EXAMPLES = 40
STEPS = 20
PRICES = (12345, 25000, 99999)
SEQ = itertools.count(1)
SEEN: Counter = Counter()
NEXT = {"paid": "processing", "processing": "shipped", "shipped": "completed", "completed": "refunded"}
ESCROW_STATUSES = ("paid", "processing", "shipped")


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        n = next(SEQ)
        self.shoppers = [gen_shopper(f"p{n}s{i}@test.id") for i in range(2)]
        self.sellers = [gen_user(f"p{n}k{i}@test.id", role="seller") for i in range(2)]
        self.stores = [gen_store(owner=seller, name=f"Toko P{n}-{i}") for i, seller in enumerate(self.sellers)]
        self.admin = gen_user(f"p{n}a@test.id", role="admin")
        self.variants = [
            gen_listing(price=price, stock=5, store=self.stores[i % 2], name=f"Barang {n}-{i}")
            for i, price in enumerate(PRICES)
        ]
        self.listed = {v.id: 5 for v in self.variants}
        self.taken: Counter = Counter()  # stock other buyers took, outside these orders
        self.store_ids = [s.id for s in self.stores]
        self.order_ids: list[int] = []
        self.payment_ids: list[int] = []

    def _commit_or_undo(self, fn, *args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            db.session.commit()
            return result
        except ServiceError:
            db.session.rollback()
            return None

    def _order(self, i: int) -> Order:
        db.session.expire_all()
        return db.session.get(Order, self.order_ids[i % len(self.order_ids)])

    # --- the agency ---------------------------------------------------------------------
    @rule(bps=st.sampled_from([0, 1, 250, 333, 1000, 10000]))
    def set_commission(self, bps):
        site_settings.set_value(None, site_settings.COMMISSION_KEY, str(bps))
        db.session.commit()

    # --- shoppers -----------------------------------------------------------------------
    @rule(
        who=st.integers(0, 1),
        method=st.sampled_from(["fake_transfer", "cash_on_delivery"]),
        picks=st.lists(
            st.tuples(st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=3, unique_by=lambda t: t[0]
        ),
    )
    def checkout(self, who, method, picks):
        from marketplace.checkout import services as checkout

        user = self.shoppers[who]
        cart = carts.get_or_create_cart(user)
        carts.clear(cart)
        try:
            for index, quantity in picks:
                carts.add_item(cart, self.variants[index].id, quantity)
            db.session.commit()
        except ServiceError:
            db.session.rollback()
            return
        result = self._commit_or_undo(checkout.place_orders, user, payment_method=method, shipping=SHIPPING)
        SEEN.update([f"checkout {'done' if result is not None else 'refused'}"])
        if result is not None:
            self.order_ids += [o.id for o in result.orders]
            self.payment_ids.append(result.payment.id)

    @precondition(lambda self: self.payment_ids)
    @rule(i=st.integers(0, 10**6), wrong=st.booleans())
    def provider_confirms(self, i, wrong):
        payment = db.session.get(Payment, self.payment_ids[i % len(self.payment_ids)])
        db.session.refresh(payment)
        if payment.method != "fake_transfer":
            return
        before = (payment.captured_amount, payment.status)
        amount = payment.amount_due + (1 if wrong else 0)
        self._commit_or_undo(orders.apply_payment, payment.id, amount, "IDR", f"ref-{payment.id}")
        if wrong:
            db.session.refresh(payment)
            assert (payment.captured_amount, payment.status) == before  # a mismatch changes nothing

    @precondition(lambda self: self.payment_ids)
    @rule(i=st.integers(0, 10**6))
    def provider_confirms_late(self, i):
        """The provider was asked for the whole amount and it all arrives, whatever was cancelled
        or expired meanwhile: each cancelled order is revived or refunded in full."""
        db.session.expire_all()
        unpaid = db.session.scalars(
            select(Payment)
            .where(Payment.id.in_(self.payment_ids), Payment.method == "fake_transfer", Payment.captured_amount == 0)
            .order_by(Payment.voided_amount == 0, Payment.id)  # those with a cancelled share first
        ).all()
        if not unpaid:
            return
        payment = unpaid[i % 2 if len(unpaid) > 1 else 0]
        late = payment.voided_amount
        done = self._commit_or_undo(
            orders.apply_payment, payment.id, payment.amount_due + late, "IDR", f"ref-{payment.id}"
        )
        SEEN.update(
            [f"late payment {'with a late share' if late else 'in time'}: {'done' if done is not None else 'refused'}"]
        )
        if done is None:
            return
        db.session.expire_all()
        for order in db.session.scalars(select(Order).where(Order.payment_id == payment.id)):
            assert order.status != "pending_payment"
            if order.status == "cancelled" and order.paid_at is None:
                refunded = db.session.scalar(
                    select(OrderRefund.amount).where(
                        OrderRefund.order_id == order.id, OrderRefund.source == LATE_PAYMENT_SOURCE
                    )
                )
                assert refunded == order.total, (order.number, refunded)
                SEEN.update(["late payment: order refunded"])
            elif (
                order.status == "paid"
                and LATE_PAYMENT_NOTE
                in db.session.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id)).all()
            ):
                SEEN.update(["late payment: order revived"])

    @rule(index=st.integers(0, 2), quantity=st.integers(1, 5))
    def another_buyer_takes_stock(self, index, quantity):
        variant_id = self.variants[index].id
        if stock.reserve(variant_id, quantity):
            self.taken[variant_id] += quantity
        db.session.commit()

    @precondition(lambda self: self.order_ids)
    @rule(
        i=st.integers(0, 10**6),
        to=st.sampled_from(["processing", "shipped", "completed", "cancelled", "refunded", "paid"]),
        actor=st.sampled_from(["shopper", "seller", "admin", "system"]),
    )
    def move(self, i, to, actor):
        """Any move by anyone: the legal ones happen, the others change nothing."""
        order = self._order(i)
        who = {
            "shopper": next((s for s in self.shoppers if s.id == order.user_id), None),
            "seller": self.sellers[self.store_ids.index(order.store_id)],
            "admin": self.admin,
            "system": None,
        }[actor]
        before = order.status
        done = self._commit_or_undo(transition, order, to, who, reason="uji", courier="JNE", tracking_number="JP123")
        order = self._order(i)
        assert order.status == (to if done is not None else before)
        SEEN.update([f"move {before}->{to}: {'done' if done is not None else 'refused'}"])

    @precondition(lambda self: self.order_ids)
    @rule(i=st.integers(0, 10**6))
    def order_goes_its_way(self, i):
        """The next step of the usual journey, by the one who takes it (refund: by the admin)."""
        order = self._order(i)
        if order.status == "pending_payment" and not order.pay_on_delivery:
            payment = db.session.get(Payment, order.payment_id)
            db.session.refresh(payment)
            self._commit_or_undo(orders.apply_payment, payment.id, payment.amount_due, "IDR", f"ref-{payment.id}")
            SEEN.update(["journey ->paid"])
            return
        to = "processing" if order.status == "pending_payment" else NEXT.get(order.status)
        if to is None:
            return
        who = {
            "processing": self.sellers[self.store_ids.index(order.store_id)],
            "shipped": self.sellers[self.store_ids.index(order.store_id)],
            "completed": next(s for s in self.shoppers if s.id == order.user_id),
            "refunded": self.admin,
        }[to]
        done = self._commit_or_undo(transition, order, to, who, courier="JNE", tracking_number="JP123", reason="uji")
        assert done is not None, (order.status, to)
        SEEN.update([f"journey ->{to}"])

    @precondition(lambda self: self.order_ids)
    @rule(minutes=st.sampled_from([10, 31, 60 * 25]))
    def time_passes_and_expiry_runs(self, minutes):
        with time_machine.travel(now() + timedelta(minutes=minutes), tick=False):
            orders.expire_due(store_ids=self.store_ids)
            db.session.commit()

    @precondition(lambda self: any(ledger.balance(s) > 0 for s in self.store_ids))
    @rule(store=st.integers(0, 1), share=st.sampled_from([0.0, 0.3, 1.0, 1.5]))
    def finance_pays_out(self, store, share):
        store_obj = self.stores[store]
        amount = int(ledger.balance(store_obj.id) * share)
        before = ledger.balance(store_obj.id)
        done = self._commit_or_undo(ledger.record_payout, self.admin, store_obj, amount, f"BRI-{next(SEQ)}", None)
        after = ledger.balance(store_obj.id)
        assert after == (before - amount if done is not None else before)
        assert done is None or after >= 0  # a payout never takes more than the balance
        SEEN.update([f"payout {'done' if done is not None else 'refused'}"])

    # --- invariants ---------------------------------------------------------------------
    @invariant()
    def money_adds_up(self):
        db.session.rollback()
        pays = db.session.execute(
            select(
                func.coalesce(func.sum(Payment.captured_amount), 0), func.coalesce(func.sum(Payment.refunded_amount), 0)
            ).where(Payment.id.in_(self.payment_ids or [-1]))
        ).one()
        captured, refunded = int(pays[0]), int(pays[1])
        kinds = dict(
            db.session.execute(
                select(LedgerEntry.kind, func.sum(LedgerEntry.amount))
                .where(LedgerEntry.store_id.in_(self.store_ids))
                .group_by(LedgerEntry.kind)
            ).all()
        )
        kinds = {k: int(v) for k, v in kinds.items()}
        # cash collected on delivery is held by the sellers: out of the balances, still captured
        balances = sum(ledger.balance(s) for s in self.store_ids) - kinds.get("cod_cash", 0)
        payouts = -kinds.get("payout", 0)
        commission = -kinds.get("commission", 0)
        escrow = int(
            db.session.scalar(
                select(func.coalesce(func.sum(Order.total), 0)).where(
                    Order.id.in_(self.order_ids or [-1]),
                    Order.paid_at.is_not(None),
                    Order.status.in_(ESCROW_STATUSES),
                )
            )
        ) - int(  # less what was refunded of open orders (partial refunds: test_ledger_properties.py)
            db.session.scalar(
                select(func.coalesce(func.sum(OrderRefund.amount), 0))
                .join(Order, Order.id == OrderRefund.order_id)
                .where(Order.id.in_(self.order_ids or [-1]), Order.status.in_(ESCROW_STATUSES))
            )
        )
        assert captured == balances + payouts + commission + refunded + escrow
        assert commission >= 0
        for store_id in self.store_ids:
            # (a refund after a payout may leave a store owing: a negative balance is allowed)
            assert ledger.summary(store_id, with_entries=False).balance == ledger.balance(store_id)

    @invariant()
    def stock_adds_up(self):
        left = dict(db.session.execute(select(Variant.id, Variant.stock).where(Variant.id.in_(self.listed))).all())
        held = dict(
            db.session.execute(
                select(OrderLine.variant_id, func.sum(OrderLine.quantity))
                .join(Order, Order.id == OrderLine.order_id)
                .where(OrderLine.variant_id.in_(self.listed), Order.status != "cancelled")
                .group_by(OrderLine.variant_id)
            ).all()
        )
        for variant_id, listed in self.listed.items():
            assert left[variant_id] + int(held.get(variant_id, 0)) + self.taken[variant_id] == listed

    @invariant()
    def every_state_was_reached_legally(self):
        for from_status, to_status, note in db.session.execute(
            select(OrderEvent.from_status, OrderEvent.to_status, OrderEvent.note).where(
                OrderEvent.order_id.in_(self.order_ids or [-1])
            )
        ):
            # a status that stays (from == to) is a note in the history: a courier's delivery report
            placed = from_status is None and to_status == "pending_payment"
            late = (from_status, to_status) == LATE_PAYMENT_MOVE and note == LATE_PAYMENT_NOTE
            assert placed or late or from_status == to_status or (from_status, to_status) in MOVES

    @invariant()
    def payments_stay_within_their_amount(self):
        for p in db.session.scalars(select(Payment).where(Payment.id.in_(self.payment_ids or [-1]))):
            assert p.captured_amount + p.voided_amount <= p.amount and p.refunded_amount <= p.captured_amount
            owed = db.session.scalar(
                select(func.coalesce(func.sum(BankRefund.amount), 0)).where(
                    BankRefund.payment_id == p.id, BankRefund.key.like("refund:%")
                )
            )
            assert int(owed or 0) <= p.refunded_amount


def test_money_and_stock_invariants_hold_for_any_sequence(prepaid):
    MoneyMachine.TestCase.settings = settings(
        max_examples=MAX_EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    SEEN.clear()
    MoneyMachine.TestCase().runTest()
    print("\nmoney property test, outcomes over", MAX_EXAMPLES, "examples:", dict(sorted(SEEN.items())))
    # the outcomes vary from run to run (printed above with -s); a run that placed no order proved nothing
    paid = SEEN["journey ->paid"] + sum(
        n for k, n in SEEN.items() if k.startswith("late payment") and k.endswith("done")
    )
    assert SEEN["checkout done"] and paid, "no example bought and paid: the test proved little"
