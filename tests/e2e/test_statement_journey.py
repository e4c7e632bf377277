"""Finance uploads the bank's statement on a 360 px phone: transfers are confirmed at once,
an ambiguous credit is decided with a button."""

from __future__ import annotations

import pytest
from flask import current_app
from playwright.sync_api import Page, expect
from sqlalchemy import select

from marketplace.extensions import db
from plugins.bank_transfer.models import BankTransfer
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.e2e.test_buying_journey import sign_in
from tests.factories import gen_store, gen_user
from tests.live_server import LiveServer, live_config
from tests.payments_support import payment
from tests.statement_support import bca_csv, today

ACCOUNTS = "BCA 0771234567 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def e2e_app(make_app):
    app = make_app(plugins="bank_transfer", WTF_CSRF_ENABLED=True, BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        yield app


@pytest.fixture
def live_server(e2e_app, tmp_path):
    config = {**live_config(e2e_app), "BANK_TRANSFER_ACCOUNTS": ACCOUNTS}
    with LiveServer(config, workers=1, threads=4, log_path=tmp_path / "server.log") as server:
        yield server


def _transfers(count: int) -> list[BankTransfer]:
    variant = gen_listing(store=gen_store(owner=gen_user("sari@test.id", role="seller")), price=85000, stock=10)
    found = []
    for n in range(count):
        with current_app.test_request_context():
            result = buy(gen_shopper(f"pembeli{n}@test.id"), (variant, 1), method="bank_transfer")
        found.append(db.session.scalar(select(BankTransfer).where(BankTransfer.payment_id == result.payment.id)))
    return found


def test_finance_confirms_transfers_from_a_statement_on_a_phone(
    e2e_app, live_server, browser_page: Page, screenshot, tmp_path
):
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})
    gen_user("keuangan@test.id", role="agency", name="Pak Keuangan")
    first, second, doubled = _transfers(3)
    db.session.commit()
    credits = [(today(), "RINA", first.transfer_amount), (today(), "ANDI", second.transfer_amount)]
    credits += [(today(), "SITI", doubled.transfer_amount), (today(), "SITI AMINAH", doubled.transfer_amount)]
    statement = tmp_path / "mutasi-bca.csv"
    statement.write_bytes(bca_csv(credits))

    sign_in(page, "keuangan@test.id")
    page.goto("/finance/transfers")
    page.locator("[data-statements-link]").click()
    page.set_input_files("input[name=file]", str(statement))
    page.select_option("select[name=format]", "bca")
    screenshot("statement-upload")
    page.get_by_role("button", name="Unggah dan cocokkan").click()
    expect(page.locator(".flash").first).to_contain_text("2 transfer dikonfirmasi, 2 perlu keputusan")
    expect(page.locator("[data-status=confirmed]")).to_have_count(2)
    expect(page.locator("[data-status=ambiguous]")).to_have_count(2)
    assert page.evaluate("document.querySelector('main').scrollWidth") <= 360
    screenshot("statement-result")

    page.locator("[data-status=ambiguous]").first.locator("[data-candidate]").click()
    expect(page.locator(".flash").first).to_contain_text("Transfer dikonfirmasi dari mutasi")
    page.locator("[data-status=ambiguous] [data-ignore]").click()
    expect(page.locator(".flash").first).to_contain_text("Baris diabaikan")
    expect(page.locator("[data-status=ambiguous]")).to_have_count(0)
    expect(page.locator("[data-status=confirmed]")).to_have_count(3)
    screenshot("statement-decided")
    db.session.rollback()
    assert [payment(t.payment_id).status for t in (first, second, doubled)] == ["paid", "paid", "paid"]
