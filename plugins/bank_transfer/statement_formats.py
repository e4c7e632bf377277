"""Reading a bank's statement CSV ("mutasi rekening") into credit and debit rows.

Three layouts, recognised by their header row (or chosen by finance):

- ``bca``: KlikBCA / KlikBCA Bisnis / myBCA export. Lines ``No. rekening : ...``, ``Nama : ...``,
  ``Periode : 01/12/2026 - 31/12/2026``, ``Kode Mata Uang : IDR`` come first, then the header
  ``Tanggal Transaksi,Keterangan,Cabang,Jumlah,,Saldo`` (the CR/DB mark in its own column or
  after the amount: ``150,000.00 CR``), dates ``'05/12`` (``PEND`` for pending rows), and the
  trailer lines ``Saldo Awal``, ``Mutasi Kredit``, ``Mutasi Debet``, ``Saldo Akhir``.
- ``mandiri``: Mandiri Internet Banking / Livin' / MCM export, ``,`` or ``;`` separated, header
  ``Account No,Date,Val. Date,Transaction Code,Description,Description,Reference No.,Debit,Credit``
  (MCM: ``AccountNo;Ccy;PostDate;Remarks;Additional Desc;Credit Amount;Debit Amount;Close Balance``).
- ``generic``: a header with a date, a description and an amount (positive is a credit) or
  separate debit and credit columns; names in Indonesian or English (``tanggal``/``date``,
  ``keterangan``/``description``, ``jumlah``/``amount``, ``kredit``/``credit``, ``debit``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from plugins.bank_transfer.statement_values import CellError, clean, parse_amount, parse_date

MAX_BYTES = 5 * 1024 * 1024  # a month of a busy account is well under 2 MB
MAX_ROWS = 50_000
HEADER_SEARCH_LINES = 40
DELIMITERS = (",", ";", "\t")
TRAILERS = ("saldo awal", "mutasi kredit", "mutasi debet", "mutasi debit", "saldo akhir")

DATE_NAMES = ("tanggal", "tgl", "date", "tanggal transaksi", "tgl transaksi", "transaction date", "postdate")
DATE_NAMES += ("post date", "posting date", "tanggal posting")
DESCRIPTION_NAMES = ("keterangan", "deskripsi", "description", "uraian", "remarks", "berita", "narration")
DESCRIPTION_NAMES += ("additional desc", "rincian transaksi", "catatan")
AMOUNT_NAMES = ("jumlah", "amount", "nominal", "nilai", "mutasi")
CREDIT_NAMES = ("kredit", "credit", "cr", "masuk", "credit amount", "uang masuk")
DEBIT_NAMES = ("debit", "debet", "db", "keluar", "debit amount", "uang keluar")
ACCOUNT_NAMES = ("account no", "accountno", "account no.", "no rekening", "no. rekening", "rekening", "account")


@dataclass(frozen=True)
class StatementLine:
    """One transaction of the file; ``booked_on`` is None while the bank marks it pending."""

    line: int
    booked_on: date | None
    amount: Decimal  # positive: a credit; negative: a debit
    description: str
    account: str


@dataclass
class ParsedStatement:
    bank: str
    account: str = ""
    lines: list[StatementLine] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Layout:
    bank: str
    date: int
    descriptions: list[int]
    amount: int | None = None
    mark: int | None = None
    credit: int | None = None
    debit: int | None = None
    account: int | None = None


def _norm(cell: str) -> str:
    return re.sub(r"\s+", " ", clean(cell).lower().strip(" :.")).strip()


def _find(names: list[str], wanted: Iterable[str]) -> list[int]:
    wanted = set(wanted)
    return [i for i, name in enumerate(names) if name in wanted]


def _bca_layout(names: list[str]) -> Layout | None:
    if not names or names[0] != "tanggal transaksi" or not {"keterangan", "cabang", "jumlah"} <= set(names):
        return None
    amount = names.index("jumlah")
    mark = amount + 1 if amount + 1 < len(names) and names[amount + 1] in ("", "db/cr", "cr/db") else None
    return Layout("bca", 0, [names.index("keterangan")], amount=amount, mark=mark)


def _mandiri_layout(names: list[str]) -> Layout | None:
    account = _find(names, ("account no", "accountno"))
    dates = _find(names, ("date", "postdate", "post date", "tanggal", "tgl"))
    credit, debit = _find(names, ("credit", "credit amount", "kredit")), _find(names, ("debit", "debit amount"))
    if not (account and dates and credit):
        return None
    descriptions = _find(names, ("description", "remarks", "additional desc", "keterangan"))
    return Layout(
        "mandiri", dates[0], descriptions, credit=credit[0], debit=debit[0] if debit else None, account=account[0]
    )


def _generic_layout(names: list[str]) -> Layout | None:
    dates, descriptions = _find(names, DATE_NAMES), _find(names, DESCRIPTION_NAMES)
    amounts, credits, debits = _find(names, AMOUNT_NAMES), _find(names, CREDIT_NAMES), _find(names, DEBIT_NAMES)
    if not (dates and descriptions and (amounts or credits)):
        return None
    accounts = _find(names, ACCOUNT_NAMES)
    return Layout(
        "generic",
        dates[0],
        descriptions[:1],
        amount=None if credits else amounts[0],
        credit=credits[0] if credits else None,
        debit=debits[0] if debits and credits else None,
        account=accounts[0] if accounts else None,
    )


LAYOUTS = {"bca": _bca_layout, "mandiri": _mandiri_layout, "generic": _generic_layout}


def decode(data: bytes) -> str:
    """The file as text (UTF-8, else Windows-1252, as Indonesian banks' exports are), or a 422."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            fields={"file": _("Berkas terlalu besar (maksimal %(n)d MB).", n=MAX_BYTES // (1024 * 1024))}
        )
    if data.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        raise ValidationError(fields={"file": _("Ini berkas Excel; ekspor mutasi dari bank sebagai CSV.")})
    if not data.strip() or b"\x00" in data:  # a NUL: binary, and no database column takes it
        raise ValidationError(fields={"file": _("Berkas kosong atau bukan CSV.")})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _header(lines: list[str], bank: str | None) -> tuple[int, str, Layout]:
    """Where the header row is, its delimiter and layout; a 422 naming the columns expected."""
    wanted = [bank] if bank else list(LAYOUTS)
    for index, text in enumerate(lines[:HEADER_SEARCH_LINES]):
        for delimiter in DELIMITERS:
            if delimiter not in text:
                continue
            names = [_norm(c) for c in next(csv.reader([text], delimiter=delimiter))]
            for name in wanted:
                layout = LAYOUTS[name](names)
                if layout is not None:
                    return index, delimiter, layout
    expected = {
        "bca": _("BCA: baris judul 'Tanggal Transaksi, Keterangan, Cabang, Jumlah, Saldo' tidak ditemukan."),
        "mandiri": _("Mandiri: baris judul 'Account No, Date, ..., Debit, Credit' tidak ditemukan."),
        "generic": _("Tidak ada baris judul dengan kolom tanggal, keterangan dan jumlah (atau kredit)."),
    }
    message = expected[bank] if bank else _("Format mutasi tidak dikenali: bukan BCA, Mandiri, atau CSV umum.")
    raise ValidationError(fields={"file": message})


