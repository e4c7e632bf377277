"""Issue #19 on the pages: the checkout page offers each method's banks or wallets under it (no
script needed), answers a missing one next to the field, and the order pages show an unpaid
order's "Lanjutkan pembayaran" with its deadline."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from tests.buying_factories import SHIPPING, cod_app, fill_cart, gen_listing, place, stock_of  # noqa: F401
from tests.channels_support import METHOD_ID, va  # noqa: F401
from tests.factories import PASSWORD, gen_store, gen_user
from tests.sql_count import counting


@pytest.fixture
def client(cod_app, va):
    return cod_app.test_client()


@pytest.fixture
def siti(client):
    user = gen_user("siti@test.id", name="Siti Aminah")
    response = client.post("/login", data={"email": "siti@test.id", "password": PASSWORD})
    assert response.status_code == 302
    return user


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)


def _form(html: str, **fields) -> dict:
    return {
        **SHIPPING,
        "cart_version": _hidden(html, "cart_version"),
        "idempotency_key": _hidden(html, "idempotency_key"),
        **fields,
    }


def _statements(app, call) -> list[str]:
    """The statements ``call()`` sends on ``app``'s engine (SAVEPOINTs and PRAGMAs aside)."""
    with counting(app) as sent:
        call()
    return [" ".join(statement.split()) for statement in sent]


def _fill(user, price: int = 25000):
    variant = gen_listing(price=price, stock=5)
    fill_cart(user, (variant, 1))
    return variant


def test_each_method_with_channels_shows_its_banks_under_it(client, siti):
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    group = re.search(r'<fieldset class="channels[^"]*" data-channels-of="fake_va">(.*?)</fieldset>', html, re.S)
    assert group, "the bank choices sit right under their method"
    assert re.findall(r'name="channel-fake_va" value="(\w+)"', group.group(1)) == [
        "BCA",
        "BNI",
        "BRI",
        "MANDIRI",
        "PERMATA",
    ]
    assert "Mandiri" in group.group(1) and "Pilih untuk Virtual Account uji:" in group.group(1)
    assert 'data-channels-of="cash_on_delivery"' not in html, "nothing to pick for cash on delivery"
    assert "js/checkout-payment.js" in html


def test_the_methods_are_listed_under_headings_in_one_radio_list(client, siti):
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    assert re.findall(r'<div class="pay-group" data-group="(\w+)">\s*<h3>([^<]+)</h3>', html) == [
        ("virtual_account", "Virtual Account"),
        ("cod", "Bayar di Tempat"),
    ]
    assert "Bayar ke nomor virtual account lewat m-banking" in html
    assert re.findall(r'name="payment_method" value="(\w+)"', html) == ["fake_va", "cash_on_delivery"]


