"""The office's pages of government buying (issue #21): /gov/ for each position, the office
checkout, a purchase, an order with the position's steps and the documents."""

from __future__ import annotations

import pytest

from marketplace.catalog.models import Variant
from marketplace.extensions import db
from marketplace.gov import flow
from marketplace.gov.models import GovDocument, GovOrder, GovOrderLine, GovPurchase
from marketplace.gov.pages import today
from tests.gov_pages_support import checkout_form, orders_of, post_step, sign_in, submit_meeting
from tests.gov_support import build_gov_world

CATERING, BAKERY = "Katering Bu Sri", "Kue Bu Tini"


@pytest.fixture
def world(app):
    return build_gov_world()


def approved(client, world, store: str = CATERING):
    """The meeting's purchase submitted and ``store``'s order approved through the pages."""
    purchase = submit_meeting(client, world)
    sign_in(client, world.ppk)
    assert post_step(client, orders_of(purchase)[store].number, "approve").status_code == 302
    return purchase, orders_of(purchase)


def stock_of(variant) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant.id).stock


# --- home, by position ---------------------------------------------------------------------


def test_each_position_lands_on_its_home_with_what_waits_for_it(client, world):
    purchase = submit_meeting(client, world)
    numbers = [o.number for o in orders_of(purchase).values()]

    page = client.get("/gov/").get_data(as_text=True)
    assert "Sekretariat Daerah Kota Tegal" in page and "Pejabat Pengadaan" in page
    assert "/search?instansi=1" in page and all(n in page for n in numbers)

    sign_in(client, world.ppk)
    assert client.post("/login").status_code in (302, 422)  # signed in already: stays signed in
    response = client.get("/gov/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Pejabat Pembuat Komitmen" in page
    waiting = page.split('id="waiting-submitted"')[1].split("</section>")[0]
    assert "Menunggu persetujuan" in waiting and all(n in waiting for n in numbers)
    assert 'id="waiting-shipped"' in page and "Menunggu pemeriksaan" in page

    sign_in(client, world.bendahara)
    page = client.get("/gov/").get_data(as_text=True)
    assert "Bendahara" in page and "Menunggu pembayaran" in page

    filtered = client.get("/gov/?status=paid").get_data(as_text=True)
    assert not any(n in filtered for n in numbers) and 'class="on"' in filtered


def test_another_office_sees_none_of_the_orders_and_others_are_refused(client, world):
    purchase = submit_meeting(client, world)
    number = next(iter(orders_of(purchase).values())).number
    sign_in(client, world.other_ppk)
    assert number not in client.get("/gov/").get_data(as_text=True)
    assert client.get(f"/gov/orders/{number}").status_code == 404
    assert client.get(f"/gov/purchases/{purchase.number}").status_code == 404
    assert post_step(client, number, "approve").status_code == 404
    assert orders_of(purchase)[CATERING].status == "submitted"

    sign_in(client, world.catering_owner)
    assert client.get("/gov/").status_code == 403
    client.post("/logout")
    assert client.get("/gov/").status_code == 302  # to the sign-in page


def test_an_official_signs_in_to_gov_and_the_menu_shows_pengadaan(client, world):
    response = client.post("/login", data={"email": world.ppk.email, "password": "rahasia123"})
    assert response.headers["Location"].endswith("/gov/")
    page = client.get("/gov/").get_data(as_text=True)
    assert "Instansi" in page and 'href="/gov/"' in page


# --- checkout --------------------------------------------------------------------------------


def test_the_cart_leads_the_pejabat_pengadaan_to_the_office_checkout(client, world):
    world.fill_meeting_cart()
    sign_in(client, world.pp)
    cart = client.get("/cart").get_data(as_text=True)
    assert "Ajukan pengadaan" in cart and 'href="/gov/checkout"' in cart
    assert client.get("/checkout").headers["Location"].endswith("/gov/checkout")
    assert client.post("/checkout").headers["Location"].endswith("/gov/checkout")

    page = client.get("/gov/checkout").get_data(as_text=True)
    assert CATERING in page and BAKERY in page
    assert "Rp 3.000.000" in page and "Rp 500.000" in page and "Rp 50.000.000" in page
    assert 'type="date"' in page and 'name="rup_code"' in page

    sign_in(client, world.ppk)
    assert client.get("/gov/checkout").status_code == 403


def test_submit_through_the_page_makes_one_order_per_store(client, world):
    purchase = submit_meeting(client, world)
    page = client.get(f"/gov/purchases/{purchase.number}").get_data(as_text=True)
    assert "45123678" in page and "5.1.02.01.01.0052" in page and "Ruang Rapat Sekda" in page
    orders = orders_of(purchase)
    assert set(orders) == {CATERING, BAKERY}
    assert all(o.number in page for o in orders.values()) and "Menunggu persetujuan PPK" in page
    assert orders[CATERING].total == 3_000_000 and orders[BAKERY].total == 500_000


def test_bad_input_is_shown_beside_the_fields_and_nothing_is_written(client, world):
    world.fill_meeting_cart()
    sign_in(client, world.pp)
    response = client.post("/gov/checkout", data=checkout_form(rup_code="RUP-abc", delivery_date="31/12/2026"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="rup_code-error"' in page and 'id="delivery_date-error"' in page
    assert 'value="5.1.02.01.01.0052"' in page  # what was typed is kept
    db.session.rollback()
    assert db.session.query(GovPurchase).count() == 0
    assert "Ajukan pengadaan" in client.get("/cart").get_data(as_text=True)  # the cart is still there


def test_a_store_order_over_the_limit_is_refused_with_the_reason(make_app):
    app = make_app(GOV_DIRECT_PURCHASE_LIMIT=2_000_000)
    with app.app_context():
        world = build_gov_world()
        client = app.test_client()
        world.fill_meeting_cart()
        sign_in(client, world.pp)
        checkout = client.get("/gov/checkout").get_data(as_text=True)
        assert "Rp 2.000.000" in checkout and "melebihi batas" in checkout
        response = client.post("/gov/checkout", data=checkout_form())
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Katering Bu Sri" in page.split('role="alert"')[1].split("</div>")[0]
        db.session.rollback()
        assert db.session.query(GovOrder).count() == 0


# --- the order and its steps -----------------------------------------------------------------


def test_the_ppk_approves_and_the_surat_pesanan_opens_as_a_pdf(client, world):
    purchase = submit_meeting(client, world)
    order = orders_of(purchase)[CATERING]
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert 'id="approve-form"' not in page and 'id="withdraw-form"' in page  # the pp withdraws, never approves

    sign_in(client, world.ppk)
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert 'id="approve-form"' in page and 'id="reject-form"' in page and "Rina Pengadaan" in page
    response = post_step(client, order.number, "approve")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gov/orders/{order.number}")
    assert stock_of(world.nasi) == 500 - 120
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert "Surat Pesanan terbit" in page and "Surat Pesanan disetujui" not in page
    document = db.session.query(GovDocument).filter_by(order_id=order.id, kind="sp").one()
    assert f"/gov/documents/{document.id}.pdf" in page

    pdf = client.get(f"/gov/documents/{document.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert f'inline; filename="{order.number}.pdf"' == pdf.headers["Content-Disposition"]
    assert "no-store" in pdf.headers["Cache-Control"]
    sign_in(client, world.other_ppk)
    assert client.get(f"/gov/documents/{document.id}.pdf").status_code == 404

    sign_in(client, world.ppk)
    again = post_step(client, order.number, "approve")  # the order moved on: the page says why
    assert again.status_code == 409 and "Surat Pesanan terbit" in again.get_data(as_text=True)
    assert stock_of(world.nasi) == 500 - 120


def test_reject_needs_a_reason_and_then_closes_the_order(client, world):
    purchase = submit_meeting(client, world)
    order = orders_of(purchase)[BAKERY]
    sign_in(client, world.ppk)
    response = post_step(client, order.number, "reject", {"reason": ""})
    assert response.status_code == 422 and 'id="reject-reason-error"' in response.get_data(as_text=True)
    assert orders_of(purchase)[BAKERY].status == "submitted"
    assert post_step(client, order.number, "reject", {"reason": "Anggaran dialihkan"}).status_code == 302
    assert orders_of(purchase)[BAKERY].status == "rejected"


def test_the_pejabat_pengadaan_withdraws_with_a_reason(client, world):
    purchase = submit_meeting(client, world)
    order = orders_of(purchase)[BAKERY]
    assert post_step(client, order.number, "withdraw", {"reason": "Rapat ditunda"}).status_code == 302
    assert orders_of(purchase)[BAKERY].status == "withdrawn"
    sign_in(client, world.ppk)
    assert post_step(client, order.number, "approve").status_code == 409


def test_amend_by_addendum_with_line_quantities(client, world):
    _purchase, orders = approved(client, world)
    order = orders[CATERING]
    line = db.session.query(GovOrderLine).filter_by(order_id=order.id).one()
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert f'name="amend-line-{line.id}"' in page and 'value="120"' in page

    bad = post_step(client, order.number, "amend", {f"line-{line.id}": "seratus", "reason": "Peserta berkurang"})
    assert bad.status_code == 422 and "Harus bilangan bulat" in bad.get_data(as_text=True)
    no_reason = post_step(client, order.number, "amend", {f"line-{line.id}": "100", "reason": ""})
    assert no_reason.status_code == 422 and 'id="amend-reason-error"' in no_reason.get_data(as_text=True)
    assert stock_of(world.nasi) == 380

    done = post_step(client, order.number, "amend", {f"line-{line.id}": "100", "reason": "Peserta berkurang"})
    assert done.status_code == 302
    assert orders_of(_purchase)[CATERING].total == 2_500_000 and stock_of(world.nasi) == 400
    kinds = [d.kind for d in db.session.query(GovDocument).filter_by(order_id=order.id).order_by(GovDocument.id)]
    assert kinds == ["sp", "sp_addendum"]


def test_cancel_needs_a_reason_and_gives_the_stock_back(client, world):
    purchase, orders = approved(client, world, BAKERY)
    order = orders[BAKERY]
    assert post_step(client, order.number, "cancel", {"reason": ""}).status_code == 422
    assert stock_of(world.snack) == 300 - 40
    assert post_step(client, order.number, "cancel", {"reason": "Acara batal"}).status_code == 302
    assert orders_of(purchase)[BAKERY].status == "cancelled" and stock_of(world.snack) == 300


def shipped(world, order):
    flow.accept(order, world.catering_owner)
    flow.ship(order, world.catering_owner, method="pickup")
    db.session.commit()


def test_receive_counts_lines_and_a_shortfall_needs_a_note(client, world):
    purchase, orders = approved(client, world)
    order = db.session.get(GovOrder, orders[CATERING].id)
    shipped(world, order)
    line = db.session.query(GovOrderLine).filter_by(order_id=order.id).one()
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert f'name="receive-line-{line.id}"' in page and 'id="waiting-shipped"' not in page

    over = post_step(client, order.number, "receive", {f"line-{line.id}": "121"})
    assert over.status_code == 422 and "antara 0 dan 120" in over.get_data(as_text=True)
    short = post_step(client, order.number, "receive", {f"line-{line.id}": "100", "note": ""})
    assert short.status_code == 422 and 'id="receive-note-error"' in short.get_data(as_text=True)
    assert orders_of(purchase)[CATERING].status == "shipped"

    done = post_step(client, order.number, "receive", {f"line-{line.id}": "100", "note": "Kurang 20 kotak"})
    assert done.status_code == 302 and orders_of(purchase)[CATERING].status == "shortfall"
    assert "Kurang 20 kotak" in client.get(f"/gov/orders/{order.number}").get_data(as_text=True)


def test_the_bendahara_records_the_payment_after_the_bast_and_the_invoice(client, world):
    purchase, orders = approved(client, world)
    order = db.session.get(GovOrder, orders[CATERING].id)
    shipped(world, order)
    sign_in(client, world.ppk)
    line = db.session.query(GovOrderLine).filter_by(order_id=order.id).one()
    assert post_step(client, order.number, "receive", {f"line-{line.id}": "120"}).status_code == 302
    db.session.expire_all()
    order = db.session.get(GovOrder, order.id)
    flow.issue_invoice(order, world.catering_owner)
    db.session.commit()
    assert post_step(client, order.number, "pay", {"reference": "SP2D-1", "amount": "1"}).status_code == 403

    sign_in(client, world.bendahara)
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert 'value="3000000"' in page and f'value="{today().isoformat()}"' in page
    wrong = post_step(
        client, order.number, "pay", {"paid_on": today().isoformat(), "reference": "SP2D-00123", "amount": "2999999"}
    )
    assert wrong.status_code == 422 and 'id="pay-amount-error"' in wrong.get_data(as_text=True)
    assert orders_of(purchase)[CATERING].status == "invoiced"
    bad_date = post_step(client, order.number, "pay", {"paid_on": "kemarin", "reference": "SP2D-00123"})
    assert bad_date.status_code == 422 and 'id="pay-paid_on-error"' in bad_date.get_data(as_text=True)

    paid = post_step(
        client, order.number, "pay", {"paid_on": today().isoformat(), "reference": "SP2D-00123", "amount": "3000000"}
    )
    assert paid.status_code == 302 and orders_of(purchase)[CATERING].status == "paid"
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert "SP2D-00123" in page and "Sri Bendahara" in page
    kinds = {d.kind for d in db.session.query(GovDocument).filter_by(order_id=order.id)}
    assert kinds == {"sp", "bast", "invoice", "kuitansi"}


def test_the_pejabat_pengadaan_accepts_a_quote_shown_on_the_order(client, world):
    purchase = submit_meeting(client, world)
    order = db.session.get(GovOrder, orders_of(purchase)[BAKERY].id)
    line = db.session.query(GovOrderLine).filter_by(order_id=order.id).one()
    flow.quote(order, world.bakery_owner, prices={line.id: 12_000}, lead_days=2, note="Harga grosir")
    db.session.commit()
    page = client.get(f"/gov/orders/{order.number}").get_data(as_text=True)
    assert 'id="open-quote"' in page and "Rp 12.000" in page and "Harga grosir" in page
    assert 'id="accept_quote-form"' in page
    assert post_step(client, order.number, "accept_quote").status_code == 302
    after = orders_of(purchase)[BAKERY]
    assert after.status == "submitted" and after.total == 480_000


# --- statement counts ------------------------------------------------------------------------


def test_home_and_order_pages_take_a_fixed_number_of_statements(client, world, count_queries):
    purchase = submit_meeting(client, world)
    order = orders_of(purchase)[CATERING]
    sign_in(client, world.ppk)

    def statements(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    home, page = statements("/gov/"), statements(f"/gov/orders/{order.number}")
    world.fill_meeting_cart(nasi=30, snack=20)
    sign_in(client, world.pp)
    assert client.post("/gov/checkout", data=checkout_form()).status_code == 302
    sign_in(client, world.ppk)
    # the official is read once per request (officials.official_of), however many parts ask
    assert statements("/gov/") == home == 8
    assert statements(f"/gov/orders/{order.number}") == page == 9