def _preamble(lines: list[str]) -> tuple[str, tuple[date, date] | None]:
    """BCA's lines above the header: the account number and the period; a 422 for a foreign currency."""
    account, period = "", None
    for text in lines:
        lowered = text.lower()
        if "rekening" in lowered and not account:
            digits = re.search(r"(\d[\d\-. ]{5,}\d)", text)
            account = re.sub(r"\D", "", digits.group(1)) if digits else ""
        elif "periode" in lowered:
            found = re.findall(r"(\d{2})/(\d{2})/(\d{4})", text)
            if len(found) == 2:
                try:
                    period = tuple(date(int(y), int(m), int(d)) for d, m, y in found)  # type: ignore[assignment]
                except ValueError:
                    period = None
        elif "mata uang" in lowered or "currency" in lowered:
            code = re.sub(r"[^A-Za-z]", " ", text.split(":")[-1]).split()
            if code and code[-1].upper() not in ("IDR", "RP"):
                raise ValidationError(fields={"file": _("Mutasi ini bukan dalam Rupiah (%(c)s).", c=code[-1])})
    return account, period


def parse(data: bytes, bank: str | None, today: date) -> ParsedStatement:
    """Every transaction of the file; rows that cannot be read are listed in ``errors``."""
    lines = decode(data).splitlines()
    try:
        index, delimiter, layout = _header(lines, bank)
        account, period = _preamble(lines[:index])
        parsed = ParsedStatement(layout.bank, account=account[:40])
        _read_rows(parsed, layout, csv.reader(lines[index + 1 :], delimiter=delimiter), index + 2, period, today)
    except csv.Error as exc:  # a NUL byte, a field of more than 128 KB: not a bank's export
        raise ValidationError(fields={"file": _("Berkas CSV rusak: %(e)s", e=str(exc)[:100])}) from None
    if not parsed.lines:
        raise ValidationError(fields={"file": _("Tidak ada transaksi yang terbaca di berkas ini.")})
    parsed.account = parsed.account or parsed.lines[0].account
    return parsed


