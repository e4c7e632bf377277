"""What the order clock shows: the deadlines on the shopper's and the seller's order pages and in
the order JSON (in WIB on the pages), the clock's reasons in words; its settings checked at start-up."""

from __future__ import annotations

import pytest
import time_machine

from marketplace.extensions import db
from marketplace.orders import clock
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.clock_support import DAY, gen_order, reload, walk
from tests.clock_support import people as people

# --- what the pages and the API show -------------------------------------------------------------


def _login(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": "rahasia123"}).status_code == 302
    return client


def _api_order(app, email: str, path: str) -> dict:
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": email, "password": "rahasia123"}).get_json()["token"]
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_pages_and_the_api_show_the_accept_deadline_in_wib(people, prepaid, cod_app):
    order, _ = gen_order(people)
    with time_machine.travel("2026-12-04 03:00:00+00:00", tick=False):  # 10:00 WIB
        orders.apply_payment(order.payment_id, order.total, "IDR", "ref-1")
        db.session.commit()
    shopper_page = _login(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    seller_page = _login(cod_app, "darto@test.id").get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert "Otomatis dibatalkan bila penjual belum menerima sebelum 6 Des 2026" in shopper_page
    assert "10.00 WIB" in shopper_page
    assert "Terima pesanan sebelum 6 Des 2026" in seller_page
    data = _api_order(cod_app, "siti@test.id", f"/api/v1/orders/{order.number}")
    assert data["accept_by"] == "2026-12-06T03:00:00+00:00"
    assert (data["complete_by"], data["complaint_until"], data["delivered_at"]) == (None, None, None)


def test_the_pages_and_the_api_show_completion_delivery_and_the_complaint_window(people, prepaid, cod_app):
    order, _ = gen_order(people)
    with time_machine.travel("2026-12-01 03:00:00+00:00", tick=False):
        order = walk(order, "shipped", people)
    with time_machine.travel("2026-12-02 05:00:00+00:00", tick=False):
        orders.mark_delivered(order)
        db.session.commit()
    shopper_page = _login(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    seller_page = _login(cod_app, "darto@test.id").get(f"/seller/orders/{order.number}").get_data(as_text=True)
    for page in (shopper_page, seller_page):
        assert "Pesanan otomatis selesai pada 5 Des 2026, 12.00 WIB" in page
        assert "Tiba 2 Des 2026, 12.00 WIB (laporan kurir)" in page
        assert "Tiba di alamat pembeli (laporan kurir)" in page  # the history
    assert "ajukan komplain sebelum 5 Des 2026" in shopper_page
    data = _api_order(cod_app, "darto@test.id", "/api/v1/seller/orders")["items"][0]
    assert data["number"] == order.number
    assert (data["delivered_at"], data["complete_by"], data["complaint_until"]) == (
        "2026-12-02T05:00:00+00:00",
        "2026-12-05T05:00:00+00:00",
        "2026-12-05T05:00:00+00:00",
    )
    assert data["accept_by"] is None


def test_a_not_accepted_cancellation_explains_itself_on_the_page(people, prepaid, cod_app):
    order, _ = gen_order(people)
    order = walk(order, "paid", people)
    with time_machine.travel(order.paid_at + 3 * DAY, tick=False):
        clock.tick()
    page = _login(cod_app, "siti@test.id").get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Penjual tidak menerima pesanan dalam 2 hari; dibatalkan otomatis" in page
    assert "not_accepted" not in page and 'id="order-deadline"' not in page


@pytest.mark.parametrize("value", ["0", "-1", "dua", "1.5", "", 0, True])
def test_clock_settings_must_be_positive_whole_days(make_app, monkeypatch, value):
    from marketplace.errors import ConfigurationError

    if isinstance(value, str):
        monkeypatch.setenv("ORDER_ACCEPT_DAYS", value)
        config = {}
    else:
        config = {"COMPLAINT_DAYS": value}
    with pytest.raises(ConfigurationError, match="is not a positive whole number of days"):
        make_app(**config)


def test_clock_settings_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("ORDER_COMPLETE_DAYS", " 14 ")
    app = make_app()
    assert (app.config["ORDER_ACCEPT_DAYS"], app.config["ORDER_COMPLETE_DAYS"], app.config["COMPLAINT_DAYS"]) == (
        2,
        14,
        3,
    )


def test_the_mails_say_the_deadlines_in_wib(people, prepaid, outbox):
    order, _ = gen_order(people)
    with time_machine.travel("2026-12-04 03:00:00+00:00", tick=False):
        walk(order, "paid", people)
    seller_paid = next(m for m in outbox if m["To"] == "darto@test.id" and "Dibayar" in m["Subject"])
    shopper_paid = next(m for m in outbox if m["To"] == "siti@test.id" and "Dibayar" in m["Subject"])
    assert "Terima pesanan sebelum 6 Des 2026, 10.00 WIB" in seller_paid.get_content()
    assert "belum menerima sebelum 6 Des 2026, 10.00 WIB" in shopper_paid.get_content()
    with time_machine.travel("2026-12-05 03:00:00+00:00", tick=False):
        walk_on = reload(order)
        transition(walk_on, "processing", people["seller"])
        transition(walk_on, "shipped", people["seller"], courier="JNE", tracking_number="JP9")
        db.session.commit()
    shipped = next(m for m in outbox if m["To"] == "siti@test.id" and "Dikirim" in m["Subject"])
    assert "Pesanan otomatis selesai pada 12 Des 2026, 10.00 WIB" in shipped.get_content()
    assert "ajukan komplain sebelum 15 Des 2026, 10.00 WIB" in shipped.get_content()
