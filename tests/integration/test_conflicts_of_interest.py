"""Conflicts of interest (issue #15, the class behind self-dealing): officers, finance and
insurers who belong to a store do not verify, feature, exhibit, insure, pay out, confirm a
transfer for, or decide a claim of it; a colleague can. Each refusal is the error shape
``conflict_of_interest`` (403) or a message next to the form's field, with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.agency import services as agency
from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.stores import interest
from plugins.bank_transfer import services as bank
from plugins.bank_transfer.models import BankTransfer
from plugins.insurance import policies, terms
from tests.buying_factories import SHIPPING, fill_cart, gen_listing
from tests.factories import gen_staff, gen_store, gen_user
from tests.selfdeal_support import error as _error
from tests.selfdeal_support import login as _login
from tests.selfdeal_support import shipped as _shipped
from tests.selfdeal_support import world  # noqa: F401


def test_finance_does_not_pay_out_a_store_it_works_for(world):
    order = _shipped(world, method="fake_transfer", price=80_000)
    transition(order, "completed", world["shopper"])
    gen_staff(world["store"], world["officer"])
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        ledger.record_payout(world["officer"], world["store"], 10_000, "BRI-1", None)
    assert "store" in refused.value.fields
    db.session.rollback()
    client = world["app"].test_client()
    _login(client, "dinas@test.id")
    page = client.post(
        "/finance/payouts",
        data={
            "store": world["store"].id,
            "amount": 10_000,
            "bank_reference": "BRI-2",
            "paid_on": policies.today().isoformat(),
            "note": "",
        },
    )
    assert page.status_code == 422 and "pencairan dananya dicatat oleh petugas keuangan lain" in page.get_data(
        as_text=True
    )
    assert ledger.balance(world["store"].id) == 80_000
    other = gen_user("keuangan@test.id", role="agency")
    ledger.record_payout(other, world["store"], 10_000, "BRI-3", None)
    db.session.commit()
    assert ledger.balance(world["store"].id) == 70_000


def test_an_officer_does_not_verify_feature_exhibit_or_insure_its_own_store(world):
    officer, api = world["officer"], world["api"]
    pending = gen_store(owner=officer, name="Kerajinan Dinas", approved=False)
    token = api.token("dinas@test.id")
    _error(api.post(f"/agency/stores/{pending.slug}/approve", token=token), 403, "conflict_of_interest")
    colleague = gen_user("rekan@test.id", role="agency")
    assert api.post(f"/agency/stores/{pending.slug}/approve", token=api.token("rekan@test.id")).status_code == 200
    error = _error(
        api.put("/agency/featured", {"stores": [world["store"].slug, pending.slug]}, token=token),
        403,
        "conflict_of_interest",
    )
    assert "Kerajinan Dinas" in error["fields"]["stores"]
    assert api.put("/agency/featured", {"stores": [world["store"].slug]}, token=token).status_code == 200
    expo = expos.create_expo(colleague, "apik-2026", "Apik Banget 2026", now(), now() + timedelta(days=3))
    db.session.commit()
    _error(
        api.post("/expos/apik-2026/exhibitors", {"store": pending.slug, "booth": "A1"}, token=token),
        403,
        "conflict_of_interest",
    )
    _error(
        api.post("/insurance/policies", {"store": pending.slug, "product": "warungku"}, token=token),
        403,
        "conflict_of_interest",
    )
    expos.add_exhibitor(colleague, expo, pending, booth="A1")
    db.session.commit()
    bulk = api.post("/insurance/policies", {"expo": "apik-2026", "product": "warungku"}, token=token)
    assert bulk.status_code == 201 and bulk.get_json()["skipped"] == ["Kerajinan Dinas"]
    with pytest.raises(ValidationError) as refused:
        agency.onboard_store(officer, {"name": "Toko Dinas", "sector": "kriya", "city": "Kota Tegal"}, "DINAS@test.id")
    assert "owner_email" in refused.value.fields


def test_an_insurer_does_not_decide_a_claim_of_its_own_store(world):
    insurer = gen_user("klaim@jasindo.test", role="insurer", insurer="jasindo")
    store = gen_store(owner=insurer, name="Warung Bu Dewi")
    policy = policies.grant(world["officer"], store, terms.get_product("warungku"))
    db.session.commit()
    api = world["api"]
    body = {
        "policy": policy.number,
        "incident_date": policies.today().isoformat(),
        "cause": "kebakaran",
        "description": "Kebakaran kecil di dapur warung.",
        "amount": 1_000_000,
    }
    claim = api.post("/insurance/claims", body, token=api.token("klaim@jasindo.test"))
    assert claim.status_code == 201, claim.get_data(as_text=True)
    path = f"/insurance/claims/{claim.get_json()['id']}/decision"
    _error(api.post(path, {"decision": "approve"}, token=api.token("klaim@jasindo.test")), 403, "conflict_of_interest")
    gen_user("klaim2@jasindo.test", role="insurer", insurer="jasindo")
    assert api.post(path, {"decision": "approve"}, token=api.token("klaim2@jasindo.test")).status_code == 200


def test_finance_does_not_confirm_a_transfer_to_a_store_it_works_for(world):
    variant = gen_listing(store=world["store"], price=40_000, stock=3)
    fill_cart(world["shopper"], (variant, 1))
    api = world["api"]
    paying = api.post(
        "/checkout", {"payment_method": "bank_transfer", "shipping": SHIPPING}, token=api.token("siti@test.id")
    )
    assert paying.status_code == 201, paying.get_data(as_text=True)
    transfer = db.session.scalar(select(BankTransfer))
    gen_staff(world["store"], world["officer"])
    with pytest.raises(interest.ConflictOfInterest):
        bank.confirm(transfer, world["officer"])
    db.session.rollback()
    assert db.session.scalar(select(Order.status)) == "pending_payment"
    paid = bank.confirm(db.session.scalar(select(BankTransfer)), gen_user("keuangan@test.id", role="agency"))
    assert [o.status for o in paid] == ["paid"]
