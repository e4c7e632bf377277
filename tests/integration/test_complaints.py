"""Complaints (komplain), the rules: who opens one and when, the seller's answers, the
shopper's reply, the agency's decision, the return, the refund, the clock's deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.complaints import services as complaints
from marketplace.complaints import steps
from marketplace.complaints.models import Complaint
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.orders import clock
from marketplace.orders import services as orders
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.complaints_support import fresh, line_ids, open_on, payment_of, reload, shipped_order
from tests.complaints_support import people as people

DAY = timedelta(days=1)


def _audits(complaint) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditLog.action).where(AuditLog.object_type == "complaint", AuditLog.object_id == str(complaint.id))
        )
    )


# --- opening --------------------------------------------------------------------------------------


def test_the_shopper_opens_a_complaint_on_chosen_lines_and_the_seller_is_told(people, prepaid, outbox):
    order = shipped_order(people)
    outbox.clear()
    ids = line_ids(order)
    complaint = open_on(people, order, {ids[0]: 2, ids[1]: 1}, reason="tidak_sesuai")
    complaint = fresh(complaint)
    assert complaint.status == "awaiting_seller"
    assert [(line.quantity, line.amount) for line in complaint.lines] == [(2, 100_000), (1, 30_000)]
    assert complaint.due_at is not None and complaint.due_at - now() > timedelta(days=1, hours=23)
    assert [e.action for e in complaint.events] == ["opened"]
    assert _audits(complaint) == ["complaint.opened"]
    assert [str(m["To"]) for m in outbox] == ["darto@test.id"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"reason": "bosan", "description": "Kainnya sobek di bagian tepi."}, "reason"),
        ({"reason": "kurang", "description": "pendek"}, "description"),
        ({"reason": "kurang", "description": "Kainnya sobek di bagian tepi.", "lines": {}}, "lines"),
        ({"reason": "kurang", "description": "Kainnya sobek di bagian tepi.", "lines": {999999: 1}}, "lines"),
        ({"reason": "kurang", "description": "Kainnya sobek di bagian tepi.", "lines": "semua"}, "lines"),
    ],
)
def test_bad_fields_are_refused_naming_the_field_and_nothing_is_written(people, prepaid, data, field):
    order = shipped_order(people)
    with pytest.raises(ValidationError) as caught:
        complaints.open_complaint(people.shopper, reload(order), data)
    db.session.rollback()
    assert field in caught.value.fields
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_more_units_than_were_bought_are_refused(people, prepaid):
    order = shipped_order(people)
    ids = line_ids(order)
    data = {"reason": "kurang", "description": "Kainnya sobek di bagian tepi.", "lines": {ids[1]: 2}}
    with pytest.raises(ValidationError) as caught:
        complaints.open_complaint(people.shopper, reload(order), data)
    assert "lines" in caught.value.fields


def test_an_order_not_shipped_yet_cannot_get_a_complaint(people, prepaid):
    order = shipped_order(people)
    order = reload(order)
    order.status = "processing"  # as it was before shipping
    with pytest.raises(Conflict):
        open_on(people, order)


def test_one_open_complaint_per_order(people, prepaid):
    order = shipped_order(people)
    open_on(people, order)
    with pytest.raises(complaints.ComplaintOpen):
        open_on(people, order)


def test_too_late_once_complaint_days_after_completion_due_have_passed(people, prepaid):
    order = shipped_order(people)
    # completion due: 7 days after shipping; the window closes 3 days after that
    with time_machine.travel(now() + 9 * DAY, tick=False):
        assert complaints.refusal(reload(order)) is None
    with time_machine.travel(now() + 10 * DAY + timedelta(minutes=1), tick=False), pytest.raises(Conflict):
        open_on(people, order)


def test_another_shopper_cannot_find_the_order(people, prepaid):
    order = shipped_order(people)
    with pytest.raises(NotFound):
        orders.get_for_shopper(people.other, order.number)


# --- the seller's answer -----------------------------------------------------------------------------


def test_a_full_refund_refunds_the_claimed_lines_completes_the_order_first_and_mails(people, prepaid, outbox):
    order = shipped_order(people)
    complaint = open_on(people, order)
    outbox.clear()
    steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full"})
    db.session.commit()
    complaint = fresh(complaint)
    assert (complaint.status, complaint.refunded_amount, complaint.open_order_id) == ("resolved", 50_000, None)
    assert reload(order).status == "completed"  # credited, then debited by the refund
    assert payment_of(order).refunded_amount == 50_000
    assert prepaid.method.refunds == [(order.payment_id, 50_000)]
    assert [e.action for e in complaint.events] == ["opened", "offer_full", "refunded"]
    assert "siti@test.id" in [str(m["To"]) for m in outbox]


def test_a_partial_offer_waits_for_the_shopper_who_accepts_it(people, prepaid):
    order = shipped_order(people)
    ids = line_ids(order)
    complaint = open_on(people, order, {ids[0]: 2, ids[1]: 1})
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "partial", "amount": "40.000"}
    )
    db.session.commit()
    assert fresh(complaint).status == "awaiting_shopper" and payment_of(order).refunded_amount == 0
    steps.accept(people.shopper, complaints.for_shopper(people.shopper, complaint.id))
    db.session.commit()
    complaint = fresh(complaint)
    assert (complaint.status, complaint.refunded_amount) == ("resolved", 40_000)
    # shared in proportion to the claims (100.000 and 30.000), the odd rupiah to the first line
    assert sorted(line.refund_amount for line in complaint.lines) == [9_230, 30_770]
    assert payment_of(order).refunded_amount == 40_000


@pytest.mark.parametrize(
    "data, field",
    [
        ({"decision": "partial", "amount": "50001"}, "amount"),
        ({"decision": "partial", "amount": "0"}, "amount"),
        ({"decision": "partial", "amount": "lima"}, "amount"),
        ({"decision": "partial"}, "amount"),
        ({"decision": "disagree", "note": "tidak"}, "note"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_bad_answers_are_refused(people, prepaid, data, field):
    order = shipped_order(people)
    complaint = open_on(people, order)
    with pytest.raises(ValidationError) as caught:
        steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), data)
    db.session.rollback()
    assert field in caught.value.fields and fresh(complaint).status == "awaiting_seller"


def test_the_seller_answers_once_and_not_after_the_deadline(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    with time_machine.travel(now() + 2 * DAY + timedelta(minutes=1), tick=False), pytest.raises(Conflict):
        steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full"})
    db.session.rollback()
    steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full"})
    db.session.commit()
    with pytest.raises(Conflict):
        steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full"})
    assert payment_of(order).refunded_amount == 50_000


def test_another_store_and_the_shopper_cannot_answer(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    for who in (people.rival, people.shopper):
        with pytest.raises(NotFound):
            complaints.for_seller(who, complaint.id)


def test_disagreement_goes_to_the_agency_which_rejects_it(people, prepaid, outbox):
    order = shipped_order(people)
    complaint = open_on(people, order)
    note = {"decision": "disagree", "note": "Barang dikemas rapi, ada video pengemasan."}
    steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), note)
    db.session.commit()
    assert fresh(complaint).status == "escalated"
    with pytest.raises(PermissionDenied):
        complaints.for_agency(people.seller, complaint.id)
    with pytest.raises(ValidationError):
        steps.decide(people.officer, complaints.for_agency(people.officer, complaint.id), {"decision": "reject"})
    db.session.rollback()
    steps.decide(
        people.officer,
        complaints.for_agency(people.officer, complaint.id),
        {"decision": "reject", "note": "Bukti foto tidak menunjukkan kerusakan."},
    )
    db.session.commit()
    complaint = fresh(complaint)
    assert (complaint.status, complaint.refunded_amount, complaint.open_order_id) == ("rejected", 0, None)
    assert payment_of(order).refunded_amount == 0
    assert "complaint.decided_reject" in _audits(complaint)
    with pytest.raises(Conflict):  # decided once
        steps.decide(people.officer, complaints.for_agency(people.officer, complaint.id), {"decision": "refund"})


def test_the_shopper_escalates_a_partial_offer_and_the_agency_refunds_an_amount(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "partial", "amount": 10_000}
    )
    db.session.commit()
    steps.escalate(people.shopper, complaints.for_shopper(people.shopper, complaint.id), {"note": "Terlalu kecil"})
    db.session.commit()
    with pytest.raises(ValidationError):
        steps.decide(
            people.officer,
            complaints.for_agency(people.officer, complaint.id),
            {"decision": "refund", "amount": 60_000},
        )
    db.session.rollback()
    steps.decide(
        people.officer, complaints.for_agency(people.officer, complaint.id), {"decision": "refund", "amount": 35_000}
    )
    db.session.commit()
    assert fresh(complaint).refunded_amount == 35_000 and payment_of(order).refunded_amount == 35_000


def test_an_officer_of_the_store_may_not_decide(people, prepaid):
    from tests.factories import gen_staff

    order = shipped_order(people)
    complaint = open_on(people, order)
    steps.respond(
        people.seller,
        complaints.for_seller(people.seller, complaint.id),
        {"decision": "disagree", "note": "Barang sudah sesuai foto produk."},
    )
    db.session.commit()
    gen_staff(people.store, people.officer)
    with pytest.raises(PermissionDenied):
        steps.decide(people.officer, complaints.for_agency(people.officer, complaint.id), {"decision": "refund"})


# --- returns -------------------------------------------------------------------------------------------


def test_a_return_needs_tracking_before_the_refund_and_the_seller_confirms_receipt(people, prepaid):
    order = shipped_order(people, status="completed")
    complaint = open_on(people, order)
    steps.respond(
        people.seller,
        complaints.for_seller(people.seller, complaint.id),
        {"decision": "full", "return_needed": True},
    )
    db.session.commit()
    assert fresh(complaint).status == "awaiting_return" and payment_of(order).refunded_amount == 0
    with pytest.raises(ValidationError) as caught:
        steps.ship_return(people.shopper, complaints.for_shopper(people.shopper, complaint.id), {"courier": "JNE"})
    assert "tracking_number" in caught.value.fields
    db.session.rollback()
    with pytest.raises(Conflict):  # nothing on its way back yet
        steps.confirm_return(people.seller, complaints.for_seller(people.seller, complaint.id))
    db.session.rollback()
    steps.ship_return(
        people.shopper,
        complaints.for_shopper(people.shopper, complaint.id),
        {"courier": "JNE", "tracking_number": "RT0001"},
    )
    db.session.commit()
    assert fresh(complaint).status == "returning"
    steps.confirm_return(people.seller, complaints.for_seller(people.seller, complaint.id))
    db.session.commit()
    assert fresh(complaint).status == "resolved" and payment_of(order).refunded_amount == 50_000


# --- whole order, the clock -------------------------------------------------------------------------------


def test_every_line_fully_refunded_moves_the_order_to_refunded(people, prepaid):
    order = shipped_order(people)
    ids = line_ids(order)
    complaint = open_on(people, order, {ids[0]: 2, ids[1]: 1})
    steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full"})
    db.session.commit()
    assert reload(order).status == "refunded"
    assert payment_of(order).refunded_amount == reload(order).total


def test_an_open_complaint_holds_auto_completion(people, prepaid):
    order = shipped_order(people)
    open_on(people, order)
    with time_machine.travel(now() + 8 * DAY, tick=False):
        result = clock.tick()
    assert result["completed"].moved == 0 and reload(order).status == "shipped"


def test_seller_silence_escalates_and_shopper_silence_accepts(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    with time_machine.travel(now() + 2 * DAY + timedelta(minutes=1), tick=False):
        assert clock.tick()["complaint deadlines"].moved == 1
        assert clock.tick()["complaint deadlines"].moved == 0  # once
    assert fresh(complaint).status == "escalated"
    assert [e.role for e in fresh(complaint).events][-1] == "system"

    second = shipped_order(people)
    offered = open_on(people, second)
    steps.respond(
        people.seller, complaints.for_seller(people.seller, offered.id), {"decision": "partial", "amount": 20_000}
    )
    db.session.commit()
    with time_machine.travel(now() + 2 * DAY + timedelta(minutes=1), tick=False):
        clock.tick()
    assert fresh(offered).status == "resolved" and payment_of(second).refunded_amount == 20_000


def test_goods_never_sent_back_close_the_complaint_without_refund(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full", "return_needed": True}
    )
    db.session.commit()
    with time_machine.travel(now() + 2 * DAY + timedelta(minutes=1), tick=False):
        clock.tick()
    complaint = fresh(complaint)
    assert (complaint.status, complaint.open_order_id) == ("closed", None)
    assert payment_of(order).refunded_amount == 0


def test_a_return_the_seller_never_confirms_is_refunded_by_the_clock(people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "full", "return_needed": True}
    )
    db.session.commit()
    steps.ship_return(
        people.shopper,
        complaints.for_shopper(people.shopper, complaint.id),
        {"courier": "JNE", "tracking_number": "R1"},
    )
    db.session.commit()
    with time_machine.travel(now() + 7 * DAY + timedelta(minutes=1), tick=False):
        clock.tick()
    assert fresh(complaint).status == "resolved" and payment_of(order).refunded_amount == 50_000


# --- the ledger ------------------------------------------------------------------------------------------


def _store_rows(order) -> list[tuple[str, int]]:
    from marketplace.ledger.models import LedgerEntry

    return [
        (kind, amount)
        for kind, amount in db.session.execute(
            select(LedgerEntry.kind, LedgerEntry.amount)
            .where(LedgerEntry.order_id == order.id, LedgerEntry.account == f"store:{order.store_id}")
            .order_by(LedgerEntry.id)
        )
    ]


def test_a_shipped_order_is_completed_credited_then_debited_by_the_outcome(people, prepaid):
    from marketplace import site_settings

    site_settings.set_commission(None, "10")
    db.session.commit()
    order = shipped_order(people)  # goods 130.000, commission 10 %
    complaint = open_on(people, order)
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "partial", "amount": 20_000}
    )
    db.session.commit()
    steps.accept(people.shopper, complaints.for_shopper(people.shopper, complaint.id))
    db.session.commit()
    assert reload(order).status == "completed"
    assert _store_rows(order) == [
        ("sale", 130_000),
        ("commission", -13_000),
        ("refund", -20_000),
        ("commission", 2_000),
    ]
    # a repeat of the outcome moves no money: the refund's source is the complaint
    from marketplace.orders import refunds

    again = refunds.refund_order(
        reload(order), actor=None, amounts={line_ids(order)[0]: 1}, reason="x", source=f"complaint:{complaint.id}"
    )
    assert again.amount == 20_000 and payment_of(order).refunded_amount == 20_000


def test_each_party_is_mailed_in_their_own_language(people, prepaid, outbox):
    people.seller.locale = "en"
    db.session.commit()
    order = shipped_order(people)
    outbox.clear()
    complaint = open_on(people, order)
    (to_seller,) = outbox
    assert str(to_seller["To"]) == "darto@test.id"
    assert str(to_seller["Subject"]).startswith(f"Complaint #{complaint.id} on order {order.number}")
    outbox.clear()
    steps.respond(
        people.seller, complaints.for_seller(people.seller, complaint.id), {"decision": "partial", "amount": 5_000}
    )
    db.session.commit()
    (to_shopper,) = outbox
    assert str(to_shopper["To"]) == "siti@test.id" and "Tawaran penjual: Rp 5.000" in to_shopper.get_content()
