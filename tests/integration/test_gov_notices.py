"""Each step of a government order tells whoever acts next by e-mail (marketplace/gov/notices.py),
in the outbox of the step's own transaction: never the one who took it, nobody for a refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.gov import delivery, limits, negotiation, purchasing
from marketplace.gov.models import GovOrder
from marketplace.jobs.models import OutboxMessage
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day


@pytest.fixture
def world(app):
    return build_gov_world()


class Outbox:
    """The mails written since the last look: (recipient, subject), oldest first."""

    def __init__(self) -> None:
        self.seen = 0

    def new(self) -> list[tuple[str, str]]:
        rows = db.session.execute(
            select(OutboxMessage.id, OutboxMessage.to, OutboxMessage.subject)
            .where(OutboxMessage.id > self.seen)
            .order_by(OutboxMessage.id)
        ).all()
        self.seen = max([self.seen, *(row[0] for row in rows)])
        return [(to, subject) for _id, to, subject in rows]


def test_each_step_tells_who_acts_next_and_never_the_actor(world):
    outbox = Outbox()
    world.fill_meeting_cart()
    outbox.new()  # what building the world wrote
    purchase = purchasing.submit(world.pp, delivery_date=delivery_day(), **PURCHASE_FIELDS)
    db.session.commit()
    # the PPK hears of each store's order; the pejabat pengadaan, who submitted, hears nothing
    assert [to for to, _s in outbox.new()] == ["ppk@setda.test", "ppk@setda.test"]
    order = db.session.scalars(
        select(GovOrder).where(GovOrder.purchase_id == purchase.id, GovOrder.store_id == world.catering.id)
    ).one()

    negotiation.quote(order, world.catering_owner, lead_days=2, note="Bisa lebih cepat bila dipesan pagi")
    db.session.commit()
    assert [to for to, _s in outbox.new()] == ["pp@setda.test"]
    negotiation.accept_quote(order, world.pp)
    db.session.commit()
    assert [to for to, _s in outbox.new()] == ["ppk@setda.test"]

    with pytest.raises(PermissionDenied):
        purchasing.approve(order, world.other_ppk)
    db.session.rollback()
    assert outbox.new() == []  # a refused step tells nobody

    purchasing.approve(order, world.ppk)
    db.session.commit()
    ((to, subject),) = outbox.new()
    assert to == world.catering_owner.email and order.number in subject
    delivery.accept(order, world.catering_owner)
    db.session.commit()
    assert sorted(to for to, _s in outbox.new()) == ["pp@setda.test", "ppk@setda.test"]
    delivery.ship(order, world.catering_owner, method=_a_method(order))
    db.session.commit()
    assert [to for to, _s in outbox.new()] == ["ppk@setda.test"]
    delivery.receive(order, world.ppk)
    db.session.commit()
    assert [to for to, _s in outbox.new()] == [world.catering_owner.email]
    delivery.issue_invoice(order, world.catering_owner)
    db.session.commit()
    assert [to for to, _s in outbox.new()] == ["bendahara@setda.test"]
    delivery.record_payment(
        order, world.bendahara, paid_on=limits.today(), reference="SP2D-0012/2026", amount=order.total
    )
    db.session.commit()
    assert [to for to, _s in outbox.new()] == [world.catering_owner.email]


def _a_method(order) -> str:
    methods = delivery.offered_methods(order)
    return "local" if methods["local"] else "pickup"
