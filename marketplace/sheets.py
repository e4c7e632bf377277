"""Spreadsheet files people upload: an .xlsx read row by row (openpyxl, read-only), the
kind of file told from its first bytes. Shared by every upload that takes a table (the
agency's onboarding, a plugin's catalogue import), so each refuses the same bad files
with the same words.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO

from marketplace.i18n import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc) container


class SheetError(ValueError):
    """The file as a whole cannot be read; ``str(exc)`` says why in the user's language."""


def kind_of(head: bytes) -> str:
    """ "xlsx" or "text" from a file's first bytes. :raise SheetError: empty, .xls, or binary."""
    if not head.strip():
        raise SheetError(_("Berkas kosong."))
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        raise SheetError(_("Format .xls lama tidak didukung; simpan sebagai .xlsx atau .csv."))
    if b"\x00" in head[:4096]:
        raise SheetError(_("Berkas ini bukan CSV atau XLSX."))
    return "text"


def iter_xlsx_rows(source: Path | IO[bytes]) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of the first sheet, streamed. :raise SheetError: not a workbook."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, EOFError) as exc:
        raise SheetError(_("XLSX tidak dapat dibaca: %(e)s", e=exc)) from exc
    try:
        if not workbook.worksheets:
            raise SheetError(_("Berkas kosong."))
        for number, cells in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield number, list(cells)
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
        raise SheetError(_("XLSX tidak dapat dibaca: %(e)s", e=exc)) from exc
    finally:
        workbook.close()


def xlsx_table(data: bytes, max_rows: int) -> list[list[str]]:
    """The first sheet of an uploaded workbook as rows of text, trailing blank rows dropped.
    :raise SheetError: unreadable, or more than ``max_rows`` rows."""
    table: list[list[str]] = []
    for number, cells in iter_xlsx_rows(io.BytesIO(data)):
        if number > max_rows:
            raise SheetError(_("Berkas berisi lebih dari %(n)d baris.", n=max_rows))
        table.append([cell_text(c) for c in cells])
    while table and not any(table[-1]):
        table.pop()
    return table


def cell_text(value) -> str:
    """A cell as a person typed it: 1234.0 -> "1234" (a NIB or a phone number typed as a number),
    a date -> 2026-12-03, nothing -> ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
