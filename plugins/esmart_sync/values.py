"""Single values of an E-Smart record cleaned the way the core services want them:
text, rupiah, whole numbers, sector slugs, names as compared, photo URL lists. A value
that makes the whole record unusable raises ``RecordError``.

plugins/esmart_sync/adapter.py builds whole records from these (and re-exports them).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from marketplace.i18n import gettext as _
from marketplace.inputs import digits


class RecordError(Exception):
    """A value that makes the whole record unusable."""

    def __init__(self, field: str, reason: str):
        super().__init__(reason)
        self.field, self.reason = field, reason


def has_broken_text(text: str) -> bool:
    """Text that was not valid UTF-8."""
    # bytes that were not UTF-8 are decoded with "surrogateescape" into lone surrogates
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def text_value(raw: Any, field_name: str, max_len: int | None = None, required: bool = False) -> str | None:
    """A stripped string (numbers from spreadsheets become digits), or None when empty."""
    if raw is None:
        value = ""
    elif isinstance(raw, bool):
        raise RecordError(field_name, _("Harus berupa teks."))
    elif isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    elif isinstance(raw, (int, float, str)):
        value = str(raw)
    else:
        raise RecordError(field_name, _("Harus berupa teks."))
    if has_broken_text(value):
        raise RecordError(field_name, _("Teks rusak: bukan UTF-8 yang sah."))
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise RecordError(field_name, _("Wajib diisi."))
    if max_len is not None and len(value) > max_len:
        raise RecordError(field_name, _("Terlalu panjang: %(n)d karakter, maksimal %(m)d.", n=len(value), m=max_len))
    return value or None


_RUPIAH_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")
_RUPIAH_DECIMAL = re.compile(r"^(\d+)[.,]0{1,2}$")


def parse_rupiah(raw: Any) -> int:
    """Whole rupiah > 0 from 350000, 350000.0, "350.000", "Rp 350.000"; RecordError otherwise."""
    message = _("Harga harus bilangan bulat rupiah lebih dari 0.")
    if isinstance(raw, bool) or raw is None:
        raise RecordError("harga", message)
    if isinstance(raw, float):
        raw = int(raw) if raw.is_integer() else raw
    if isinstance(raw, str):
        text = raw.strip().replace("Rp", "").replace("rp", "").replace(" ", "").strip()
        if _RUPIAH_GROUPED.match(text):
            text = re.sub(r"[.,]", "", text)
        elif _RUPIAH_DECIMAL.match(text):
            text = _RUPIAH_DECIMAL.match(text).group(1)
        raw = int(text) if digits(text) else None
    if not isinstance(raw, int) or not 0 < raw <= 1_000_000_000:
        raise RecordError("harga", message)
    return raw


def whole_number(raw: Any, field_name: str, maximum: int) -> int | None:
    """A whole number from 0 to ``maximum`` (spreadsheet floats and digit strings too), or None when empty."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and digits(raw.strip()):
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= maximum:
        raise RecordError(field_name, _("Harus bilangan bulat 0 atau lebih."))
    return raw


def sector_slug(raw: str | None) -> str | None:
    """ "Minuman Herbal" and "minuman-herbal" are the same sector."""
    if not raw:
        return None
    return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")


def normalise_name(name: str) -> str:
    """How product names are compared: case, accents, spacing and punctuation ignored."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def split_photo_urls(raw: Any) -> list[str]:
    """Photo URLs from a list, or from one cell separated by spaces, commas, semicolons or bars."""
    if raw is None:
        return []
    if isinstance(raw, list):
        items = raw
    else:
        items = re.split(r"[\s,;|]+", str(raw))
    return [str(u).strip() for u in items if u and str(u).strip()]
