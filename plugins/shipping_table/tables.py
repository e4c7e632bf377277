"""Reading, checking, replacing and writing a table as CSV (README.md: the columns).

An import replaces the whole table of its owner (the marketplace, or one store) in the
caller's transaction: a file with any bad line changes nothing, and every bad line is
reported with its number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.shipping import couriers

from .models import TableRate

COLUMNS = ("courier", "service", "origin", "destination", "first_kg", "next_kg", "etd_min", "etd_max")
OPTIONAL_COLUMNS = ("destination_name",)  # a reader's help in the file; not stored
CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2,4})?)?$")
MAX_ROWS = 20_000
MAX_PRICE = 10_000_000


@dataclass(frozen=True)
class Row:
    courier: str
    service: str
    origin: str | None
    destination: str
    first_kg: int
    next_kg: int
    etd_min: int
    etd_max: int


class TableFileError(ValidationError):
    """A CSV the table refuses; ``lines`` holds (line number, message) for each bad line."""

    def __init__(self, lines: list[tuple[int, str]]):
        shown = "; ".join(_("baris %(line)s: %(message)s", line=n, message=m) for n, m in lines[:10])
        more = _(" (dan %(count)s kesalahan lain)", count=len(lines) - 10) if len(lines) > 10 else ""
        super().__init__(_("Berkas tarif ditolak: %(lines)s", lines=shown + more), {"file": shown + more})
        self.lines = lines


def _number(raw: str, name: str, minimum: int) -> int:
    try:
        value = int((raw or "").strip().replace(".", "").replace(",", ""))
    except ValueError:
        raise ValueError(_("%(column)s bukan angka bulat", column=name)) from None
    if value < minimum or value > MAX_PRICE:
        raise ValueError(_("%(column)s di luar batas", column=name))
    return value


def _row(record: dict) -> Row:
    code = (record.get("courier") or "").strip().lower()
    courier = couriers.get(code)
    if courier is None:
        raise ValueError(_("kurir %(code)s tidak dikenal", code=code or "-"))
    service = (record.get("service") or "").strip().lower()
    if service not in courier.services:
        raise ValueError(
            _("layanan %(service)s tidak ada pada %(courier)s", service=service or "-", courier=courier.name)
        )
    origin = (record.get("origin") or "").strip() or None
    destination = (record.get("destination") or "").strip()
    for value in (origin, destination):
        if value is not None and not CODE.match(value):
            raise ValueError(_("kode wilayah %(code)s tidak sah (contoh 31 atau 31.74)", code=value or "-"))
    row = Row(
        code,
        service,
        origin,
        destination,
        _number(record.get("first_kg", ""), "first_kg", 1),
        _number(record.get("next_kg", ""), "next_kg", 0),
        _number(record.get("etd_min", ""), "etd_min", 0),
        _number(record.get("etd_max", ""), "etd_max", 0),
    )
    if row.etd_max < row.etd_min:
        raise ValueError(_("etd_max lebih kecil dari etd_min"))
    return row


def parse(text: str) -> list[Row]:
    """The rows of a CSV file; TableFileError naming every bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise TableFileError([(1, _("kolom hilang: %(columns)s", columns=", ".join(missing)))])
    reader.fieldnames = header
    rows: list[Row] = []
    errors: list[tuple[int, str]] = []
    seen: dict[tuple, int] = {}
    for record in reader:
        line = reader.line_num
        try:
            row = _row(record)
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        key = (row.courier, row.service, row.origin, row.destination)
        if key in seen:
            errors.append((line, _("sama dengan baris %(line)s", line=seen[key])))
            continue
        seen[key] = line
        rows.append(row)
        if len(rows) > MAX_ROWS:
            errors.append((line, _("lebih dari %(count)s baris", count=MAX_ROWS)))
            break
    if errors:
        raise TableFileError(errors)
    return rows


def replace_table(store_id: int | None, rows: list[Row]) -> int:
    """The owner's table becomes ``rows`` (the caller commits); how many rows it now has."""
    owner = TableRate.store_id.is_(None) if store_id is None else TableRate.store_id == store_id
    db.session.execute(delete(TableRate).where(owner))
    if rows:  # one multi-row INSERT (a table has thousands of rows), not an object each
        at = now()
        db.session.execute(
            insert(TableRate),
            [
                {
                    "store_id": store_id,
                    "courier": r.courier,
                    "service": r.service,
                    "origin_code": r.origin,
                    "destination_code": r.destination,
                    "first_kg": r.first_kg,
                    "next_kg": r.next_kg,
                    "etd_min_days": r.etd_min,
                    "etd_max_days": r.etd_max,
                    "updated_at": at,
                }
                for r in rows
            ],
        )
    return len(rows)


def import_csv(text: str, store_id: int | None = None) -> int:
    return replace_table(store_id, parse(text))


def export_csv(store_id: int | None = None) -> str:
    owner = TableRate.store_id.is_(None) if store_id is None else TableRate.store_id == store_id
    query = (
        select(TableRate)
        .where(owner)
        .order_by(TableRate.courier, TableRate.service, TableRate.origin_code, TableRate.destination_code)
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in db.session.scalars(query):
        writer.writerow(
            [
                r.courier,
                r.service,
                r.origin_code or "",
                r.destination_code,
                r.first_kg,
                r.next_kg,
                r.etd_min_days,
                r.etd_max_days,
            ]
        )
    return out.getvalue()


def counts(store_id: int | None = None) -> dict[str, int]:
    """Rows per courier of one owner's table."""
    owner = TableRate.store_id.is_(None) if store_id is None else TableRate.store_id == store_id
    query = select(TableRate.courier, func.count()).where(owner).group_by(TableRate.courier)
    return {courier: int(n) for courier, n in db.session.execute(query).tuples()}


def stores_with_own_table() -> int:
    query = select(func.count(func.distinct(TableRate.store_id))).where(TableRate.store_id.is_not(None))
    return int(db.session.scalar(query) or 0)
