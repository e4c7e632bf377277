"""The complaint pages of the shopper, the seller and the agency: forms, errors next to the
field, the timeline on the order page, and statements that do not grow with the list."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.complaints import services as complaints
from marketplace.complaints import steps
from marketplace.complaints.models import Complaint
from marketplace.extensions import db
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import prepaid as prepaid
from tests.complaints_support import fresh, line_ids, open_on, payment_of, shipped_order
from tests.complaints_support import people as people
from tests.factories import PASSWORD, image_bytes
from tests.sql_count import counting


@pytest.fixture
def client(cod_app):
    return cod_app.test_client()


def login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_the_shopper_opens_a_complaint_from_the_order_page(client, people, prepaid):
    order = shipped_order(people)
    login(client, people.shopper)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Ajukan komplain" in page
    form = client.get(f"/orders/{order.number}/complaints/new").get_data(as_text=True)
    first = line_ids(order)[0]
    assert f'name="quantity_{first}"' in form
    response = client.post(
        f"/orders/{order.number}/complaints/new",
        data={
            "line": str(first),
            f"quantity_{first}": "2",
            "reason": "barang_rusak",
            "description": "Dua potong kain sobek di tepi.",
            "photos": [(image_bytes(), "rusak.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Menunggu jawaban penjual" in page and "Komplain diajukan" in page and "Ajukan komplain" not in page
    complaint = db.session.scalar(select(Complaint))
    assert fresh(complaint).lines[0].amount == 100_000 and len(fresh(complaint).photos) == 1


def test_bad_input_is_shown_next_to_its_field_and_kept(client, people, prepaid):
    order = shipped_order(people)
    login(client, people.shopper)
    response = client.post(
        f"/orders/{order.number}/complaints/new",
        data={"reason": "", "description": "Sobek sedikit di sini."},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pilih barang yang dikomplain." in html and "Pilih alasan komplain." in html
    assert "Sobek sedikit di sini." in html
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_another_shopper_gets_404_and_a_late_order_says_why(client, people, prepaid):
    order = shipped_order(people)
    login(client, people.other)
    assert client.get(f"/orders/{order.number}/complaints/new").status_code == 404


def test_seller_answers_with_a_partial_offer_and_the_shopper_accepts(client, people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    login(client, people.seller)
    queue = client.get("/seller/complaints/").get_data(as_text=True)
    assert f'data-complaint="{complaint.id}"' in queue
    assert f"/seller/complaints/{complaint.id}" in client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    bad = client.post(f"/seller/complaints/{complaint.id}/response", data={"decision": "partial", "amount": "60000"})
    assert bad.status_code == 422 and "Nominal harus antara" in bad.get_data(as_text=True)
    ok = client.post(f"/seller/complaints/{complaint.id}/response", data={"decision": "partial", "amount": "25000"})
    assert ok.status_code == 302
    client.post("/logout")
    login(client, people.shopper)
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Terima tawaran Rp 25.000" in page
    assert client.post(f"/complaints/{complaint.id}/accept").status_code == 302
    page = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert "Dana dikembalikan: Rp 25.000" in page
    assert payment_of(order).refunded_amount == 25_000


def test_the_agency_decides_from_its_queue(client, people, prepaid):
    order = shipped_order(people)
    complaint = open_on(people, order)
    steps.respond(
        people.seller,
        complaints.for_seller(people.seller, complaint.id),
        {"decision": "disagree", "note": "Barang sudah sesuai foto produk."},
    )
    db.session.commit()
    login(client, people.officer)
    assert f'data-complaint="{complaint.id}"' in client.get("/agency/complaints").get_data(as_text=True)
    bad = client.post(f"/agency/complaints/{complaint.id}/decision", data={"decision": "reject"})
    assert bad.status_code == 422 and "Tuliskan alasannya" in bad.get_data(as_text=True)
    done = client.post(f"/agency/complaints/{complaint.id}/decision", data={"decision": "refund", "amount": "30000"})
    assert done.status_code == 302 and fresh(complaint).refunded_amount == 30_000
    client.post("/logout")
    login(client, people.seller)
    assert client.get("/agency/complaints").status_code == 403


def _statements(client, url: str) -> int:
    with counting() as seen:
        assert client.get(url).status_code == 200
    return seen.count


def test_the_queues_run_the_same_statements_for_one_or_many(cod_app, people, prepaid):
    seller, officer = cod_app.test_client(), cod_app.test_client()
    login(seller, people.seller)
    login(officer, people.officer)
    open_on(people, shipped_order(people))
    one = (_statements(seller, "/seller/complaints/"), _statements(officer, "/agency/complaints?status=open"))
    for _ in range(3):
        open_on(people, shipped_order(people))
    many = (_statements(seller, "/seller/complaints/"), _statements(officer, "/agency/complaints?status=open"))
    assert many == one