def _read_rows(parsed: ParsedStatement, layout: Layout, body, first: int, period, today: date) -> None:
    for offset, cells in enumerate(body, start=first):
        if not any(c.strip() for c in cells) or _norm(cells[0]).startswith(TRAILERS):
            continue
        if len(parsed.lines) + len(parsed.errors) >= MAX_ROWS:
            raise ValidationError(fields={"file": _("Terlalu banyak baris (maksimal %(n)d).", n=MAX_ROWS)})
        try:
            parsed.lines.append(_line(layout, cells, offset, parsed.account, period, today))
        except CellError as exc:
            parsed.errors.append((offset, str(exc)))


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _line(
    layout: Layout, cells: list[str], offset: int, account: str, period: tuple[date, date] | None, today: date
) -> StatementLine:
    if len(cells) <= layout.date:
        raise CellError(_("Kolom kurang"))
    description = " ".join(clean(_cell(cells, i)) for i in layout.descriptions if clean(_cell(cells, i)))
    row_account = re.sub(r"\D", "", clean(_cell(cells, layout.account))) or account
    return StatementLine(
        line=offset,
        booked_on=parse_date(cells[layout.date], period, today),
        amount=_signed_amount(layout, cells),
        description=re.sub(r"\s+", " ", description)[:500],
        account=row_account[:40],
    )


def _signed_amount(layout: Layout, cells: list[str]) -> Decimal:
    """Credit positive, debit negative, from one marked amount, a signed one, or two columns."""
    if layout.amount is not None:
        value, mark = parse_amount(_cell(cells, layout.amount))
        mark = mark or clean(_cell(cells, layout.mark)).upper().replace("DR", "DB")
        if layout.bank == "bca" and mark not in ("CR", "DB"):
            raise CellError(_("Jumlah tanpa tanda CR/DB"))
        return -abs(value) if mark == "DB" else abs(value) if mark == "CR" else value
    credit = _optional_amount(_cell(cells, layout.credit))
    debit = _optional_amount(_cell(cells, layout.debit))
    if credit and debit:
        raise CellError(_("Baris berisi debit dan kredit sekaligus"))
    return abs(credit) if credit else -abs(debit)


def _optional_amount(cell: str) -> Decimal:
    return parse_amount(cell)[0] if clean(cell) and clean(cell) != "-" else Decimal(0)
