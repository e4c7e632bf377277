"""Payout runs (issue #19): every store with a verified payout account and a balance of at least
PAYOUT_MINIMUM is paid once, through a rail or a bank file; outcomes are written once."""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.jobs.queue import periodic_tasks
from marketplace.ledger import payout_runs
from marketplace.ledger import services as ledger
from marketplace.ledger.models import LedgerEntry, Payout
from marketplace.plugin_api import hookimpl
from tests.factories import gen_store, gen_user
from tests.payout_support import TestRail, credit, gen_payout_account, payouts_of, with_test_rail


@pytest.fixture
def shops(app):
    """Three stores with verified accounts and balances of 150.000, 80.000 and 50.000 (the minimum)."""
    stores = []
    for i, amount in enumerate((150_000, 80_000, 50_000)):
        owner = gen_user(f"owner{i}@test.id", role="seller", name=f"Pemilik {i}")
        store = gen_store(owner=owner, name=f"Toko Bayar {i}")
        gen_payout_account(store)
        credit(store, amount)
        stores.append(store)
    return stores


@pytest.fixture
def rail(app) -> TestRail:
    return with_test_rail(app)


def _balances(stores) -> list[int]:
    db.session.expire_all()
    return [ledger.balance(s.id) for s in stores]


def test_hook_payout_rails__gives_the_rail_a_run_pays_through(app, shops, rail):
    assert payout_runs.current_rail() is rail
    result = payout_runs.run()
    assert result.rail == "test_rail" and result.states["succeeded"] == 3
    assert sorted(amount for amount, _account in rail.transfers.values()) == [50_000, 80_000, 150_000]


def test_a_dry_run_shows_the_plan_and_writes_nothing(app, shops, rail):
    before = db.session.scalar(select(func.count(LedgerEntry.id)))
    result = payout_runs.run(dry_run=True)
    assert [(p.store.name, p.amount) for p in result.planned] == [
        ("Toko Bayar 0", 150_000),
        ("Toko Bayar 1", 80_000),
        ("Toko Bayar 2", 50_000),
    ]
    assert result.total == 280_000 and result.payouts == []
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == before
    assert db.session.scalar(select(func.count(Payout.id))) == 0 and rail.calls == []


def test_a_run_pays_verified_accounts_at_or_above_the_minimum_once(app, shops, rail):
    poor = gen_store(owner=gen_user("poor@test.id", role="seller"), name="Toko Kecil")
    gen_payout_account(poor)
    credit(poor, 49_999)  # below the minimum
    unverified = gen_store(owner=gen_user("new@test.id", role="seller"), name="Toko Baru")
    gen_payout_account(unverified, verified=False)
    credit(unverified, 500_000)
    no_account = gen_store(owner=gen_user("none@test.id", role="seller"), name="Toko Tanpa")
    credit(no_account, 500_000)

    result = payout_runs.run()
    assert len(result.payouts) == 3 and result.states == {"pending": 0, "succeeded": 3, "failed": 0}
    assert _balances(shops) == [0, 0, 0]
    assert _balances([poor, unverified, no_account]) == [49_999, 500_000, 500_000]
    for store, amount in zip(shops, (150_000, 80_000, 50_000), strict=True):
        (payout,) = payouts_of(store.id)
        assert (payout.status, payout.amount, payout.rail) == ("succeeded", amount, "test_rail")
        assert payout.bank_reference == f"TR-{payout.idempotency_key}" and payout.account_number
        assert rail.transfers[payout.idempotency_key][0] == amount
    again = payout_runs.run()  # nothing left to pay
    assert again.planned == [] and len(rail.transfers) == 3


@pytest.mark.parametrize("round_", range(3))
def test_two_runs_at_the_same_time_pay_three_stores_once(make_app, app, shops, rail, round_):
    """Two runs in two threads, each with its own app and database connection, started together."""
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list[payout_runs.RunResult] = []

    def one_run():
        try:
            start.wait(timeout=10)
            with app.app_context():
                results.append(payout_runs.run())
                db.session.commit()
                db.session.remove()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    print("payouts written per run:", [len(r.payouts) for r in results], "skipped:", [r.skipped for r in results])
    assert sum(len(r.payouts) for r in results) == 3
    assert _balances(shops) == [0, 0, 0]
    assert sorted(amount for amount, _account in rail.transfers.values()) == [50_000, 80_000, 150_000]
    for store in shops:
        assert len(payouts_of(store.id)) == 1


