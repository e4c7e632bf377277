"""Who may see and do what, for every insurance route and API endpoint.

Eight callers: anonymous, a shopper, the seller of store A (Jasindo's
Warungku), the seller of store B (Askrindo's Gerobakku), the agency, a
Jasindo insurer user, an Askrindo insurer user, an admin. Another's object is
404 (its existence is not confirmed); a role that may see but not act is 403."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from plugins.insurance.models import Claim
from tests.insurance_support import ROLES, bearer, cast, ins_app, ins_client, login, token  # noqa: F401

pytestmark = pytest.mark.usefixtures("ins_app")


def api_call(client, cast, role, method, path, **kw):
    return getattr(client, method)("/api/v1/insurance" + path, headers=bearer(token(client, cast.email(role))), **kw)


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_products_are_public(ins_client, cast, role):
    response = api_call(ins_client, cast, role, "get", "/products")
    assert response.status_code == 200
    assert {p["code"] for p in response.get_json()["items"]} >= {"warungku", "kiosku", "gerobakku"}


GRANT = {
    "anonymous": 401,
    "shopper": 403,
    "seller_a": 403,
    "seller_b": 403,
    "agency": 201,
    "jasindo": 403,
    "askrindo": 403,
    "admin": 201,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_agency_grants_policies(ins_client, cast, role):
    response = api_call(
        ins_client, cast, role, "post", "/policies", json={"store": cast.store_a.slug, "product": "kiosku"}
    )
    assert response.status_code == GRANT[role], response.get_data(as_text=True)


SEES = {
    "anonymous": None,
    "shopper": set(),
    "seller_a": {"a"},
    "seller_b": {"b"},
    "agency": {"a", "b"},
    "jasindo": {"a"},
    "askrindo": {"b"},
    "admin": {"a", "b"},
}


@pytest.mark.parametrize("role", ROLES)
def test_policy_list_is_scoped_to_the_caller(ins_client, cast, role):
    response = api_call(ins_client, cast, role, "get", "/policies")
    if SEES[role] is None:
        assert response.status_code == 401
        return
    numbers = {p["number"] for p in response.get_json()["items"]}
    expected = {{"a": cast.policy_a.number, "b": cast.policy_b.number}[k] for k in SEES[role]}
    assert numbers == expected


@pytest.mark.parametrize("role", ROLES)
def test_claim_list_is_scoped_to_the_caller(ins_client, cast, role):
    response = api_call(ins_client, cast, role, "get", "/claims")
    if SEES[role] is None:
        assert response.status_code == 401
        return
    ids = {c["id"] for c in response.get_json()["items"]}
    assert ids == {{"a": cast.claim_a.id, "b": cast.claim_b.id}[k] for k in SEES[role]}


@pytest.mark.parametrize("role", ROLES)
def test_one_policy_and_one_claim_only_for_those_who_see_them(ins_client, cast, role):
    expected = 401 if SEES[role] is None else (200 if "a" in SEES[role] else 404)
    assert api_call(ins_client, cast, role, "get", f"/policies/{cast.policy_a.id}").status_code == expected
    assert api_call(ins_client, cast, role, "get", f"/policies/{cast.policy_a.number}").status_code == expected
    assert api_call(ins_client, cast, role, "get", f"/claims/{cast.claim_a.id}").status_code == expected


FILE = {
    "anonymous": 401,
    "shopper": 404,
    "seller_a": 201,
    "seller_b": 404,
    "agency": 403,
    "jasindo": 403,
    "askrindo": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_insured_stores_members_file_claims(ins_client, cast, role):
    body = {
        "policy": cast.policy_a.number,
        "incident_date": cast.policy_a.starts_on.isoformat(),
        "cause": "petir",
        "description": "Petir menyambar tiang listrik, etalase terbakar.",
        "amount": 400_000,
    }
    response = api_call(ins_client, cast, role, "post", "/claims", json=body)
    assert response.status_code == FILE[role], response.get_data(as_text=True)


DECIDE = {
    "anonymous": 401,
    "shopper": 403,
    "seller_a": 403,
    "seller_b": 403,
    "agency": 403,
    "jasindo": 200,
    "askrindo": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_policys_insurer_decides_its_claim(ins_client, cast, role):
    response = api_call(
        ins_client,
        cast,
        role,
        "post",
        f"/claims/{cast.claim_a.id}/decision",
        json={"decision": "approve", "note": "Sesuai survei."},
    )
    assert response.status_code == DECIDE[role], response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Claim, cast.claim_a.id).status == ("approved" if role == "jasindo" else "filed")


def test_an_askrindo_user_never_sees_or_decides_a_jasindo_claim(ins_client, cast):
    tok = token(ins_client, cast.email("askrindo"))
    for method, path, kw in [
        ("get", f"/claims/{cast.claim_a.id}", {}),
        ("post", f"/claims/{cast.claim_a.id}/decision", {"json": {"decision": "reject", "note": "x"}}),
        ("get", f"/policies/{cast.policy_a.id}", {}),
    ]:
        response = getattr(ins_client, method)("/api/v1/insurance" + path, headers=bearer(tok), **kw)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    # and the Jasindo user cannot decide Askrindo's
    tok = token(ins_client, cast.email("jasindo"))
    response = ins_client.post(
        f"/api/v1/insurance/claims/{cast.claim_b.id}/decision", headers=bearer(tok), json={"decision": "approve"}
    )
    assert response.status_code == 404


# --- pages -------------------------------------------------------------------------------------


def page(client, cast, role, url, method="get", **kw):
    login(client, cast.email(role))
    return getattr(client, method)(url, **kw)


CERTIFICATE = {
    "anonymous": 302,
    "shopper": 404,
    "seller_a": 200,
    "seller_b": 404,
    "agency": 200,
    "jasindo": 200,
    "askrindo": 404,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_certificate_and_claim_pages(ins_client, cast, role):
    assert (
        page(ins_client, cast, role, f"/seller/insurance/policies/{cast.policy_a.id}").status_code == CERTIFICATE[role]
    )
    assert ins_client.get(f"/insurance/claims/{cast.claim_a.id}").status_code == CERTIFICATE[role]


CLAIM_FORM = {
    "anonymous": 302,
    "shopper": 404,
    "seller_a": 200,
    "seller_b": 404,
    "agency": 403,
    "jasindo": 403,
    "askrindo": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_claim_form_only_for_the_insured_stores_members(ins_client, cast, role):
    response = page(ins_client, cast, role, f"/seller/insurance/policies/{cast.policy_a.id}/claim")
    assert response.status_code == CLAIM_FORM[role]


DECIDE_PAGE = {
    "anonymous": 302,
    "shopper": 404,
    "seller_a": 403,
    "seller_b": 404,
    "agency": 403,
    "jasindo": 302,
    "askrindo": 404,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_decision_form_posts_only_for_the_claims_insurer(ins_client, cast, role):
    response = page(
        ins_client,
        cast,
        role,
        f"/insurance/claims/{cast.claim_a.id}/decision",
        "post",
        data={"decision": "reject", "note": "Bukan risiko yang dijamin."},
    )
    assert response.status_code == DECIDE_PAGE[role]
    if role == "anonymous":
        assert "/login" in response.headers["Location"]
    db.session.rollback()
    assert db.session.get(Claim, cast.claim_a.id).status == ("rejected" if role == "jasindo" else "filed")


INSURER = {
    "anonymous": 302,
    "shopper": 403,
    "seller_a": 403,
    "seller_b": 403,
    "agency": 403,
    "jasindo": 200,
    "askrindo": 200,
    "admin": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_insurer_console_shows_only_its_own_insurers_claims(ins_client, cast, role):
    response = page(ins_client, cast, role, "/insurer/?status=all")
    assert response.status_code == INSURER[role]
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        mine, theirs = (cast.claim_a, cast.claim_b) if role == "jasindo" else (cast.claim_b, cast.claim_a)
        assert f'data-claim="{mine.id}"' in html and f'data-claim="{theirs.id}"' not in html
        mine_p, theirs_p = (cast.policy_a, cast.policy_b) if role == "jasindo" else (cast.policy_b, cast.policy_a)
        assert mine_p.number in html and theirs_p.number not in html


AGENCY = {
    "anonymous": 302,
    "shopper": 403,
    "seller_a": 403,
    "seller_b": 403,
    "agency": 200,
    "jasindo": 403,
    "askrindo": 403,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
def test_agency_console_pages_are_agency_only(ins_client, cast, role):
    assert page(ins_client, cast, role, "/agency/insurance").status_code == AGENCY[role]
    assert ins_client.get("/agency/insurance/products/warungku").status_code == AGENCY[role]
    response = ins_client.post("/agency/insurance/grant", data={"store": cast.store_b.slug, "product": "kiosku"})
    assert response.status_code == (302 if AGENCY[role] == 200 else AGENCY[role])
    response = ins_client.post("/agency/insurance/protection", data={"percent": "0,5", "minimum": "2000"})
    assert response.status_code == (302 if AGENCY[role] == 200 else AGENCY[role])


@pytest.mark.parametrize("role", ROLES)
def test_seller_page_lists_only_the_callers_stores(ins_client, cast, role):
    response = page(ins_client, cast, role, "/seller/insurance")
    if role == "anonymous":
        assert response.status_code == 302
        return
    html = response.get_data(as_text=True)
    assert (cast.policy_a.number in html) == (role == "seller_a")
    assert (cast.policy_b.number in html) == (role == "seller_b")


@pytest.mark.parametrize("role", ROLES)
def test_photo_upload_only_by_the_claimant(ins_client, cast, role):
    from tests.factories import image_bytes

    response = page(
        ins_client,
        cast,
        role,
        f"/insurance/claims/{cast.claim_a.id}/photos",
        "post",
        data={"photos": (image_bytes(), "bukti.jpg")},
        content_type="multipart/form-data",
    )
    expected = {"anonymous": 302, "seller_a": 302}.get(role, 404 if CERTIFICATE[role] == 404 else 403)
    assert response.status_code == expected
