"""A refund owed to a bank account, on a phone: the shopper cancels a paid bank-transfer order,
enters the account on the order page (a mistyped number is told next to the field), and
finance records the transfer on /finance/refunds; the shopper then sees it sent."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from marketplace.extensions import db
from marketplace.orders.lifecycle import transition
from marketplace.payments.bank_refund_models import BankRefund
from plugins.bank_transfer import services as bank
from tests.buying_factories import buy, gen_listing
from tests.e2e.test_buying_journey import sign_in, sign_out
from tests.factories import gen_store, gen_user
from tests.live_server import LiveServer, live_config

ACCOUNTS = "BRI 0123-01-000123-30-1 a.n. Disnakerin Kota Tegal"
PHONE = {"width": 360, "height": 780}
WIDER = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5)"""


@pytest.fixture
def e2e_app(make_app):
    app = make_app(plugins="bank_transfer,cash_on_delivery", WTF_CSRF_ENABLED=True, BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        yield app


@pytest.fixture
def live_server(e2e_app, tmp_path):
    config = {**live_config(e2e_app), "BANK_TRANSFER_ACCOUNTS": ACCOUNTS}
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        yield server


def _owed(app) -> tuple[str, int]:
    """Siti's bank-transfer order, confirmed by finance and cancelled by her: Rp 70.000 owed."""
    store = gen_store(owner=gen_user("sari@test.id", role="seller", name="Bu Sari"), name="Batik Sari")
    batik = gen_listing(store=store, price=35000, stock=5, name="Batik Tulis Tegalan")
    siti = gen_user("siti@test.id", name="Siti Aminah")
    finance = gen_user("keuangan@test.id", role="agency", name="Pak Keuangan")
    with app.test_request_context():
        result = buy(siti, (batik, 2), method="bank_transfer")
    bank.confirm(bank.for_payment(result.payment.id), finance)
    db.session.commit()
    transition(result.orders[0], "cancelled", siti, reason="Salah ukuran")
    db.session.commit()
    return result.orders[0].number, db.session.scalar(db.select(BankRefund.id))


def test_the_shopper_enters_the_account_and_finance_marks_it_sent(e2e_app, browser_page: Page, screenshot):
    page = browser_page
    number, refund_id = _owed(e2e_app)
    page.set_viewport_size(PHONE)
    sign_in(page, "siti@test.id")
    page.goto(f"/orders/{number}")
    panel = page.locator(f"#bank-refund-{refund_id}")
    expect(panel).to_contain_text("Dana Rp 70.000 akan dikembalikan ke rekening Anda")
    panel.locator(f"#r{refund_id}-bank").select_option("BCA")
    panel.locator(f"#r{refund_id}-account_number").fill("1234 567")
    panel.locator(f"#r{refund_id}-holder_name").fill("Siti Aminah")
    panel.get_by_role("button", name="Simpan rekening").click()
    expect(page.locator(f"#r{refund_id}-account_number-error")).to_have_text(
        "Nomor rekening BCA terdiri dari 10 angka."
    )
    assert page.evaluate(WIDER) == []
    screenshot("account-number-too-short")
    page.locator(f"#r{refund_id}-account_number").fill("123-456-7890")
    page.get_by_role("button", name="Simpan rekening").click()
    expect(page.locator(f"#bank-refund-{refund_id}")).to_have_attribute("data-status", "owed")
    expect(page.locator(f"#bank-refund-{refund_id}")).to_contain_text("BCA 1234567890 a.n. Siti Aminah")
    assert page.evaluate(WIDER) == []
    screenshot("account-entered")
    sign_out(page)

    sign_in(page, "keuangan@test.id")
    page.locator("header details.account-menu > summary").click()  # the role's links are in the menu
    page.locator("header ul[aria-labelledby=menu-agency]").get_by_role("link", name="Pengembalian dana").click()
    row = page.locator(f"#bank-refund-{refund_id}")
    expect(row).to_contain_text("1234567890")
    row.locator(f"#s{refund_id}-bank_reference").fill("BCA-TRF-0042")
    row.get_by_role("button", name="Tandai sudah ditransfer").click()
    expect(page.locator(f"#bank-refund-{refund_id}")).to_have_attribute("data-status", "sent")
    expect(page.locator(f"#bank-refund-{refund_id}")).to_contain_text("BCA-TRF-0042")
    assert page.evaluate(WIDER) == []
    screenshot("finance-marked-sent")
    sign_out(page)

    sign_in(page, "siti@test.id")
    page.goto("/account/refunds")
    expect(page.locator(f"#bank-refund-{refund_id}")).to_contain_text("Sudah ditransfer")
    expect(page.locator(f"#refund-account-{refund_id}")).to_have_count(0)
