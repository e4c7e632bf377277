"""Bank statement import: finance uploads the bank's mutasi CSV and matching transfers are paid at once."""

from __future__ import annotations

import io
import json
import threading
from datetime import timedelta

import pytest
import time_machine
from flask import current_app
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.extensions import db
from plugins.bank_transfer.models import BankStatement, BankTransfer, StatementRow
from tests.buying_factories import buy, gen_listing, gen_shopper
from tests.conftest import ApiClient
from tests.factories import gen_store, gen_user
from tests.payments_support import orders_of, payment
from tests.sql_count import counting
from tests.statement_support import BUILDERS, bca_csv, generic_csv, today, upload

ACCOUNTS = "BCA 0771234567 a.n. Disnakerin Kota Tegal"


@pytest.fixture
def st_app(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_ACCOUNTS=ACCOUNTS)
    with app.app_context():
        yield app


@pytest.fixture
def finance(st_app):
    gen_user("dinas@test.id", role="agency", name="Bu Dinas")
    seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
    store = gen_store(owner=seller, name="Batik Darto")
    api = ApiClient(st_app.test_client())
    return {"api": api, "token": api.token("dinas@test.id"), "store": store}


def _transfers(store, count: int, price: int = 25000) -> list[BankTransfer]:
    """``count`` shoppers each check out one item of ``store`` by bank transfer."""
    variant = gen_listing(price=price, stock=count + 5, store=store)
    found = []
    for n in range(count):
        with current_app.test_request_context():  # the method's start builds its page's URL
            result = buy(gen_shopper(f"pembeli{n}.{price}@test.id"), (variant, 1), method="bank_transfer")
        found.append(db.session.scalar(select(BankTransfer).where(BankTransfer.payment_id == result.payment.id)))
    return found


def _credits(transfers, day=None) -> list:
    return [(day or today(), f"PEMBELI {n}", t.transfer_amount) for n, t in enumerate(transfers)]


def _reload(transfer: BankTransfer) -> BankTransfer:
    db.session.rollback()
    return db.session.get_one(BankTransfer, transfer.id, populate_existing=True)


def _audits(payment_id: int | None = None) -> list[dict]:
    db.session.rollback()
    query = select(AuditLog).where(AuditLog.action == "bank_transfer.confirmed")
    if payment_id is not None:
        query = query.where(AuditLog.object_id == str(payment_id))
    return [json.loads(a.data) for a in db.session.scalars(query)]


@pytest.mark.parametrize("bank", ["bca", "mandiri", "generic"])
def test_a_statement_csv_confirms_ten_transfers_at_once(finance, bank):
    transfers = _transfers(finance["store"], 10)
    assert len({t.transfer_amount for t in transfers}) == 10  # the unique codes tell them apart
    answer = upload(finance["api"], finance["token"], BUILDERS[bank](_credits(transfers)))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["format"] == bank and body["counts"]["confirmed"] == 10
    assert sorted(c["transfer"] for c in body["confirmed"]) == sorted(t.id for t in transfers)
    assert body["ambiguous"] == [] and body["unmatched"] == []
    assert [s["reason"] for s in body["skipped"]] == ["debit"]
    for transfer in transfers:
        assert _reload(transfer).status == "confirmed"
        paid = payment(transfer.payment_id)
        assert (paid.status, paid.captured_amount) == ("paid", 25000)  # the unique code stays the marketplace's
        assert [o.status for o in orders_of(transfer.payment_id)] == ["paid"]
        [audit] = _audits(transfer.payment_id)
        assert audit["statement"] == body["statement"] and audit["transfer_amount"] == transfer.transfer_amount
    confirmed = body["confirmed"][0]
    assert confirmed["orders"] == [o.number for o in orders_of(confirmed["payment"])]


def test_the_same_statement_uploaded_again_confirms_nothing_twice(finance):
    transfers = _transfers(finance["store"], 3)
    content = bca_csv(_credits(transfers))
    assert upload(finance["api"], finance["token"], content).get_json()["counts"]["confirmed"] == 3
    again = upload(finance["api"], finance["token"], content).get_json()
    assert again["confirmed"] == [] and again["counts"]["duplicates"] == 3
    assert sorted(s["reason"] for s in again["skipped"]) == ["debit", "duplicate", "duplicate", "duplicate"]
    # an overlapping statement: the three old credits and one new one
    [late] = _transfers(finance["store"], 1, price=40000)
    overlap = upload(finance["api"], finance["token"], bca_csv(_credits([*transfers, late]))).get_json()
    assert [c["transfer"] for c in overlap["confirmed"]] == [late.id] and overlap["counts"]["duplicates"] == 3
    assert len(_audits()) == 4
    assert all(payment(t.payment_id).captured_amount == 25000 for t in transfers)
    assert db.session.scalar(select(func.count(StatementRow.id))) == 4


