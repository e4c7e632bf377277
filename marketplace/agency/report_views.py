"""The agency's report page (charts, tables) and its CSV download. Registered on the agency blueprint."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from marketplace.agency import bp, charts, funnel, report_jobs, reports
from marketplace.agency.forms import ActionForm
from marketplace.errors import ValidationError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.i18n import gettext as _


def _args() -> tuple[str | None, str | None, str | None]:
    return (request.args.get("expo") or None, request.args.get("from") or None, request.args.get("to") or None)


@bp.get("/reports")
def report():
    """Orders, gross sales, shoppers and average order value of an expo (?expo=) or of a date
    range (?from=&to=), with charts per day, per zone or sector, and the top stores."""
    return _page(*_args())


def _page(expo_slug: str | None, start: str | None, end: str | None):
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
    corong = None
    if data.expo is not None:  # "Corong pengunjung": over the report's period (the expo's by default)
        days = [None, None] if errors else reports.parse_range(start, end)
        corong = funnel.expo_funnel(data.expo, days[0], days[1])
    sort = request.args.get("funnel_sort")
    return render_template(
        "agency/report.html",
        report=data,
        chart=chart,
        errors=errors,
        expos=expos.list_expos(),
        args={"expo": expo_slug or "", "from": start or "", "to": end or ""},
        csv_args={k: v for k, v in (("expo", expo_slug), ("from", start), ("to", end)) if v and not errors},
        job_form=ActionForm(),
        funnel=corong,
        funnel_sort=sort if sort in funnel.FUNNEL_SORTS else "",
        funnel_sorts=funnel.FUNNEL_SORTS,
        funnel_args={"expo": expo_slug, **{k: v for k, v in (("from", start), ("to", end)) if v and not errors}},
        percent=funnel.percent,
    ), status


@bp.get("/reports/sales.csv")
def report_csv():
    """The same report as a CSV file (the console's download link; the API has GET /api/v1/agency/reports/sales)."""
    return reports.csv_response(reports.report_for(*_args()))


@bp.post("/reports/jobs")
def start_report_job():
    """Queue the CSV file of the chosen expo/date range as a job and show the jobs list; bad dates:
    the report page with the message next to the field (422). :raise 404: unknown expo."""
    expo_slug, start, end = (request.form.get(k) or None for k in ("expo", "from", "to"))
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        job = report_jobs.start_report(expo_slug, start, end, current_user)
    except ValidationError:
        db.session.rollback()
        return _page(expo_slug, start, end)
    db.session.commit()
    flash(_("Laporan #%(id)d sedang dibuat; tautan unduhnya muncul di sini setelah selesai.", id=job.id), "success")
    return redirect(url_for(".jobs_list"))


@bp.get("/reports/files/<name>")
def report_file(name: str):
    """A report job's CSV file (kept 7 days). :raise 404: unknown or expired."""
    found = report_jobs.stored_file(name)
    if found is None:
        abort(404)
    response = send_file(found[0], mimetype="text/csv", as_attachment=True, download_name=found[1], max_age=0)
    response.headers["Content-Disposition"] = f'attachment; filename="{found[1]}"'  # as sales.csv
    response.headers["Cache-Control"] = "no-store"
    return response
