"""JSON endpoints under /api/v1/esmart (agency): runs, and starting a pull."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace.api import auth_required, current_api_user, page_args, paged
from marketplace.extensions import csrf
from marketplace.inputs import truthy

from . import importer, pusher
from .models import EsmartRun, EsmartRunError
from .runs import first_issues, get_run, list_runs, run_issues

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


def run_json(run: EsmartRun, issues: list[EsmartRunError], issue_total: int) -> dict:
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
    }


@bp.get("/runs")
@auth_required("agency")
def runs():
    """Sync runs, newest first, each with its counts and first row errors."""
    page, per_page = page_args(20, 100)
    items, total = list_runs(page, per_page)
    first, totals = first_issues([r.id for r in items], ERRORS_IN_LIST)
    return jsonify(paged([run_json(r, first.get(r.id, []), totals.get(r.id, 0)) for r in items], total, page, per_page))


@bp.get("/runs/<int:run_id>")
@auth_required("agency")
def run(run_id: int):
    """One run with its row errors, paged (``page``, ``per_page`` up to 500). :raise 404:"""
    found = get_run(run_id)
    page, per_page = page_args(100, 500)
    issues, total = run_issues(found.id, page, per_page)
    return jsonify({**run_json(found, issues, total), "page": page, "per_page": per_page})


def _dry_run_flag() -> bool:
    body = request.get_json(silent=True) if request.is_json else None
    raw = body.get("dry_run") if isinstance(body, dict) else request.values.get("dry_run")
    return truthy(raw)


def _answer(found: EsmartRun):
    if found.status == "failed":
        body = {
            "error": {"code": "sync_failed", "message": found.message or "", "fields": {}},
            "run": run_json(found, *run_issues(found.id, 1, ERRORS_IN_LIST)),
        }
        return jsonify(body), 422
    return jsonify(run_json(found, *run_issues(found.id, 1, ERRORS_IN_LIST))), 201


@bp.post("/pull")
@auth_required("agency")
def pull():
    """A pull from an uploaded ``file`` (JSON, CSV, XLSX) or, without one, from the
    configured E-Smart server; ``dry_run``. 201 with the run; 422 when it failed;
    409 while another pull runs."""
    actor_id = current_api_user().id
    storage = request.files.get("file")
    if storage is not None and storage.filename:
        found = importer.pull_upload(storage, dry_run=_dry_run_flag(), actor_id=actor_id)
    else:
        found = importer.pull_http(dry_run=_dry_run_flag(), actor_id=actor_id)
    return _answer(found)


@bp.post("/push")
@auth_required("agency")
def push():
    """A push of new and changed products to E-Smart (``dry_run``). 201; 422 when it failed."""
    return _answer(pusher.push(dry_run=_dry_run_flag(), actor_id=current_api_user().id, source="api"))
