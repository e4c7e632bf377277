"""Every action of the agency console says what it did: each POST route of the agency
blueprint is listed here (a new one fails until it is) and posted as an officer; the page
it leads to shows a flash message."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.agency_support import gen_people, login, text
from tests.factories import gen_store
from tests.insurance_support import cast as cast
from tests.insurance_support import ins_app as ins_app
from tests.insurance_support import ins_client as ins_client

# endpoints whose flash is asserted in their own tests (state a whole flow builds)
ELSEWHERE = {
    "agency.retry_message": "tests/integration/test_outbox.py",
    "agency.complaint_decision": "tests/integration/test_complaint_pages.py",
    "agency.start_report_job": "tests/integration/test_report_jobs.py",
    "agency.decide_many": "tests/integration/test_agency_bulk_decisions.py",
    "agency.gov_office_dismiss": "tests/integration/test_gov_offices.py",
    "agency.expo_sessions": "tests/integration/test_programme.py",
    "agency.expo_session": "tests/integration/test_programme.py",
    "agency.delete_expo_session": "tests/integration/test_programme.py",
    "agency.synonyms_list": "tests/integration/test_search_synonyms.py",
    "agency.synonym_group": "tests/integration/test_search_synonyms.py",
    "agency.delete_synonym_group": "tests/integration/test_search_synonyms.py",
}
ZONE = "kuliner"
OFFICE = {
    "name": "Sekretariat Daerah Kota Tegal",
    "code": "4.01.0.00.0.00.01.0000",
    "npwp": "00.123.456.7-501.000",
    "address": "Jl. Ki Gede Sebayu No. 12",
    "city": "Kota Tegal",
}


def png() -> BytesIO:
    out = BytesIO()
    Image.new("RGB", (1200, 400), (20, 110, 60)).save(out, "PNG")
    out.seek(0)
    return out


def steps():
    """(endpoint, path, form) in an order where each finds what it needs."""
    bulk = "name,sector,city,owner_email\nKeripik Bu Ida,kuliner,Kota Tegal,ida@example.com\n"
    expo_form = {"name": "Expo Baru", "slug": "expo-baru", "starts_at": "2026-12-10T08:00"}
    expo_form["ends_at"] = "2026-12-12T21:00"
    return [
        ("agency.decide", "/agency/stores/toko-menunggu/approve", {}),
        ("agency.decide", "/agency/stores/toko-menunggu/suspend", {"reason": "Izin kedaluwarsa."}),
        ("agency.decide", "/agency/stores/toko-menunggu/reinstate", {}),
        ("agency.decide", "/agency/stores/toko-ditolak/reject", {"reason": "NIB tidak cocok."}),
        ("agency.onboard_one", "/agency/onboard", {"name": "Tahu Aci", "sector": "kuliner", "owner_email": "a@b.id"}),
        ("agency.onboard_bulk", "/agency/onboard/bulk", {"expo": "", "rows": bulk}),
        ("agency.invite_owner", "/agency/stores/tahu-aci/invite-owner", {"email": "pemilik@b.id"}),
        ("agency.start_assist", "/agency/stores/batik-sari/assist", {}),
        ("agency.change_featured", "/agency/featured/add", {"store": "batik-sari"}),
        ("agency.change_featured", "/agency/featured/add", {"store": "toko-menunggu"}),
        ("agency.change_featured", "/agency/featured/down", {"store": "batik-sari"}),
        ("agency.change_featured", "/agency/featured/up", {"store": "batik-sari"}),
        ("agency.change_featured", "/agency/featured/remove", {"store": "batik-sari"}),
        ("agency.commission", "/agency/commission", {"percent": "2,5"}),
        ("agency.create_expo", "/agency/expos", {**expo_form, "zones": "Kuliner"}),
        ("agency.expo", "/agency/expos/apik", {**expo_form, "name": "Apik Banget 2026"}),
        ("agency.expo_banner", "/agency/expos/apik/banner", {"banner": (png(), "banner.png")}),
        ("agency.add_zone", "/agency/expos/apik/zones", {"zone_name": "Kriya"}),
        ("agency.change_zone", "/agency/expos/apik/zones/kriya/up", {}),
        ("agency.change_zone", "/agency/expos/apik/zones/kriya/down", {}),
        ("agency.change_zone", "/agency/expos/apik/zones/kriya/rename", {"zone_name": "Kriya & Anyaman"}),
        ("agency.change_zone", "/agency/expos/apik/zones/kriya/remove", {}),
        ("agency.add_exhibitor", "/agency/expos/apik/exhibitors", {"store": "batik-sari", "booth": "F1", "zone": ZONE}),
        ("agency.change_exhibitor", "/agency/expos/apik/exhibitors/batik-sari/update", {"booth": "F-2", "zone": ZONE}),
        ("agency.change_exhibitor", "/agency/expos/apik/exhibitors/batik-sari/remove", {}),
        ("agency.gov_office_new", "/agency/gov/offices/new", OFFICE),
        (
            "agency.gov_office",
            f"/agency/gov/offices/{OFFICE['code']}",
            {**OFFICE, "name": "Setda Kota Tegal", "active": "y"},
        ),
        (
            "agency.gov_office_appoint",
            f"/agency/gov/offices/{OFFICE['code']}/officials",
            {"email": "pp.baru@b.id", "position": "pp", "nip": "", "name": "Rina Pengadaan"},
        ),
    ]


@pytest.fixture
def console(app, client):
    people = gen_people()
    people["store"].allow_agency_assist = True
    gen_store(name="Toko Menunggu", approved=False)
    gen_store(name="Toko Ditolak", approved=False)
    expo.create_expo(people["agency"], "apik", "Apik Banget", now(), now() + timedelta(days=7), zones=["Kuliner"])
    db.session.commit()
    login(client, people["agency"].email)
    return people


def test_every_post_route_of_the_console_is_covered(app):
    posted = {endpoint for endpoint, _path, _form in steps()}
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint.startswith("agency.")
    }
    assert routes - posted - set(ELSEWHERE) == set(), "a console action without a flash test"


def test_each_console_action_says_what_it_did(client, console):
    for endpoint, path, form in steps():
        response = client.post(path, data=form, content_type="multipart/form-data", follow_redirects=True)
        page = text(response)
        assert response.status_code == 200, f"{endpoint} {path}: {response.status_code}"
        assert 'class="flash flash-success"' in page or 'class="flash flash-info"' in page, f"{path}: no flash"
        assert "flash-error" not in page, f"{path}: failed"


def insurance_steps(cast):
    """The insurance add-on's console actions (its blueprint ``insurance_agency``)."""
    terms = {"name": "Kiosku Plus", "object_kind": "kiosk", "coverage": "Kios dan isinya.", "causes": ["banjir"]}
    terms |= {"sum_insured": "8000000", "premium": "40000", "period_months": "6", "active": "y"}
    return [
        ("insurance_agency.grant", "/agency/insurance/grant", {"store": cast.store_b.slug, "product": "warungku"}),
        ("insurance_agency.grant_expo", None, {}),
        ("insurance_agency.protection_terms", "/agency/insurance/protection", {"percent": "1", "minimum": "1000"}),
        ("insurance_agency.cancel", f"/agency/insurance/policies/{cast.policy_a.id}/cancel", {"reason": "Tutup."}),
        ("insurance_agency.product", "/agency/insurance/products/kiosku", terms),
    ]


def test_each_insurance_console_action_says_what_it_did(ins_app, ins_client, cast):
    login(ins_client, cast.email("agency"))
    routes = {r.endpoint for r in ins_app.url_map.iter_rules() if r.endpoint.startswith("insurance_agency.")}
    posted = {r.endpoint for r in ins_app.url_map.iter_rules() if "POST" in r.methods} & routes
    steps = insurance_steps(cast)
    assert posted == {endpoint for endpoint, _path, _form in steps}
    for endpoint, path, form in steps:
        if path is None:  # asks first: tests/integration/test_insurance_policies.py
            continue
        response = ins_client.post(path, data=form, follow_redirects=True)
        assert 'class="flash flash-success"' in text(response), f"{endpoint}: no flash"