def test_two_transfers_of_one_amount_wait_for_finance_to_pick_one(make_app):
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_ACCOUNTS=ACCOUNTS, BANK_TRANSFER_UNIQUE_CODE=False)
    with app.app_context():
        gen_user("dinas@test.id", role="agency")
        store = gen_store(owner=gen_user("darto@test.id", role="seller"))
        api = ApiClient(app.test_client())
        token = api.token("dinas@test.id")
        first, second = _transfers(store, 2)
        assert first.transfer_amount == second.transfer_amount == 25000
        body = upload(api, token, generic_csv([(today(), "SITI", 25000)])).get_json()
        [row] = body["ambiguous"]
        assert body["confirmed"] == [] and {c["transfer"] for c in row["candidates"]} == {first.id, second.id}
        assert payment(first.payment_id).status == payment(second.payment_id).status == "pending"
        path = f"/finance/bank-statements/{body['statement']}/rows/{row['row']}/decision"
        assert api.post(path, {"transfer": 999999}, token=token).status_code == 422
        decided = api.post(path, {"transfer": second.id}, token=token)
        assert decided.status_code == 200, decided.get_data(as_text=True)
        assert decided.get_json()["status"] == "confirmed" and decided.get_json()["transfer"] == second.id
        assert payment(second.payment_id).status == "paid" and payment(first.payment_id).status == "pending"
        assert api.post(path, {"ignore": True}, token=token).status_code == 409  # decided already
        shown = api.get(f"/finance/bank-statements/{body['statement']}", token=token).get_json()
        assert shown["counts"]["ambiguous"] == 0 and [r["row"] for r in shown["confirmed"]] == [row["row"]]


def test_two_credits_for_one_transfer_are_both_left_for_a_decision(finance):
    [transfer] = _transfers(finance["store"], 1)
    credits = [(today(), "SITI AMINAH", transfer.transfer_amount), (today(), "SITI A", transfer.transfer_amount)]
    body = upload(finance["api"], finance["token"], bca_csv(credits)).get_json()
    assert body["confirmed"] == [] and len(body["ambiguous"]) == 2
    assert _reload(transfer).status == "awaiting_proof"
    api, token = finance["api"], finance["token"]
    first, other = body["ambiguous"]
    base = f"/finance/bank-statements/{body['statement']}/rows"
    assert api.post(f"{base}/{first['row']}/decision", {"transfer": transfer.id}, token=token).status_code == 200
    assert api.post(f"{base}/{other['row']}/decision", {"transfer": transfer.id}, token=token).status_code == 422
    ignored = api.post(f"{base}/{other['row']}/decision", {"ignore": True}, token=token)
    assert ignored.status_code == 200 and ignored.get_json()["status"] == "ignored"
    assert len(_audits(transfer.payment_id)) == 1


def test_a_credit_matching_no_transfer_is_listed_unmatched(finance):
    [transfer] = _transfers(finance["store"], 1)
    body = upload(finance["api"], finance["token"], bca_csv([(today(), "ORANG LAIN", 777_777)])).get_json()
    assert [r["amount"] for r in body["unmatched"]] == [777_777] and body["confirmed"] == []
    assert _reload(transfer).status == "awaiting_proof"


def test_a_credit_dated_outside_the_transfer_window_confirms_nothing(finance):
    [transfer] = _transfers(finance["store"], 1)
    created = today()
    deadline_day = (transfer.deadline + timedelta(hours=7)).date()
    before = upload(
        finance["api"], finance["token"], bca_csv([(created - timedelta(days=1), "SITI", transfer.transfer_amount)])
    )
    assert before.get_json()["unmatched"] and _reload(transfer).status == "awaiting_proof"
    too_late = deadline_day + timedelta(days=2)
    with time_machine.travel(now() + timedelta(days=3), tick=False):
        after = upload(finance["api"], finance["token"], bca_csv([(too_late, "SITI", transfer.transfer_amount)]))
        assert after.get_json()["unmatched"] and _reload(transfer).status == "awaiting_proof"
        # the day after the deadline still counts: a late payment
        late = upload(
            finance["api"],
            finance["token"],
            bca_csv([(deadline_day + timedelta(days=1), "SITI B", transfer.transfer_amount)]),
        )
    assert [c["transfer"] for c in late.get_json()["confirmed"]] == [transfer.id]


