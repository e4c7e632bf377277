"""Reading the banks' statement CSVs: layouts, separators, dates, pending and bad rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from marketplace.errors import ValidationError
from plugins.bank_transfer.statement_formats import parse
from plugins.bank_transfer.statement_values import CellError, parse_amount, parse_date

DATA = Path(__file__).resolve().parents[1] / "data" / "statements"
TODAY = date(2026, 12, 5)


def _read(name: str, bank: str | None = None):
    return parse((DATA / name).read_bytes(), bank, TODAY)


@pytest.mark.parametrize(
    "cell, value, mark",
    [
        ("1.500.000,00", Decimal("1500000.00"), ""),
        ("1,500,000.00", Decimal("1500000.00"), ""),
        ("1500000", Decimal(1500000), ""),
        ("Rp 150.000", Decimal(150000), ""),
        ("150,000.00 CR", Decimal("150000.00"), "CR"),
        ("'15,000.00 DB", Decimal("15000.00"), "DB"),
        ("2.500,50", Decimal("2500.50"), ""),
        ("-25.000", Decimal(-25000), ""),
        ("(25.000)", Decimal(-25000), ""),
        (".00", Decimal("0.00"), ""),
        ("1234.5", Decimal("1234.5"), ""),
    ],
)
def test_amounts_with_indonesian_and_english_separators(cell, value, mark):
    assert parse_amount(cell) == (value, mark)


@pytest.mark.parametrize("cell", ["dua ribu", "", "1.50.000", "12,34,567.00", "CR"])
def test_unreadable_amounts_say_so(cell):
    with pytest.raises(CellError):
        parse_amount(cell)


def test_dates_of_every_layout_and_the_year_of_a_bca_day():
    december = (date(2026, 12, 1), date(2026, 12, 31))
    assert parse_date("'05/12", december, TODAY) == date(2026, 12, 5)
    assert parse_date("'02/01", (date(2025, 12, 20), date(2026, 1, 5)), TODAY) == date(2026, 1, 2)
    assert parse_date("'28/12", (date(2025, 12, 20), date(2026, 1, 5)), TODAY) == date(2025, 12, 28)
    assert parse_date("20/12", None, date(2027, 1, 3)) == date(2026, 12, 20)  # no period: not in the future
    assert parse_date("05/12/2026", None, TODAY) == date(2026, 12, 5)
    assert parse_date("05-12-2026 10:15:22", None, TODAY) == date(2026, 12, 5)
    assert parse_date("2026-12-05", None, TODAY) == date(2026, 12, 5)
    assert parse_date("05 Des 2026", None, TODAY) == date(2026, 12, 5)
    assert parse_date("5-Dec-26", None, TODAY) == date(2026, 12, 5)
    assert parse_date("PEND", december, TODAY) is None
    for bad in ("31/02/2026", "kemarin", "2026-12", "05 Xyz 2026"):
        with pytest.raises(CellError):
            parse_date(bad, None, TODAY)


def test_klikbca_export_with_its_preamble_trailer_pending_and_a_bad_row():
    parsed = _read("bca_mutasi.csv")
    assert (parsed.bank, parsed.account) == ("bca", "0771234567")
    assert [(line.booked_on, line.amount) for line in parsed.lines] == [
        (date(2026, 12, 1), Decimal("50123.00")),
        (date(2026, 12, 2), Decimal("-500000.00")),
        (date(2026, 12, 3), Decimal("1500777.00")),
        (date(2026, 12, 3), Decimal("125050.00")),
        (date(2026, 12, 4), Decimal("1234.56")),
        (None, Decimal("75321.00")),  # PEND
    ]
    assert parsed.lines[0].description.startswith("TRSF E-BANKING CR 0112/FTSCY/WS95031")
    assert [(n, "kalender" in message) for n, message in parsed.errors] == [(13, True)]


def test_mandiri_exports_both_headers():
    plain = _read("mandiri_mutasi.csv")
    assert (plain.bank, plain.account) == ("mandiri", "1350012345678")
    assert [line.amount for line in plain.lines] == [Decimal("50123.00"), Decimal("-12500.00"), Decimal("1500777.00")]
    assert plain.lines[2].description == "SKN DARI BRI BUDI SANTOSO 0081"
    assert [n for n, _message in plain.errors] == [5]
    mcm = _read("mandiri_mcm.csv", "mandiri")
    assert [(line.booked_on, line.amount) for line in mcm.lines] == [
        (date(2026, 12, 1), Decimal("50123.00")),
        (date(2026, 12, 2), Decimal("-12500.00")),
    ]


def test_generic_layouts_in_indonesian_and_english():
    for name in ("generic_id.csv", "generic_en.csv"):
        parsed = _read(name)
        assert parsed.bank == "generic"
        assert [int(line.amount) for line in parsed.lines] == [50123, -12500, 1500777], name


def test_a_file_read_as_the_wrong_bank_is_refused():
    with pytest.raises(ValidationError) as refused:
        _read("bca_mutasi.csv", "mandiri")
    assert "Mandiri" in refused.value.fields["file"]


def test_a_statement_in_another_currency_is_refused():
    content = (DATA / "bca_mutasi.csv").read_bytes().replace(b"Kode Mata Uang : ,IDR", b"Kode Mata Uang : ,USD")
    with pytest.raises(ValidationError) as refused:
        parse(content, None, TODAY)
    assert "USD" in refused.value.fields["file"]


def test_a_windows_1252_export_is_read():
    content = "tanggal;keterangan;jumlah\n01/12/2026;Transfer dari Bu Müller;50.000\n".encode("cp1252")
    [line] = parse(content, None, TODAY).lines
    assert line.description == "Transfer dari Bu Müller" and line.amount == 50000


def test_an_overlong_account_number_is_cut_to_its_column():
    content = (DATA / "bca_mutasi.csv").read_bytes().replace(b"'0771234567", b"'" + b"7" * 80)
    assert parse(content, None, TODAY).account == "7" * 40
