"""The government spending report as a CSV table, as reports_csv.py writes the sales report:
one row per figure with a ``section`` column (total | office | store | sector | month | expo),
cells a spreadsheet will not run as formulas, a UTF-8 attachment with a BOM.

``period_start`` and ``period_end`` (the total and month rows) are WIB times with their offset,
the end exclusive: a month runs from its first 00:00 to the next month's first 00:00 WIB.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Response

from marketplace.agency.gov_report import GovFigures, GovGroup, GovReport
from marketplace.agency.reports import utc_start_of
from marketplace.agency.reports_csv import _csv_safe
from marketplace.i18n import wib_iso

GOV_CSV_HEADER = (
    "section",
    "key",
    "label",
    "sector",
    "committed_orders",
    "committed_value",
    "paid_orders",
    "paid_value",
    "stores",
    "committed_share",
    "paid_share",
    "period_start",
    "period_end",
)


def to_csv(report: GovReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_rows(report))
    return out.getvalue()


def csv_rows(report: GovReport) -> list[list]:
    """The header, the total, then each breakdown's rows in the page's order."""
    rows: list[list] = [list(GOV_CSV_HEADER)]
    label = f"{report.start.isoformat()}..{report.end.isoformat()}"
    rows.append(_row("total", "", label, report.totals, bounds=_bounds(report.start, report.end)))
    for section, groups in (("office", report.per_office), ("store", report.per_store), ("sector", report.per_sector)):
        rows.extend(_row(section, g.key, g.label, g, sector=g.sector or "") for g in groups)
    for g in report.per_month:
        first = max(g.month or report.start, report.start)
        last = min((first.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1), report.end)
        rows.append(_row("month", g.key, g.label, g, bounds=_bounds(first, last)))
    rows.extend(_row("expo", g.key, g.label, g, shares=(g.committed_share, g.paid_share)) for g in report.per_expo)
    return rows


def _bounds(first: date, last: date) -> tuple[str, str]:
    return wib_iso(utc_start_of(first)), wib_iso(utc_start_of(last + timedelta(days=1)))


def _row(
    section: str,
    key: str,
    label: str,
    figures: GovFigures | GovGroup,
    sector: str = "",
    shares: tuple[float | None, float | None] = (None, None),
    bounds: tuple[str, str] = ("", ""),
) -> list:
    return [
        section,
        _csv_safe(key),
        _csv_safe(label),
        sector,
        figures.committed_orders,
        figures.committed_value,
        figures.paid_orders,
        figures.paid_value,
        figures.stores,
        *("" if s is None else s for s in shares),
        *bounds,
    ]


def csv_filename(report: GovReport) -> str:
    return f"belanja-pemerintah-{report.start.isoformat()}-{report.end.isoformat()}.csv"


def csv_response(report: GovReport) -> Response:
    """The report as a UTF-8 CSV attachment (with a BOM, so spreadsheet programs read it as UTF-8)."""
    body = "\ufeff" + to_csv(report)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(report)}"', "Cache-Control": "no-store"},
    )
