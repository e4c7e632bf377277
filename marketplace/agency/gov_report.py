"""The agency's report of government spending with IKM (issue #21), computed by the database.

Two figures, each counted in the period by its own clock:

- *committed*: a Surat Pesanan the PPK approved that was not cancelled or declined (statuses
  approved → paid), its ``total``, in the WIB month of ``approved_at``;
- *paid*: an order the bendahara paid, the amount recorded (``payment_amount``, else the
  order's total), in the WIB month of ``paid_at``.

An order approved in December and paid in January is committed in one year and paid in the
next. Both kinds of row are gathered by one UNION ALL (``_facts``) that every breakdown groups:
totals, per office, per store (with its sector), per sector, per month and per expo (the value
that went to that expo's exhibitors and its share of the whole). That is 6 statements per
report, whatever the number of orders; the report reads gov_orders, gov_offices, stores, expos
and exhibitors read-only, as reports.py reads the shop's orders.

The period is a WIB calendar year (``?year=``, this year by default) or ``?from=&to=`` dates;
a missing bound is the first or last day of that year. The CSV: gov_report_csv.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from sqlalchemy import BigInteger, String, cast, func, literal, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from marketplace import inputs
from marketplace.agency.reports import MAX_RANGE_DAYS, jakarta_date, jakarta_today, parse_day, utc_start_of
from marketplace.catalog.sectors import sector_name
from marketplace.errors import ValidationError
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.gov import machine
from marketplace.gov.models import GovOffice, GovOrder
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

COMMITTED_STATUSES = machine.IN_FORCE
PAID_STATUS = "paid"


class jakarta_month(FunctionElement):
    """``jakarta_month(column)``: "2026-03", the Asia/Jakarta month of a naive-UTC timestamp."""

    type = String()
    name = "jakarta_month"
    inherit_cache = True


@compiles(jakarta_month, "sqlite")
def _jakarta_month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(jakarta_date(*element.clauses), **kw)})"


@compiles(jakarta_month)
def _jakarta_month_default(element, compiler, **kw):  # PostgreSQL
    return f"to_char({compiler.process(jakarta_date(*element.clauses), **kw)}, 'YYYY-MM')"


# --- what a report holds --------------------------------------------------------------------


@dataclass
class GovFigures:
    committed_orders: int = 0
    committed_value: int = 0
    paid_orders: int = 0
    paid_value: int = 0
    stores: int = 0  # distinct stores with an order committed or paid in the period

    def as_dict(self) -> dict:
        return {
            "committed_orders": self.committed_orders,
            "committed_value": self.committed_value,
            "paid_orders": self.paid_orders,
            "paid_value": self.paid_value,
            "stores": self.stores,
        }


@dataclass
class GovGroup(GovFigures):
    key: str = ""  # office code, store slug, sector slug, "2026-03" or expo slug
    label: str = ""
    sector: str | None = None  # a store's
    committed_share: float | None = None  # an expo's percentage of the period's committed value
    paid_share: float | None = None
    month: date | None = None  # a month's first day

    @property
    def sector_label(self) -> str:
        return sector_name(self.sector) if self.sector else _("Lainnya")


@dataclass
class GovReport:
    start: date
    end: date
    totals: GovFigures
    per_office: list[GovGroup] = field(default_factory=list)
    per_store: list[GovGroup] = field(default_factory=list)
    per_sector: list[GovGroup] = field(default_factory=list)
    per_month: list[GovGroup] = field(default_factory=list)
    per_expo: list[GovGroup] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.totals.committed_orders or self.totals.paid_orders)

    def as_dict(self) -> dict:
        """The report as JSON: the API's answer."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            **self.totals.as_dict(),
            "per_office": [{"office": g.key, "name": g.label, **g.as_dict()} for g in self.per_office],
            "per_store": [{"store": g.key, "name": g.label, "sector": g.sector, **g.as_dict()} for g in self.per_store],
            "per_sector": [{"sector": g.key, "name": g.label, **g.as_dict()} for g in self.per_sector],
            "per_month": [{"month": g.key, **g.as_dict()} for g in self.per_month],
            "per_expo": [
                {
                    "expo": g.key,
                    "name": g.label,
                    "committed_share": g.committed_share,
                    "paid_share": g.paid_share,
                    **g.as_dict(),
                }
                for g in self.per_expo
            ],
        }


