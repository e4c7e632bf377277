"""The job queue (Huey): tasks, periodic tasks, long jobs with progress, the mail outbox's tables.

What other modules use (README "Job queue and worker", docs/PLUGINS.md "Background jobs")::

    from marketplace import jobs

    @jobs.task()                       # a task; its arguments must pickle (ids, not objects)
    def reindex(product_id: int): ...

    jobs.enqueue_after_commit(reindex, product.id)   # queued when the transaction commits
    reindex.enqueue(product.id)                       # queued now

    @jobs.periodic("*/5 * * * *")      # every app's worker runs it (crontab fields, UTC)
    def every_five_minutes(): ...

    jobs.add_periodic(app, func, "0 * * * *")   # this app only: a plugin's init_app, when configured

    job = jobs.start_job("kind", some_long_task, arg, total=n, created_by=user)   # see progress.py

Every task runs in an app context of the app whose Huey it came from (the worker's), with its own
database session, which it commits itself.
"""

from __future__ import annotations

from marketplace.jobs.progress import begin_job, fail, finish, long_task, recent_jobs, report_progress, start_job
from marketplace.jobs.queue import (
    Periodic,
    Task,
    add_periodic,
    after_commit,
    enqueue,
    enqueue_after_commit,
    huey_for,
    init_app,
    periodic,
    periodic_tasks,
    task,
)

__all__ = [
    "Periodic",
    "Task",
    "add_periodic",
    "after_commit",
    "begin_job",
    "enqueue",
    "enqueue_after_commit",
    "fail",
    "finish",
    "huey_for",
    "init_app",
    "long_task",
    "periodic",
    "periodic_tasks",
    "recent_jobs",
    "report_progress",
    "start_job",
    "task",
]