def test_a_credit_after_the_orders_expired_gets_what_finance_s_button_gives(finance):
    """A late payment: the statement goes through the same rule as the manual confirm, whatever
    the core makes of it (revive the orders, refund, or refuse with a reason for finance)."""
    from marketplace.errors import ServiceError
    from marketplace.orders import clock
    from plugins.bank_transfer import services

    by_hand, by_statement = _transfers(finance["store"], 2)
    with time_machine.travel(by_hand.deadline + timedelta(hours=2), tick=False):
        clock.tick()
        db.session.commit()
        assert [o.status for o in orders_of(by_statement.payment_id)] == ["cancelled"]
        try:
            services.confirm(_reload(by_hand), _finance_user())
            db.session.commit()
            refused = None
        except ServiceError as exc:
            db.session.rollback()
            refused = exc.message
        day = (now() + timedelta(hours=7)).date()
        body = upload(finance["api"], finance["token"], bca_csv([(day, "SITI", by_statement.transfer_amount)]))
        body = body.get_json()
    if refused is None:
        assert [c["transfer"] for c in body["confirmed"]] == [by_statement.id]
        assert payment(by_statement.payment_id).status == payment(by_hand.payment_id).status
        assert [o.status for o in orders_of(by_statement.payment_id)] == [
            o.status for o in orders_of(by_hand.payment_id)
        ]
    else:
        [row] = body["unmatched"]
        assert row["note"] == refused and _reload(by_statement).status == "awaiting_proof"


def test_a_transfer_confirmed_by_hand_is_not_touched_again(finance, st_app):
    from plugins.bank_transfer import services

    [transfer] = _transfers(finance["store"], 1)
    services.confirm(transfer, _finance_user())
    db.session.commit()
    body = upload(finance["api"], finance["token"], bca_csv(_credits([transfer]))).get_json()
    [row] = body["unmatched"]
    assert row["note"] and body["confirmed"] == [] and len(_audits(transfer.payment_id)) == 1


def _finance_user():
    from marketplace.accounts.models import User

    return db.session.scalar(select(User).where(User.email == "dinas@test.id"))


def test_two_uploads_of_one_file_at_once_confirm_each_transfer_once(finance, st_app):
    transfers = _transfers(finance["store"], 6)
    content = bca_csv(_credits(transfers))
    db.session.commit()
    barrier = threading.Barrier(2, timeout=30)
    answers: list = []

    def run():
        client = ApiClient(st_app.test_client())
        barrier.wait()
        answers.append(upload(client, finance["token"], content))

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [a.status_code for a in answers] == [201, 201]
    assert sorted(a.get_json()["counts"]["duplicates"] for a in answers) == [0, 6]
    confirmed = [c["transfer"] for a in answers for c in a.get_json()["confirmed"]]
    assert sorted(confirmed) == sorted(t.id for t in transfers)
    assert len(_audits()) == 6
    assert all(payment(t.payment_id).captured_amount == 25000 for t in transfers)


def test_credits_stored_by_another_upload_after_the_check_are_found_on_the_retry(finance, monkeypatch):
    from plugins.bank_transfer import statements

    transfers = _transfers(finance["store"], 2)
    content = bca_csv(_credits(transfers))
    assert upload(finance["api"], finance["token"], content).get_json()["counts"]["confirmed"] == 2
    checks = []
    real = statements._existing

    def blind_first(fingerprints):  # the other upload commits between the check and the insert
        checks.append(len(fingerprints))
        return set() if len(checks) == 1 else real(fingerprints)

    monkeypatch.setattr(statements, "_existing", blind_first)
    again = upload(finance["api"], finance["token"], content)
    assert again.status_code == 201 and len(checks) == 2  # the insert failed once, then the check saw them
    assert again.get_json()["counts"]["duplicates"] == 2 and len(_audits()) == 2


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "mutasi.png", "bukan CSV"),
        (b"PK\x03\x04 excel", "mutasi.xlsx", "Excel"),
        (b"", "kosong.csv", "kosong"),
        (b"nama,alamat\nSiti,Tegal\n", "alamat.csv", "tidak dikenali"),
        (b"tanggal;keterangan;jumlah\nkemarin;x;satu\n", "rusak.csv", "Tidak ada transaksi"),
        (b"x" * (5 * 1024 * 1024 + 1), "besar.csv", "terlalu besar"),
        (b"tanggal;keterangan;jumlah\n" + b"01/12/2026;x;1\n" * 400 + b"01/12/2026;\x00;1\n", "nul.csv", "bukan CSV"),
        (b'tanggal;keterangan;jumlah\n01/12/2026;"' + b"a" * 200_000 + b'";1\n', "panjang.csv", "rusak"),
    ],
    ids=["image", "excel", "empty", "no-header", "no-row", "too-big", "nul", "huge-field"],
)
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_stored(finance, content, name, message):
    answer = upload(finance["api"], finance["token"], content, name=name)
    assert answer.status_code == 422, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["code"] == "validation_error" and message in error["fields"]["file"]
    assert db.session.scalar(select(func.count(BankStatement.id))) == 0


