"""A store's payout account (issue #19): the owner sets it, the agency verifies it (asking the
bank where the payout rail can), the number masked for everyone but the owner and finance."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.extensions import db
from marketplace.payments.banks import normalised_name
from tests.factories import gen_staff, gen_store, gen_user
from tests.payout_support import account_row, with_test_rail

GOOD = {"bank": "BCA", "account_number": "123-456 7890", "holder_name": "Darto Wiyono"}


@pytest.fixture
def shop(app):
    owner = gen_user("owner@test.id", role="seller", name="Darto Wiyono")
    store = gen_store(owner=owner, name="Batik Darto")
    staff = gen_staff(store, gen_user("staf@test.id", role="seller", name="Staf"))
    gen_user("keu@test.id", role="agency", name="Bu Keuangan")
    gen_user("lain@test.id", role="seller", name="Orang Lain")
    return {"store": store, "owner": owner, "staff": staff}


def _audits(action: str) -> list[dict]:
    db.session.rollback()
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))
    return [json.loads(r.data) for r in rows]


def test_the_owner_sets_the_account_and_is_told_by_mail(shop, api, outbox):
    token = api.token("owner@test.id")
    before = api.get("/stores/batik-darto/payout-account", token=token).get_json()
    assert before["status"] == "missing"
    response = api.put("/stores/batik-darto/payout-account", GOOD, token=token)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["bank"], body["account_number"], body["masked"], body["changed"]) == (
        "unverified",
        "BCA",
        "1234567890",
        False,
        True,
    )
    (mail,) = [m for m in outbox if m["To"] == "owner@test.id"]
    assert "rekening pencairan toko diubah" in mail["Subject"].lower()
    text = mail.get_content()
    assert "••••••7890" in text and "1234567890" not in text and "hubungi dinas" in text
    (audit,) = _audits("payout_account.changed")
    assert audit["account_number"] == "••••••7890" and "1234567890" not in json.dumps(audit)

    again = api.put("/stores/batik-darto/payout-account", GOOD, token=token)  # the same values: nothing happens
    assert again.status_code == 200 and again.get_json()["changed"] is False
    assert len([m for m in outbox if m["To"] == "owner@test.id"]) == 1
    assert len(_audits("payout_account.changed")) == 1


def test_others_see_it_masked_or_not_at_all_and_only_the_owner_changes_it(shop, api):
    api.put("/stores/batik-darto/payout-account", GOOD, token=api.token("owner@test.id"))
    staff, stranger, finance = (api.token(e) for e in ("staf@test.id", "lain@test.id", "keu@test.id"))
    seen = api.get("/stores/batik-darto/payout-account", token=staff).get_json()
    assert (seen["account_number"], seen["masked"]) == ("••••••7890", True)
    assert api.get("/stores/batik-darto/payout-account", token=finance).get_json()["account_number"] == "1234567890"
    assert api.get("/stores/batik-darto/payout-account", token=stranger).status_code == 404
    assert api.get("/stores/batik-darto/payout-account").status_code == 401
    other = {**GOOD, "account_number": "9999999999"}
    assert api.put("/stores/batik-darto/payout-account", other, token=staff).status_code == 403
    assert api.put("/stores/batik-darto/payout-account", other, token=stranger).status_code == 404
    assert api.put("/stores/batik-darto/payout-account", other, token=finance).status_code in (403, 404)
    assert account_row(shop["store"].id).account_number == "1234567890"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"bank": "XYZ"}, "bank"),
        ({"account_number": "12345"}, "account_number"),  # BCA has 10 digits
        ({"account_number": "12345abcde"}, "account_number"),
        ({"holder_name": "  "}, "holder_name"),
        ({"holder_name": "x" * 121}, "holder_name"),
        ({"account_number": 1234567890}, "account_number"),  # a JSON number, not text
    ],
)
def test_bad_input_is_refused_field_by_field_and_changes_nothing(shop, api, change, field):
    token = api.token("owner@test.id")
    response = api.put("/stores/batik-darto/payout-account", {**GOOD, **change}, token=token)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert account_row(shop["store"].id) is None


def test_without_a_rail_the_officer_verifies_and_a_change_unverifies(shop, api):
    owner = api.token("owner@test.id")
    api.put("/stores/batik-darto/payout-account", GOOD, token=owner)
    assert api.post("/agency/stores/batik-darto/payout-account/verify", token=owner).status_code == 403
    queue = api.get("/agency/payout-accounts", token=api.token("keu@test.id")).get_json()["items"]
    assert [item["store"] for item in queue] == ["batik-darto"]
    response = api.post("/agency/stores/batik-darto/payout-account/verify", token=api.token("keu@test.id"))
    assert response.status_code == 200 and response.get_json()["status"] == "verified"
    assert _audits("payout_account.verified")[0]["account_number"] == "••••••7890"
    assert api.get("/agency/payout-accounts", token=api.token("keu@test.id")).get_json()["items"] == []
    changed = api.put("/stores/batik-darto/payout-account", {**GOOD, "bank": "BNI"}, token=owner)
    assert changed.get_json()["status"] == "unverified"


def test_the_agency_cannot_verify_a_store_without_an_account_nor_its_own(shop, api):
    finance = api.token("keu@test.id")
    assert api.post("/agency/stores/batik-darto/payout-account/verify", token=finance).status_code == 409
    assert api.post("/agency/stores/no-such-store/payout-account/verify", token=finance).status_code == 404


@pytest.mark.parametrize(
    "bank_holder, status, verified",
    [
        ("BPK. DARTO  WIYONO", 200, True),  # titles, case and spaces aside: the same name
        ("Sutrisno", 409, False),
        (None, 422, False),  # the bank has no such account
    ],
)
def test_with_a_rail_the_bank_s_holder_name_must_match(app, shop, api, bank_holder, status, verified):
    rail = with_test_rail(app)
    rail.holders = {"1234567890": bank_holder} if bank_holder else {}
    api.put("/stores/batik-darto/payout-account", GOOD, token=api.token("owner@test.id"))
    response = api.post("/agency/stores/batik-darto/payout-account/verify", token=api.token("keu@test.id"))
    assert response.status_code == status, response.get_json()
    if not verified:
        assert "error" in response.get_json() and response.get_json()["error"]["message"]
    row = account_row(shop["store"].id)
    assert (row.status == "verified") is verified
    assert row.checked_at is not None and row.bank_holder == (bank_holder or "")  # the bank's answer is kept


def test_names_are_compared_without_titles_case_or_punctuation():
    assert normalised_name("Hj. Siti  Aminah, S.E.") == normalised_name("siti aminah")
    assert normalised_name("Dr. Ir. Budi") == "budi"
    assert normalised_name("Budi") != normalised_name("Budi Santoso")


def test_the_seller_page_sets_the_account_and_shows_errors_by_the_field(shop, client, auth):
    auth.login("owner@test.id")
    page = client.get("/seller/stores/batik-darto/payout-account")
    assert page.status_code == 200 and 'id="payout-account-form"' in page.get_data(as_text=True)
    bad = client.post("/seller/stores/batik-darto/payout-account", data={**GOOD, "account_number": "123"})
    assert bad.status_code == 422 and "terdiri dari 10 angka" in bad.get_data(as_text=True)
    good = client.post("/seller/stores/batik-darto/payout-account", data=GOOD)
    assert good.status_code == 302
    html = client.get("/seller/stores/batik-darto/payout-account").get_data(as_text=True)
    assert "1234567890" in html and "Menunggu verifikasi" in html
    auth.logout()
    auth.login("staf@test.id")
    html = client.get("/seller/stores/batik-darto/payout-account").get_data(as_text=True)
    assert "••••••7890" in html and "1234567890" not in html and 'id="payout-account-form"' not in html
    assert client.post("/seller/stores/batik-darto/payout-account", data=GOOD).status_code == 403
    auth.logout()
    auth.login("lain@test.id")
    assert client.get("/seller/stores/batik-darto/payout-account").status_code == 404


def test_the_agency_page_lists_unverified_accounts_and_verifies_them(shop, client, auth, api):
    api.put("/stores/batik-darto/payout-account", GOOD, token=api.token("owner@test.id"))
    auth.login("owner@test.id")
    assert client.get("/agency/payout-accounts").status_code == 403
    auth.logout()
    auth.login("keu@test.id")
    html = client.get("/agency/payout-accounts").get_data(as_text=True)
    assert 'data-store="batik-darto"' in html and "1234567890" in html
    response = client.post("/agency/payout-accounts/batik-darto/verify", follow_redirects=True)
    assert "terverifikasi" in response.get_data(as_text=True)
    assert account_row(shop["store"].id).status == "verified"


def test_finance_runs_payouts_through_the_api(app, shop, api):
    from tests.payout_support import credit, gen_payout_account

    gen_payout_account(shop["store"])
    credit(shop["store"], 75_000)
    finance = api.token("keu@test.id")
    assert api.post("/finance/payout-runs", {"dry_run": True}, token=api.token("owner@test.id")).status_code == 403
    dry = api.post("/finance/payout-runs", {"dry_run": True}, token=finance)
    assert dry.status_code == 200
    assert dry.get_json()["items"] == [{"store": "batik-darto", "amount": 75_000, "bank": "BCA"}]
    done = api.post("/finance/payout-runs", token=finance)
    assert done.status_code == 201 and done.get_json()["rail"] == "file" and done.get_json()["states"]["pending"] == 1
    assert api.post("/finance/payout-runs", {"dry_run": True}, token=finance).get_json()["items"] == []
