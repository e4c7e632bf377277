"""Notices by a channel besides e-mail (issue #22): an opted-in user's notice goes through the
outbox to the channel's plugin (tests/channel_plugin.py), its e-mail held back and sent only when
the channel fails (at once, after the last try, or when no delivery is reported in time)."""

from __future__ import annotations

import json
from datetime import timedelta

import time_machine
from sqlalchemy import select

from marketplace import channels, mail
from marketplace.clock import now
from marketplace.complaints import services as complaints
from marketplace.complaints import steps
from marketplace.extensions import db
from marketplace.jobs.models import OutboxMessage
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.channel_plugin import CHANNEL_ID, NUMBER, opt_in, permanent, temporary
from tests.channel_plugin import channel_plugin as channel_plugin
from tests.complaints_support import open_on, shipped_order
from tests.complaints_support import people as people
from tests.factories import gen_store, gen_user


def _rows(**where) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def _checkout(shopper):
    return buy(shopper, (gen_listing(price=62_500), 2))


def test_an_opted_in_shopper_gets_the_notice_by_the_channel_and_the_email_is_held(channel_plugin, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    order = _checkout(shopper).orders[0]
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.to, notice.kind) == ("sent", NUMBER, "notice:order_placed")
    assert notice.delivery_status == "sent"
    assert notice.provider_id == "fake-1" and notice.subject == f"Pesanan diterima {order.number}"
    body = json.loads(notice.body)
    assert body == {
        "notice": "order_placed",
        "locale": "id",
        "params": {
            "name": "Siti Aminah",
            "number": order.number,
            "total": "Rp 125.000",
            "url": f"http://localhost/orders/{order.number}",
        },
    }
    [(to, sent)] = channel_plugin.channel.sent
    assert (to, sent.notice, sent.params["number"]) == (NUMBER, "order_placed", order.number)
    [held] = _rows(fallback_for=notice.id)
    assert (held.status, held.to, held.channel) == ("held", "siti@test.id", "email")
    assert "siti@test.id" not in [m["To"] for m in outbox]  # the seller's mail went, the shopper's waits
    assert len(outbox) == 1

    assert channels.record_status(CHANNEL_ID, "fake-1", "delivered")
    db.session.commit()
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["skipped"]
    assert mail.send_due() == 0 and len(outbox) == 1


def test_a_permanent_error_fails_the_notice_and_the_email_goes(channel_plugin, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    channel_plugin.channel.failures.append(permanent())
    _checkout(shopper)
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.delivery_status) == ("failed", "failed")
    assert "not a WhatsApp number" in notice.last_error
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["sent"]
    assert "siti@test.id" in [m["To"] for m in outbox]
    assert channel_plugin.channel.sent == []


def test_a_temporary_error_is_retried_with_the_back_off_then_succeeds(channel_plugin, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    channel_plugin.channel.failures.append(temporary())
    start = now()
    with time_machine.travel(start, tick=False) as traveller:
        _checkout(shopper)
        [notice] = _rows(channel=CHANNEL_ID)
        assert (notice.status, notice.attempts) == ("pending", 1)
        assert round((notice.next_attempt_at - now()).total_seconds()) == 60
        assert mail.send_due() == 0  # not due yet
        traveller.move_to(notice.next_attempt_at)
        assert mail.send_due() == 1
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.provider_id) == ("sent", "fake-1")
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["held"]
    assert "siti@test.id" not in [m["To"] for m in outbox]


def test_the_last_try_of_a_temporary_error_releases_the_email(channel_plugin, outbox, cod_app):
    cod_app.config["MAIL_MAX_ATTEMPTS"] = 1
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    channel_plugin.channel.failures.append(temporary())
    _checkout(shopper)
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.attempts) == ("failed", 1)
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["sent"]
    assert "siti@test.id" in [m["To"] for m in outbox]


