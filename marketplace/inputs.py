"""Input the databases cannot take, refused as a client error in one place per kind.

Five kinds of input once answered 500 (issue #15): JSON nested deep enough to exhaust
Python's recursion, text that cannot be encoded (a lone UTF-16 surrogate from a JSON
``\\ud800`` escape; NUL, which PostgreSQL refuses), whole numbers beyond the column
that holds them, JSON values of the wrong type, and dates at the edges of what
``datetime`` can add to. ``web.check_request_input`` applies the first two to every
request; the helpers below are what views and services use for the other three.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from itertools import accumulate
from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider

from marketplace.errors import NotFound, ValidationError
from marketplace.i18n import gettext as _

# --- JSON ---------------------------------------------------------------------------------------

# Deeper than any body the API takes (a product with variants is 3), far below Python's
# recursion limit (1,000), which the decoder and every walk over the value would reach.
MAX_JSON_DEPTH = 64


class JSONTooDeep(ValueError):
    """A JSON document nested deeper than MAX_JSON_DEPTH (a ValueError: the decoder's own error class)."""


# a JSON string (an unterminated one runs to the end), and what is not a bracket
_JSON_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.S)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(raw: bytes | str, limit: int = MAX_JSON_DEPTH) -> int:
    """The nesting depth of a JSON text (brackets inside strings do not count), without recursion
    and without a Python loop over the text (a body of 20,000 brackets: about half the time
    json.loads takes on it; a checkout body: ~10 us). Malformed text
    is measured as far as it goes; the answer is capped just past ``limit``."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, (bytes, bytearray)) else raw
    if "[" not in text and "{" not in text:
        return 0
    brackets = _NOT_BRACKETS.sub("", _JSON_STRINGS.sub("", text))
    return min(limit + 1, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Python's decoder accepts them


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # 1e999: int() of it raises OverflowError
        raise ValueError(f"{text[:20]} is out of range")
    return value


def loads(raw: bytes | str, **kwargs: Any) -> Any:
    """``json.loads`` as RFC 8259 has it, bounded: nesting beyond MAX_JSON_DEPTH is refused
    (JSONTooDeep) before decoding; NaN, Infinity and numbers that overflow a float are refused
    (ValueError) like any malformed JSON."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise JSONTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH}")
    kwargs.setdefault("parse_constant", _no_constant)
    kwargs.setdefault("parse_float", _finite_float)
    try:
        return json.loads(raw, **kwargs)
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise JSONTooDeep("JSON nested too deep") from None