def test_the_database_refuses_a_second_payout_with_the_same_key(app, shops):
    from datetime import date

    def payout(key):
        db.session.add(
            Payout(
                store_id=shops[0].id,
                amount=1000,
                bank_reference="",
                paid_on=date(2026, 12, 5),
                status="pending",
                idempotency_key=key,
            )
        )
        db.session.flush()

    payout("store:1:upto:7")
    db.session.commit()
    with pytest.raises(IntegrityError):
        payout("store:1:upto:7")
    db.session.rollback()


def test_a_failed_payout_returns_the_money_once_even_when_the_notification_repeats(app, shops, rail, outbox):
    rail.mode = "pending"
    payout_runs.run()
    assert _balances(shops) == [0, 0, 0]
    (payout,) = payouts_of(shops[0].id)
    assert payout.status == "pending" and payout.bank_reference == f"TR-{payout.idempotency_key}"
    key = payout.idempotency_key
    assert payout_runs.record_outcome(key, "failed", reason="Rekening tidak aktif") is True
    db.session.commit()
    for _ in range(3):  # the gateway notifies again, and again
        assert payout_runs.record_outcome(key, "failed", reason="Rekening tidak aktif") is False
        assert payout_runs.record_outcome(key, "succeeded", "TR-x") is False
        db.session.commit()
    assert _balances(shops)[0] == 150_000
    (payout,) = payouts_of(shops[0].id)
    assert (payout.status, payout.reason) == ("failed", "Rekening tidak aktif")
    returns = db.session.scalars(select(LedgerEntry).where(LedgerEntry.key == f"payout-return:{payout.id}")).all()
    assert [(r.kind, r.amount, r.note) for r in returns] == [("payout", 150_000, "Rekening tidak aktif")]
    mails = [m for m in outbox if m["To"] == "owner0@test.id"]
    assert len(mails) == 1 and "gagal" in mails[0]["Subject"]
    assert "Rekening tidak aktif" in mails[0].get_content()


def test_an_unknown_key_changes_nothing(app):
    assert payout_runs.record_outcome("store:999:upto:1", "succeeded", "X") is False
    with pytest.raises(ValueError):
        payout_runs.record_outcome("store:999:upto:1", "arrived")


@pytest.mark.parametrize("mode", ["failed", "refused"])
def test_a_payout_the_bank_refuses_goes_back_to_the_balance(app, shops, rail, mode):
    rail.mode = mode
    result = payout_runs.run()
    assert result.states["failed"] == 3 and rail.transfers == {}
    assert _balances(shops) == [150_000, 80_000, 50_000]
    payout = payouts_of(shops[1].id)[0]
    assert payout.status == "failed" and payout.reason in ("Nama penerima tidak cocok", "Rekening ditutup")
    rail.mode = "succeeded"  # the next run pays again, under a new key
    payout_runs.run()
    assert _balances(shops) == [0, 0, 0]
    assert [p.status for p in payouts_of(shops[1].id)] == ["failed", "succeeded"]


def test_a_rail_that_raises_leaves_the_payout_pending_and_the_next_run_sends_it_with_the_same_key(app, shops, rail):
    rail.mode = "exception"
    result = payout_runs.run()
    assert result.states["pending"] == 3 and _balances(shops) == [0, 0, 0]
    first_keys = list(rail.calls)
    rail.mode = "succeeded"
    second = payout_runs.run()
    assert second.planned == [] and second.refreshed["succeeded"] == 3
    assert rail.calls[3:] == first_keys  # the same keys: the bank makes one transfer each
    assert rail.moved() == 280_000
    assert [p.status for s in shops for p in payouts_of(s.id)] == ["succeeded"] * 3


def test_pending_payouts_are_asked_again_on_the_next_run(app, shops, rail):
    rail.mode = "pending"
    payout_runs.run()
    rail.later = "pending"
    assert payout_runs.run().refreshed["pending"] == 3
    rail.later = "failed"
    assert payout_runs.run().refreshed["failed"] == 3
    assert _balances(shops) == [150_000, 80_000, 50_000]