def test_a_failed_report_from_the_provider_releases_the_email(channel_plugin, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    _checkout(shopper)
    assert channels.record_status(CHANNEL_ID, "fake-1", "failed", error="131026 undeliverable")
    db.session.commit()  # the send job runs at the commit (immediate mode)
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.delivery_status, notice.last_error) == ("sent", "failed", "131026 undeliverable")
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["sent"]
    assert "siti@test.id" in [m["To"] for m in outbox]


def test_the_sweep_releases_the_email_of_a_notice_never_reported_delivered(channel_plugin, outbox, cod_app):
    shopper, other = gen_shopper(email="siti@test.id"), gen_shopper(email="rina@test.id", name="Rina")
    opt_in(shopper)
    opt_in(other, "+6281298765432")
    start = now()
    with time_machine.travel(start, tick=False) as traveller:
        _checkout(shopper)
        _checkout(other)
        assert channels.record_status(CHANNEL_ID, "fake-2", "read")  # Rina's arrived
        db.session.commit()
        traveller.move_to(start + timedelta(minutes=29))
        mail.outbox_sweep.func()
        assert [r.status for r in _rows(status="held")] != []  # not yet
        traveller.move_to(start + timedelta(minutes=31))
        mail.outbox_sweep.func()
    emails = {r.to: r.status for r in _rows(channel="email") if r.fallback_for}
    assert emails == {"siti@test.id": "sent", "rina@test.id": "skipped"}
    assert [m["To"] for m in outbox].count("siti@test.id") == 1
    assert "rina@test.id" not in [m["To"] for m in outbox]


def test_a_shopper_who_did_not_opt_in_gets_the_email_alone(channel_plugin, outbox):
    shopper = gen_shopper(email="siti@test.id")
    shopper.whatsapp = NUMBER  # a number without the consent is not an opt-in
    db.session.commit()
    _checkout(shopper)
    assert _rows(channel=CHANNEL_ID) == []
    assert [r.status for r in _rows()] == ["sent", "sent"]
    assert "siti@test.id" in [m["To"] for m in outbox]
    assert channel_plugin.channel.sent == []


def test_a_cash_on_delivery_order_waits_for_the_seller_by_the_channel(channel_plugin, outbox):
    """Cash on delivery goes to the seller unpaid, so its acceptance clock starts at checkout:
    the seller hears of it as of a paid order, by the channel, its new-order e-mail held."""
    seller = gen_user(role="seller", name="Pak Darto", email="darto@test.id")
    opt_in(seller, "+6281311112222")
    variant = gen_listing(price=62_500, store=gen_store(owner=seller))
    order = buy(gen_shopper(email="siti@test.id"), (variant, 2)).orders[0]
    [waiting] = [(to, n) for to, n in channel_plugin.channel.sent if n.notice == "seller_order_waiting"]
    assert waiting[0] == "+6281311112222"
    assert waiting[1].params["number"] == order.number and waiting[1].params["deadline"].endswith("WIB")
    [held] = _rows(status="held", to="darto@test.id")
    assert held.subject == f"Pesanan baru {order.number}"


def test_without_a_channel_plugin_an_opted_in_shopper_gets_the_email(prepaid, outbox):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    _checkout(shopper)
    assert [(r.channel, r.status) for r in _rows()] == [("email", "sent"), ("email", "sent")]


def test_a_channel_row_never_goes_to_smtp(channel_plugin, outbox, cod_app):
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    _checkout(shopper)
    assert NUMBER not in [m["To"] for m in outbox]


