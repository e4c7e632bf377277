"""Values of a bank statement's cells: amounts with Indonesian or English separators, dates.

``parse_amount`` reads ``1.500.000,00``, ``1,500,000.00``, ``1500000``, ``Rp 150.000``,
``150,000.00 CR``, ``-25.000`` and ``(25.000)``; ``parse_date`` reads ``'05/12`` (the year
from the statement's period), ``05/12/2026``, ``05-12-2026``, ``2026-12-05``,
``05 Des 2026`` with or without a time, and ``PEND`` (pending: not yet booked).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from marketplace.i18n import gettext as _

PENDING = "PEND"

_MARK = re.compile(r"(CR|DB|DR|K|D)$")
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "peb": 2,
    "mar": 3,
    "apr": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "agu": 8,
    "agt": 8,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "nop": 11,
    "des": 12,
    "dec": 12,
}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})[ \-]([A-Za-z]{3,9})[ \-](\d{2,4})(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?$")


class CellError(ValueError):
    """A cell that is not a date or an amount; the message is for finance (Indonesian)."""


def clean(cell: str | None) -> str:
    """A cell without the apostrophe banks put before numbers and dates to keep them text."""
    return (cell or "").strip().lstrip("'").strip()


def parse_amount(cell: str) -> tuple[Decimal, str]:
    """The amount (signed: a debit is negative when the cell says so) and its CR/DB mark ('' if none)."""
    text = clean(cell).upper().replace("RP", "").replace("IDR", "")
    text = re.sub(r"[\s\u00a0]", "", text)
    mark = ""
    found = _MARK.search(text)
    if found and text[: found.start()]:
        mark = {"K": "CR", "D": "DB", "DR": "DB"}.get(found.group(1), found.group(1))
        text = text[: found.start()]
    negative = text.startswith("-") or (text.startswith("(") and text.endswith(")"))
    digits = text.strip("()+-")
    if not digits or not re.fullmatch(r"[0-9.,]+", digits):
        raise CellError(_("Jumlah tidak terbaca: %(v)s", v=repr(clean(cell)[:40])))
    value = _number(digits, clean(cell))
    return (-value if negative else value), mark


def _number(digits: str, shown: str) -> Decimal:
    """Which of '.' and ',' separates thousands: the last one present in both cases is the
    decimal separator; alone, it is the decimal one when 1 or 2 digits follow it once."""
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_sep = "." if digits.rfind(".") > digits.rfind(",") else ","
    elif dots + commas == 1:
        sep = "." if dots else ","
        decimal_sep = sep if len(digits) - digits.index(sep) - 1 in (1, 2) else ""
    else:
        decimal_sep = ""
    whole, _sep, fraction = digits.rpartition(decimal_sep) if decimal_sep else (digits, "", "")
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
        raise CellError(_("Pemisah ribuan tidak lazim: %(v)s", v=repr(shown[:40])))
    if decimal_sep and not fraction.isdigit():
        raise CellError(_("Jumlah tidak terbaca: %(v)s", v=repr(shown[:40])))
    return Decimal("".join(groups) + ("." + fraction if fraction else ""))


def parse_date(cell: str, period: tuple[date, date] | None, today: date) -> date | None:
    """The booking date; None for a pending row. A day and month alone take the year that
    puts them inside the statement's period (else the latest one not after tomorrow)."""
    text = clean(cell)
    if text.upper() == PENDING:
        return None
    named = _NAMED_DATE.match(text)
    if named:
        month = _MONTHS.get(named.group(2)[:3].lower())
        if month is None:
            raise CellError(_("Bulan tidak dikenal: %(v)s", v=repr(text[:40])))
        return _date(_year(named.group(3)), month, int(named.group(1)), text)
    numeric = _NUMERIC_DATE.match(text)
    if not numeric:
        raise CellError(_("Tanggal tidak terbaca: %(v)s", v=repr(text[:40])))
    first, second, third = numeric.groups()
    if len(first) == 4:
        if third is None:
            raise CellError(_("Tanggal tidak terbaca: %(v)s", v=repr(text[:40])))
        return _date(int(first), int(second), int(third), text)
    if third is not None:
        return _date(_year(third), int(second), int(first), text)
    return _without_year(int(first), int(second), period, today, text)


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _date(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("Tanggal tidak ada di kalender: %(v)s", v=repr(shown[:40]))) from None


def _without_year(day: int, month: int, period: tuple[date, date] | None, today: date, shown: str) -> date:
    years = [period[1].year, period[0].year] if period else [today.year, today.year - 1]
    last_error: CellError | None = None
    for year in years:
        try:
            found = _date(year, month, day, shown)
        except CellError as exc:
            last_error = exc
            continue
        inside = period[0] <= found <= period[1] if period else found.toordinal() <= today.toordinal() + 1
        if inside:
            return found
    if last_error is not None:
        raise last_error
    raise CellError(_("Tanggal di luar periode mutasi: %(v)s", v=repr(shown[:40])))
