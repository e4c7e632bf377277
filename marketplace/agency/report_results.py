"""What a sales report holds: figures (orders, gross sales, shoppers) for the
totals, each store, sector, zone and day, and the report's JSON shape.

marketplace/agency/reports.py computes them; reports_csv.py writes them as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marketplace.expo.models import Expo


@dataclass
class Figures:
    orders: int = 0
    gross_sales: int = 0
    shoppers: int = 0

    @property
    def average_order_value(self) -> int:
        return round(self.gross_sales / self.orders) if self.orders else 0

    def as_dict(self) -> dict:
        return {
            "orders": self.orders,
            "gross_sales": self.gross_sales,
            "shoppers": self.shoppers,
            "average_order_value": self.average_order_value,
        }


@dataclass
class Group(Figures):
    key: str = ""
    label: str = ""
    sector: str | None = None


# The two phases of an expo report's days: while the expo runs, and after it closed.
REPORT_PHASES = ("during", "after")


@dataclass
class Day(Figures):
    day: date | None = None
    phase: str = ""  # an expo report: one of REPORT_PHASES


@dataclass
class SalesReport:
    start: date
    end: date
    totals: Figures
    per_store: list[Group]
    per_sector: list[Group]
    per_day: list[Day]
    expo: Expo | None = None
    per_zone: list[Group] = field(default_factory=list)
    during: Figures | None = None
    after: Figures | None = None

    def as_dict(self) -> dict:
        """The JSON of GET /api/v1/agency/reports/sales (SalesReport in the OpenAPI document)."""
        data = {
            "expo": self.expo.slug if self.expo else None,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            **self.totals.as_dict(),
            "per_store": [{"store": g.key, "name": g.label, "sector": g.sector, **g.as_dict()} for g in self.per_store],
            "per_sector": [{"sector": g.key, "name": g.label, **g.as_dict()} for g in self.per_sector],
            "per_zone": [{"zone": g.key, "name": g.label, **g.as_dict()} for g in self.per_zone],
            "per_day": [
                {"date": d.day.isoformat(), **({"phase": d.phase} if d.phase else {}), **d.as_dict()}
                for d in self.per_day
            ],
        }
        if self.expo is not None:
            data["during"] = self.during.as_dict()
            data["after"] = self.after.as_dict()
        return data