def test_commission_owed_by_a_cod_seller_is_netted_first(app, rail):
    from marketplace.ledger.models import store_account
    from marketplace.ledger.postings import add_once

    seller = gen_user("cod@test.id", role="seller")
    store = gen_store(owner=seller, name="Toko COD")
    gen_payout_account(store)
    account = store_account(store.id)
    # a prepaid sale of 200.000 at 2,5 % and a cash-on-delivery sale of 100.000 whose cash the seller holds
    add_once("sale:t1", account=account, kind="sale", amount=200_000)
    add_once("commission:t1", account=account, kind="commission", amount=-5_000)
    add_once("sale:t2", account=account, kind="sale", amount=100_000)
    add_once("commission:t2", account=account, kind="commission", amount=-2_500)
    add_once("cod-cash:t2", account=account, kind="cod_cash", amount=-100_000)
    db.session.commit()
    (planned,) = payout_runs.plan()
    assert planned.amount == 192_500  # 200.000 − 5.000 − 2.500: the COD commission is netted
    payout_runs.run()
    assert rail.moved() == 192_500 and ledger.balance(store.id) == 0


def test_minimum_is_a_setting(make_app):
    app = make_app(PAYOUT_MINIMUM=100_000)
    with app.app_context():
        owner = gen_user("m@test.id", role="seller")
        store = gen_store(owner=owner, name="Toko M")
        gen_payout_account(store)
        credit(store, 99_999)
        assert payout_runs.plan() == []
        credit(store, 1)
        assert [p.amount for p in payout_runs.plan()] == [100_000]


def test_the_periodic_run_is_off_unless_scheduled(make_app):
    assert "ledger.payout_run" not in [p.name for p in periodic_tasks(make_app())]
    app = make_app(PAYOUT_SCHEDULE="0 3 * * 1")
    (task,) = [p for p in periodic_tasks(app) if p.name == "ledger.payout_run"]
    assert task.schedule == "0 3 * * 1"
    with app.app_context():
        owner = gen_user("j@test.id", role="seller")
        store = gen_store(owner=owner, name="Toko J")
        gen_payout_account(store)
        credit(store, 60_000)
        task.func()  # what the worker calls
        assert [p.status for p in payouts_of(store.id)] == ["pending"]  # no rail: the bank file
        assert ledger.balance(store.id) == 0


