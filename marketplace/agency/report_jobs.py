"""The sales report as a long job: a request starts it, a worker writes the CSV file (the same
content as GET /agency/reports/sales.csv) under ``REPORTS_FOLDER`` (default: instance/reports),
the agency's jobs list links to it. Files are kept ``KEEP_DAYS`` days: older ones are not served
and a daily periodic task deletes them.

A file is named ``<job id>-<32 hex random>-<download name>``: the random part makes the link
unguessable (the route is for agency officers anyway), the download name carries the expo's slug
and the dates (``reports_csv.csv_filename``).
"""

from __future__ import annotations

import csv
import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

from marketplace import jobs
from marketplace.agency import reports, reports_csv
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.jobs.models import Job

KIND = "agency.sales_report"
KEEP_DAYS = 7
PROGRESS_EVERY = 1000  # rows written between two progress reports
FILE_NAME = re.compile(r"^(\d+)-([0-9a-f]{32})-(penjualan[a-z0-9-]*\.csv)$")


def folder() -> Path:
    path = Path(current_app.config["REPORTS_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_url(name: str) -> str:
    return f"/agency/reports/files/{name}"


def start_report(expo_slug: str | None, start: str | None, end: str | None, user) -> Job:
    """Check the arguments as the report page does and queue the job (when the caller commits),
    for the report ``GET /agency/reports/sales.csv`` would give now.
    :raise NotFound: unknown expo. :raise ValidationError: bad dates."""
    expo, first, last = reports.period_for(expo_slug, start, end)
    slug = expo.slug if expo is not None else None
    scope = expo.name if expo is not None else _("Seluruh marketplace")
    message = _("%(scope)s, %(a)s – %(b)s: menunggu giliran", scope=scope, a=first.isoformat(), b=last.isoformat())
    # the end date is fixed now (a default one moves with the clock); a missing start stays missing:
    # it means the expo's opening hour, or the 30 days up to the end
    return jobs.start_job(KIND, build_report, slug, start, last.isoformat(), created_by=user, message=message)


@jobs.long_task(name=KIND)
def build_report(job_id: int, expo_slug: str | None, start: str | None, end: str) -> None:
    """Compute the report, then write its rows to a ``.part`` file, reporting rows done of total;
    the finished file gets its name (and its link) only when complete."""
    jobs.report_progress(job_id, 0, message=_("Menghitung laporan…"))
    report = reports.report_for(expo_slug, start, end)
    db.session.rollback()  # the report only read: no transaction held while the file is written
    rows = reports_csv.csv_rows(report)
    every = int(current_app.config.get("REPORT_JOB_PROGRESS_EVERY", PROGRESS_EVERY))
    jobs.report_progress(job_id, 0, total=len(rows), message=_("Menulis file CSV…"))
    name = f"{job_id}-{secrets.token_hex(16)}-{reports_csv.csv_filename(report)}"
    part = folder() / f"{name}.part"
    with part.open("w", encoding="utf-8", newline="") as out:
        out.write("\ufeff")  # as the synchronous download: spreadsheet programs read it as UTF-8
        writer = csv.writer(out, lineterminator="\r\n")
        for start_row in range(0, len(rows), every):
            writer.writerows(rows[start_row : start_row + every])
            jobs.report_progress(job_id, min(start_row + every, len(rows)))
    part.rename(folder() / name)
    jobs.finish(job_id, message=_("%(rows)d baris CSV siap diunduh.", rows=len(rows)), result_url=file_url(name))


def stored_file(name: str) -> tuple[Path, str] | None:
    """The path and download name of a finished report file, or None when unknown or expired."""
    match = FILE_NAME.match(name)
    if match is None:
        return None
    path = folder() / name
    if not path.is_file() or _expired(path):
        return None
    return path, match.group(3)


def _expired(path: Path) -> bool:
    return path.stat().st_mtime < (now() - timedelta(days=KEEP_DAYS)).timestamp()


def delete_old_files() -> int:
    """Daily: delete report files (and unfinished ``.part`` files) older than ``KEEP_DAYS`` days."""
    deleted = 0
    for path in folder().iterdir():
        if path.is_file() and _expired(path):
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


CLEANUP = jobs.periodic("17 2 * * *", name="agency.sales_report_cleanup")(delete_old_files)
