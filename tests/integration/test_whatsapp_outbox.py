"""End to end with the outbox: a shopper who opted in to WhatsApp checks out, the worker sends
the order_placed notice as the ``apik_order_placed`` template to the fake Cloud API and holds
the e-mail back; Meta's "delivered" report then drops the e-mail."""

from __future__ import annotations

from sqlalchemy import select

from marketplace import mail
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.whatsapp_support import fake_whatsapp as fake_whatsapp
from tests.whatsapp_support import post_event
from tests.whatsapp_support import whatsapp_app as whatsapp_app


# Needs the channels part's outbox change (channel rows sent through Channel.send): fails before the merge.
def test_an_opted_in_shopper_gets_the_order_placed_template_and_the_email_waits(whatsapp_app, fake_whatsapp):
    shopper = gen_shopper("siti@test.id")
    shopper.whatsapp, shopper.whatsapp_opt_in_at = "+6281234567890", now()
    db.session.commit()
    result = buy(shopper, (gen_listing(price=25000), 2))
    number = result.orders[0].number
    mail.send_due()

    placed = [r.body for r in fake_whatsapp.requests if r.body["template"]["name"] == "apik_order_placed"]
    assert len(placed) == 1
    body = placed[0]
    assert body["to"] == "6281234567890" and body["template"]["language"] == {"code": "id"}
    texts = [p["text"] for p in body["template"]["components"][0]["parameters"]]
    assert texts[:2] == ["Siti Aminah", number] and len(texts) == 3
    button = body["template"]["components"][1]["parameters"][0]["text"]
    assert number in button and not button.startswith("http")

    db.session.rollback()
    notice = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "whatsapp")).one()
    assert notice.status == "sent" and notice.provider_id in fake_whatsapp.messages
    email = db.session.scalars(select(OutboxMessage).where(OutboxMessage.fallback_for == notice.id)).one()
    assert email.status == "held" and email.to == "siti@test.id"

    event = fake_whatsapp.status_event(notice.provider_id, "delivered")
    assert post_event(whatsapp_app.test_client(), fake_whatsapp, event).status_code == 200
    db.session.rollback()
    assert db.session.get(OutboxMessage, email.id).status == "skipped"
