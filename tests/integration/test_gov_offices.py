"""The agency's registry of offices and officials (marketplace/gov/offices.py), its pages under
/agency/gov/, the commission on government orders (page and API) and the demo offices."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from marketplace import site_settings
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.gov import offices
from marketplace.gov.models import GovOffice, GovOfficial
from marketplace.gov.officials import official_of
from tests.agency_support import gen_people, login, text
from tests.factories import gen_user

SETDA = {
    "name": "Sekretariat Daerah Kota Tegal",
    "code": "4.01.0.00.0.00.01.0000",
    "npwp": "01.234.567.8-901.000",
    "address": "Jl. Ki Gede Sebayu No. 12",
    "city": "Kota Tegal",
}


@pytest.fixture
def people(app):
    return gen_people()


@pytest.fixture
def office(people):
    office = offices.register_office(people["agency"], SETDA)
    db.session.commit()
    return office


@pytest.fixture
def officer(client, people):
    login(client, people["agency"].email)
    return people


def snapshot() -> tuple:
    """Everything a refused call must leave as it was."""
    db.session.rollback()
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(GovOffice)),
        sorted((o.user_id, o.office_id, o.position, o.active) for o in db.session.scalars(select(GovOfficial))),
        db.session.scalar(select(func.count()).select_from(AuditLog)),
        sorted((u.id, u.role_names) for u in db.session.scalars(select(User))),
    )


def refused(call, error=ValidationError):
    before = snapshot()
    with pytest.raises(error) as caught:
        call()
    db.session.rollback()
    assert snapshot() == before
    return caught.value


# --- services --------------------------------------------------------------------------


def test_an_office_is_registered_with_the_npwp_as_digits_and_audited(office, people):
    assert office.npwp == "012345678901000" and office.active and office.code == SETDA["code"]
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "gov_office.registered"))
    assert row.actor_id == people["agency"].id and row.object_id == SETDA["code"]


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "ab"),
        ("name", "x" * 201),
        ("code", "4.01.A"),
        ("code", ""),
        ("code", "4..01"),
        ("npwp", "12345"),
        ("npwp", "01.234.567.8-901.00X"),
        ("npwp", "1" * 17),
        ("address", ""),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_written(people, field, value):
    exc = refused(lambda: offices.register_office(people["agency"], {**SETDA, field: value}))
    assert list(exc.fields) == [field]


def test_a_sixteen_digit_npwp_is_accepted(people):
    office = offices.register_office(people["agency"], {**SETDA, "npwp": "3276 0123 4567 8901"})
    assert office.npwp == "3276012345678901"


def test_a_taken_code_is_refused_with_the_office_that_has_it(office, people):
    exc = refused(lambda: offices.register_office(people["agency"], {**SETDA, "name": "Dinas Lain"}))
    assert "Sekretariat Daerah Kota Tegal" in exc.fields["code"]


def test_only_the_agency_keeps_the_registry(office, people):
    for who in ("seller", "shopper", "insurer"):
        refused(lambda who=who: offices.register_office(people[who], {**SETDA, "code": "9.9"}), PermissionDenied)
        refused(lambda who=who: offices.appoint(people[who], office, "x@test.id", "pp", name="X Y"), PermissionDenied)


def test_an_existing_account_is_appointed_and_can_act(office, people, outbox):
    user = gen_user("rina@test.id", name="Rina")
    official = offices.appoint(people["agency"], office, "Rina@Test.id", "pp", nip="1985 0312 2010 0120 04")
    db.session.commit()
    assert official.nip == "198503122010012004" and "gov" in user.roles and "shopper" in user.roles
    assert official_of(user).office.code == office.code
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "gov_official.appointed")).one()
    assert json.loads(row.data)["position"] == "pp"
    assert len(outbox) == 1 and "Pejabat Pengadaan" in outbox[0]["Subject"]
    assert "/login" in outbox[0].get_content()


def test_an_unknown_address_gets_an_account_and_a_link_to_set_its_password(client, office, people, outbox):
    offices.appoint(people["agency"], office, "ppk.baru@tegalkota.go.id", "ppk", name="Agus Setiawan")
    db.session.commit()
    user = accounts.get_user_by_email("ppk.baru@tegalkota.go.id")
    assert user.roles == ["gov"] and user.name == "Agus Setiawan"
    [mail] = outbox
    assert mail["To"] == "ppk.baru@tegalkota.go.id" and "Pejabat Pembuat Komitmen" in mail["Subject"]
    path = re.search(r"https?://[^/\s]+(/password/reset/\S+)", mail.get_content()).group(1)
    assert (
        client.post(path, data={"password": "sandi-baru-123", "password_confirm": "sandi-baru-123"}).status_code == 302
    )
    db.session.rollback()
    assert client.post("/login", data={"email": user.email, "password": "sandi-baru-123"}).status_code == 302


def test_a_new_account_needs_a_name(office, people):
    exc = refused(lambda: offices.appoint(people["agency"], office, "baru@tegalkota.go.id", "pp"))
    assert list(exc.fields) == ["name"]


@pytest.mark.parametrize(
    "email,position,nip,field",
    [
        ("bukan-email", "pp", None, "email"),
        ("a@test.id", "kepala", None, "position"),
        ("a@test.id", "pp", "1234", "nip"),
    ],
)
def test_bad_appointment_fields_are_named(office, people, email, position, nip, field):
    exc = refused(lambda: offices.appoint(people["agency"], office, email, position, nip=nip, name="A B"))
    assert field in exc.fields


def test_sellers_members_officers_and_officials_elsewhere_are_refused_with_the_reason(office, people):
    member = gen_user("anggota@test.id")
    from marketplace.stores.models import StoreMember

    db.session.add(StoreMember(store_id=people["store"].id, user_id=member.id, role="staff"))
    db.session.commit()
    other = offices.register_office(people["agency"], {**SETDA, "code": "1.02", "name": "Dinas Kesehatan"})
    held = gen_user("ppk@test.id")
    offices.appoint(people["agency"], other, held.email, "ppk")
    admin = gen_user("admin@test.id", role="admin")
    db.session.commit()
    for email, says in (
        (people["seller"].email, "penjual"),
        (member.email, "anggota toko"),
        (people["agency"].email, "petugas dinas"),
        (admin.email, "petugas dinas"),
        (held.email, "Dinas Kesehatan"),
    ):
        exc = refused(lambda email=email: offices.appoint(people["agency"], office, email, "pp"), Conflict)
        assert says in exc.fields["email"]
    exc = refused(lambda: offices.appoint(people["agency"], other, held.email, "pp"), Conflict)
    assert "instansi ini" in exc.fields["email"]


def test_a_dismissed_official_stops_acting_and_may_be_appointed_elsewhere(office, people):
    user = gen_user("rina@test.id")
    official = offices.appoint(people["agency"], office, user.email, "pp")
    db.session.commit()
    offices.dismiss(people["agency"], official)
    db.session.commit()
    assert official_of(user) is None
    refused(lambda: offices.dismiss(people["agency"], official), Conflict)
    other = offices.register_office(people["agency"], {**SETDA, "code": "1.02", "name": "Dinas Kesehatan"})
    offices.appoint(people["agency"], other, user.email, "bendahara")
    db.session.commit()
    assert official_of(user).office.name == "Dinas Kesehatan" and official_of(user).position == "bendahara"
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("gov_official.%"))).all()
    assert actions == ["gov_official.appointed", "gov_official.dismissed", "gov_official.appointed"]


def test_deactivating_an_office_stops_its_officials_and_refuses_appointments(office, people):
    user = gen_user("rina@test.id")
    offices.appoint(people["agency"], office, user.email, "pp")
    offices.update_office(people["agency"], office, {**SETDA, "active": False})
    db.session.commit()
    assert official_of(user) is None
    refused(lambda: offices.appoint(people["agency"], office, "baru@test.id", "ppk", name="A B"), Conflict)
    offices.update_office(people["agency"], office, {**SETDA, "active": True})
    db.session.commit()
    assert official_of(user) is not None
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action.like("gov_office.%"))).all()
    assert actions == ["gov_office.registered", "gov_office.deactivated", "gov_office.reactivated"]


def test_an_update_audits_only_what_changed(office, people):
    offices.update_office(people["agency"], office, {**SETDA, "address": "Jl. Ki Gede Sebayu No. 14"})
    db.session.commit()
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "gov_office.updated")).one()
    assert json.loads(row.data)["changes"] == {"address": ["Jl. Ki Gede Sebayu No. 12", "Jl. Ki Gede Sebayu No. 14"]}
    with pytest.raises(NotFound):
        offices.get_office("0.00")


# --- pages -----------------------------------------------------------------------------


def test_the_officer_registers_an_office_and_appoints_its_people(client, officer, outbox):
    assert "Belum ada instansi" in text(client.get("/agency/gov/offices"))
    response = client.post("/agency/gov/offices/new", data=SETDA)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/agency/gov/offices/{SETDA['code']}")
    response = client.post(
        f"/agency/gov/offices/{SETDA['code']}/officials",
        data={"email": "ppk@tegalkota.go.id", "position": "ppk", "nip": "197811042005011002", "name": "Agus"},
    )
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "diangkat sebagai Pejabat Pembuat Komitmen (PPK)" in page
    assert "ppk@tegalkota.go.id" in page and "197811042005011002" in page and 'id="appoint"' in page
    listing = text(client.get("/agency/gov/offices"))
    assert "Sekretariat Daerah Kota Tegal" in listing and 'class="num">1<' in listing


def test_bad_input_is_shown_beside_the_field_with_422(client, officer, office):
    response = client.post("/agency/gov/offices/new", data={**SETDA, "npwp": "123"})
    assert response.status_code == 422 and 'id="npwp-error"' in response.get_data(as_text=True)
    assert "Kode satker 4.01.0.00.0.00.01.0000 sudah dipakai" in text(response)
    response = client.post(f"/agency/gov/offices/{office.code}", data={**SETDA, "name": "", "active": "y"})
    assert response.status_code == 422 and 'id="name-error"' in response.get_data(as_text=True)
    response = client.post(
        f"/agency/gov/offices/{office.code}/officials", data={"email": officer["seller"].email, "position": "pp"}
    )
    assert response.status_code == 409 and 'id="email-error"' in response.get_data(as_text=True)
    assert "penjual" in text(response)
    assert client.get("/agency/gov/offices/0.0.0").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(GovOfficial)) == 0


def test_the_officer_edits_deactivates_and_dismisses(client, officer, office):
    user = gen_user("rina@test.id", name="Rina Wulandari")
    offices.appoint(officer["agency"], office, user.email, "pp")
    db.session.commit()
    data = {**SETDA, "city": "Kota Tegal, Jawa Tengah"}  # no "active": the box is unticked
    assert client.post(f"/agency/gov/offices/{office.code}", data=data).status_code == 302
    db.session.rollback()
    assert office.city == "Kota Tegal, Jawa Tengah" and not office.active and official_of(user) is None
    response = client.post(f"/agency/gov/offices/{office.code}/officials/{user.id}/dismiss")
    assert response.status_code == 302
    assert "Pejabat diberhentikan" in text(client.get(response.headers["Location"]))
    again = client.post(f"/agency/gov/offices/{office.code}/officials/{user.id}/dismiss", follow_redirects=True)
    assert "sudah diberhentikan" in text(again)
    assert client.post(f"/agency/gov/offices/{office.code}/officials/999999/dismiss").status_code == 404


def test_the_pages_are_for_officers_only(client, people, office):
    assert client.get("/agency/gov/offices").status_code == 302  # to the sign-in page
    login(client, people["seller"].email)
    assert client.get("/agency/gov/offices").status_code == 403
    assert client.post("/agency/gov/offices/new", data=SETDA | {"code": "9.9"}).status_code == 403


def test_a_phone_sees_the_registry_as_stacked_rows(client, officer, office):
    page = client.get(f"/agency/gov/offices/{office.code}").get_data(as_text=True)
    assert '<table class="stack" id="officials">' not in page  # no officials yet
    offices.appoint(officer["agency"], office, "rina@test.id", "pp", name="Rina")
    db.session.commit()
    page = client.get(f"/agency/gov/offices/{office.code}").get_data(as_text=True)
    assert '<table class="stack" id="officials">' in page and 'data-label="NIP"' in page
    assert 'data-label="Kode satker"' in client.get("/agency/gov/offices").get_data(as_text=True)


# --- the commission on government orders ------------------------------------------------


def test_the_commission_page_sets_both_commissions(client, officer):
    response = client.post("/agency/commission", data={"percent": "2,5", "gov_percent": "0,5"})
    assert response.status_code == 302
    db.session.rollback()
    assert (site_settings.get_commission_bps(), site_settings.get_gov_commission_bps()) == (250, 50)
    page = text(client.get("/agency/commission"))
    assert 'id="gov-commission-now">0,5 %' in page and 'value="0,5"' in page
    assert client.post("/agency/commission", data={"percent": "3", "gov_percent": "0"}).status_code == 302
    db.session.rollback()
    assert (site_settings.get_commission_bps(), site_settings.get_gov_commission_bps()) == (300, 0)


def test_a_bad_government_commission_changes_neither(client, officer):
    response = client.post("/agency/commission", data={"percent": "2", "gov_percent": "101"})
    assert response.status_code == 422 and 'id="gov_percent-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert (site_settings.get_commission_bps(), site_settings.get_gov_commission_bps()) == (0, 0)


def test_the_api_reads_and_sets_the_government_commission(api, people):
    token = api.token(people["agency"].email)
    assert api.get("/agency/commission", token=token).get_json()["gov_basis_points"] == 0
    answer = api.put("/agency/commission", {"gov_percent": "1,5"}, token=token).get_json()
    assert answer == {"percent": 0, "basis_points": 0, "gov_percent": 1.5, "gov_basis_points": 150}
    bad = api.put("/agency/commission", {"percent": 2, "gov_percent": 200}, token=token)
    assert bad.status_code == 422 and list(bad.get_json()["error"]["fields"]) == ["gov_percent"]
    assert api.put("/agency/commission", {}, token=token).status_code == 422
    db.session.rollback()
    assert (site_settings.get_commission_bps(), site_settings.get_gov_commission_bps()) == (0, 150)
    seller = api.token(people["seller"].email)
    assert api.put("/agency/commission", {"gov_percent": 0}, token=seller).status_code == 403


# --- the demo ------------------------------------------------------------------------------


def test_the_demo_offices_are_loaded_once(app):
    from marketplace import demo_gov
    from marketplace.demo import Summary

    first = Summary()
    demo_gov.load(first)
    db.session.commit()
    assert (first.offices, first.officials, first.users) == (2, 4, 4)
    ppk = accounts.get_user_by_email("ppk@demo.test")
    assert official_of(ppk).office.name == "Sekretariat Daerah Kota Tegal" and official_of(ppk).position == "ppk"
    assert official_of(accounts.get_user_by_email("ppk.dinkes@demo.test")).office.name == "Dinas Kesehatan Kota Tegal"
    assert ppk.check_password("demo12345")
    before = snapshot()
    second = Summary()
    demo_gov.load(second)
    db.session.commit()
    assert not second.changed and snapshot() == before


def test_the_list_is_one_statement_however_many_offices(people, count_queries):
    for n in range(3):
        office = offices.register_office(people["agency"], {**SETDA, "code": f"4.0{n}", "name": f"Dinas {n} Kota"})
        offices.appoint(people["agency"], office, f"pp{n}@test.id", "pp", name=f"Pejabat {n}")
    db.session.commit()
    db.session.expire_all()
    with count_queries() as counted:
        rows = offices.list_offices()
    assert counted.count == 1 and [n for _office, n in rows] == [1, 1, 1]


def test_the_registry_reads_in_english(client, officer, office):
    page = text(client.get(f"/agency/gov/offices/{office.code}?lang=en"))
    assert "Appoint an official" in page and "Office details" in page
    assert "Government offices" in text(client.get("/agency/gov/offices"))
