"""A sales report as a CSV table: one row per figure, cells a spreadsheet will not
run as formulas, served as a UTF-8 attachment."""

from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _

from marketplace.agency.report_results import Figures, SalesReport

CSV_HEADER = ("section", "key", "label", "orders", "gross_sales", "shoppers", "average_order_value")


def to_csv(report: SalesReport) -> str:
    """One table: a row per figure, ``section`` = total | during | after | store | sector | zone | day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    label = report.expo.name if report.expo else f"{report.start.isoformat()}..{report.end.isoformat()}"
    writer.writerow(_csv_row("total", report.expo.slug if report.expo else "", label, report.totals))
    if report.expo is not None:
        writer.writerow(_csv_row("during", report.expo.slug, _("Selama expo"), report.during))
        writer.writerow(_csv_row("after", report.expo.slug, _("Setelah expo"), report.after))
    for g in report.per_store:
        writer.writerow(_csv_row("store", g.key, g.label, g))
    for g in report.per_sector:
        writer.writerow(_csv_row("sector", g.key, g.label, g))
    for g in report.per_zone:
        writer.writerow(_csv_row("zone", g.key, g.label, g))
    for d in report.per_day:
        writer.writerow(_csv_row("day", d.day.isoformat(), d.phase, d))
    return out.getvalue()


def _csv_row(section: str, key: str, label: str, figures: Figures) -> list:
    return [
        section,
        key,
        _csv_safe(label),
        figures.orders,
        figures.gross_sales,
        figures.shoppers,
        figures.average_order_value,
    ]


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (store names are typed by sellers)."""
    text = str(text or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_filename(report: SalesReport) -> str:
    base = f"penjualan-{report.expo.slug}" if report.expo else "penjualan"
    return f"{base}-{report.start.isoformat()}-{report.end.isoformat()}.csv"


def csv_response(report: SalesReport) -> Response:
    """The report as a UTF-8 CSV attachment (with a BOM, so spreadsheet programs read it as UTF-8)."""
    body = "\ufeff" + to_csv(report)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{csv_filename(report)}"', "Cache-Control": "no-store"},
    )
