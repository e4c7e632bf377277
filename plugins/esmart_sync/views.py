"""The agency's E-Smart pages: runs with their counts, progress and row errors, a file
upload, a pull from the configured server and a push (each queued as a job: the page
answers at once and the run's page follows it). Agency and admin only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from marketplace import jobs as job_queue
from marketplace.agency import agency_only
from marketplace.errors import ServiceError, ValidationError
from marketplace.i18n import gettext as _
from marketplace.inputs import page_arg

from . import background
from .forms import PullForm, PushForm, UploadForm
from .models import EsmartRun
from .runs import get_run, jobs_of, list_runs, progress_json, run_issues
from .settings import configured

bp = Blueprint(
    "esmart",
    __name__,
    url_prefix="/agency/esmart",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

RUNS_PER_PAGE = 20
ISSUES_PER_PAGE = 100
RECENT_JOBS = 10


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
        jobs=job_queue.recent_jobs(RECENT_JOBS),
    ), status


@bp.get("")
def index():
    """Runs, newest first, with the upload form and (when configured) pull and push."""
    return _render_index(UploadForm())


def _after_run(run: EsmartRun):
    if run.status == "failed":
        flash(_("Run #%(id)d gagal: %(m)s", id=run.id, m=run.message or ""), "error")
    elif run.status == "succeeded":
        flash(_("Run #%(id)d selesai.", id=run.id))
    else:
        flash(_("Run #%(id)d dimasukkan antrean; halaman ini menunjukkan kemajuannya.", id=run.id))
    return redirect(url_for("esmart.run", run_id=run.id))


def _started(start):
    try:
        return _after_run(start())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("esmart.index"))


@bp.post("/upload")
def upload():
    """Queues the import of an uploaded spreadsheet or JSON file; shows its run. 422 without a
    file, or with one too big or unreadable (the reason next to the field)."""
    form = UploadForm()
    if not form.validate_on_submit():
        return _render_index(form, 422)
    try:
        found = background.queue_pull_upload(form.file.data, dry_run=form.dry_run.data, actor_id=current_user.id)
    except ValidationError as exc:
        form.file.errors = [*form.file.errors, *exc.fields.values()] or [exc.message]
        return _render_index(form, 422)
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for("esmart.index"))
    return _after_run(found)


@bp.post("/pull")
def pull():
    """Pulls from the configured E-Smart server; shows the run."""
    form = PullForm()
    if not form.validate_on_submit():
        abort(400)
    return _started(
        lambda: background.queue_pull_http(dry_run=form.dry_run.data, full=form.full.data, actor_id=current_user.id)
    )


@bp.post("/push")
def push():
    """Pushes new and changed products to E-Smart; shows the run."""
    form = PushForm()
    if not form.validate_on_submit():
        abort(400)
    return _started(
        lambda: background.queue_push(dry_run=form.dry_run.data, actor_id=current_user.id, source="console")
    )


@bp.get("/runs/<int:run_id>")
def run(run_id: int):
    """A run's counts and its row errors, paged. :raise 404: unknown run"""
    found = get_run(run_id)
    page = page_arg()
    issues, total = run_issues(found.id, page, ISSUES_PER_PAGE)
    progress = progress_json(found, jobs_of([found]))
    return render_template(
        "esmart/run.html",
        run=found,
        issues=issues,
        total=total,
        page=page,
        per_page=ISSUES_PER_PAGE,
        progress=progress,
        following=_following(found, progress),
    )


def _following(run: EsmartRun, progress: dict) -> bool:
    """True while the run or its photo downloads are not over (the page polls its status)."""
    photos = progress["photos"]
    return run.status in ("queued", "running") or (photos is not None and photos["status"] in ("queued", "running"))


@bp.get("/runs/<int:run_id>/status.json")
def run_status(run_id: int):
    """What the run's page polls: status, counts and progress. :raise 404: unknown run"""
    found = get_run(run_id)
    progress = progress_json(found, jobs_of([found]))
    body = {"id": found.id, "status": found.status, "counts": found.counts, "progress": progress}
    return jsonify({**body, "following": _following(found, progress)})
