"""A store's own booth figures: the seller dashboard's card "Stan Anda di <expo>" (the last 7
days, one statement) and GET /api/v1/seller/booth-stats (the store's funnel in every expo it
exhibits in, and its last 14 days; four statements whatever the number of expos). What each
figure counts is the expo funnel's (agency/funnel.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from marketplace.agency import reports
from marketplace.agency.funnel import Steps, count_visit
from marketplace.clock import JAKARTA
from marketplace.errors import ValidationError
from marketplace.expo.models import Exhibitor, Expo
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.stores.models import Store
from marketplace.visits.models import VisitDaily

CARD_DAYS = 7  # the seller dashboard's card
SELLER_DAYS = 14  # the seller API's recent days


@dataclass
class BoothCard:
    """The seller dashboard's card: the store's booth in one expo and its last days' figures."""

    expo_slug: str
    expo_name: str
    booth: str
    days: int
    visitors: int
    whatsapp: int
    carts: int
    orders: int


def _visit_sum(column, kind_filter, since: date):
    return (
        select(func.coalesce(func.sum(column), 0))
        .where(VisitDaily.store_id == Exhibitor.store_id, VisitDaily.day >= since, kind_filter)
        .scalar_subquery()
    )


def booth_card(store_id: int, today: date | None = None, days: int = CARD_DAYS) -> BoothCard | None:
    """The store's booth in the expo that ends last among those it exhibits in, with the last
    ``days`` days' visitors, WhatsApp taps, carts and orders; None when it exhibits nowhere.
    One statement (the figures are subqueries of the exhibitor's row)."""
    since = (today or reports.jakarta_today()) - timedelta(days=days - 1)
    booth_or_product = or_(
        and_(VisitDaily.kind == "booth", VisitDaily.expo_id == Exhibitor.expo_id), VisitDaily.kind == "product"
    )
    orders = (
        select(func.count(Order.id))
        .where(
            Order.store_id == Exhibitor.store_id,
            Order.status.in_(reports.SALE_STATUSES),
            Order.placed_at >= reports.utc_start_of(since),
        )
        .scalar_subquery()
    )
    row = db.session.execute(
        select(
            Expo.slug,
            Expo.name,
            Exhibitor.booth,
            _visit_sum(VisitDaily.visitors, booth_or_product, since),
            _visit_sum(VisitDaily.hits, VisitDaily.kind == "whatsapp", since),
            _visit_sum(VisitDaily.visitors, VisitDaily.kind == "cart", since),
            orders,
        )
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(Exhibitor.store_id == store_id)
        .order_by(Expo.ends_at.desc(), Exhibitor.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return BoothCard(row[0], row[1], row[2], days, *(int(v or 0) for v in row[3:]))


@dataclass
class StoreExpoFigures:
    expo: Expo
    booth: str
    zone: str
    start: date
    end: date
    low: datetime  # the UTC bounds [low, high) of the orders counted
    high: datetime
    during: Steps = field(default_factory=Steps)
    after: Steps = field(default_factory=Steps)

    @property
    def total(self) -> Steps:
        return self.during.plus(self.after)


def _store_period(expo: Expo, today: date) -> tuple[date, date, datetime, datetime]:
    """The expo report's default period; for an expo longer than a report may be, its last
    ``MAX_RANGE_DAYS`` days up to today (a seller's page never refuses its own figures)."""
    try:
        return reports.period(expo, None, None)
    except ValidationError:
        end = min(today, expo.ends_at.astimezone(JAKARTA).date())
        return reports.period(expo, end - timedelta(days=reports.MAX_RANGE_DAYS), end)


@dataclass
class StoreBoothStats:
    store: Store
    expos: list[StoreExpoFigures]
    days: list[tuple[date, Steps]]

    def as_dict(self) -> dict:
        """The JSON of GET /api/v1/seller/booth-stats (BoothStats in the OpenAPI document)."""
        return {
            "store": self.store.slug,
            "expos": [
                {
                    "expo": f.expo.slug,
                    "name": f.expo.name,
                    "booth": f.booth,
                    "zone": f.zone,
                    "from": f.start.isoformat(),
                    "to": f.end.isoformat(),
                    **f.total.as_dict(),
                    "during": f.during.as_dict(),
                    "after": f.after.as_dict(),
                }
                for f in self.expos
            ],
            "days": [{"date": d.isoformat(), **steps.as_dict()} for d, steps in self.days],
        }


def store_booth_stats(store: Store, recent_days: int = SELLER_DAYS) -> StoreBoothStats:
    """The store's funnel in every expo it exhibits in (each over its default report period)
    and per day over the last ``recent_days`` days. Four statements, whatever the number of expos."""
    today = reports.jakarta_today()
    exhibits = list(
        db.session.execute(
            select(Exhibitor.booth, Exhibitor.zone, Expo)
            .join(Expo, Expo.id == Exhibitor.expo_id)
            .where(Exhibitor.store_id == store.id)
            .order_by(Expo.starts_at.desc(), Expo.id.desc())
        ).all()
    )
    figures = [StoreExpoFigures(expo, booth, zone, *_store_period(expo, today)) for booth, zone, expo in exhibits]
    recent_start = today - timedelta(days=recent_days - 1)
    since = min([f.start for f in figures] + [recent_start])
    recent = {recent_start + timedelta(days=n): Steps() for n in range(recent_days)}
    expo_ids = {f.expo.id for f in figures}
    for day, kind, expo_id, hits, visitors in _store_visits(store.id, since):
        day = reports.as_date(day)
        hits, visitors = int(hits or 0), int(visitors or 0)
        if day in recent and (kind != "booth" or expo_id in expo_ids):
            count_visit(recent[day], kind, hits, visitors)
        for f in figures:
            if f.start <= day <= f.end and (kind != "booth" or expo_id == f.expo.id):
                closed = f.expo.ends_at.astimezone(JAKARTA).date()
                count_visit(f.during if day <= closed else f.after, kind, hits, visitors)
    _store_expo_orders(store.id, figures)
    for d in reports.store_daily_sales(store.id, recent_days).days:
        if d.day in recent:
            recent[d.day].orders, recent[d.day].sales = d.orders, d.gross_sales
    return StoreBoothStats(store, figures, sorted(recent.items()))


def _store_visits(store_id: int, since: date) -> list:
    """(day, kind, expo, hits, daily uniques) of the store's rows since ``since`` (one statement)."""
    return list(
        db.session.execute(
            select(
                VisitDaily.day,
                VisitDaily.kind,
                VisitDaily.expo_id,
                func.sum(VisitDaily.hits),
                func.sum(VisitDaily.visitors),
            )
            .where(VisitDaily.store_id == store_id, VisitDaily.day >= since, VisitDaily.kind != "hall")
            .group_by(VisitDaily.day, VisitDaily.kind, VisitDaily.expo_id)
        ).all()
    )


def _store_expo_orders(store_id: int, figures: list[StoreExpoFigures]) -> None:
    """Orders and sales during and after each expo, as columns of one statement."""
    if not figures:
        return
    columns = []
    for f in figures:
        for cond in (
            and_(Order.placed_at >= f.low, Order.placed_at <= f.expo.ends_at),
            and_(Order.placed_at > f.expo.ends_at, Order.placed_at < f.high),
        ):
            columns += [
                func.coalesce(func.sum(case((cond, 1), else_=0)), 0),
                func.coalesce(func.sum(case((cond, Order.total), else_=0)), 0),
            ]
    row = db.session.execute(
        select(*columns).where(Order.store_id == store_id, Order.status.in_(reports.SALE_STATUSES))
    ).one()
    values = [int(v or 0) for v in row]
    for i, f in enumerate(figures):
        f.during.orders, f.during.sales, f.after.orders, f.after.sales = values[4 * i : 4 * i + 4]
