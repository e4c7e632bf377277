"""The agency's report page (charts, tables) and its CSV download. Registered on the agency blueprint."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from marketplace.agency import bp, charts, reports
from marketplace.errors import ValidationError
from marketplace.expo import services as expos


def _args() -> tuple[str | None, str | None, str | None]:
    return (request.args.get("expo") or None, request.args.get("from") or None, request.args.get("to") or None)


@bp.get("/reports")
def report():
    """Orders, gross sales, shoppers and average order value of an expo (?expo=) or of a date
    range (?from=&to=), with charts per day, per zone or sector, and the top stores."""
    expo_slug, start, end = _args()
    errors = {}
    try:
        data = reports.report_for(expo_slug, start, end)
    except ValidationError as exc:
        errors = exc.fields
        data = reports.report_for(expo_slug, None, None)
    groups = data.per_zone if data.expo is not None else data.per_sector
    chart = {
        "days": charts.daily_bars(data.per_day, _("Penjualan per hari")),
        "groups": charts.hbars(
            sorted(groups, key=lambda g: -g.gross_sales),
            _("Penjualan per zona") if data.expo is not None else _("Penjualan per sektor"),
        ),
        "stores": charts.hbars(data.per_store, _("Toko teratas"), limit=10),
    }
    status = 422 if errors else 200
    return render_template(
        "agency/report.html",
        report=data,
        chart=chart,
        errors=errors,
        expos=expos.list_expos(),
        args={"expo": expo_slug or "", "from": start or "", "to": end or ""},
        csv_args={k: v for k, v in (("expo", expo_slug), ("from", start), ("to", end)) if v and not errors},
    ), status


@bp.get("/reports/sales.csv")
def report_csv():
    """The same report as a CSV file (the console's download link; the API has GET /api/v1/agency/reports/sales)."""
    return reports.csv_response(reports.report_for(*_args()))