def test_each_notice_carries_its_params(channel_plugin, people, outbox):
    opt_in(people.shopper)
    opt_in(people.seller, "+6281311112222")
    order = shipped_order(people)  # placed, paid, processing, shipped
    complaint = open_on(people, order)
    disagree = {"decision": "disagree", "note": "Barang dikemas rapi."}
    steps.respond(people.seller, complaints.for_seller(people.seller, complaint.id), disagree)
    db.session.commit()
    steps.decide(
        people.officer,
        complaints.for_agency(people.officer, complaint.id),
        {"decision": "reject", "note": "Bukti foto tidak menunjukkan kerusakan."},
    )
    db.session.commit()
    sent = [(to, n.notice, n.params) for to, n in channel_plugin.channel.sent]
    by_notice: dict = {}
    for to, notice, params in sent:
        by_notice.setdefault(notice, []).append((to, params))
    assert sorted(by_notice) == sorted(channels.NOTICES)
    for notice, sends in by_notice.items():
        for _to, params in sends:
            assert list(params) == list(channels.NOTICES[notice]) and all(isinstance(v, str) for v in params.values())
    shopper_url = f"http://localhost/orders/{order.number}"
    assert by_notice["order_paid"] == [
        (NUMBER, {"name": "Siti Aminah", "number": order.number, "total": "Rp 130.000", "url": shopper_url})
    ]
    [(to, waiting)] = by_notice["seller_order_waiting"]
    assert to == "+6281311112222" and waiting["name"] == "Pak Darto" and waiting["deadline"].endswith("WIB")
    assert waiting["url"] == f"http://localhost/seller/orders/{order.number}"
    [(_to, shipped)] = by_notice["order_shipped"]
    assert (shipped["courier"], shipped["tracking_number"]) == ("JNE", "JP123")
    [(_to, opened)] = by_notice["complaint_opened"]  # the shopper opened it: the seller is told
    assert _to == "+6281311112222" and opened["reason"] == "Barang rusak"
    decided = dict(by_notice["complaint_decided"])
    assert decided[NUMBER]["decision"] == "Dinas menolak komplain" and decided[NUMBER]["url"] == shopper_url
    assert set(decided) == {NUMBER, "+6281311112222"}
    held = _rows(status="held")
    assert {r.fallback_for for r in held} <= {r.id for r in _rows(channel=CHANNEL_ID)}
    assert len(held) == len(sent)  # each notice's e-mail waits for its delivery report


def test_hook_notification_channels(cod_app):
    """The channels are gathered quietly (a plugin that raises is left out), the first of each
    id kept, and gathered again once a plugin is added."""
    from marketplace import plugin_api
    from marketplace.plugin_api import hookimpl
    from tests.channel_plugin import FakeChannel, FakeChannelPlugin

    class Broken:
        @hookimpl
        def notification_channels(self):
            raise RuntimeError("no token")

    assert channels.enabled_channels() == {}
    plugin_api.register(cod_app, Broken(), "broken_chat")
    assert channels.enabled_channels() == {}
    first, second = FakeChannelPlugin(), FakeChannelPlugin(FakeChannel(name="Another"))
    plugin_api.register(cod_app, first, "fake_chat")
    plugin_api.register(cod_app, second, "fake_chat_2")
    assert channels.enabled_channels() == {CHANNEL_ID: first.channel}
    shopper = gen_shopper(email="siti@test.id")
    assert channels.channel_for(shopper) is None  # not opted in
    opt_in(shopper)
    assert channels.channel_for(shopper) is first.channel


def test_a_channel_switched_off_before_its_retry_fails_the_notice_and_the_email_goes(channel_plugin, cod_app, outbox):
    from marketplace import plugin_api

    assert channels.SEND_OUTBOX.name == mail.send_outbox.name  # what a released e-mail's job is queued as
    shopper = gen_shopper(email="siti@test.id")
    opt_in(shopper)
    channel_plugin.channel.failures.append(temporary())
    start = now()
    with time_machine.travel(start, tick=False) as traveller:
        _checkout(shopper)
        [notice] = _rows(channel=CHANNEL_ID)
        assert notice.status == "pending"
        plugin_api.manager(cod_app).unregister(name="fake_chat")
        traveller.move_to(notice.next_attempt_at)
        mail.send_due()
    [notice] = _rows(channel=CHANNEL_ID)
    assert (notice.status, notice.last_error) == ("failed", "no enabled channel 'fake_chat'")
    assert [r.status for r in _rows(fallback_for=notice.id)] == ["sent"]
    assert "siti@test.id" in [m["To"] for m in outbox] and channel_plugin.channel.sent == []