def test_bad_rows_are_listed_and_the_rest_is_imported(finance):
    [transfer] = _transfers(finance["store"], 1)
    content = bca_csv(_credits([transfer])).replace(
        b"Saldo Awal", b'\'31/02,\'SALAH,\'0000,"1.00",CR,"1.00"\r\nSaldo Awal'
    )
    body = upload(finance["api"], finance["token"], content).get_json()
    assert len(body["confirmed"]) == 1 and len(body["errors"]) == 1 and "kalender" in body["errors"][0]["message"]


def test_a_chosen_format_that_does_not_fit_the_file_is_refused(finance):
    answer = upload(finance["api"], finance["token"], bca_csv([(today(), "SITI", 10000)]), bank="mandiri")
    assert answer.status_code == 422 and "Mandiri" in answer.get_json()["error"]["fields"]["file"]
    assert upload(finance["api"], finance["token"], b"x", bank="bri").status_code == 422


def test_only_finance_uploads_statements(finance, st_app):
    gen_shopper("siti@test.id")
    api = finance["api"]
    content = bca_csv([(today(), "SITI", 10000)])
    assert upload(api, api.token("siti@test.id"), content).status_code == 403
    assert upload(api, api.token("darto@test.id"), content).status_code == 403
    assert api.post("/finance/bank-statements", token=None, data={}).status_code == 401
    client = st_app.test_client()
    client.post("/login", data={"email": "siti@test.id", "password": "rahasia123"})
    assert client.get("/finance/transfers/statements").status_code == 403
    assert db.session.scalar(select(func.count(BankStatement.id))) == 0


def test_finance_uploads_on_the_page_and_decides_an_ambiguous_row(finance, st_app):
    [transfer] = _transfers(finance["store"], 1)
    [other] = _transfers(finance["store"], 1, price=30000)
    client = st_app.test_client()
    client.post("/login", data={"email": "dinas@test.id", "password": "rahasia123"})
    assert 'href="/finance/transfers/statements"' in client.get("/finance/transfers").get_data(as_text=True)
    empty = client.post("/finance/transfers/statements", data={"format": "detect"})
    assert empty.status_code == 422 and "Pilih berkas CSV" in empty.get_data(as_text=True)
    credits = [
        *_credits([transfer]),
        (today(), "ANDI", other.transfer_amount),
        (today(), "ANDI 2", other.transfer_amount),
    ]
    sent = client.post(
        "/finance/transfers/statements",
        data={"file": (io.BytesIO(bca_csv(credits)), "mutasi-des.csv"), "format": "bca"},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-status="confirmed"' in page and page.count('data-status="ambiguous"') == 2
    row = db.session.scalar(select(StatementRow).where(StatementRow.status == "ambiguous").order_by(StatementRow.id))
    decided = client.post(
        f"/finance/transfers/statements/{row.statement_id}/rows/{row.id}/decision", data={"transfer": other.id}
    )
    assert decided.status_code == 302 and payment(other.payment_id).status == "paid"
    listing = client.get("/finance/transfers/statements").get_data(as_text=True)
    assert "mutasi-des.csv" in listing


def test_the_queries_of_an_upload_do_not_grow_with_its_rows(finance):
    def queries(count: int, base: int) -> int:
        content = bca_csv([(today() - timedelta(days=n % 9), f"LAIN {n}", base + n) for n in range(count)])
        with counting() as seen:
            assert upload(finance["api"], finance["token"], content).get_json()["counts"]["unmatched"] == count
        return seen.count

    assert queries(200, 2_000_000) == queries(10, 3_000_000)


def test_the_api_is_in_the_openapi_document(st_app):
    spec = st_app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/api/v1/finance/bank-statements" in spec["paths"]
    assert "/api/v1/finance/bank-statements/{id}/rows/{row}/decision" in spec["paths"]
