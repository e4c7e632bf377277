"""Pulls and pushes as jobs: a request (console or API) or the schedule queues a run, a job does it.

The request checks what it can at once (E-Smart configured; an upload saved under the instance
folder, within ``ESMART_UPLOAD_MAX_BYTES``, read through once), claims the run (Conflict while
another of its kind is queued or running), adds the ``queued`` run and its job and answers. The
job (``esmart.pull`` / ``esmart.push``, on the worker) marks the run ``running``, does it with
the very code the CLI runs inline (importer.run_file / run_http, pusher.run_push), reports rows
done after each committed page, and ends the job ``done`` or ``failed`` with the run's message.
A real pull then queues its photo downloads (photos.py).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from flask import current_app

from marketplace import jobs
from marketplace.errors import Conflict, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _

from . import importer, pusher, readers
from .models import EsmartRun
from .runs import RunLog, last_pull_cursor
from .settings import make_client

log = logging.getLogger(__name__)

UPLOAD_FOLDER = "esmart-uploads"  # under the instance folder; a file is deleted when its job ends


def run_url(run_id: int) -> str:
    return f"/agency/esmart/runs/{run_id}"


def _attach_job(run: EsmartRun, task, *args, total: int | None = None) -> EsmartRun:
    kind = f"esmart_{run.kind}"
    message = _("Run #%(id)d menunggu giliran", id=run.id)
    job = jobs.start_job(kind, task, run.id, *args, total=total, created_by=run.actor_id, message=message)
    run.job_id = job.id
    db.session.commit()
    return run


# --- what a request (or the schedule) does ------------------------------------------


def save_upload(storage) -> tuple[Path, str, int]:
    """The upload saved under the instance folder, its name and its record count; the file is
    refused (ValidationError on ``file``, nothing kept) when too big or unreadable."""
    name = Path(storage.filename or "upload").name[:120] or "upload"
    folder = Path(current_app.instance_path) / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(name).suffix[:10]}"
    limit = current_app.config["ESMART_UPLOAD_MAX_BYTES"]
    try:
        size = _copy_capped(storage.stream, path, limit)
        if size > limit:
            raise ValidationError(fields={"file": _("Berkas lebih besar dari %(n)d MB.", n=limit // (1024 * 1024))})
        try:
            _fmt, total = importer.inspect_file(path)
        except readers.ReadError as exc:
            raise ValidationError(fields={"file": str(exc)}) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, name, total


def _copy_capped(stream, path: Path, limit: int) -> int:
    size = 0
    with path.open("wb") as out:
        while chunk := stream.read(64 * 1024):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    return size


def queue_pull_upload(storage, *, dry_run: bool = False, actor_id: int | None = None) -> EsmartRun:
    """A pull of an uploaded file, queued. ValidationError (bad file), Conflict (a pull runs)."""
    path, name, total = save_upload(storage)
    try:
        run = RunLog.queue("pull", f"file:{name}", dry_run, actor_id)
        return _attach_job(run, pull_job, str(path), total=total)
    except BaseException:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise


def queue_pull_http(*, dry_run: bool = False, full: bool = False, actor_id: int | None = None) -> EsmartRun:
    """A pull from the configured server, queued. ValidationError (not configured), Conflict."""
    make_client()  # refuses at once when E-Smart is not configured
    since = None if full else last_pull_cursor()
    run = RunLog.queue("pull", "http", dry_run, actor_id, updated_since=since)
    return _attach_job(run, pull_job, None)


def queue_push(*, dry_run: bool = False, actor_id: int | None = None, source: str = "console") -> EsmartRun:
    """A push of new and changed products, queued. ValidationError (not configured), Conflict."""
    make_client()
    return _attach_job(RunLog.queue("push", source, dry_run, actor_id), push_job)


def scheduled_pull() -> None:
    """The periodic pull (``ESMART_PULL_SCHEDULE``): queued like the console's; skipped while one runs."""
    try:
        run = queue_pull_http()
    except Conflict as exc:
        db.session.rollback()
        log.info("esmart: scheduled pull skipped: %s", exc.message)
        return
    log.info("esmart: scheduled pull queued as run %s", run.id)


# --- what the jobs do -----------------------------------------------------------------


def _resume(job_id: int, run_id: int) -> RunLog | None:
    log_ = RunLog.resume(run_id)
    if log_ is None:
        jobs.fail(job_id, _("Run #%(id)d tidak lagi menunggu.", id=run_id))
        return None
    log_.on_page = lambda rows: jobs.report_progress(job_id, rows)
    return log_


def _end(job_id: int, log_: RunLog, run: EsmartRun) -> None:
    jobs.report_progress(job_id, log_.rows)
    if run.status == "failed":
        jobs.fail(job_id, _("Run #%(id)d gagal: %(m)s", id=run.id, m=run.message or ""))
        return
    message = _("Run #%(id)d selesai: %(n)d baris", id=run.id, n=log_.rows)
    jobs.finish(job_id, message=message, result_url=run_url(run.id))


@jobs.long_task(name="esmart.pull")
def pull_job(job_id: int, run_id: int, path: str | None) -> None:
    """Does a queued pull: the saved upload at ``path`` (deleted at the end), else over HTTP."""
    try:
        log_ = _resume(job_id, run_id)
        if log_ is None:
            return
        queued = db.session.get(EsmartRun, run_id)
        actor_id, since = queued.actor_id, queued.updated_since
        try:
            if path:
                run = importer.run_file(log_, Path(path), actor_id)
            else:
                run = importer.run_http(log_, make_client(), since, actor_id)
        except ServiceError as exc:  # E-Smart unconfigured since the request
            run = log_.finish("failed", exc.message)
        _end(job_id, log_, run)
    finally:
        if path:
            Path(path).unlink(missing_ok=True)


@jobs.long_task(name="esmart.push")
def push_job(job_id: int, run_id: int) -> None:
    """Does a queued push."""
    log_ = _resume(job_id, run_id)
    if log_ is None:
        return
    try:
        run = pusher.run_push(log_, make_client())
    except ServiceError as exc:
        run = log_.finish("failed", exc.message)
    _end(job_id, log_, run)
