"""Claims: validation (each bad input a clear error, nothing written), the
insurer's decisions, audit rows and e-mails, deadlines."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from plugins.insurance import claims, policies
from plugins.insurance.models import Claim, ClaimPhoto
from tests.factories import image_bytes
from tests.insurance_support import bearer, cast, ins_app, ins_client, login, token  # noqa: F401


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr("marketplace.mail.deliver", messages.append)
    return messages


def claim_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Claim.id)))


def body(cast, **overrides) -> dict:
    return {
        "policy": cast.policy_a.number,
        "incident_date": cast.policy_a.starts_on.isoformat(),
        "cause": "ledakan",
        "description": "Tabung gas meledak dan merusak etalase dagangan.",
        "amount": 2_000_000,
        **overrides,
    }


def post_claim(client, cast, role="seller_a", **overrides):
    return client.post(
        "/api/v1/insurance/claims", json=body(cast, **overrides), headers=bearer(token(client, cast.email(role)))
    )


# --- validation --------------------------------------------------------------------------------

BAD = [
    ("incident before the policy starts", {"incident_date": "2020-01-01"}, "incident_date"),
    ("incident after the policy ends", {"incident_date": "2099-01-01"}, "incident_date"),
    ("not a date", {"incident_date": "kemarin"}, "incident_date"),
    ("amount over the sum insured", {"amount": 10_000_001}, "amount"),
    ("amount zero", {"amount": 0}, "amount"),
    ("amount negative", {"amount": -5}, "amount"),
    ("amount not a number", {"amount": "banyak"}, "amount"),
    ("cause not covered (Warungku does not cover theft)", {"cause": "pencurian"}, "cause"),
    ("cause unknown", {"cause": "tsunami"}, "cause"),
    ("no description", {"description": ""}, "description"),
]


@pytest.mark.parametrize("case,overrides,field", BAD, ids=[b[0] for b in BAD])
def test_a_bad_claim_is_refused_with_a_clear_error_and_nothing_is_written(
    ins_client, cast, sent, case, overrides, field
):
    before, mails = claim_count(), len(sent)
    response = post_claim(ins_client, cast, **overrides)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and field in error["fields"] and error["fields"][field]
    assert claim_count() == before and len(sent) == mails


def test_the_amount_may_equal_the_sum_insured(ins_client, cast):
    assert post_claim(ins_client, cast, amount=cast.policy_a.sum_insured).status_code == 201


def test_a_claim_on_an_expired_policy_is_refused(ins_client, cast):
    before = claim_count()
    with time_machine.travel(now() + timedelta(days=400)):
        response = post_claim(ins_client, cast)
    assert response.status_code == 422 and "policy" in response.get_json()["error"]["fields"]
    assert claim_count() == before


def test_a_claim_on_a_cancelled_policy_is_refused(ins_client, cast):
    policies.cancel(cast.users["agency"], db.session.merge(cast.policy_a), "Toko tutup.")
    db.session.commit()
    before = claim_count()
    response = post_claim(ins_client, cast)
    assert response.status_code == 422 and "tidak aktif" in response.get_json()["error"]["message"]
    assert claim_count() == before


def test_a_second_open_claim_for_the_same_incident_is_a_conflict(ins_client, cast):
    assert post_claim(ins_client, cast).status_code == 201
    response = post_claim(ins_client, cast, amount=100_000)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "duplicate_claim"
    assert post_claim(ins_client, cast, cause="asap").status_code == 201  # another incident is fine


def test_after_a_rejection_the_incident_may_be_claimed_again(ins_app, cast):
    claims.decide(cast.users["jasindo"], cast.claim_a.id, "reject", "Foto kurang jelas.")
    db.session.commit()
    again = claims.file_policy_claim(
        cast.users["seller_a"],
        cast.policy_a.id,
        {
            "incident_date": cast.claim_a.incident_date.isoformat(),
            "cause": "kebakaran",
            "description": "Pengajuan ulang dengan foto yang jelas.",
            "amount": 1_500_000,
        },
    )
    assert again.status == "filed"


def test_a_non_image_evidence_file_is_refused_and_nothing_is_written(ins_client, cast, ins_app):
    login(ins_client, cast.email("seller_a"))
    before = claim_count()
    response = ins_client.post(
        f"/seller/insurance/policies/{cast.policy_a.id}/claim",
        data={
            "incident_date": cast.policy_a.starts_on.isoformat(),
            "cause": "asap",
            "description": "Asap dari kebakaran tetangga merusak kain.",
            "amount": "750000",
            "photos": [(image_bytes(), "a.jpg"), (Path(__file__).open("rb"), "bukti.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "bukan gambar" in response.get_data(as_text=True)
    assert claim_count() == before
    assert db.session.scalar(select(func.count(ClaimPhoto.id))) == 0
    uploads = Path(ins_app.config["UPLOAD_FOLDER"]) / "claims"
    assert not uploads.exists() or not any(uploads.iterdir())


def test_the_claim_form_keeps_input_and_shows_errors_next_to_fields(ins_client, cast):
    login(ins_client, cast.email("seller_a"))
    response = ins_client.post(
        f"/seller/insurance/policies/{cast.policy_a.id}/claim",
        data={
            "incident_date": cast.policy_a.starts_on.isoformat(),
            "cause": "pencurian",
            "description": "Maling masuk malam hari membawa kain.",
            "amount": "99999999",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "tidak dijamin" in html and "melebihi nilai pertanggungan" in html
    assert "Maling masuk malam hari" in html


def test_a_claim_with_photos_has_complete_documents_and_a_visible_deadline(ins_client, cast):
    login(ins_client, cast.email("seller_a"))
    response = ins_client.post(
        f"/seller/insurance/policies/{cast.policy_a.id}/claim",
        data={
            "incident_date": cast.policy_a.starts_on.isoformat(),
            "cause": "asap",
            "description": "Asap dari kebakaran tetangga merusak kain.",
            "amount": "750000",
            "photos": [(image_bytes(), "a.jpg"), (image_bytes("PNG"), "b.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    claim = db.session.scalars(select(Claim).order_by(Claim.id.desc())).first()
    assert claim.documents_complete_at is not None
    assert db.session.scalar(select(func.count(ClaimPhoto.id)).where(ClaimPhoto.claim_id == claim.id)) == 2
    with time_machine.travel(now() + timedelta(days=3, hours=1)):
        login(ins_client, cast.email("jasindo"))
        html = ins_client.get(f"/insurance/claims/{claim.id}").get_data(as_text=True)
    assert "3 hari sejak dokumen lengkap" in html


def test_a_claim_without_photos_waits_for_documents_then_they_complete_it(ins_client, cast):
    assert cast.claim_a.documents_complete_at is None
    login(ins_client, cast.email("seller_a"))
    response = ins_client.post(
        f"/insurance/claims/{cast.claim_a.id}/photos",
        data={"photos": (image_bytes(), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Claim, cast.claim_a.id).documents_complete_at is not None


# --- decisions -----------------------------------------------------------------------------------


def decide(client, cast, claim_id, role="jasindo", **payload):
    return client.post(
        f"/api/v1/insurance/claims/{claim_id}/decision", json=payload, headers=bearer(token(client, cast.email(role)))
    )


def test_the_insurer_approves_then_marks_paid_each_step_audited_and_mailed(ins_client, cast, sent):
    response = decide(ins_client, cast, cast.claim_a.id, decision="approve", amount=1_200_000, note="Survei OK.")
    assert response.status_code == 200
    assert response.get_json()["status"] == "approved" and response.get_json()["paid_amount"] == 1_200_000
    response = decide(ins_client, cast, cast.claim_a.id, decision="paid", note="Transfer BRI 0012")
    assert response.get_json()["status"] == "paid"
    db.session.rollback()
    actions = db.session.scalars(
        select(AuditLog.action)
        .where(AuditLog.object_type == "insurance_claim", AuditLog.object_id == str(cast.claim_a.id))
        .order_by(AuditLog.id)
    ).all()
    assert actions == ["insurance.claim_filed", "insurance.claim_approved", "insurance.claim_paid"]
    to_seller = [m for m in sent if m["To"] == cast.email("seller_a")]
    subjects = [m["Subject"] for m in to_seller]
    assert any("Disetujui" in s for s in subjects) and any("Dibayar" in s for s in subjects)


def test_a_claim_filed_is_mailed_to_its_insurer_only(ins_app, cast, sent):
    claims.file_policy_claim(
        cast.users["seller_b"],
        cast.policy_b.id,
        {
            "incident_date": cast.policy_b.starts_on.isoformat(),
            "cause": "asap",
            "description": "Asap dari warung sebelah merusak gerobak.",
            "amount": 300_000,
        },
    )
    db.session.commit()
    recipients = {m["To"] for m in sent}
    assert cast.email("askrindo") in recipients and cast.email("jasindo") not in recipients
    assert cast.email("seller_b") in recipients


def test_a_rejection_needs_a_reason(ins_client, cast):
    response = decide(ins_client, cast, cast.claim_a.id, decision="reject", note="")
    assert response.status_code == 422 and "note" in response.get_json()["error"]["fields"]
    response = decide(ins_client, cast, cast.claim_a.id, decision="reject", note="Bukan akibat kebakaran.")
    assert response.status_code == 200 and response.get_json()["note"] == "Bukan akibat kebakaran."


@pytest.mark.parametrize(
    "payload,status",
    [
        ({"decision": "paid"}, 409),  # not approved yet
        ({"decision": "approve", "amount": 1_500_001}, 422),  # more than claimed
        ({"decision": "approve", "amount": 0}, 422),
        ({"decision": "maybe"}, 422),
    ],
)
def test_decisions_out_of_order_or_out_of_bounds_are_refused(ins_client, cast, payload, status):
    assert decide(ins_client, cast, cast.claim_a.id, **payload).status_code == status
    db.session.rollback()
    assert db.session.get(Claim, cast.claim_a.id).status == "filed"


def test_a_decided_claim_cannot_be_decided_again(ins_app, cast):
    claims.decide(cast.users["jasindo"], cast.claim_a.id, "approve")
    db.session.commit()
    with pytest.raises(Conflict):
        claims.decide(cast.users["jasindo"], cast.claim_a.id, "reject", "Berubah pikiran")


def test_the_seller_and_agency_see_the_status(ins_client, cast):
    decide(ins_client, cast, cast.claim_a.id, decision="approve")
    for role in ("seller_a", "agency"):
        login(ins_client, cast.email(role))
        html = ins_client.get(f"/insurance/claims/{cast.claim_a.id}").get_data(as_text=True)
        assert "Disetujui" in html
        assert 'id="approve-form"' not in html  # only the insurer gets the buttons


def test_unit_clean_names_every_bad_field_at_once(ins_app, cast):
    with pytest.raises(ValidationError) as exc:
        claims.file_policy_claim(
            cast.users["seller_a"],
            cast.policy_a.id,
            {"incident_date": "2000-01-01", "cause": "tsunami", "description": "x", "amount": 0},
        )
    assert set(exc.value.fields) == {"incident_date", "cause", "description", "amount"}
    audit = db.session.scalars(select(AuditLog.data).where(AuditLog.action == "insurance.claim_filed")).all()
    assert all(json.loads(a)["amount"] for a in audit)


# --- evidence photos are private ---------------------------------------------------------------


def test_claim_photos_are_served_only_to_those_who_may_see_the_claim(ins_client, cast):
    login(ins_client, cast.email("seller_a"))
    ins_client.post(
        f"/insurance/claims/{cast.claim_a.id}/photos",
        data={"photos": (image_bytes(), "a.jpg")},
        content_type="multipart/form-data",
    )
    db.session.rollback()
    photo = db.session.scalars(select(ClaimPhoto).where(ClaimPhoto.claim_id == cast.claim_a.id)).one()
    url = f"/insurance/claims/{cast.claim_a.id}/photos/{photo.id}"

    # the claim's page links the guarded route, never /media
    html = ins_client.get(f"/insurance/claims/{cast.claim_a.id}").get_data(as_text=True)
    assert f"{url}?size=200" in html and photo.path not in html
    own = ins_client.get(url)
    assert own.status_code == 200 and own.mimetype == "image/jpeg"
    assert own.headers["Cache-Control"] == "private, no-store"
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert ins_client.get(f"{url}?size=200").status_code == 200
    assert ins_client.get(f"{url}?size=123").status_code == 404

    # the unguessable name is no key: /media refuses private kinds, original and thumbnails
    assert ins_client.get(f"/media/{photo.path}").status_code == 404
    stem, _dot, ext = photo.path.rpartition(".")
    assert ins_client.get(f"/media/{stem}_200.{ext}").status_code == 404

    # the API's claim JSON links the same route, which takes the bearer's token
    api_token = token(ins_client, cast.email("jasindo"))
    ins_client.post("/logout")
    claim_json = ins_client.get(f"/api/v1/insurance/claims/{cast.claim_a.id}", headers=bearer(api_token)).get_json()
    assert claim_json["photos"] == [url]
    assert ins_client.get(url, headers=bearer(api_token)).status_code == 200

    # others: the other insurer, the other store's seller, nobody
    for role in ("askrindo", "seller_b"):
        assert ins_client.get(url, headers=bearer(token(ins_client, cast.email(role)))).status_code == 404
        login(ins_client, cast.email(role))
        assert ins_client.get(url).status_code == 404
        ins_client.post("/logout")
    assert ins_client.get(url).status_code == 401
    # another claim's id with this photo's id
    login(ins_client, cast.email("seller_b"))
    assert ins_client.get(f"/insurance/claims/{cast.claim_b.id}/photos/{photo.id}").status_code == 404


def test_the_api_lists_claims_of_one_status_and_refuses_an_unknown_one(ins_client, cast):
    """``GET /api/v1/insurance/claims?status=``: the agency sees every claim, filtered by status."""
    claims.decide(cast.users["jasindo"], cast.claim_a.id, "reject", "Tidak ada bukti kerusakan.")
    db.session.commit()
    agency = bearer(token(ins_client, cast.email("agency")))

    def numbers(query: str) -> set[int]:
        response = ins_client.get(f"/api/v1/insurance/claims{query}", headers=agency)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["id"] for item in response.get_json()["items"]}

    assert numbers("") == {cast.claim_a.id, cast.claim_b.id}
    assert numbers("?status=filed") == {cast.claim_b.id}
    assert numbers("?status=rejected") == {cast.claim_a.id}
    assert numbers("?status=paid") == set()
    refused = ins_client.get("/api/v1/insurance/claims?status=hilang", headers=agency)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {"status": "Status tidak dikenal."}