def test_without_a_rail_the_cli_writes_the_bank_file_and_finance_marks_it(app, shops, runner, tmp_path, client, auth):
    out = tmp_path / "transfer.csv"
    result = runner.invoke(args=["payouts", "run", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 store(s) paid, 280000 rupiah in all, through file." in result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["kode_bank"], r["bank"], r["jumlah"]) for r in rows] == [
        ("014", "BCA", "150000"),
        ("014", "BCA", "80000"),
        ("014", "BCA", "50000"),
    ]
    assert all(r["nomor_rekening"].isdigit() and r["referensi"].startswith("APIK") for r in rows)
    assert _balances(shops) == [0, 0, 0]
    payouts = [payouts_of(s.id)[0] for s in shops]
    assert {p.status for p in payouts} == {"pending"}
    batch = payouts[0].batch

    gen_user("keu@test.id", role="agency")
    auth.login("keu@test.id")
    page = client.get("/finance/payouts")
    assert f"/finance/payouts/batches/{batch}.csv" in page.get_data(as_text=True)
    assert client.get(f"/finance/payouts/batches/{batch}.csv").get_data(as_text=True) == out.read_text(
        encoding="utf-8"
    ).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    failed = client.post(
        f"/finance/payouts/{payouts[2].id}/outcome", data={"state": "failed", "reason": "Rekening salah"}
    )
    assert failed.status_code == 302
    refused = client.post(f"/finance/payouts/{payouts[1].id}/outcome", data={"state": "failed", "reason": ""})
    assert refused.status_code == 302 and payouts_of(shops[1].id)[0].status == "pending"  # a reason is required
    done = client.post(
        f"/finance/payouts/batches/{batch}/outcome", data={"state": "succeeded", "bank_reference": "BCA-MASSAL-1"}
    )
    assert done.status_code == 302
    assert [payouts_of(s.id)[0].status for s in shops] == ["succeeded", "succeeded", "failed"]
    assert payouts_of(shops[0].id)[0].bank_reference == "BCA-MASSAL-1"
    assert _balances(shops) == [0, 0, 50_000]
    html = client.get("/finance/payouts").get_data(as_text=True)
    assert 'data-status="failed"' in html and "Rekening salah" in html  # finance sees why
    assert client.get(f"/finance/payouts/batches/{batch}-x.csv").status_code == 404


def test_the_finance_page_previews_the_run_and_runs_it(app, shops, rail, client, auth):
    gen_user("keu@test.id", role="agency")
    seller = gen_user("tamu@test.id", role="seller")
    assert seller
    auth.login("tamu@test.id")
    assert client.get("/finance/payouts").status_code == 403
    assert client.post("/finance/payouts/run").status_code == 403
    auth.logout()
    auth.login("keu@test.id")
    html = client.get("/finance/payouts").get_data(as_text=True)
    assert "Jalankan pencairan" in html and 'data-amount="150000"' in html and "Rail uji" in html
    assert db.session.scalar(select(func.count(Payout.id))) == 0  # the preview wrote nothing
    response = client.post("/finance/payouts/run", follow_redirects=True)
    assert response.status_code == 200 and "3 toko" in response.get_data(as_text=True)
    assert _balances(shops) == [0, 0, 0] and rail.moved() == 280_000


def test_finance_still_records_a_payout_by_hand(app, shops):
    admin = gen_user("admin@test.id", role="admin")
    payout = ledger.record_payout(admin, shops[0], 100_000, "BRI-77", None)
    db.session.commit()
    assert (payout.status, payout.rail, payout.idempotency_key) == ("succeeded", "", None)
    assert ledger.balance(shops[0].id) == 50_000


def test_the_cli_dry_run_prints_the_plan_and_writes_nothing(app, shops, runner):
    result = runner.invoke(args=["payouts", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "toko-bayar-0\t150000\tBCA" in result.output
    assert "3 store(s) would be paid, 280000 rupiah in all, through file." in result.output
    as_json = runner.invoke(args=["payouts", "run", "--dry-run", "--json"])
    body = json.loads(as_json.output)
    assert (body["dry_run"], body["total"], body["minimum"], len(body["items"])) == (True, 280_000, 50_000, 3)
    assert db.session.scalar(select(func.count(Payout.id))) == 0 and _balances(shops) == [150_000, 80_000, 50_000]


def test_a_pending_answer_keeps_the_reference_and_writes_no_outcome(app, shops, rail):
    rail.mode = "exception"
    payout_runs.run()
    payout = payouts_of(shops[0].id)[0]
    assert payout.bank_reference == ""
    assert payout_runs.record_outcome(payout.idempotency_key, "pending", "TR-late") is False
    db.session.commit()
    payout = payouts_of(shops[0].id)[0]
    assert (payout.status, payout.bank_reference) == ("pending", "TR-late")


class BrokenRailPlugin:
    @hookimpl
    def payout_rails(self):
        raise RuntimeError("gateway keys missing")


def test_a_raising_payout_rails_hook_stops_the_run_with_a_clear_message(app, shops, runner, client, auth):
    plugin_api.register(app, BrokenRailPlugin(), "broken_rail")
    with pytest.raises(payout_runs.RailUnavailable):
        payout_runs.run()
    db.session.rollback()
    result = runner.invoke(args=["payouts", "run"])
    assert result.exit_code == 1 and "broken_rail" in result.output and "ditunda" in result.output
    gen_user("keu@test.id", role="agency")
    auth.login("keu@test.id")
    html = client.get("/finance/payouts").get_data(as_text=True)
    assert 'id="payout-rail-problem"' in html and "Jalankan pencairan" not in html
    assert client.post("/finance/payouts/run").status_code == 503
    assert db.session.scalar(select(func.count(Payout.id))) == 0 and _balances(shops) == [150_000, 80_000, 50_000]


def test_finance_cannot_mark_by_hand_what_a_live_rail_reports(app, shops, rail):
    from marketplace.errors import Conflict

    rail.mode = "pending"
    payout_runs.run()
    admin = gen_user("admin2@test.id", role="admin")
    payout = payouts_of(shops[0].id)[0]
    with pytest.raises(Conflict):
        payout_runs.mark(admin, payout.id, "failed", reason="coba")
    db.session.rollback()
    assert payouts_of(shops[0].id)[0].status == "pending" and _balances(shops)[0] == 0
