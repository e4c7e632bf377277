"""The E-Smart adapter: directory records to the marketplace's fields and back."""

from __future__ import annotations

import pytest

from plugins.esmart_sync import adapter
from plugins.esmart_sync.adapter import RecordError


@pytest.mark.parametrize(
    "raw, expected",
    [
        (350000, 350000),
        (350000.0, 350000),
        ("350000", 350000),
        ("350.000", 350000),
        ("Rp 350.000", 350000),
        ("Rp350,000", 350000),
        ("17000.00", 17000),
        (" 25000 ", 25000),
        ("1.250.000", 1250000),
    ],
)
def test_prices_in_the_ways_spreadsheets_write_them_are_whole_rupiah(app, raw, expected):
    assert adapter.parse_rupiah(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "seratus ribu", -5000, "-5000", 0, 1.5, "12,5", True, 10**10, "1.2.3"])
def test_a_price_that_is_not_whole_positive_rupiah_is_refused(app, raw):
    with pytest.raises(RecordError) as exc:
        adapter.parse_rupiah(raw)
    assert exc.value.field == "harga"


def test_text_from_broken_utf8_is_refused_and_nul_bytes_are_dropped(app):
    with pytest.raises(RecordError, match="UTF-8"):
        adapter.text_value("Teh \udcff poci", "nama")
    assert adapter.text_value("Teh\x00 poci ", "nama") == "Teh poci"
    assert adapter.text_value(9120001234567.0, "nib") == "9120001234567"
    with pytest.raises(RecordError, match="maksimal 160"):
        adapter.text_value("x" * 161, "nama", 160)


def test_a_record_is_cleaned_and_its_problems_listed(app):
    ikm = adapter.ikm_from_record(
        {
            "id": "ESM-1",
            "nama_usaha": "  Batik Sari ",
            "nib": "9120 0012 3456 7",
            "kbli": "131",
            "sektor": "Minuman Herbal",
            "kota": "Kota Tegal",
            "email": "bukan email",
            "telepon": "0812-2345-6789",
            "produk": [
                {
                    "id": "ESP-1",
                    "nama": "Teh",
                    "harga": "Rp 18.000",
                    "stok": "-1",
                    "foto": ["https://a.id/1.jpg", "file:///etc/passwd"],
                },
                {"id": "ESP-2", "harga": 5000},
            ],
        },
        row=7,
    )
    assert ikm.valid and ikm.esmart_id == "ESM-1"
    assert ikm.profile == {
        "name": "Batik Sari",
        "nib": "9120001234567",
        "city": "Kota Tegal",
        "sector": "minuman-herbal",
    }
    assert ikm.link["kbli"] is None and ikm.link["contact_email"] is None
    assert {(i.field, i.kind) for i in ikm.issues} == {("kbli", "warning"), ("email", "warning")}
    teh, nameless = ikm.products
    assert teh.valid and (teh.price, teh.stock, teh.photos) == (18000, 0, ["https://a.id/1.jpg"])
    assert {i.field for i in teh.issues} == {"stok", "foto"}
    assert not nameless.valid and nameless.issues[0].field == "nama" and nameless.issues[0].row == 7


def test_an_unknown_sector_becomes_the_default_and_is_reported(app):
    ikm = adapter.ikm_from_record({"id": "ESM-1", "nama_usaha": "Bengkel", "sektor": "otomotif"}, 1)
    assert ikm.valid and ikm.profile["sector"] == "kriya"
    assert ikm.issues[0].kind == "warning" and "otomotif" in ikm.issues[0].reason


def test_a_record_without_id_or_name_is_an_error(app):
    assert not adapter.ikm_from_record({"nama_usaha": "Tanpa ID"}, 1).valid
    assert not adapter.ikm_from_record({"id": "ESM-1", "nama_usaha": None}, 1).valid
    assert not adapter.ikm_from_record(["not", "an", "object"], 1).valid


def test_spreadsheet_rows_are_grouped_per_ikm_and_a_later_group_continues_it(app):
    def row(ikm, product=None, name="IKM"):
        return {
            "ikm_id": ikm,
            "nama_usaha": name,
            "produk_id": product,
            "nama_produk": product and "P " + product,
            "harga": product and 1000,
        }

    rows = [
        (2, row("A", "a1")),
        (3, row("A", "a2")),
        (4, row("B")),
        (5, {"ikm_id": None, "nama_usaha": None}),
        (6, row("A", "a3")),
        (7, row(None, name="Tanpa ID")),
    ]
    records = list(adapter.records_from_rows(rows))
    assert [(r["id"], r["_row"], r["_continued"], [p["id"] for p in r["produk"]]) for r in records] == [
        ("A", 2, False, ["a1", "a2"]),
        ("B", 4, False, []),
        ("A", 6, True, ["a3"]),
        (None, 7, False, []),
    ]
    assert records[0]["produk"][1]["_row"] == 3


def test_product_names_match_whatever_their_case_spacing_or_punctuation(app):
    assert adapter.normalise_name("BATIK TULIS  Motif Tegalan!") == adapter.normalise_name("Batik tulis motif tegalan")
    assert adapter.normalise_name("Kopi Tubruk") != adapter.normalise_name("Kopi Tubruk Jahe")


def test_the_push_payload_hash_is_stable_and_sensitive_to_every_field(app):
    payload = adapter.push_payload(
        name="Teh",
        description="",
        sector="minuman-herbal",
        price=18000,
        stock=5,
        unit="bungkus",
        weight_grams=260,
        photo_urls=[],
        url="https://pasar.test/products/1",
    )
    assert adapter.content_hash(payload) == adapter.content_hash(dict(reversed(list(payload.items()))))
    assert adapter.content_hash(payload) != adapter.content_hash({**payload, "stok": 4})
