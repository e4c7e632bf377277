"""The rules of direct procurement every step of government buying checks the same way: the
direct-purchase limit per store order, the delivery date against a lead time, and the cleaning
of the purchase's codes. One rule in one place: submit, accept_quote and amend call these."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _

from marketplace.clock import now, to_jakarta
from marketplace.i18n import rupiah, wib

RUP_CODE = re.compile(r"[0-9]{1,20}")
# kode rekening: digits in groups separated by dots (5.1.02.01.01.0052)
BUDGET_CODE = re.compile(r"[0-9]+(\.[0-9]+)*")
MAX_DAYS_AHEAD = 365
MAX_LEAD_DAYS = 365


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