# --- the period -----------------------------------------------------------------------------


def period_for(year: str | None, start: str | None, end: str | None) -> tuple[date, date]:
    """The WIB dates a report covers: ``year`` (this year when absent) with ``start``/``end``
    narrowing it; a bound given without a year takes the other bound's year.
    :raise ValidationError: a bad year or date, or a range backwards or over 10 years
    (every bad field named at once)."""
    errors: dict[str, str] = {}
    parsed: dict[str, date | None] = {}
    for name, raw in (("from", start), ("to", end)):
        try:
            parsed[name] = parse_day(raw, name)
        except ValidationError as exc:
            errors.update(exc.fields)
            parsed[name] = None
    base = None
    try:
        base = _parse_year(year)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    first, last = parsed["from"], parsed["to"]
    if base is None:
        base = (last or first or jakarta_today()).year
    first, last = first or date(base, 1, 1), last or date(base, 12, 31)
    if first > last:
        raise ValidationError(fields={"from": _("Tanggal awal harus sebelum tanggal akhir.")})
    if (last - first).days > MAX_RANGE_DAYS:
        raise ValidationError(fields={"to": _("Rentang laporan paling panjang 10 tahun.")})
    return first, last


def _parse_year(raw: str | None) -> int | None:
    if raw in (None, ""):
        return None
    text = raw.strip()
    # four digits at most before int(): a 5,000-digit year must be a message, not a ValueError
    if not (text.isascii() and text.isdigit() and len(text) <= 4 and inputs.MIN_YEAR <= int(text) <= inputs.MAX_YEAR):
        raise ValidationError(
            fields={"year": _("Tahun harus antara %(a)d dan %(b)d.", a=inputs.MIN_YEAR, b=inputs.MAX_YEAR)}
        )
    return int(text)


# --- the report -----------------------------------------------------------------------------


def report_for(year: str | None, start: str | None, end: str | None) -> GovReport:
    """The report the console and the API ask for by strings (``?year=&from=&to=``).
    :raise ValidationError: see :func:`period_for`."""
    return gov_report(*period_for(year, start, end))


def gov_report(start: date, end: date) -> GovReport:
    """Committed and paid values, order and store counts of government orders between two WIB
    dates (inclusive): in total, per office, store, sector, month and expo. Six statements."""
    facts = _facts(utc_start_of(start), utc_start_of(end + timedelta(days=1)))
    totals = _figures(db.session.execute(select(*_sums(facts)).select_from(facts)).one())
    return GovReport(
        start=start,
        end=end,
        totals=totals,
        per_office=_per_office(facts),
        per_store=_per_store(facts),
        per_sector=_per_sector(facts),
        per_month=_per_month(facts, start, end),
        per_expo=_per_expo(facts, totals),
    )


def _facts(low, high):
    """One row per committed order (approved in [low, high)) and one per paid order (paid in
    [low, high)): office, store, the month it counts in, and what it adds."""
    zero = cast(literal(0), BigInteger)
    one = cast(literal(1), BigInteger)
    committed = select(
        GovOrder.office_id.label("office_id"),
        GovOrder.store_id.label("store_id"),
        GovOrder.store_name.label("store_name"),
        jakarta_month(GovOrder.approved_at).label("month"),
        one.label("committed"),
        cast(GovOrder.total, BigInteger).label("committed_value"),
        zero.label("paid"),
        zero.label("paid_value"),
    ).where(
        GovOrder.status.in_(COMMITTED_STATUSES),
        GovOrder.approved_at >= low,
        GovOrder.approved_at < high,
    )
    paid = select(
        GovOrder.office_id,
        GovOrder.store_id,
        GovOrder.store_name,
        jakarta_month(GovOrder.paid_at),
        zero,
        zero,
        one,
        cast(func.coalesce(GovOrder.payment_amount, GovOrder.total), BigInteger),
    ).where(GovOrder.status == PAID_STATUS, GovOrder.paid_at >= low, GovOrder.paid_at < high)
    return union_all(committed, paid).subquery("facts")


