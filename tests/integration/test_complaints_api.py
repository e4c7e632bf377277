"""Complaints through the JSON API: every endpoint, its refusals (wrong role, twice, too big,
bad input) in the error shape, and a photo upload."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from sqlalchemy import func, select

from marketplace.complaints.models import Complaint, ComplaintPhoto
from marketplace.extensions import db
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.complaints_support import line_ids, payment_of, reload, shipped_order
from tests.complaints_support import people as people
from tests.conftest import ApiClient
from tests.factories import image_bytes


@pytest.fixture
def api(cod_app):
    return ApiClient(cod_app.test_client())


@pytest.fixture
def tokens(api, people):
    return {name: api.token(getattr(people, name).email) for name in ("shopper", "other", "seller", "officer", "rival")}


def _open(api, tokens, order, **extra):
    ids = line_ids(order)
    body = {
        "reason": "barang_rusak",
        "description": "Kainnya sobek di bagian tepi.",
        "lines": [{"line_id": ids[0], "quantity": 1}],
    }
    return api.post(f"/orders/{order.number}/complaints", {**body, **extra}, token=tokens["shopper"])


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]


def test_open_answer_partial_accept_through_the_api(api, tokens, people, prepaid):
    order = shipped_order(people)
    opened = _open(api, tokens, order)
    assert opened.status_code == 201, opened.get_data(as_text=True)
    complaint = opened.get_json()
    assert (complaint["status"], complaint["order"], complaint["lines"][0]["amount"]) == (
        "awaiting_seller",
        order.number,
        50_000,
    )
    listed = api.get("/seller/complaints?status=open", token=tokens["seller"]).get_json()
    assert [c["id"] for c in listed["items"]] == [complaint["id"]] and listed["total"] == 1
    assert api.get("/seller/complaints", token=tokens["rival"]).get_json()["items"] == []
    answered = api.post(
        f"/seller/complaints/{complaint['id']}/response",
        {"decision": "partial", "amount": 20_000},
        token=tokens["seller"],
    )
    assert answered.status_code == 200 and answered.get_json()["status"] == "awaiting_shopper"
    accepted = api.post(f"/orders/{order.number}/complaints/{complaint['id']}/accept", token=tokens["shopper"])
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert (accepted.get_json()["status"], accepted.get_json()["refunded_amount"]) == ("resolved", 20_000)
    timeline = api.get(f"/orders/{order.number}/complaints", token=tokens["shopper"]).get_json()["items"][0]["events"]
    assert [e["action"] for e in timeline] == ["opened", "offer_partial", "accepted", "refunded"]
    assert payment_of(order).refunded_amount == 20_000


def test_refusals_are_in_the_error_shape_and_change_nothing(api, tokens, people, prepaid):
    order = shipped_order(people)
    assert _error(api.post(f"/orders/{order.number}/complaints", {}), 401)
    assert _error(_open_as(api, tokens, order, "other"), 404)["code"] == "not_found"
    assert _error(_open(api, tokens, order, lines=[{"line_id": "satu", "quantity": 1}]), 422)["fields"]["lines"]
    assert _error(_open(api, tokens, order, reason=7), 422)["fields"]["reason"]
    assert _error(_open(api, tokens, order, lines=[{"line_id": line_ids(order)[0], "quantity": 3}]), 422)
    assert db.session.scalar(select(func.count(Complaint.id))) == 0
    complaint = _open(api, tokens, order).get_json()
    assert _error(_open(api, tokens, order), 409)["code"] == "complaint_open"
    respond = f"/seller/complaints/{complaint['id']}/response"
    assert _error(api.post(respond, {"decision": "full"}, token=tokens["rival"]), 404)
    assert _error(api.post(respond, {"decision": "full"}, token=tokens["shopper"]), 404)
    too_big = _error(api.post(respond, {"decision": "partial", "amount": 50_001}, token=tokens["seller"]), 422)
    assert "amount" in too_big["fields"]
    assert _error(api.post(respond, {"decision": "partial", "amount": "1000"}, token=tokens["seller"]), 422)
    assert _error(api.post(respond, {"decision": "full", "return_needed": "ya"}, token=tokens["seller"]), 422)
    assert _error(api.post(respond, [1, 2], token=tokens["seller"]), 422)
    decide = f"/agency/complaints/{complaint['id']}/decision"
    assert _error(api.post(decide, {"decision": "refund"}, token=tokens["seller"]), 403)
    assert _error(api.post(decide, {"decision": "refund"}, token=tokens["officer"]), 409)  # not escalated
    assert (
        api.post(
            respond, {"decision": "disagree", "note": "Barang sudah sesuai foto."}, token=tokens["seller"]
        ).status_code
        == 200
    )
    assert _error(api.post(respond, {"decision": "full"}, token=tokens["seller"]), 409)  # twice
    accept = f"/orders/{order.number}/complaints/{complaint['id']}/accept"
    assert _error(api.post(accept, token=tokens["shopper"]), 409)  # no offer
    assert payment_of(order).refunded_amount == 0
    decided = api.post(decide, {"decision": "refund", "return_needed": True}, token=tokens["officer"])
    assert decided.status_code == 200 and decided.get_json()["status"] == "awaiting_return"
    back = f"/orders/{order.number}/complaints/{complaint['id']}/return"
    assert _error(api.post(back, {"courier": "JNE", "tracking_number": ""}, token=tokens["shopper"]), 422)
    assert api.post(back, {"courier": "JNE", "tracking_number": "RT1"}, token=tokens["shopper"]).status_code == 200
    received = api.post(f"/seller/complaints/{complaint['id']}/return-received", token=tokens["seller"])
    assert received.get_json()["refunded_amount"] == 50_000 and payment_of(order).refunded_amount == 50_000
    assert _error(api.post(f"/seller/complaints/{complaint['id']}/return-received", token=tokens["seller"]), 409)
    assert payment_of(order).refunded_amount == 50_000


def _open_as(api, tokens, order, who):
    body = {
        "reason": "kurang",
        "description": "Kainnya sobek di bagian tepi.",
        "lines": [{"line_id": 1, "quantity": 1}],
    }
    return api.post(f"/orders/{order.number}/complaints", body, token=tokens[who])


def test_agency_queue_lists_escalated_complaints_and_bad_status_is_422(api, tokens, people, prepaid):
    order = shipped_order(people)
    complaint = _open(api, tokens, order).get_json()
    assert api.get("/agency/complaints", token=tokens["officer"]).get_json()["items"] == []
    api.post(
        f"/seller/complaints/{complaint['id']}/response",
        {"decision": "disagree", "note": "Barang sudah sesuai foto."},
        token=tokens["seller"],
    )
    assert [c["id"] for c in api.get("/agency/complaints", token=tokens["officer"]).get_json()["items"]] == [
        complaint["id"]
    ]
    assert _error(api.get("/agency/complaints?status=nope", token=tokens["officer"]), 422)["fields"]["status"]
    assert _error(api.get("/agency/complaints", token=tokens["seller"]), 403)


def test_photos_come_as_multipart_and_are_served_to_the_parties_only(api, tokens, people, prepaid):
    order = shipped_order(people)
    lines = json.dumps([{"line_id": line_ids(order)[0], "quantity": 1}])
    response = api.client.post(
        f"/api/v1/orders/{order.number}/complaints",
        data={
            "reason": "barang_rusak",
            "description": "Kainnya sobek di bagian tepi.",
            "lines": lines,
            "photos": [(image_bytes(), "rusak.jpg")],
        },
        headers={"Authorization": f"Bearer {tokens['shopper']}"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    url = response.get_json()["photos"][0].removeprefix("http://localhost")
    for who, status in (("shopper", 200), ("seller", 200), ("officer", 200), ("other", 404), ("rival", 404)):
        got = api.client.get(url, headers={"Authorization": f"Bearer {tokens[who]}"})
        assert got.status_code == status, who
    assert api.client.get(url).status_code == 401
    assert db.session.scalar(select(func.count(ComplaintPhoto.id))) == 1


def test_a_non_image_photo_is_refused_and_nothing_is_written(api, tokens, people, prepaid):
    order = shipped_order(people)
    response = api.client.post(
        f"/api/v1/orders/{order.number}/complaints",
        data={
            "reason": "barang_rusak",
            "description": "Kainnya sobek di bagian tepi.",
            "lines": json.dumps([{"line_id": line_ids(order)[0], "quantity": 1}]),
            "photos": [(BytesIO(b"not an image"), "x.jpg")],
        },
        headers={"Authorization": f"Bearer {tokens['shopper']}"},
        content_type="multipart/form-data",
    )
    assert _error(response, 422)["fields"]["photos"]
    assert db.session.scalar(select(func.count(Complaint.id))) == 0
    assert reload(order).status == "shipped"
