"""The expo funnel: visitors → WhatsApp taps → carts → orders, per booth and per zone of an
expo, split into *during* (the expo's days) and *after* (from the day after it closed to the
period's end), plus the hall's own views per day; and a store's own booth figures.

It reads ``visit_daily`` (the beacon's daily roll-up, one row per Jakarta day, kind, expo and
store) and the orders table, read-only, like the sales report (agency.reports), whose period
(``reports.period``), date parsing (``reports.parse_range``) and sale statuses it reuses.

What each figure counts, for one booth (an exhibitor: its store in this expo):
- ``visitors``: the daily unique visitors of the booth page (kind ``booth``, this expo) plus
  those of the store's product pages (kind ``product``, the store, any expo), summed over the
  days: *kunjungan harian unik*. A daily unique count cannot be summed into uniques: someone
  who comes back on three days counts three times, someone who opens the booth and a product
  on one day counts twice. It is an upper bound of people, and comparable between booths;
- ``booth_views``, ``product_views``: hits of those pages;
- ``whatsapp``: taps on the store's WhatsApp button (hits, kind ``whatsapp``);
- ``carts``: visitors who added one of the store's products to a cart (daily uniques, kind ``cart``);
- ``orders``, ``sales``: the store's sale orders and their totals, as the sales report counts
  them (``reports.SALE_STATUSES``), in the same UTC bounds; an order is *during* when placed
  before the expo closed, as in the sales report. Visits are *during* on the expo's days.

Statements, whatever the number of booths: 5 (the expo with its zones, its exhibitors, the
visits grouped by store, kind and phase, the hall per day, the orders per store).
A store's own figures (the seller's dashboard card and API): booth_stats.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta

from flask_babel import format_percent
from sqlalchemy import and_, case, func, or_, select

from marketplace.agency import reports
from marketplace.clock import JAKARTA
from marketplace.errors import ValidationError
from marketplace.expo import queries as expo_queries
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders.models import Order
from marketplace.visits.models import VisitDaily

FUNNEL_SORTS = ("visitors", "whatsapp", "carts", "orders")  # ?funnel_sort=, most first
PHASES = reports.REPORT_PHASES  # ("during", "after")
STORE_KINDS = ("product", "whatsapp", "cart")  # kinds counted per store, whatever the expo


@dataclass
class Steps:
    """The funnel's figures for one booth, zone or day (see the module's docstring)."""

    visitors: int = 0
    booth_views: int = 0
    product_views: int = 0
    whatsapp: int = 0
    carts: int = 0
    orders: int = 0
    sales: int = 0

    def add(self, other: Steps) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def plus(self, other: Steps) -> Steps:
        total = Steps()
        total.add(self)
        total.add(other)
        return total

    @property
    def whatsapp_rate(self) -> float | None:
        """WhatsApp taps per visitor; None when nobody visited."""
        return _ratio(self.whatsapp, self.visitors)

    @property
    def cart_rate(self) -> float | None:
        return _ratio(self.carts, self.visitors)

    @property
    def order_rate(self) -> float | None:
        """Orders per visitor who added to a cart; None without carts."""
        return _ratio(self.orders, self.carts)

    def as_dict(self) -> dict:
        data: dict = {f.name: getattr(self, f.name) for f in fields(self)}
        data.update(whatsapp_rate=self.whatsapp_rate, cart_rate=self.cart_rate, order_rate=self.order_rate)
        return data


def _ratio(part: int, base: int) -> float | None:
    return round(part / base, 4) if base else None


def percent(value: float | None) -> str:
    """A ratio as the reader's percentage ("12,5%"), "—" when its base is 0."""
    return "—" if value is None else format_percent(value, "#,##0.0%")


@dataclass
class BoothFunnel:
    store: str  # the store's slug
    name: str
    booth: str
    zone: str  # the zone's slug
    zone_name: str
    during: Steps = field(default_factory=Steps)
    after: Steps = field(default_factory=Steps)

    @property
    def total(self) -> Steps:
        return self.during.plus(self.after)