class BoundedJSONProvider(DefaultJSONProvider):
    """The app's JSON: ``request.get_json`` (and everything else decoding through ``app.json``)
    refuses deep nesting, NaN and Infinity like malformed JSON (see ``loads``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


# --- text ----------------------------------------------------------------------------------------

# NUL (PostgreSQL refuses it in text) and lone surrogates (no UTF-8 encoding exists for them:
# psycopg and sqlite3 raise UnicodeEncodeError when one is bound).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> str | None:
    """Why text in ``value`` (a string, or any JSON value: keys included) cannot be stored:
    "nul", "encoding", or None when it can. The depth of a JSON value is bounded already."""
    if isinstance(value, str):
        found = _UNSTORABLE.search(value)
        if found is None:
            return None
        return "nul" if found.group() == "\x00" else "encoding"
    if isinstance(value, dict):
        for key, item in value.items():
            reason = unstorable(key) or unstorable(item)
            if reason:
                return reason
    elif isinstance(value, (list, tuple)):
        for item in value:
            reason = unstorable(item)
            if reason:
                return reason
    return None


def unstorable_message(reason: str) -> str:
    if reason == "nul":
        return _("Tidak boleh berisi karakter NUL.")
    return _("Berisi karakter yang tidak valid.")


# --- whole numbers and ids -------------------------------------------------------------------------

INTEGER_MAX = 2**31 - 1  # INTEGER columns (ids, quantities, prices): PostgreSQL's int4
BIGINT_MAX = 2**63 - 1  # BIGINT columns


# The longest text of digits read at all: leading zeros are harmless ("007" is 7), but int() refuses
# text of more than 4,300 digits, and no one writes a number this long on purpose.
DIGITS_MAX_TEXT = 1000


def digits(text: str, max_length: int = 18) -> bool:
    """True for ASCII digits only, with at most ``max_length`` significant digits (a BIGINT holds 18):
    str.isdigit() alone also says yes to "²" and "٣", which int() refuses or reads, and to 5,000
    digits, which int() refuses. Leading zeros do not count, as in the OpenAPI patterns."""
    return (
        isinstance(text, str)
        and 0 < len(text) <= DIGITS_MAX_TEXT
        and text.isascii()
        and text.isdigit()
        and len(text.lstrip("0")) <= max_length
    )


def page_number(raw: str | None, maximum: int = 100_000) -> int:
    """A page of a listing from ``?page=``: 1 unless the text is a page number up to ``maximum``
    (a page beyond every column's range would be an OFFSET the database refuses)."""
    text = (raw or "").strip()
    return int(text) if digits(text, 6) and 1 <= int(text) <= maximum else 1


def page_arg(name: str = "page") -> int:
    """The page a listing page asks for (``?page=``, read by :func:`page_number`): the one
    parser of HTML pages; the JSON API's ``page_args`` answers 422 to a bad one instead."""
    return page_number(request.args.get(name))


def whole_number(value: Any, field: str, *, minimum: int = 1, maximum: int = INTEGER_MAX) -> int:
    """A whole number for ``field`` from JSON (an int; not a bool, not a float) or text of digits,
    within ``minimum..maximum`` (by default what an INTEGER id column holds); else 422 naming it."""
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        unsigned = text[1:] if text[:1] == "-" else text
        if unsigned.isascii() and unsigned.isdigit():
            # more digits than a BIGINT has: out of range, without asking int() (4,300 digits at most)
            number = int(text) if len(unsigned) <= 19 else (maximum + 1 if text[0] != "-" else minimum - 1)
    if number is None:
        raise ValidationError(fields={field: _("Harus bilangan bulat.")})
    if not minimum <= number <= maximum:
        raise ValidationError(fields={field: _("Harus antara %(a)d dan %(b)d.", a=minimum, b=maximum)})
    return number


def record_id(value: Any, field: str | None = None, *, maximum: int = INTEGER_MAX) -> int:
    """An id naming a row: a positive whole number a column of ids can hold. Out of range or not
    a number: with ``field`` (a body or query value) 422 naming it; without (a path) 404."""
    try:
        return whole_number(value, field or "id", minimum=1, maximum=maximum)
    except ValidationError:
        if field is None:
            raise NotFound() from None
        raise


def in_id_range(value: Any, maximum: int = INTEGER_MAX) -> bool:
    """True for an int or digit string a column of ids can hold (for lookups by "id or number")."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    return text.isascii() and text.isdigit() and len(text) <= 19 and 1 <= int(text) <= maximum


# --- dates -----------------------------------------------------------------------------------------

# Dates a person types for this marketplace: wide enough for any report or incident, narrow
# enough that a day added or a time zone applied never leaves datetime's range (year 1..9999).
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(value: date, field: str) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(fields={field: _("Tahun harus antara %(a)d dan %(b)d.", a=MIN_YEAR, b=MAX_YEAR)})
    return value


def parse_date(raw: Any, field: str, message: str | None = None) -> date:
    """An ISO date (TTTT-BB-HH) between MIN_YEAR and MAX_YEAR; else 422 naming ``field``."""
    if isinstance(raw, datetime):
        return check_year(raw.date(), field)
    if isinstance(raw, date):
        return check_year(raw, field)
    if not isinstance(raw, str):
        raise ValidationError(fields={field: message or _("Tulis tanggal dengan format TTTT-BB-HH.")})
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(fields={field: message or _("Tulis tanggal dengan format TTTT-BB-HH.")}) from None
    return check_year(value, field)


# --- JSON bodies, by type ----------------------------------------------------------------------------

_MISSING = object()


class Body(dict):
    """A JSON object body with typed accessors: each answers the value when it has the type asked
    for (or is absent: ``default``), else raises 422 naming the field. ``True`` is no number here,
    ``1.0`` no whole number, ``["x"]`` no text."""

    def text(self, name: str, default: Any = None) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, str):
            raise ValidationError(fields={name: _("Harus teks.")})
        return value

    def integer(
        self,
        name: str,
        default: Any = None,
        *,
        minimum: int = -BIGINT_MAX,
        maximum: int = BIGINT_MAX,
        digits: bool = False,
    ) -> Any:
        """A JSON whole number (with ``digits`` also text of digits, as a form sends it)."""
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        if isinstance(value, str) and not digits:
            raise ValidationError(fields={name: _("Harus bilangan bulat.")})
        return whole_number(value, name, minimum=minimum, maximum=maximum)

    def id(self, name: str, default: Any = None) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        return record_id(value, name)

    def boolean(self, name: str, default: Any = None) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, bool):
            raise ValidationError(fields={name: _("Harus true atau false.")})
        return value

    def text_list(self, name: str, default: Any = None) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValidationError(fields={name: _("Harus daftar teks.")})
        return value

    def object(self, name: str, default: Any = None) -> Any:
        value = self.get(name, _MISSING)
        if value is _MISSING or value is None:
            return default
        if not isinstance(value, dict):
            raise ValidationError(fields={name: _("Harus objek JSON.")})
        return Body(value)

    def texts(self, *names: str) -> dict[str, Any]:
        """The named fields that are present, each text (422 naming every one that is not)."""
        errors = {
            name: _("Harus teks.")
            for name in names
            if self.get(name) is not None and not isinstance(self.get(name), str)
        }
        if errors:
            raise ValidationError(fields=errors)
        return {name: self[name] for name in names if name in self}


TRUTHY = ("1", "true", "yes", "on")


def truthy(value: Any) -> bool:
    """A yes/no setting or flag: True itself, or a text saying yes (1, true, yes, on; any case)."""
    return value is True or str(value).strip().lower() in TRUTHY
