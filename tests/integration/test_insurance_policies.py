"""Aid policies: grants to one store and to an expo's exhibitors (API, console,
CLI), one active policy per store and product, periods, cancellation,
products as editable data, the certificate, the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.accounts import services as accounts
from marketplace.clock import now
from marketplace.expo import services as expos
from marketplace.extensions import db
from plugins.insurance import policies, terms
from plugins.insurance.models import Claim, Policy
from tests.factories import gen_store
from tests.insurance_support import (
    bearer,
    gen_people,
    grant,
    login,
    token,
)

# fixtures, taken by the tests below as parameters of the same name
from tests.insurance_support import cast as cast
from tests.insurance_support import ins_app as ins_app
from tests.insurance_support import ins_client as ins_client
from tests.sql_count import counting


@pytest.fixture
def expo_with_exhibitors(ins_app):
    people = gen_people()
    agency = people["agency"]
    expo = expos.create_expo(
        agency, "apik-banget", "Apik Banget Virtual Expo", now() - timedelta(days=1), now() + timedelta(days=5)
    )
    stores = [gen_store(name=f"Peserta {i}", address=f"Jl. Pancasila {i}") for i in range(4)]
    for i, store in enumerate(stores):
        expos.add_exhibitor(agency, expo, store, booth=f"A{i + 1}")
    db.session.commit()
    return people, expo, stores


def policy_count(**where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Policy.id)).filter_by(**where))


def test_agency_grants_every_exhibitor_a_policy_once(ins_client, expo_with_exhibitors):
    people, expo, stores = expo_with_exhibitors
    grant(people["agency"], stores[0], "warungku")  # already insured: skipped
    tok = token(ins_client, people["agency"].email)
    response = ins_client.post(
        "/api/v1/insurance/policies", json={"expo": expo.slug, "product": "warungku"}, headers=bearer(tok)
    )
    assert response.status_code == 201
    assert response.get_json()["granted"] == 3 and response.get_json()["skipped"] == ["Peserta 0"]
    assert policy_count(expo_id=expo.id) == 3
    again = ins_client.post(
        "/api/v1/insurance/policies", json={"expo": expo.slug, "product": "warungku"}, headers=bearer(tok)
    )
    assert again.get_json()["granted"] == 0 and policy_count() == 4


def test_cli_grant_prints_how_many_were_granted_and_skipped(ins_app, expo_with_exhibitors):
    people, expo, stores = expo_with_exhibitors
    runner = ins_app.test_cli_runner()
    result = runner.invoke(args=["insurance", "grant", "--expo", expo.slug, "--product", "kiosku"])
    assert result.exit_code == 0, result.output
    assert "granted 4 kiosku policies" in result.output and "skipped 0" in result.output
    result = runner.invoke(args=["insurance", "grant", "--expo", expo.slug, "--product", "kiosku"])
    assert "granted 0" in result.output and "skipped 4" in result.output
    assert policy_count() == 4
    bad = runner.invoke(args=["insurance", "grant", "--expo", expo.slug, "--product", "asuransi-jiwa"])
    assert bad.exit_code != 0 and "tidak ditemukan" in bad.output
    bad = runner.invoke(args=["insurance", "grant", "--expo", "tidak-ada", "--product", "kiosku"])
    assert bad.exit_code != 0


def test_console_grants_to_the_expos_exhibitors(ins_client, expo_with_exhibitors):
    people, expo, stores = expo_with_exhibitors
    login(ins_client, people["agency"].email)
    asked = ins_client.post("/agency/insurance/grant-expo", data={"expo": expo.slug, "product": "gerobakku"})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Berikan polis Gerobakku kepada 4 toko?" in page
    assert page.count("<li>Peserta ") == 4 and policy_count(expo_id=expo.id) == 0  # nothing granted yet
    response = ins_client.post(
        "/agency/insurance/grant-expo",
        data={"expo": expo.slug, "product": "gerobakku", "confirm": "1"},
        follow_redirects=True,
    )
    assert "4 polis diberikan" in response.get_data(as_text=True)
    assert policy_count(expo_id=expo.id) == 4
    again = ins_client.post("/agency/insurance/grant-expo", data={"expo": expo.slug, "product": "gerobakku"})
    assert "kepada 0 toko?" in again.get_data(as_text=True) and "sudah punya polis aktif" in again.get_data(
        as_text=True
    )
    assert 'id="confirm-grant"' not in again.get_data(as_text=True)


def test_a_store_never_gets_two_active_policies_of_one_product(ins_client, cast):
    tok = token(ins_client, cast.email("agency"))
    response = ins_client.post(
        "/api/v1/insurance/policies", json={"store": cast.store_a.slug, "product": "warungku"}, headers=bearer(tok)
    )
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "already_insured"
    other = ins_client.post(
        "/api/v1/insurance/policies", json={"store": cast.store_a.slug, "product": "kiosku"}, headers=bearer(tok)
    )
    assert other.status_code == 201


def test_the_database_refuses_a_second_active_policy_too(ins_app, cast):
    from sqlalchemy.exc import IntegrityError

    row = Policy(
        number="X-1",
        store_id=cast.store_a.id,
        product_id=cast.policy_a.product_id,
        insurer_id=cast.policy_a.insurer_id,
        insured_kind="shop",
        sum_insured=1,
        premium=0,
        starts_on=cast.policy_a.starts_on,
        ends_on=cast.policy_a.ends_on,
        status="active",
    )
    db.session.add(row)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_policy_has_a_number_object_sum_and_period_from_the_product(ins_client, cast):
    tok = token(ins_client, cast.email("seller_a"))
    item = ins_client.get("/api/v1/insurance/policies", headers=bearer(tok)).get_json()["items"][0]
    assert item["number"].startswith("JSD-") and item["product"] == "warungku" and item["insurer"] == "jasindo"
    assert item["insured_object"] == {"kind": "shop", "address": "Jl. Kapten Sudibyo No. 12, Kota Tegal"}
    assert item["sum_insured"] == 10_000_000 and item["premium"] == 50_000 and item["status"] == "active"
    starts = policies.today()
    assert item["starts_on"] == starts.isoformat()
    assert item["ends_on"] == (policies.add_months(starts, 12) - timedelta(days=1)).isoformat()


def test_a_policy_expires_after_its_period_and_the_store_may_get_a_new_one(ins_client, cast):
    with time_machine.travel(now() + timedelta(days=370)):
        tok = token(ins_client, cast.email("seller_a"))
        items = ins_client.get("/api/v1/insurance/policies", headers=bearer(tok)).get_json()["items"]
        assert items[0]["status"] == "expired"
        policy = policies.grant(cast.users["agency"], db.session.merge(cast.store_a), terms.get_product("warungku"))
        db.session.commit()
        assert policy.status == "active"
    assert policy_count(status="expired") == 1


def test_agency_cancels_a_policy_from_the_console(ins_client, cast):
    login(ins_client, cast.email("agency"))
    response = ins_client.post(f"/agency/insurance/policies/{cast.policy_a.id}/cancel", data={"reason": "Tutup"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Policy, cast.policy_a.id).status == "cancelled"
    assert ins_client.post(f"/agency/insurance/policies/{cast.policy_a.id}/cancel").status_code == 409


def test_agency_edits_a_products_terms_and_new_grants_use_them(ins_client, cast):
    login(ins_client, cast.email("agency"))
    response = ins_client.post(
        "/agency/insurance/products/kiosku",
        data={
            "name": "Kiosku Plus",
            "object_kind": "kiosk",
            "coverage": "Kios dan isinya.",
            "causes": ["kebakaran", "banjir"],
            "sum_insured": "8000000",
            "premium": "40000",
            "period_months": "6",
            "active": "y",
        },
    )
    assert response.status_code == 302
    db.session.rollback()
    product = terms.get_product("kiosku")
    assert (product.name, product.sum_insured, product.period_months, product.cause_list) == (
        "Kiosku Plus",
        8_000_000,
        6,
        ["kebakaran", "banjir"],
    )
    policy = grant(cast.users["agency"], db.session.merge(cast.store_b), "kiosku")
    assert policy.sum_insured == 8_000_000
    assert db.session.get(Policy, cast.policy_a.id).sum_insured == 10_000_000  # earlier policies keep theirs
    bad = ins_client.post(
        "/agency/insurance/products/kiosku",
        data={
            "name": "",
            "object_kind": "kiosk",
            "coverage": "",
            "causes": ["gunung_meletus"],
            "sum_insured": "0",
            "premium": "-1",
            "period_months": "x",
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Pilih risiko yang dijamin" in html and "Nama wajib diisi" in html


def test_console_grant_to_an_unknown_store_shows_the_error(ins_client, cast):
    login(ins_client, cast.email("agency"))
    response = ins_client.post("/agency/insurance/grant", data={"store": "tidak-ada", "product": "warungku"})
    assert response.status_code == 404 and "Toko tidak ditemukan" in response.get_data(as_text=True)


def test_certificate_is_printable(ins_client, cast):
    login(ins_client, cast.email("seller_a"))
    html = ins_client.get(f"/seller/insurance/policies/{cast.policy_a.id}").get_data(as_text=True)
    assert cast.policy_a.number in html and "Rp 10.000.000" in html and "Kebakaran" in html
    assert "certificate.css" in html and "<script>" not in html
    css = ins_client.get("/insurance/static/certificate.css").get_data(as_text=True)
    assert "@media print" in css


def test_report_figures_count_policies_and_claims(ins_app, cast):
    from plugins.insurance import claims
    from plugins.insurance.report import report_figures

    claims.decide(cast.users["jasindo"], cast.claim_a.id, "approve", paid_amount=1_000_000)
    claims.decide(cast.users["jasindo"], cast.claim_a.id, "paid")
    db.session.commit()
    figures = report_figures()
    assert figures["policies_total"] == 2
    assert {(r["product"], r["count"]) for r in figures["policies"]} == {("warungku", 1), ("gerobakku", 1)}
    assert figures["claims"] == {
        "filed": 2,
        "amount_filed": 2_300_000,
        "approved": 1,
        "amount_approved": 1_000_000,
        "paid": 1,
        "amount_paid": 1_000_000,
        "rejected": 0,
        "open": 1,
    }
    assert report_figures(date_from=policies.today() + timedelta(days=2))["policies_total"] == 0


def test_demo_grants_policies_and_files_one_open_claim(ins_app):
    runner = ins_app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert accounts.get_user_by_email("insurer2@demo.test").insurer_code == "askrindo"
    assert policy_count() >= 12
    assert policy_count(insurer_id=terms.insurer_by_code("askrindo").id) >= 1
    open_claims = db.session.scalars(select(Claim).where(Claim.status == "filed")).all()
    assert len(open_claims) == 1 and open_claims[0].documents_complete_at is not None
    again = runner.invoke(args=["demo", "load"])
    assert "nothing changed" in again.output


def test_listings_run_a_fixed_number_of_statements(ins_client, cast):
    def statements(path: str, email: str) -> int:
        tok = token(ins_client, email)
        with counting() as seen:
            assert ins_client.get(path, headers=bearer(tok)).status_code == 200
        return seen.count

    agency = cast.email("agency")
    few = {p: statements(p, agency) for p in ("/api/v1/insurance/policies", "/api/v1/insurance/claims")}
    for i in range(6):
        store = gen_store(name=f"Toko Tambahan {i}")
        grant(cast.users["agency"], store, "kiosku")
    from tests.insurance_support import file_claim

    file_claim(cast.users["seller_a"], db.session.merge(cast.policy_a), cause="asap")
    many = {p: statements(p, agency) for p in few}
    assert many == few


def test_dashboard_and_report_partials_render(ins_app, cast):
    from flask import render_template_string

    from plugins.insurance.report import report_figures

    with ins_app.test_request_context("/"):
        panel = render_template_string('{% include "insurance/_store_policies.html" %}', store=cast.store_a)
        report = render_template_string('{% include "insurance/_report_figures.html" %}', insurance=report_figures())
    assert cast.policy_a.number in panel and cast.policy_b.number not in panel
    assert "2 polis diberikan" in report and "Warungku" in report and "Gerobakku" in report


def test_the_core_pages_show_the_insurance_panels_through_their_slots(ins_client, cast, make_app):
    login(ins_client, "sari@test.id")
    dashboard = ins_client.get(f"/seller/stores/{cast.store_a.slug}/").get_data(as_text=True)
    assert cast.policy_a.number in dashboard
    ins_client.post("/logout")
    login(ins_client, "petugas@disnakerin.test")
    report = ins_client.get("/agency/reports").get_data(as_text=True)
    assert 'class="report-insurance"' in report and "2 polis diberikan" in report
    without = make_app(plugins="").test_client()  # the same pages with the plugin off: no panel, no error
    login(without, "petugas@disnakerin.test")
    page = without.get("/agency/reports")
    assert page.status_code == 200 and "report-insurance" not in page.get_data(as_text=True)