@dataclass
class ZoneFunnel:
    slug: str
    name: str
    booths: list[BoothFunnel] = field(default_factory=list)

    def _sum(self, phase: str) -> Steps:
        total = Steps()
        for booth in self.booths:
            total.add(getattr(booth, phase))
        return total

    @property
    def during(self) -> Steps:
        return self._sum("during")

    @property
    def after(self) -> Steps:
        return self._sum("after")

    @property
    def total(self) -> Steps:
        return self._sum("total")


@dataclass
class HallDay:
    day: date
    phase: str
    views: int = 0
    visitors: int = 0


@dataclass
class ExpoFunnel:
    expo: Expo
    start: date
    end: date
    zones: list[ZoneFunnel]
    hall: list[HallDay]

    @property
    def booths(self) -> list[BoothFunnel]:
        return [b for z in self.zones for b in z.booths]

    @property
    def has_after(self) -> bool:
        """Whether the period runs past the expo's last day (else *after* is empty by definition)."""
        return self.end > self.expo.ends_at.astimezone(JAKARTA).date()

    @property
    def hall_views(self) -> int:
        return sum(d.views for d in self.hall)

    @property
    def hall_visitors(self) -> int:
        return sum(d.visitors for d in self.hall)

    def sorted_zones(self, key: str | None) -> list[ZoneFunnel]:
        """The zones in the hall's order, or by ``key`` (one of FUNNEL_SORTS), most first."""
        if key not in FUNNEL_SORTS:
            return list(self.zones)
        return sorted(self.zones, key=lambda z: -getattr(z.total, str(key)))

    def sorted_booths(self, key: str | None) -> list[BoothFunnel]:
        """The booths in the hall's order (zone, rank), or by ``key``, most first."""
        if key not in FUNNEL_SORTS:
            return self.booths
        return sorted(self.booths, key=lambda b: -getattr(b.total, str(key)))

    def as_dict(self) -> dict:
        """The JSON of GET /api/v1/agency/reports/funnel (ExpoFunnel in the OpenAPI document)."""
        return {
            "expo": self.expo.slug,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "zones": [
                {
                    "zone": z.slug,
                    "name": z.name,
                    **z.total.as_dict(),
                    "during": z.during.as_dict(),
                    "after": z.after.as_dict(),
                }
                for z in self.zones
            ],
            "booths": [
                {
                    "store": b.store,
                    "name": b.name,
                    "booth": b.booth,
                    "zone": b.zone,
                    **b.total.as_dict(),
                    "during": b.during.as_dict(),
                    "after": b.after.as_dict(),
                }
                for b in self.booths
            ],
            "hall": {
                "views": self.hall_views,
                "visitors": self.hall_visitors,
                "days": [
                    {"date": d.day.isoformat(), "phase": d.phase, "views": d.views, "visitors": d.visitors}
                    for d in self.hall
                ],
            },
        }


# --- the agency's funnel ------------------------------------------------------------------


def funnel_for(expo_slug: str | None, start: str | None, end: str | None) -> ExpoFunnel:
    """The funnel the console and the API ask for by strings (``?expo=&from=&to=``).
    :raise ValidationError: no expo, bad dates or range. :raise NotFound: unknown expo."""
    days = reports.parse_range(start, end)
    if not expo_slug:
        raise ValidationError(fields={"expo": _("Pilih expo.")})
    return expo_funnel(expo_queries.expo_with_zones(expo_slug), days[0], days[1])


def expo_funnel(expo: Expo, start: date | None = None, end: date | None = None) -> ExpoFunnel:
    """Every booth's and zone's funnel of ``expo`` (zones loaded: expo_queries.expo_with_zones)
    over the report's period (default: from the opening to 30 days past the end, or today)."""
    first, last, low, high = reports.period(expo, start, end)
    closed = expo.ends_at.astimezone(JAKARTA).date()
    exhibitors = expo_queries.exhibitors(expo)
    store_ids = [e.store_id for e in exhibitors]
    booths = {e.store_id: _booth(e) for e in exhibitors}
    for store_id, kind, phase, hits, visitors in _visits(expo, store_ids, first, last, closed):
        booth = booths.get(store_id)
        if booth is not None:
            count_visit(getattr(booth, phase), kind, int(hits or 0), int(visitors or 0))
    for store_id, *figures in _orders(expo, store_ids, low, high):
        booth = booths[store_id]
        booth.during.orders, booth.during.sales, booth.after.orders, booth.after.sales = (int(v or 0) for v in figures)
    zones = [
        ZoneFunnel(z.slug, z.name, [booths[e.store_id] for e in z.exhibitors])
        for z in expo_queries.hall_zones(expo, exhibitors)
    ]
    for zone in zones:
        for booth in zone.booths:
            booth.zone_name = zone.name
    return ExpoFunnel(expo, first, last, zones, _hall(expo, first, last, closed))


