"""The agency's report of government spending with IKM (charts, tables) and its CSV download.
Registered on the agency blueprint: officers and admins only."""

from __future__ import annotations

from types import SimpleNamespace

from flask import render_template, request
from flask_babel import format_decimal

from marketplace.agency import bp, charts, gov_report, gov_report_csv
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _

FILTERS = ("year", "from", "to")


def _args() -> tuple[str | None, str | None, str | None]:
    year, start, end = (request.args.get(name) or None for name in FILTERS)
    return year, start, end


@bp.get("/reports/gov")
def gov_spending():
    """Committed and paid government orders of a year (?year=) or of WIB dates (?from=&to=), per
    office, store, sector, month and expo, with charts; bad filters: this year's report with the
    message beside the field (422)."""
    args = _args()
    errors: dict[str, str] = {}
    try:
        data = gov_report.report_for(*args)
    except ValidationError as exc:
        errors = exc.fields
        data = gov_report.report_for(None, None, None)
    chart = {
        "committed": charts.hbars(
            _bars(data.per_month, paid=False), _("Nilai pesanan per bulan"), limit=len(data.per_month)
        ),
        "paid": charts.hbars(_bars(data.per_month, paid=True), _("Nilai dibayar per bulan"), limit=len(data.per_month)),
        "offices": charts.hbars(_bars(data.per_office, paid=False), _("Per instansi"), limit=10),
        "sectors": charts.hbars(_bars(data.per_sector, paid=False), _("Per sektor"), limit=10),
        "stores": charts.hbars(_bars(data.per_store, paid=False), _("Toko teratas"), limit=10),
    }
    return render_template(
        "agency/gov_report.html",
        report=data,
        chart=chart,
        errors=errors,
        args=dict(zip(FILTERS, (a or "" for a in args), strict=True)),
        csv_args={k: v for k, v in zip(FILTERS, args, strict=True) if v and not errors},
        share=_share_text,
    ), (422 if errors else 200)


@bp.get("/reports/gov.csv")
def gov_spending_csv():
    """The same report as a CSV file. :raise 422: bad year or dates."""
    return gov_report_csv.csv_response(gov_report.report_for(*_args()))


def _bars(groups: list, paid: bool) -> list[SimpleNamespace]:
    """What charts.hbars draws (label, gross_sales, orders) from committed or paid figures."""
    return [
        SimpleNamespace(
            label=g.label,
            gross_sales=g.paid_value if paid else g.committed_value,
            orders=g.paid_orders if paid else g.committed_orders,
        )
        for g in groups
    ]


def _share_text(percent: float | None) -> str:
    """12,5 % in Indonesian, 12.5 % in English; a dash when there was nothing to share."""
    return "–" if percent is None else f"{format_decimal(percent, '0.0')} %"
