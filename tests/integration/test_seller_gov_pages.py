"""The seller's side of government buying (issue #21): /seller/gov/ and an order with the
seller's steps; another store's seller and the office's officials get 404 there."""

from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.gov import flow
from marketplace.gov.models import GovDocument, GovOrder, GovOrderLine
from tests.gov_pages_support import checkout_form, orders_of, post_step, sign_in, submit_meeting
from tests.gov_support import build_gov_world

CATERING, BAKERY = "Katering Bu Sri", "Kue Bu Tini"


@pytest.fixture
def world(app):
    return build_gov_world()


def approved_catering(client, world):
    """The meeting's purchase submitted; the catering order approved by the PPK."""
    purchase = submit_meeting(client, world)
    order = db.session.get(GovOrder, orders_of(purchase)[CATERING].id)
    flow.approve(order, world.ppk)
    db.session.commit()
    return purchase, order


def test_the_queue_shows_only_the_sellers_own_orders_with_chips(client, world):
    purchase, order = approved_catering(client, world)
    bakery_number = orders_of(purchase)[BAKERY].number
    sign_in(client, world.catering_owner)
    page = client.get("/seller/gov/").get_data(as_text=True)
    assert order.number in page and bakery_number not in page and "Sekretariat" not in page
    assert "Surat Pesanan baru" in page and "Surat Pesanan terbit" in page
    assert order.number in client.get("/seller/gov/?status=approved").get_data(as_text=True)
    assert order.number not in client.get("/seller/gov/?status=paid").get_data(as_text=True)

    queue = client.get("/seller/orders/").get_data(as_text=True)
    link = queue.split('id="gov-orders-link"')[1].split("</a>")[0]
    assert 'id="gov-waiting-count">1<' in link

    sign_in(client, world.bakery_owner)  # its order waits for the PPK, not for the seller
    assert 'id="gov-waiting-count"' not in client.get("/seller/orders/").get_data(as_text=True)
    assert "Pesanan Instansi" in client.get("/seller/orders/").get_data(as_text=True)


def test_another_store_and_the_office_get_404_on_the_sellers_page(client, world):
    _purchase, order = approved_catering(client, world)
    sign_in(client, world.bakery_owner)
    assert client.get(f"/seller/gov/{order.number}").status_code == 404
    assert post_step(client, order.number, "accept", seller=True).status_code == 404
    sign_in(client, world.ppk)
    assert client.get(f"/seller/gov/{order.number}").status_code == 404
    assert post_step(client, order.number, "accept", seller=True).status_code == 404
    db.session.expire_all()
    assert db.session.get(GovOrder, order.id).status == "approved"


def test_the_seller_sees_the_office_and_accepts_the_surat_pesanan(client, world):
    _purchase, order = approved_catering(client, world)
    sign_in(client, world.catering_owner)
    page = client.get(f"/seller/gov/{order.number}").get_data(as_text=True)
    assert "Sekretariat Daerah Kota Tegal" in page and "45123678" in page and "Ruang Rapat Sekda" in page
    assert 'id="accept-form"' in page and 'id="decline-form"' in page and 'data-kind="sp"' in page
    response = post_step(client, order.number, "accept", seller=True)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/seller/gov/{order.number}")
    db.session.expire_all()
    assert db.session.get(GovOrder, order.id).status == "accepted"
    again = post_step(client, order.number, "accept", seller=True)
    assert again.status_code == 409


def test_decline_needs_a_reason(client, world):
    _purchase, order = approved_catering(client, world)
    sign_in(client, world.catering_owner)
    empty = post_step(client, order.number, "decline", {"reason": ""}, seller=True)
    assert empty.status_code == 422 and 'id="decline-reason-error"' in empty.get_data(as_text=True)
    assert post_step(client, order.number, "decline", {"reason": "Dapur penuh"}, seller=True).status_code == 302
    db.session.expire_all()
    assert db.session.get(GovOrder, order.id).status == "declined"


def test_ship_offers_the_stores_methods_and_refuses_another(client, world):
    _purchase, order = approved_catering(client, world)
    flow.accept(order, world.catering_owner)
    db.session.commit()
    sign_in(client, world.catering_owner)
    page = client.get(f"/seller/gov/{order.number}").get_data(as_text=True)
    form = page.split('id="ship-form"')[1].split("</form>")[0]
    assert 'value="pickup"' in form and 'value="courier"' not in form  # the store offers pickup only

    refused = post_step(client, order.number, "ship", {"method": "courier", "courier": "jne"}, seller=True)
    assert refused.status_code == 422 and 'id="ship-method-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(GovOrder, order.id).status == "accepted"
    assert post_step(client, order.number, "ship", {"method": "pickup"}, seller=True).status_code == 302
    db.session.expire_all()
    assert db.session.get(GovOrder, order.id).status == "shipped"


def test_the_seller_invoices_after_the_bast(client, world):
    _purchase, order = approved_catering(client, world)
    flow.accept(order, world.catering_owner)
    flow.ship(order, world.catering_owner, method="pickup")
    db.session.commit()
    sign_in(client, world.catering_owner)
    assert post_step(client, order.number, "invoice", seller=True).status_code == 409  # no BAST yet
    flow.receive(order, world.ppk)
    db.session.commit()
    page = client.get(f"/seller/gov/{order.number}").get_data(as_text=True)
    assert 'id="invoice-form"' in page and 'data-kind="bast"' in page
    assert post_step(client, order.number, "invoice", seller=True).status_code == 302
    kinds = {d.kind for d in db.session.query(GovDocument).filter_by(order_id=order.id)}
    assert {"invoice", "kuitansi"} <= kinds
    document = db.session.query(GovDocument).filter_by(order_id=order.id, kind="invoice").one()
    assert client.get(f"/gov/documents/{document.id}.pdf").data.startswith(b"%PDF")


def test_the_seller_quotes_new_prices(client, world):
    purchase = submit_meeting(client, world)
    order = orders_of(purchase)[BAKERY]
    line = db.session.query(GovOrderLine).filter_by(order_id=order.id).one()
    sign_in(client, world.bakery_owner)
    page = client.get(f"/seller/gov/{order.number}").get_data(as_text=True)
    assert f'name="quote-line-{line.id}"' in page and 'value="12500"' in page

    bad = post_step(client, order.number, "quote", {f"line-{line.id}": "murah", "lead_days": "2"}, seller=True)
    assert bad.status_code == 422 and "Harus bilangan bulat" in bad.get_data(as_text=True)
    assert orders_of(purchase)[BAKERY].status == "submitted"
    done = post_step(
        client, order.number, "quote", {f"line-{line.id}": "12000", "lead_days": "2", "note": "Grosir"}, seller=True
    )
    assert done.status_code == 302 and orders_of(purchase)[BAKERY].status == "negotiating"


def test_the_queue_takes_a_fixed_number_of_statements(client, world, count_queries):
    approved_catering(client, world)
    sign_in(client, world.catering_owner)

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/seller/gov/").status_code == 200
        return counter.count

    first = statements()
    world.fill_meeting_cart(nasi=30, snack=20)
    sign_in(client, world.pp)
    assert client.post("/gov/checkout", data=checkout_form()).status_code == 302
    sign_in(client, world.catering_owner)
    assert statements() == first == 5
