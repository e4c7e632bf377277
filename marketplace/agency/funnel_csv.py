"""The expo funnel as a CSV table, as reports_csv.py writes the sales report: one row per figure
with a ``section`` column (zone | booth | hall), a ``phase`` (total | during | after), cells a
spreadsheet will not run as formulas, a UTF-8 attachment with a BOM. A ratio whose base is 0
is an empty cell (the page shows "—")."""

from __future__ import annotations

import csv
import io

from flask import Response

from marketplace.agency.funnel import ExpoFunnel, Steps
from marketplace.agency.reports_csv import _csv_safe

FUNNEL_CSV_HEADER = (
    "section",
    "key",
    "label",
    "zone",
    "booth",
    "phase",
    "visitors",
    "booth_views",
    "product_views",
    "whatsapp",
    "carts",
    "orders",
    "sales",
    "whatsapp_rate",
    "cart_rate",
    "order_rate",
    "hall_views",
)


def csv_rows(funnel: ExpoFunnel) -> list[list]:
    """Header, then each zone's and each booth's total, during and after rows, then the hall per day."""
    rows: list[list] = [list(FUNNEL_CSV_HEADER)]
    for zone in funnel.zones:
        for phase in ("total", "during", "after"):
            rows.append(_row("zone", zone.slug, zone.name, zone.slug, "", phase, getattr(zone, phase)))
    for b in funnel.booths:
        for phase in ("total", "during", "after"):
            rows.append(_row("booth", b.store, b.name, b.zone, b.booth, phase, getattr(b, phase)))
    for day in funnel.hall:
        rows.append(["hall", day.day.isoformat(), "", "", "", day.phase, day.visitors, *[""] * 9, day.views])
    return rows


def _row(section: str, key: str, label: str, zone: str, booth: str, phase: str, s: Steps) -> list:
    return [
        section,
        _csv_safe(key),
        _csv_safe(label),
        _csv_safe(zone),
        _csv_safe(booth),
        phase,
        s.visitors,
        s.booth_views,
        s.product_views,
        s.whatsapp,
        s.carts,
        s.orders,
        s.sales,
        *("" if r is None else r for r in (s.whatsapp_rate, s.cart_rate, s.order_rate)),
        "",
    ]


def to_csv(funnel: ExpoFunnel) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(funnel))
    return out.getvalue()


def csv_filename(funnel: ExpoFunnel) -> str:
    return f"corong-{funnel.expo.slug}-{funnel.start.isoformat()}-{funnel.end.isoformat()}.csv"


def csv_response(funnel: ExpoFunnel) -> Response:
    """The funnel as a UTF-8 CSV attachment (with a BOM, so spreadsheet programs read it as UTF-8)."""
    return Response(
        ("\ufeff" + to_csv(funnel)).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(funnel)}"', "Cache-Control": "no-store"},
    )
