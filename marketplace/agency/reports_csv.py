"""A sales report as a CSV table: one row per figure, cells a spreadsheet will not
run as formulas, served as a UTF-8 attachment."""

from __future__ import annotations

import csv
import io

from flask import Response

from marketplace.agency.report_results import Figures, SalesReport
from marketplace.i18n import gettext as _

CSV_HEADER = ("section", "key", "label", "orders", "gross_sales", "shoppers", "average_order_value")


def to_csv(report: SalesReport) -> str:
    """One table: a row per figure, ``section`` = total | during | after | store | sector | zone | day."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_rows(report))
    return out.getvalue()


def csv_rows(report: SalesReport) -> list[list]:
    """The rows of :func:`to_csv`, header first (a report job writes them a chunk at a time)."""
    rows: list[list] = [list(CSV_HEADER)]
    label = report.expo.name if report.expo else f"{report.start.isoformat()}..{report.end.isoformat()}"
    rows.append(_csv_row("total", report.expo.slug if report.expo else "", label, report.totals))
    if report.expo is not None:
        rows.append(_csv_row("during", report.expo.slug, _("Selama expo"), report.during))
        rows.append(_csv_row("after", report.expo.slug, _("Setelah expo"), report.after))
    for section, groups in (("store", report.per_store), ("sector", report.per_sector), ("zone", report.per_zone)):
        rows.extend(_csv_row(section, g.key, g.label, g) for g in groups)
    phases = {"during": _("Selama expo"), "after": _("Setelah expo")}
    # the label in words in the reader's language; the key keeps the ISO date for scripts
    rows.extend(_csv_row("day", d.day.isoformat(), phases.get(d.phase, d.phase), d) for d in report.per_day)
    return rows


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
