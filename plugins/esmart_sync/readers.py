"""Files read record by record, in bounded memory: a JSON document's ``data``
array is parsed one element at a time, CSV and XLSX one row at a time.

Text is decoded as UTF-8 with ``surrogateescape``: a byte that is not UTF-8
does not stop the file, it marks the record it sits in (the adapter reports
that record). A file that cannot be read at all raises ``ReadError``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from marketplace import sheets
from marketplace.i18n import gettext as _

CHUNK = 64 * 1024
MAX_VALUE = 64 * 1024 * 1024  # one JSON record larger than this is not a directory record
CSV_FIELD_LIMIT = 32 * 1024 * 1024  # a 10 MB description is read, then refused by the adapter
_WHITESPACE = " \t\r\n"


class ReadError(Exception):
    """The file as a whole cannot be read; nothing is imported from it."""


def sniff(path: Path) -> str:
    """ "json", "csv" or "xlsx", from the file's first bytes."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise ReadError(_("Berkas tidak dapat dibuka: %(e)s", e=exc.strerror or exc)) from exc
    if not head.strip():
        raise ReadError(_("Berkas kosong."))
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("Format .xls lama tidak didukung; simpan sebagai .xlsx atau .csv."))
    first = head.lstrip(b"\xef\xbb\xbf" + _WHITESPACE.encode())[:1]
    if first in (b"{", b"["):
        return "json"
    if b"\x00" in head:
        raise ReadError(_("Berkas ini bukan JSON, CSV, atau XLSX."))
    return "csv"


# --- JSON -------------------------------------------------------------------------


class _JsonStream:
    """Values decoded one at a time from a text stream with json.raw_decode."""

    def __init__(self, handle: IO[str]):
        self.handle, self.buf, self.pos, self.eof = handle, "", 0, False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> None:
        size = max(CHUNK, len(self.buf) - self.pos)  # read as much again: linear for huge values
        chunk = self.handle.read(size)
        self.eof = not chunk
        self.buf, self.pos = self.buf[self.pos :] + chunk, 0

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf) or self.eof:
                return self.buf[self.pos] if self.pos < len(self.buf) else ""
            self._fill()

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ReadError(_("JSON tidak valid: diharapkan '%(c)s'.", c=char))
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                obj, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._cut_short(exc):
                    raise ReadError(_("JSON tidak valid: %(e)s", e=exc.msg)) from exc
                if len(self.buf) - self.pos > MAX_VALUE:
                    raise ReadError(
                        _("JSON tidak valid: satu rekaman lebih dari %(n)d MB.", n=MAX_VALUE // 2**20)
                    ) from exc
                self._fill()
                continue
            if end == len(self.buf) and not self.eof:
                self._fill()  # a number may continue in the next chunk
                continue
            self.pos = end
            return obj

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the value may only be cut by the end of the buffer (read more),
        rather than broken (fail now, without reading the rest of the file)."""
        return exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 16

    def array(self) -> Iterator:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise ReadError(_("JSON tidak valid: diharapkan ',' atau ']'."))


def iter_json_records(path: Path) -> Iterator[dict]:
    """The elements of ``{"data": [...]}`` (or of a bare array), one at a time."""
    with open(path, encoding="utf-8-sig", errors="surrogateescape") as handle:
        stream = _JsonStream(handle)
        if stream.peek() == "[":
            yield from stream.array()
            return
        yield from _data_member(stream)


def _data_member(stream: _JsonStream) -> Iterator:
    stream.expect("{")
    found = False
    while stream.peek() != "}":
        key = stream.value()
        if not isinstance(key, str):
            raise ReadError(_("JSON tidak valid: kunci harus teks."))
        stream.expect(":")
        if key == "data":
            found = True
            yield from stream.array()
        else:
            stream.value()
        if stream.peek() == ",":
            stream.pos += 1
    stream.expect("}")
    if not found:
        raise ReadError(_('JSON tidak berisi larik "data".'))


# --- spreadsheets ------------------------------------------------------------


def iter_csv_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number, cells); the header is row 1, as a spreadsheet shows it."""
    if csv.field_size_limit() < CSV_FIELD_LIMIT:
        csv.field_size_limit(CSV_FIELD_LIMIT)
    with open(path, newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        delimiter = _delimiter(handle.readline())
        handle.seek(0)
        try:
            yield from enumerate(csv.reader(handle, delimiter=delimiter), start=1)
        except csv.Error as exc:
            raise ReadError(_("CSV tidak valid: %(e)s", e=exc)) from exc


def _delimiter(header_line: str) -> str:
    """Excel in Indonesian locales writes ';' between cells."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def iter_xlsx_rows(path: Path) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of the first sheet, streamed (the core's reader of uploads)."""
    try:
        yield from sheets.iter_xlsx_rows(path)
    except sheets.SheetError as exc:
        raise ReadError(str(exc)) from exc


def iter_sheet_dicts(rows: Iterator[tuple[int, list]], normalise, missing) -> Iterator[tuple[int, dict]]:
    """Rows as {header: value}; the first row names the columns."""
    try:
        _number, header = next(rows)
    except StopIteration:
        raise ReadError(_("Berkas kosong.")) from None
    names = [normalise(h) for h in header]
    absent = missing(names)
    if absent:
        raise ReadError(_("Kolom wajib tidak ada: %(c)s.", c=", ".join(absent)))
    for number, cells in rows:
        yield number, {name: cells[i] if i < len(cells) else None for i, name in enumerate(names) if name}