def _booth(exhibitor: Exhibitor) -> BoothFunnel:
    return BoothFunnel(exhibitor.store.slug, exhibitor.store.name, exhibitor.booth, exhibitor.zone, "")


def _phase(closed: date):
    return case((VisitDaily.day <= closed, PHASES[0]), else_=PHASES[1])


def _visits(expo: Expo, store_ids: list[int], first: date, last: date, closed: date) -> list:
    """(store, kind, phase, hits, daily uniques) of the booths and their stores (one statement)."""
    if not store_ids:
        return []
    phase = _phase(closed)
    return list(
        db.session.execute(
            select(
                VisitDaily.store_id, VisitDaily.kind, phase, func.sum(VisitDaily.hits), func.sum(VisitDaily.visitors)
            )
            .where(
                VisitDaily.day >= first,
                VisitDaily.day <= last,
                VisitDaily.store_id.in_(store_ids),
                or_(
                    and_(VisitDaily.kind == "booth", VisitDaily.expo_id == expo.id),
                    VisitDaily.kind.in_(STORE_KINDS),
                ),
            )
            .group_by(VisitDaily.store_id, VisitDaily.kind, phase)
        ).all()
    )


def count_visit(steps: Steps, kind: str, hits: int, visitors: int) -> None:
    """Add one ``visit_daily`` figure to the step it feeds (see the module's docstring)."""
    if kind == "booth":
        steps.booth_views += hits
        steps.visitors += visitors
    elif kind == "product":
        steps.product_views += hits
        steps.visitors += visitors
    elif kind == "whatsapp":
        steps.whatsapp += hits
    elif kind == "cart":
        steps.carts += visitors


def _orders(expo: Expo, store_ids: list[int], low: datetime, high: datetime) -> list:
    """(store, orders during, sales during, orders after, sales after) (one statement)."""
    if not store_ids:
        return []
    during = Order.placed_at <= expo.ends_at
    return list(
        db.session.execute(
            select(
                Order.store_id,
                func.coalesce(func.sum(case((during, 1), else_=0)), 0),
                func.coalesce(func.sum(case((during, Order.total), else_=0)), 0),
                func.coalesce(func.sum(case((during, 0), else_=1)), 0),
                func.coalesce(func.sum(case((during, 0), else_=Order.total)), 0),
            )
            .where(
                Order.store_id.in_(store_ids),
                Order.status.in_(reports.SALE_STATUSES),
                Order.placed_at >= low,
                Order.placed_at < high,
            )
            .group_by(Order.store_id)
        ).all()
    )


def _hall(expo: Expo, first: date, last: date, closed: date) -> list[HallDay]:
    """The hall's views and daily uniques on every day of the period (one statement)."""
    rows = db.session.execute(
        select(VisitDaily.day, func.sum(VisitDaily.hits), func.sum(VisitDaily.visitors))
        .where(
            VisitDaily.kind == "hall",
            VisitDaily.expo_id == expo.id,
            VisitDaily.store_id == 0,
            VisitDaily.day >= first,
            VisitDaily.day <= last,
        )
        .group_by(VisitDaily.day)
    ).all()
    found = {reports.as_date(r[0]): r for r in rows}
    days = []
    for n in range((last - first).days + 1):
        day = first + timedelta(days=n)
        row = found.get(day)
        days.append(
            HallDay(
                day,
                PHASES[0] if day <= closed else PHASES[1],
                int(row[1] or 0) if row else 0,
                int(row[2] or 0) if row else 0,
            )
        )
    return days
