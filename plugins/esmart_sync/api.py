"""JSON endpoints under /api/v1/esmart (agency): runs with their progress, and queueing a pull
or a push (202: a job does it; GET the run's Location for its progress)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from marketplace.api import auth_required, current_api_user, page_args, paged
from marketplace.extensions import csrf
from marketplace.inputs import truthy

from . import background
from .models import EsmartRun, EsmartRunError
from .runs import first_issues, get_run, jobs_of, list_runs, progress_json, run_issues

bp = Blueprint("esmart_api", __name__, url_prefix="/api/v1/esmart")
csrf.exempt(bp)

ERRORS_IN_LIST = 20


def issue_json(issue: EsmartRunError) -> dict:
    return {
        "kind": issue.kind,
        "row": issue.row,
        "record_id": issue.record_id,
        "field": issue.field,
        "reason": issue.reason,
    }


def run_json(run: EsmartRun, issues: list[EsmartRunError], issue_total: int, jobs: dict | None = None) -> dict:
    jobs = jobs_of([run]) if jobs is None else jobs
    return {
        "id": run.id,
        "kind": run.kind,
        "source": run.source,
        "dry_run": run.dry_run,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at and run.finished_at.isoformat(),
        "updated_since": run.updated_since and run.updated_since.isoformat(),
        "message": run.message,
        "counts": run.counts,
        "error_count": issue_total,
        "errors": [issue_json(i) for i in issues],
        "progress": progress_json(run, jobs),
    }


@bp.get("/runs")
@auth_required("agency")
def runs():
    """Sync runs, newest first, each with its counts and first row errors."""
    page, per_page = page_args(20, 100)
    items, total = list_runs(page, per_page)
    first, totals = first_issues([r.id for r in items], ERRORS_IN_LIST)
    jobs = jobs_of(items)
    body = [run_json(r, first.get(r.id, []), totals.get(r.id, 0), jobs) for r in items]
    return jsonify(paged(body, total, page, per_page))


@bp.get("/runs/<int:run_id>")
@auth_required("agency")
def run(run_id: int):
    """One run with its row errors, paged (``page``, ``per_page`` up to 500), and its progress. :raise 404:"""
    found = get_run(run_id)
    page, per_page = page_args(100, 500)
    issues, total = run_issues(found.id, page, per_page)
    return jsonify({**run_json(found, issues, total), "page": page, "per_page": per_page})


def _dry_run_flag() -> bool:
    body = request.get_json(silent=True) if request.is_json else None
    raw = body.get("dry_run") if isinstance(body, dict) else request.values.get("dry_run")
    return truthy(raw)


def _queued(found: EsmartRun):
    """202 with the run (``queued``) and where to follow it."""
    location = url_for("esmart_api.run", run_id=found.id)
    response = jsonify(run_json(found, [], 0))
    return response, 202, {"Location": location}


@bp.post("/pull")
@auth_required("agency")
def pull():
    """Queues a pull from an uploaded ``file`` (JSON, CSV, XLSX; refused with 422 at once when
    unreadable or too big) or, without one, from the configured E-Smart server; ``dry_run``.
    202 with the run and a Location to follow it; 409 while another pull is queued or runs."""
    actor_id = current_api_user().id
    storage = request.files.get("file")
    if storage is not None and storage.filename:
        found = background.queue_pull_upload(storage, dry_run=_dry_run_flag(), actor_id=actor_id)
    else:
        found = background.queue_pull_http(dry_run=_dry_run_flag(), actor_id=actor_id)
    return _queued(found)


@bp.post("/push")
@auth_required("agency")
def push():
    """Queues a push of new and changed products to E-Smart (``dry_run``). 202 with the run; 409."""
    return _queued(background.queue_push(dry_run=_dry_run_flag(), actor_id=current_api_user().id, source="api"))
