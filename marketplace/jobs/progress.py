"""Long jobs with progress: what a request starts and the agency console shows.

A long job is a row of ``jobs`` (kind, status, done of total, message, who started it, a link to
its result) and a task that does the work. The API::

    @jobs.long_task(name="catalog.photos")
    def download_photos(job_id: int, store_id: int) -> None:   # the job's id comes first
        ids = ...
        for done, chunk in enumerate(chunks(ids), 1):
            ...; db.session.commit()
            jobs.report_progress(job_id, done, total=len(ids), message="...")
        jobs.finish(job_id, message="12 foto diunduh", result_url=url)

    job = jobs.start_job("photos", download_photos, store.id, created_by=user)   # in the request
    db.session.commit()   # the task is queued only now; a rollback forgets job and task

``report_progress``, ``finish`` and ``fail`` write on a connection of their own and commit at
once, so progress shows while the job works; on SQLite (one writer at a time) call them between
the job's own commits. A ``long_task`` that raises is marked ``failed`` with the error's first
line (logged in full); one that returns without ``finish`` is marked ``done``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import insert, select, update

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.jobs.models import Job
from marketplace.jobs.queue import Task, enqueue_after_commit, task

log = logging.getLogger("marketplace.jobs")


def start_job(kind: str, task_: Task, *args, total: int | None = None, created_by=None, message: str = "") -> Job:
    """Add a ``queued`` job row and queue ``task_(job.id, *args)`` for when the caller commits."""
    user_id = getattr(created_by, "id", created_by)
    job = Job(kind=kind, status="queued", total=total, created_by=user_id, message=message[:500])
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(task_, job.id, *args)
    return job


def begin_job(kind: str, total: int | None = None, created_by=None, message: str = "") -> int:
    """A ``running`` job row for work a task already does (no request started it): committed on a
    connection of its own; its id for :func:`report_progress` and :func:`finish`."""
    values = {
        "kind": kind,
        "status": "running",
        "total": total,
        "created_by": getattr(created_by, "id", created_by),
        "message": message[:500],
        "done": 0,
        "result_url": "",
        "created_at": now(),
        "updated_at": now(),
    }
    with db.engine.begin() as conn:
        return int(conn.execute(insert(Job).values(**values).returning(Job.id)).scalar_one())


def _write(job_id: int, **values) -> None:
    values["updated_at"] = now()
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


def report_progress(job_id: int, done: int, total: int | None = None, message: str | None = None) -> None:
    """``done`` of ``total`` units so far (and what is happening), committed at once."""
    values: dict = {"done": done, "status": "running"}
    if total is not None:
        values["total"] = total
    if message is not None:
        values["message"] = message[:500]
    _write(job_id, **values)


def finish(job_id: int, message: str | None = None, result_url: str | None = None) -> None:
    """The job is done; ``result_url`` is where its result is seen (a run, a report)."""
    values: dict = {"status": "done", "finished_at": now()}
    if message is not None:
        values["message"] = message[:500]
    if result_url is not None:
        values["result_url"] = result_url[:500]
    _write(job_id, **values)


def fail(job_id: int, error: str) -> None:
    _write(job_id, status="failed", finished_at=now(), message=error[:500])


def long_task(name: str | None = None) -> Callable[[Callable], Task]:
    """Register a task that takes a job id first and keeps the job's status true."""

    def decorator(func: Callable) -> Task:
        def run(job_id: int, *args) -> None:
            _write(job_id, status="running")
            try:
                func(job_id, *args)
            except Exception as exc:
                db.session.rollback()
                log.exception("job %s (%s) failed", job_id, name or func.__name__)
                fail(job_id, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
                return
            if db.session.scalar(select(Job.status).where(Job.id == job_id)) == "running":
                finish(job_id)

        run.__module__, run.__qualname__ = func.__module__, func.__qualname__
        return task(name)(run)

    return decorator


def recent_jobs(limit: int = 50) -> list[Job]:
    """The newest jobs first (the agency console's list)."""
    return list(db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)))
