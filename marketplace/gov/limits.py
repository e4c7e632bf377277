"""The rules of direct procurement every step of government buying checks the same way: the
direct-purchase limit per store order, the delivery date against a lead time, and the cleaning
of the purchase's codes. One rule in one place: submit, accept_quote and amend call these."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import current_app

from marketplace.clock import now, to_jakarta
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah, wib

RUP_CODE = re.compile(r"[0-9]{1,20}")
# kode rekening: digits in groups separated by dots (5.1.02.01.01.0052)
BUDGET_CODE = re.compile(r"[0-9]+(\.[0-9]+)*")
MAX_DAYS_AHEAD = 365
MAX_LEAD_DAYS = 365
MAX_REASON = 2000
MAX_NOTE = 2000


def today() -> date:
    """Today on a wall clock in Kota Tegal (WIB): delivery dates are WIB dates."""
    return to_jakarta(now()).date()


def limit() -> int:
    """The direct-purchase limit per store order, in rupiah (GOV_DIRECT_PURCHASE_LIMIT)."""
    return int(current_app.config["GOV_DIRECT_PURCHASE_LIMIT"])


def over_limit(store_name: str, total: int) -> str | None:
    """The refusal for a store order over the direct-purchase limit, or None."""
    if total <= limit():
        return None
    return _(
        "Pesanan ke %(store)s %(total)s melebihi batas pembelian langsung %(limit)s per toko; "
        "pecah pengadaan atau gunakan metode lain.",
        store=store_name,
        total=rupiah(total),
        limit=rupiah(limit()),
    )


def earliest(lead_days: int) -> date:
    """The first delivery date a seller needing ``lead_days`` days can meet."""
    return today() + timedelta(days=lead_days)


def too_soon(store_name: str, delivery_date: date, lead_days: int) -> str | None:
    """The refusal for a delivery date the store cannot meet with its lead time, or None."""
    first = earliest(lead_days)
    if delivery_date >= first:
        return None
    return _(
        "%(store)s butuh %(days)d hari untuk menyiapkan pesanan; tanggal pengiriman paling cepat %(date)s.",
        store=store_name,
        days=lead_days,
        date=wib(first, "date"),
    )


def date_problem(value) -> str | None:
    """Why ``value`` cannot be a delivery date (not a date, past, more than a year ahead), or None."""
    # a datetime is a date to isinstance but cannot be compared with one
    if not isinstance(value, date) or isinstance(value, datetime):
        return _("Isi tanggal pengiriman.")
    if value < today():
        return _("Tanggal pengiriman sudah lewat.")
    if value > today() + timedelta(days=MAX_DAYS_AHEAD):
        return _("Tanggal pengiriman paling lambat satu tahun dari hari ini.")
    return None


def clean_rup_code(value) -> tuple[str, str | None]:
    text = str(value or "").strip()
    if not RUP_CODE.fullmatch(text):
        return text, _("Kode RUP berupa 1 sampai 20 angka.")
    return text, None


def clean_budget_code(value) -> tuple[str, str | None]:
    text = str(value or "").strip()
    if not 3 <= len(text) <= 80 or not BUDGET_CODE.fullmatch(text):
        return text, _("Kode rekening berupa angka dan titik, 3 sampai 80 karakter (contoh 5.1.02.01.01.0052).")
    return text, None


def clean_place(value) -> tuple[str, str | None]:
    text = " ".join(str(value or "").split())
    if len(text) < 5:
        return text, _("Tulis tempat pengiriman, paling sedikit 5 karakter.")
    if len(text) > 500:
        return text, _("Tempat pengiriman paling banyak 500 karakter.")
    return text, None


# --- what a step's form or JSON carries -------------------------------------------------


def pairs(values, field: str) -> list[tuple]:
    """The (line id, value) pairs of a mapping from a form or JSON; ValidationError for another shape."""
    if values is None:
        return []
    if not isinstance(values, dict):
        message = _("Isian harus berupa pasangan baris pesanan dan nilainya.")
        raise ValidationError(message, fields={field: message})
    return list(values.items())


def whole(value, field: str, low: int, high: int, message: str) -> int:
    """A whole number from a form or JSON (a string of ASCII digits or an int, never a bool)
    between ``low`` and ``high``; ValidationError on ``field`` with ``message`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(message, fields={field: message})
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12 or not low <= int(text) <= high:
        raise ValidationError(message, fields={field: message})
    return int(text)


def reason(reason, required: bool = True) -> str:
    """A step's reason: at least 5 characters when ``required``, at most MAX_REASON."""
    text = str(reason or "").strip()
    if required and len(text) < 5:
        message = _("Tulis alasannya, paling sedikit 5 karakter.")
        raise ValidationError(message, fields={"reason": message})
    if len(text) > MAX_REASON:
        message = _("Alasan paling banyak %(n)d karakter.", n=MAX_REASON)
        raise ValidationError(message, fields={"reason": message})
    return text
