"""The government documents as printed (marketplace/gov/paperwork.py with templates/documents/
gov_*.html) and their public verification page (documents.verify): every kind holds its number,
the order's number and the total as the rupiah filter writes it, as text pypdf can extract,
on one A4 page; the page tells the issued document and a forged file apart."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.gov import paperwork
from marketplace.gov.models import GovOrder, GovOrderLine, GovPurchase
from marketplace.i18n import rupiah
from marketplace.ledger.models import StorePayoutAccount
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day


def text_of(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    assert len(reader.pages) == 1  # fits on one A4 page
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def world(app):
    return build_gov_world()


def approved_order(world, quantity: int = 120, shipping: int = 15_000) -> GovOrder:
    """The Sekretariat's order of nasi kotak at the caterer, approved by its PPK: written as
    rows (the steps themselves are the flow's tests)."""
    purchase = GovPurchase(
        number="PBJ-2612-000007",
        office_id=world.office.id,
        created_by_id=world.pp.id,
        delivery_date=delivery_day(),
        **PURCHASE_FIELDS,
    )
    subtotal = 25_000 * quantity
    order = GovOrder(
        purchase=purchase,
        office_id=world.office.id,
        store_id=world.catering.id,
        store_name=world.catering.name,
        number="SP-2612-000007",
        status="approved",
        subtotal=subtotal,
        shipping_cost=shipping,
        total=subtotal + shipping,
        lead_days=1,
        delivery_date=purchase.delivery_date,
        approved_at=now(),
        approved_by_id=world.ppk.id,
    )
    db.session.add_all([purchase, order])
    db.session.flush()
    db.session.add(
        GovOrderLine(
            order_id=order.id,
            product_id=world.nasi.product_id,
            variant_id=world.nasi.id,
            product_name="Nasi Kotak Ayam Bakar",
            variant_name=world.nasi.name,
            sku=world.nasi.sku,
            unit="kotak",
            unit_price=25_000,
            quantity=quantity,
            line_total=subtotal,
        )
    )
    db.session.commit()
    return order


def issue(order, kind, actor, **kw):
    document = paperwork.issue(order, kind, actor, **kw)
    db.session.commit()
    return document


def test_every_kind_holds_its_number_the_order_and_the_total(world):
    order = approved_order(world)
    total = rupiah(order.total)
    assert total == "Rp 3.015.000"
    sp = issue(order, "sp", world.ppk)
    addendum = issue(order, "sp_addendum", world.ppk, amends=sp, changes=["Tempat pengiriman: Aula → Ruang Rapat"])
    order.status, order.received_at, order.received_by_id = "received", now(), world.ppk.id
    db.session.commit()
    bast = issue(order, "bast", world.ppk)
    invoice = issue(order, "invoice", world.catering_owner)
    kuitansi = issue(order, "kuitansi", world.catering_owner)
    texts = {}
    for document in (sp, addendum, bast, invoice, kuitansi):
        text = texts[document.kind] = text_of(document.content)
        assert document.content.startswith(b"%PDF-")
        for expected in (document.number, order.number, total, "Sekretariat Daerah Kota Tegal", "Katering Bu Sri"):
            assert expected in text, (document.kind, expected)
        assert document.token in text.replace(" ", ""), document.kind  # the verification URL, as text
        assert "Tiga juta lima belas ribu rupiah" in text, document.kind
    sp_text = texts["sp"]
    for expected in (
        "SURAT PESANAN",
        "NIB 9120301234567",
        "Kode RUP 45123678",
        "5.1.02.01.01.0052",
        "120 kotak",
        "Agus Komitmen",
        "NIP 198001012005011001",
        "Bu Sri",  # the store's owner accepts it
        "001234567501000",
    ):
        assert expected in sp_text, expected
    assert f"mengubah {sp.number}" in texts["sp_addendum"] and "Aula → Ruang Rapat" in texts["sp_addendum"]
    assert "Diterima" in texts["bast"] and "Agus Komitmen" in texts["bast"]
    assert "Penyedia belum mencantumkan rekening" in texts["invoice"] and f"BAST {bast.number}" in texts["invoice"]
    assert "Sudah terima dari Sekretariat Daerah Kota Tegal" in texts["kuitansi"]
    assert f"Uang sebanyak {total}" in texts["kuitansi"]


def test_the_invoice_names_the_stores_payout_account(world):
    order = approved_order(world, quantity=40, shipping=0)
    db.session.add(
        StorePayoutAccount(
            store_id=world.catering.id, bank="BRI", account_number="012301000123456", holder_name="Sri Wahyuni"
        )
    )
    db.session.commit()
    text = text_of(issue(order, "invoice", world.catering_owner).content)
    assert "BRI" in text and "012301000123456" in text and "Sri Wahyuni" in text
    assert rupiah(1_000_000) in text and "Satu juta rupiah" in text


# --- the verification page ----------------------------------------------------------------------


def test_the_verification_page_states_what_was_issued_to_anyone(client, world):
    order = approved_order(world)
    sp = issue(order, "sp", world.ppk)
    response = client.get(f"/documents/{sp.token}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "noindex" in response.headers["X-Robots-Tag"] and 'name="robots" content="noindex' in page
    for expected in ("Dokumen asli", "Surat Pesanan", sp.number, "Sekretariat Daerah Kota Tegal", "Katering Bu Sri"):
        assert expected in page, expected
    assert rupiah(order.total) in page and sp.sha256[:16] in page and sp.sha256[48:] in page
    assert 'id="superseded"' not in page
    assert client.get("/documents/" + "x" * 43).status_code == 404
    assert client.get(f"/documents/{sp.token[:-1]}").status_code == 404


def test_an_amended_surat_pesanan_points_at_the_newest_addendum(client, world):
    order = approved_order(world)
    sp = issue(order, "sp", world.ppk)
    first = issue(order, "sp_addendum", world.ppk, amends=sp, changes=["Jumlah: 120 → 100"])
    newest = issue(order, "sp_addendum", world.ppk, amends=first, changes=["Jumlah: 100 → 110"])
    for document in (sp, first):
        page = client.get(f"/documents/{document.token}").get_data(as_text=True)
        assert 'id="superseded"' in page and newest.number in page and f"/documents/{newest.token}" in page
    assert 'id="superseded"' not in client.get(f"/documents/{newest.token}").get_data(as_text=True)


def upload(client, token, content: bytes, name: str = "sp.pdf"):
    return client.post(
        f"/documents/{token}", data={"document": (BytesIO(content), name)}, content_type="multipart/form-data"
    )


def test_an_uploaded_copy_is_compared_with_the_issued_pdf_both_ways(client, world):
    sp = issue(approved_order(world), "sp", world.ppk)
    same = upload(client, sp.token, sp.content)
    assert same.status_code == 200
    assert "Cocok — berkas ini sama dengan dokumen yang diterbitkan" in same.get_data(as_text=True)
    forged = sp.content.replace(b"3.015.000", b"9.015.000") if b"3.015.000" in sp.content else sp.content + b"\n%x"
    other = upload(client, sp.token, forged)
    assert other.status_code == 200 and "Tidak cocok" in other.get_data(as_text=True)
    assert "Cocok —" not in other.get_data(as_text=True)


def test_a_file_that_is_not_a_pdf_gets_a_message_beside_the_field(client, world):
    sp = issue(approved_order(world), "sp", world.ppk)
    response = upload(client, sp.token, b"\x89PNG\r\n\x1a\n not a pdf", "foto.png")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error" id="document-error"' in page
    assert "Berkas ini bukan PDF." in page and "Cocok —" not in page and "Tidak cocok" not in page
    empty = client.post(f"/documents/{sp.token}", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Pilih berkas PDF dokumen ini." in empty.get_data(as_text=True)
    too_big = upload(client, sp.token, b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024))
    assert too_big.status_code == 422 and "5 MB" in too_big.get_data(as_text=True)
    assert upload(client, "y" * 43, sp.content).status_code == 404
