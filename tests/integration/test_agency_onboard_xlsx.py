"""Onboarding from an Excel workbook: an .xlsx made by openpyxl registers its rows like a CSV;
a file that cannot be read (corrupt, .xls, wrong columns, too big, binary) is a message next
to the upload field, never a 500."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from marketplace.agency import onboard_views
from marketplace.extensions import db
from marketplace.stores.models import Store
from tests.agency_support import text
from tests.integration.test_agency_onboard import officer as officer


def workbook(*rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str = "peserta.xlsx"):
    return client.post(
        "/agency/onboard/bulk",
        data={"expo": "apik", "rows": "", "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_xlsx_registers_its_rows_like_a_csv(client, officer, outbox):
    data = workbook(
        ("Nama", "Sektor", "Kota", "Email", "Stan", "Zona", "NIB"),
        ("Tahu Aci Bu Tarni", "kuliner", "Kota Tegal", "tarni@example.com", "K-20", "kuliner", 1234567890123),
        ("Batik Pesisir Asri", "Fesyen", "Kota Tegal", "asri@example.com", "F-12", "fesyen-tekstil", None),
        (None, None, None, None, None, None, None),
    )
    response = upload(client, data)
    assert response.status_code == 200, text(response)
    assert "2 toko terdaftar dari 2 baris" in text(response)
    db.session.rollback()
    tarni = db.session.scalar(select(Store).where(Store.name == "Tahu Aci Bu Tarni"))
    assert tarni is not None and tarni.nib == "1234567890123"  # a number cell, read as typed
    assert sorted(m["To"] for m in outbox) == ["asri@example.com", "tarni@example.com"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04 this is not really a zip", "rusak.xlsx", "XLSX tidak dapat dibaca"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "lama.xls", "Format .xls lama tidak didukung"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.png", "bukan CSV atau XLSX"),
        ("nama,sektor\nTahu,kuliner\n".encode("utf-16"), "utf16.csv", "bukan CSV atau XLSX"),
        (b"nama,sektor,email\nKerupuk \xe9,kuliner,a@b.id\n", "latin1.csv", "bukan teks UTF-8"),
        (b"   \n", "kosong.csv", "Berkas kosong"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_message_next_to_the_field(client, officer, data, name, message):
    response = upload(client, data, name)
    assert response.status_code == 422 and message in text(response)


def test_an_xlsx_with_the_wrong_columns_says_what_it_needs(client, officer):
    response = upload(client, workbook(("Produk", "Harga"), ("Teh Poci", 5000)))
    assert response.status_code == 422 and "Baris pertama harus judul kolom" in text(response)


def test_an_empty_workbook_says_so(client, officer):
    response = upload(client, workbook())
    assert response.status_code == 422 and "Tempel atau unggah CSV peserta" in text(response)


def test_too_big_or_too_long_is_refused(client, officer, monkeypatch):
    monkeypatch.setattr(onboard_views, "MAX_UPLOAD_BYTES", 1000)
    response = upload(client, b"nama,sektor,email\n" + b"x,kuliner,a@b.id\n" * 100, "besar.csv")
    assert response.status_code == 422 and "Berkas terlalu besar" in text(response)
    monkeypatch.setattr(onboard_views, "MAX_UPLOAD_BYTES", 2 * 1024 * 1024)
    monkeypatch.setattr(onboard_views, "MAX_ROWS", 3)
    rows = [("Nama", "Sektor", "Email")] + [(f"Toko {i}", "kuliner", f"t{i}@b.id") for i in range(5)]
    response = upload(client, workbook(*rows))
    assert response.status_code == 422 and "lebih dari 3 baris" in text(response)