def test_the_page_checkout_stores_the_chosen_bank_and_goes_to_the_payment(client, siti, va):
    tea = _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    response = client.post("/checkout", data=_form(html, payment_method=METHOD_ID, **{"channel-fake_va": "BNI"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    payment = db.session.scalars(select(Payment)).one()
    assert response.headers["Location"].endswith(f"/fake-va/{payment.id}")
    assert payment.channel == "BNI" and va.method.started == [(payment.id, "BNI")]
    assert stock_of(tea.id) == 4


@pytest.mark.parametrize("channel", [None, "XYZ"])
def test_a_missing_or_unknown_bank_is_answered_next_to_the_field(client, siti, va, channel):
    tea = _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    fields = {"channel-fake_va": channel} if channel else {}
    response = client.post("/checkout", data=_form(html, payment_method=METHOD_ID, **fields))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    group = re.search(r'<fieldset class="channels has-error" data-channels-of="fake_va">(.*?)</fieldset>', page, re.S)
    assert group and "Pilih salah satu untuk Virtual Account uji: BCA, BNI, BRI, Mandiri, Permata." in group.group(1)
    assert re.search(r'name="payment_method" value="fake_va" checked', page), "the shopper's method stays chosen"
    assert va.method.started == [] and stock_of(tea.id) == 5
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_bank_left_under_another_method_is_not_sent_with_cash_on_delivery(client, siti):
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    response = client.post(
        "/checkout", data=_form(html, payment_method="cash_on_delivery", **{"channel-fake_va": "BCA"})
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert db.session.scalars(select(Payment)).one().channel is None


def test_the_next_checkout_starts_from_the_last_method_and_bank(client, siti):
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    assert not re.search(r'name="payment_method" value="\w+" checked', html), "nothing chosen for the shopper"
    client.post("/checkout", data=_form(html, payment_method=METHOD_ID, **{"channel-fake_va": "PERMATA"}))
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    assert re.search(r'name="payment_method" value="fake_va" checked', html)
    assert re.search(r'name="channel-fake_va" value="PERMATA" checked', html)


def test_an_unpaid_order_shows_continue_paying_and_its_deadline(client, siti):
    _fill(siti)
    html = client.get("/checkout").get_data(as_text=True)
    client.post("/checkout", data=_form(html, payment_method=METHOD_ID, **{"channel-fake_va": "BCA"}))
    order = db.session.scalars(select(Order)).one()
    link = f'href="/fake-va/{order.payment_id}"'
    listing = client.get("/orders").get_data(as_text=True)
    assert "Lanjutkan pembayaran" in listing and link in listing and "Bayar sebelum" in listing
    detail = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert 'id="continue-paying-link"' in detail and link in detail
    assert "setelah itu pesanan dibatalkan otomatis" in detail
    assert "Virtual Account uji" in detail and ">fake_va<" not in detail  # the method's name, not its id
    complete = client.get(f"/checkout/complete/{order.checkout_id}").get_data(as_text=True)
    assert link in complete and "Lanjutkan pembayaran" in complete


def test_paid_cancelled_and_cash_on_delivery_orders_have_nothing_to_continue(client, siti):
    seller_store = gen_store()
    for _ in range(2):
        fill_cart(siti, (gen_listing(store=seller_store), 1))
        place(siti, METHOD_ID, payment_channel="BCA")
    fill_cart(siti, (gen_listing(store=seller_store), 1))
    place(siti, "cash_on_delivery")
    paid, cancelled, cod = db.session.scalars(select(Order).order_by(Order.id)).all()
    orders.apply_payment(paid.payment_id, paid.total, "IDR")
    transition(cancelled, "cancelled", siti)
    db.session.commit()
    listing = client.get("/orders").get_data(as_text=True)
    assert listing.count('data-number="APK-') == 3 and "Lanjutkan pembayaran" not in listing
    for order in (paid, cancelled, cod):
        page = client.get(f"/orders/{order.number}").get_data(as_text=True)
        assert 'id="continue-paying"' not in page, order.status
    complete = client.get(f"/checkout/complete/{paid.checkout_id}").get_data(as_text=True)
    assert "Lanjutkan pembayaran" not in complete


def test_pages_cost_no_statement_per_method_or_per_unpaid_order(cod_app, client, siti):
    """The methods and their channels come from the plugins, not the database (one read of the
    shopper's last payment picks the method to offer first); the unpaid orders' payment answers
    are read in one statement for the whole list."""
    _fill(siti)
    client.get("/checkout")
    checkout_page = _statements(cod_app, lambda: client.get("/checkout"))
    reads = [s for s in checkout_page if " payments" in s or " checkouts" in s]
    assert len(reads) == 1 and reads[0].startswith("SELECT payments.method, payments.channel"), reads
    place(siti, METHOD_ID, payment_channel="BCA")
    client.get("/orders")
    one_unpaid = _statements(cod_app, lambda: client.get("/orders"))
    for _ in range(3):
        _fill(siti)
        place(siti, METHOD_ID, payment_channel="BNI")
    pages: list[str] = []
    four_unpaid = _statements(cod_app, lambda: pages.append(client.get("/orders").get_data(as_text=True)))
    assert pages[0].count("Lanjutkan pembayaran") == 4
    assert len(four_unpaid) == len(one_unpaid), "\n".join(four_unpaid)
    assert sum(" FROM checkouts" in s for s in four_unpaid) == 1


def _checkout_page(app, email: str) -> tuple[str, int]:
    """A shopper's second look at the checkout page: its HTML and how many statements it cost."""
    client = app.test_client()
    with app.app_context():
        _fill(gen_user(email))
        db.session.commit()
    client.post("/login", data={"email": email, "password": PASSWORD})
    client.get("/checkout")
    pages: list[str] = []
    sent = _statements(app, lambda: pages.append(client.get("/checkout").get_data(as_text=True)))
    return pages[0], len(sent)


def test_the_checkout_page_runs_the_same_statements_with_or_without_channels(make_app):
    from marketplace import plugin_api
    from tests.channels_support import FakeChannelsPlugin

    plain, plain_count = _checkout_page(make_app(plugins="cash_on_delivery"), "rina@test.id")
    app = make_app(plugins="cash_on_delivery")
    plugin_api.register(app, FakeChannelsPlugin(), METHOD_ID)
    offered, offered_count = _checkout_page(app, "dewi@test.id")
    assert 'name="channel-fake_va"' in offered and 'name="channel-fake_va"' not in plain
    assert offered_count == plain_count
