"""Sales reports, computed by the database (GROUP BY), never by loading orders.

What counts as a sale: an order in ``paid``, ``processing``, ``shipped`` or
``completed`` — money received or goods committed (a cash-on-delivery order
counts once its seller accepts it: ``processing``). ``pending_payment``
(not paid, not accepted), ``cancelled`` and ``refunded`` orders are left out.
An order's day is its ``placed_at`` (stored in UTC) on the Jakarta calendar,
grouped in SQL: ``date(placed_at, '+7 hours')`` on SQLite,
``CAST((placed_at AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Jakarta' AS DATE)``
on PostgreSQL.

A report covers either an expo — the orders of its exhibitors' stores from the
expo's opening, split into *during* (until it closes) and *after* (the same
stores' later orders) — or any date range of the whole marketplace. Gross
sales are order totals in rupiah (shipping is not charged by the platform).
The report reads the orders, stores and exhibitors tables read-only: it is the
one place that looks across domains, and it changes nothing.

Statements per report, whatever the number of orders: a date-range report 4
(totals, per store, per sector, per day); an expo report 6 (the expo with its
zones, then totals with the during/after split, per store, per sector, per
zone, per day).

What a report holds: report_results.py; the report as CSV: reports_csv.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, and_, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from marketplace import inputs
from marketplace.agency.report_results import REPORT_PHASES as REPORT_PHASES
from marketplace.agency.report_results import Day as Day
from marketplace.agency.report_results import Figures as Figures
from marketplace.agency.report_results import Group as Group
from marketplace.agency.report_results import SalesReport as SalesReport
from marketplace.agency.reports_csv import CSV_HEADER as CSV_HEADER
from marketplace.agency.reports_csv import csv_filename as csv_filename
from marketplace.agency.reports_csv import csv_response as csv_response
from marketplace.agency.reports_csv import to_csv as to_csv
from marketplace.catalog.sectors import sector_name
from marketplace.clock import JAKARTA, now
from marketplace.errors import ValidationError
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders.models import Order
from marketplace.stores.models import Store

SALE_STATUSES = ("paid", "processing", "shipped", "completed")
DEFAULT_RANGE_DAYS = 30
AFTER_EXPO_DAYS = 30  # an expo report runs this long past the expo's end by default
MAX_RANGE_DAYS = 3700


# --- the Jakarta calendar day of a stored UTC time, in SQL --------------------------


class jakarta_date(FunctionElement):
    """``jakarta_date(column)``: the Asia/Jakarta date of a naive-UTC timestamp column."""

    type = Date()
    name = "jakarta_date"
    inherit_cache = True


@compiles(jakarta_date, "sqlite")
def _jakarta_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(jakarta_date)
def _jakarta_date_default(element, compiler, **kw):  # PostgreSQL
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(({inner} AT TIME ZONE 'UTC') AT TIME ZONE 'Asia/Jakarta' AS DATE)"


def utc_start_of(day: date) -> datetime:
    """00:00 WIB of ``day``, as aware UTC."""
    return datetime.combine(day, time(0, 0), tzinfo=JAKARTA).astimezone(UTC)


def jakarta_today() -> date:
    return now().astimezone(JAKARTA).date()


# --- parameters ---------------------------------------------------------------------


def parse_day(raw: str | None, field_name: str) -> date | None:
    if raw in (None, ""):
        return None
    # years outside inputs.MIN_YEAR..MAX_YEAR are refused: 9999-12-31 + 1 day is past datetime's range
    return inputs.parse_date(raw, field_name, _("Tanggal harus berformat TTTT-BB-HH, mis. 2026-12-01."))


def _period(expo: Expo | None, start: date | None, end: date | None) -> tuple[date, date, datetime, datetime]:
    """Jakarta dates shown, and the UTC bounds [low, high) of placed_at."""
    today = jakarta_today()
    if expo is not None:
        opened = expo.starts_at.astimezone(JAKARTA).date()
        closed = expo.ends_at.astimezone(JAKARTA).date()
        end = end or max(closed, min(today, closed + timedelta(days=AFTER_EXPO_DAYS)))
        low = utc_start_of(start) if start else expo.starts_at
        start = start or opened
    else:
        end = end or today
        start = start or end - timedelta(days=DEFAULT_RANGE_DAYS - 1)
        low = utc_start_of(start)
    if start > end:
        raise ValidationError(fields={"from": _("Tanggal awal harus sebelum tanggal akhir.")})
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError(fields={"to": _("Rentang laporan paling panjang 10 tahun.")})
    return start, end, low, utc_start_of(end + timedelta(days=1))


def period(expo: Expo | None, start: date | None, end: date | None) -> tuple[date, date, datetime, datetime]:
    """The Jakarta dates a report covers and the UTC bounds [low, high) of ``placed_at``: the same
    period for the sales report and the expo funnel (agency.funnel). :raise ValidationError:"""
    return _period(expo, start, end)


def _counts(condition=None) -> list:
    """count, sum and distinct shoppers of the sale orders (optionally only those meeting ``condition``)."""
    if condition is None:
        return [func.count(Order.id), func.coalesce(func.sum(Order.total), 0), func.count(Order.user_id.distinct())]
    return [
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0),
        func.coalesce(func.sum(case((condition, Order.total), else_=0)), 0),
        func.count(case((condition, Order.user_id)).distinct()),
    ]


def _figures(row, offset: int = 0) -> Figures:
    return Figures(int(row[offset] or 0), int(row[offset + 1] or 0), int(row[offset + 2] or 0))


# --- the report ---------------------------------------------------------------------


def sales_report(expo: Expo | None = None, start: date | None = None, end: date | None = None) -> SalesReport:
    """Orders, gross sales, unique shoppers and average order value: in total, per store,
    per sector (and per zone for an expo) and per Jakarta day. Zones come from ``expo.zones``,
    which the caller loads (expo.queries.expo_with_zones)."""
    start, end, low, high = _period(expo, start, end)
    where = [Order.status.in_(SALE_STATUSES), Order.placed_at >= low, Order.placed_at < high]
    if expo is not None:
        where.append(Order.store_id.in_(select(Exhibitor.store_id).where(Exhibitor.expo_id == expo.id)))

    split = []
    if expo is not None:
        split = _counts(Order.placed_at <= expo.ends_at) + _counts(Order.placed_at > expo.ends_at)
    row = db.session.execute(select(*_counts(), *split).where(*where)).one()
    report = SalesReport(
        start=start,
        end=end,
        totals=_figures(row),
        per_store=_per_store(where),
        per_sector=_per_sector(where),
        per_day=[],
        expo=expo,
    )
    if expo is not None:
        report.during, report.after = _figures(row, 3), _figures(row, 6)
        report.per_zone = _per_zone(where, expo)
    report.per_day = _per_day(where, start, end, expo)
    return report


def _per_store(where) -> list[Group]:
    rows = db.session.execute(
        select(Order.store_id, Store.slug, func.max(Order.store_name), Store.sector, *_counts())
        .outerjoin(Store, Store.id == Order.store_id)
        .where(*where)
        .group_by(Order.store_id, Store.slug, Store.sector)
        .order_by(func.sum(Order.total).desc(), Order.store_id)
    ).all()
    return [Group(*_ints(r[4:]), key=r[1] or "", label=r[2], sector=r[3]) for r in rows]


def _per_sector(where) -> list[Group]:
    rows = db.session.execute(
        select(Store.sector, *_counts())
        .outerjoin(Store, Store.id == Order.store_id)
        .where(*where)
        .group_by(Store.sector)
        .order_by(func.sum(Order.total).desc())
    ).all()
    return [Group(*_ints(r[1:]), key=r[0] or "", label=sector_name(r[0]) if r[0] else _("Lainnya")) for r in rows]


def _per_zone(where, expo: Expo) -> list[Group]:
    rows = db.session.execute(
        select(Exhibitor.zone, *_counts())
        .join(Exhibitor, and_(Exhibitor.store_id == Order.store_id, Exhibitor.expo_id == expo.id))
        .where(*where)
        .group_by(Exhibitor.zone)
    ).all()
    names = {z.slug: z.name for z in expo.zones}
    order = {z.slug: i for i, z in enumerate(expo.zones)}
    groups = [
        Group(*_ints(r[1:]), key=r[0] or "", label=names.get(r[0]) or sector_name(r[0] or "") or _("Lainnya"))
        for r in rows
    ]
    # every zone of the expo appears, in the hall's order, even without sales
    groups += [Group(key=z.slug, label=z.name) for z in expo.zones if z.slug not in {g.key for g in groups}]
    return sorted(groups, key=lambda g: (order.get(g.key, len(order)), g.key))


def _per_day(where, start: date, end: date, expo: Expo | None) -> list[Day]:
    day = jakarta_date(Order.placed_at)
    rows = db.session.execute(select(day, *_counts()).where(*where).group_by(day)).all()
    found = {as_date(r[0]): r for r in rows}
    closed = expo.ends_at.astimezone(JAKARTA).date() if expo is not None else None
    days = []
    current = start
    while current <= end:
        r = found.get(current)
        phase = (REPORT_PHASES[0] if current <= closed else REPORT_PHASES[1]) if closed else ""
        days.append(Day(*(_ints(r[1:]) if r else (0, 0, 0)), day=current, phase=phase))
        current += timedelta(days=1)
    return days


def as_date(value) -> date:
    """A day as the database returns it (a date, or ISO text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _ints(values) -> tuple[int, ...]:
    return tuple(int(v or 0) for v in values)


# --- a store's own chart --------------------------------------------------------------


@dataclass
class StoreSales:
    days: list[Day]

    @property
    def orders(self) -> int:
        return sum(d.orders for d in self.days)

    @property
    def gross_sales(self) -> int:
        return sum(d.gross_sales for d in self.days)


def store_daily_sales(store_id: int, days: int = 30) -> StoreSales:
    """One store's sales per Jakarta day over the last ``days`` days (one statement)."""
    end = jakarta_today()
    start = end - timedelta(days=days - 1)
    day = jakarta_date(Order.placed_at)
    rows = db.session.execute(
        select(day, *_counts())
        .where(Order.store_id == store_id, Order.status.in_(SALE_STATUSES), Order.placed_at >= utc_start_of(start))
        .group_by(day)
    ).all()
    found = {as_date(r[0]): r for r in rows}
    series = [
        Day(*(_ints(found[d][1:]) if d in found else (0, 0, 0)), day=d)
        for d in (start + timedelta(days=i) for i in range(days))
    ]
    return StoreSales(series)


def report_for(expo_slug: str | None, start: str | None, end: str | None) -> SalesReport:
    """The report the console and the API ask for by strings (``?expo=&from=&to=``).
    :raise NotFound: unknown expo. :raise ValidationError: bad dates (both named at once)."""
    from marketplace.expo.queries import expo_with_zones

    days = _parse_days(start, end)
    expo = expo_with_zones(expo_slug) if expo_slug else None
    return sales_report(expo, days[0], days[1])


def period_for(expo_slug: str | None, start: str | None, end: str | None) -> tuple[Expo | None, date, date]:
    """The expo and Jakarta dates ``report_for`` would cover, checked without computing anything
    (one statement for an expo): what a report job is started with.
    :raise NotFound: unknown expo. :raise ValidationError: bad dates or range."""
    from marketplace.expo.queries import expo_with_zones

    days = _parse_days(start, end)
    expo = expo_with_zones(expo_slug) if expo_slug else None
    first, last, _low, _high = _period(expo, days[0], days[1])
    return expo, first, last


def parse_range(start: str | None, end: str | None) -> list[date | None]:
    """``?from=&to=`` as Jakarta dates (None when absent). :raise ValidationError: both named at once."""
    return _parse_days(start, end)


def _parse_days(start: str | None, end: str | None) -> list[date | None]:
    errors, days = {}, []
    for name, raw in (("from", start), ("to", end)):
        try:
            days.append(parse_day(raw, name))
        except ValidationError as exc:
            errors.update(exc.fields)
            days.append(None)
    if errors:
        raise ValidationError(fields=errors)
    return days