def _sums(facts) -> list:
    c = facts.c
    return [
        func.coalesce(func.sum(c.committed), 0),
        func.coalesce(func.sum(c.committed_value), 0),
        func.coalesce(func.sum(c.paid), 0),
        func.coalesce(func.sum(c.paid_value), 0),
        func.count(c.store_id.distinct()),
    ]


def _biggest_first(facts) -> list:
    return [func.coalesce(func.sum(c), 0).desc() for c in (facts.c.committed_value, facts.c.paid_value)]


def _figures(row, offset: int = 0) -> GovFigures:
    return GovFigures(*(int(v or 0) for v in row[offset : offset + 5]))


def _group(row, offset: int, key: str, label: str, **fields) -> GovGroup:
    """A group's figures from ``row[offset:]`` (no row: all zero)."""
    figures = _figures(row, offset) if row is not None else GovFigures()
    return GovGroup(**figures.as_dict(), key=key, label=label, **fields)


def _per_office(facts) -> list[GovGroup]:
    rows = db.session.execute(
        select(GovOffice.code, GovOffice.name, *_sums(facts))
        .select_from(facts)
        .join(GovOffice, GovOffice.id == facts.c.office_id)
        .group_by(GovOffice.id, GovOffice.code, GovOffice.name)
        .order_by(*_biggest_first(facts), GovOffice.name)
    ).all()
    return [_group(r, 2, key=r[0], label=r[1]) for r in rows]


def _per_store(facts) -> list[GovGroup]:
    rows = db.session.execute(
        select(Store.slug, func.max(facts.c.store_name), Store.sector, *_sums(facts))
        .select_from(facts)
        .outerjoin(Store, Store.id == facts.c.store_id)
        .group_by(facts.c.store_id, Store.slug, Store.sector)
        .order_by(*_biggest_first(facts), facts.c.store_id)
    ).all()
    return [_group(r, 3, key=r[0] or "", label=r[1], sector=r[2]) for r in rows]


def _per_sector(facts) -> list[GovGroup]:
    rows = db.session.execute(
        select(Store.sector, *_sums(facts))
        .select_from(facts)
        .outerjoin(Store, Store.id == facts.c.store_id)
        .group_by(Store.sector)
        .order_by(*_biggest_first(facts))
    ).all()
    return [_group(r, 1, key=r[0] or "", label=sector_name(r[0]) if r[0] else _("Lainnya")) for r in rows]


def _per_month(facts, start: date, end: date) -> list[GovGroup]:
    """Every month of the period, in order, those without orders at zero."""
    rows = db.session.execute(select(facts.c.month, *_sums(facts)).group_by(facts.c.month)).all()
    found = {str(r[0]): r for r in rows}
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        key = current.strftime("%Y-%m")
        months.append(_group(found.get(key), 1, key, format_date(current, "MMM yyyy"), month=current))
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _per_expo(facts, totals: GovFigures) -> list[GovGroup]:
    """Every expo, newest first: what went to its exhibitors and that share of the whole."""
    rows = db.session.execute(
        select(Expo.slug, Expo.name, *_sums(facts))
        .select_from(Expo)
        .outerjoin(Exhibitor, Exhibitor.expo_id == Expo.id)
        .outerjoin(facts, facts.c.store_id == Exhibitor.store_id)
        .group_by(Expo.id, Expo.slug, Expo.name, Expo.starts_at)
        .order_by(Expo.starts_at.desc(), Expo.id.desc())
    ).all()
    groups = []
    for r in rows:
        group = _group(r, 2, key=r[0], label=r[1])
        group.committed_share = _share(group.committed_value, totals.committed_value)
        group.paid_share = _share(group.paid_value, totals.paid_value)
        groups.append(group)
    return groups


def _share(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None
