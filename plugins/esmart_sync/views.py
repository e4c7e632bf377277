"""The agency's E-Smart pages: runs with their counts and row errors, a file
upload, a pull from the configured server and a push. Agency and admin only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.agency import agency_only
from marketplace.errors import ServiceError
from marketplace.inputs import page_arg

from . import importer, pusher
from .forms import PullForm, PushForm, UploadForm
from .models import EsmartRun
from .runs import get_run, list_runs, run_issues
from .settings import configured

bp = Blueprint("esmart", __name__, url_prefix="/agency/esmart", template_folder="templates")

RUNS_PER_PAGE = 20
ISSUES_PER_PAGE = 100


bp.before_request(agency_only)  # the core's agency guard: sign-in page for visitors, 403 for others


def _render_index(upload: UploadForm, status: int = 200):
    page = page_arg()
    runs, total = list_runs(page, RUNS_PER_PAGE)
    return render_template(
        "esmart/index.html",
        runs=runs,
        total=total,
        page=page,
        per_page=RUNS_PER_PAGE,
        upload=upload,
        pull_form=PullForm(),
        push_form=PushForm(),
        configured=configured(),
    ), status


@bp.get("")
def index():
    """Runs, newest first, with the upload form and (when configured) pull and push."""
    return _render_index(UploadForm())


def _after_run(run: EsmartRun):
    if run.status == "failed":
        flash(_("Run #%(id)d gagal: %(m)s", id=run.id, m=run.message or ""), "error")
    elif run.dry_run:
        flash(_("Uji coba #%(id)d selesai. Tidak ada yang disimpan; inilah yang akan terjadi.", id=run.id))
    else:
        flash(_("Run #%(id)d selesai.", id=run.id))
    return redirect(url_for("esmart.run", run_id=run.id))


def _started(start):
    try:
        return _after_run(start())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("esmart.index"))


@bp.post("/upload")
def upload():
    """Imports an uploaded spreadsheet or JSON file; shows its run. 422 without a file."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_index(form, 422)
    return _started(lambda: importer.pull_upload(form.file.data, dry_run=form.dry_run.data, actor_id=current_user.id))


@bp.post("/pull")
def pull():
    """Pulls from the configured E-Smart server; shows the run."""
    form = PullForm()
    if not form.validate_on_submit():
        abort(400)
    return _started(
        lambda: importer.pull_http(dry_run=form.dry_run.data, full=form.full.data, actor_id=current_user.id)
    )


@bp.post("/push")
def push():
    """Pushes new and changed products to E-Smart; shows the run."""
    form = PushForm()
    if not form.validate_on_submit():
        abort(400)
    return _started(lambda: pusher.push(dry_run=form.dry_run.data, actor_id=current_user.id, source="console"))


@bp.get("/runs/<int:run_id>")
def run(run_id: int):
    """A run's counts and its row errors, paged. :raise 404: unknown run"""
    found = get_run(run_id)
    page = page_arg()
    issues, total = run_issues(found.id, page, ISSUES_PER_PAGE)
    return render_template(
        "esmart/run.html", run=found, issues=issues, total=total, page=page, per_page=ISSUES_PER_PAGE
    )
