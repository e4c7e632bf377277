"""The app's Huey instance, its tasks and periodic tasks, and enqueueing after a commit.

Tasks are plain functions registered by name with :func:`task` or :func:`periodic` (at import
time, in any module). Each Flask app gets its own Huey (:func:`huey_for`, built on first use and
kept in ``app.extensions``) on which every registered task is bound to that app: a task runs in
an app context of the app that built the Huey (the worker's, built once by ``flask worker``), with
a database session of its own. Tests build many apps: each has its own Huey, so nothing leaks.

Storage, chosen per app from its settings:

- ``JOBS_IMMEDIATE`` (default: on under ``TESTING``): no queue, a task runs at once in the
  thread that enqueues it (after the commit, in a fresh app context);
- ``REDIS_URL`` set: Redis, so several hosts share one queue and one schedule;
- otherwise a SQLite file, ``JOBS_SQLITE_PATH`` (default ``instance/jobs.sqlite``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace.extensions import db

log = logging.getLogger("marketplace.jobs")
EXTENSION_KEY = "apik_jobs"
AFTER_COMMIT_KEY = "apik_after_commit"
QUEUE_NAME = "apik-market"


@dataclass(frozen=True)
class Task:
    """A registered task: ``Task.enqueue(*args)`` queues it on the current app's Huey;
    calling it runs the function here and now."""

    name: str
    func: Callable

    def __call__(self, *args):
        return self.func(*args)

    def enqueue(self, *args) -> None:
        enqueue(self, *args)


@dataclass(frozen=True)
class Periodic:
    """A periodic task: ``schedule`` is a crontab's five fields, e.g. ``"*/5 * * * *"``."""

    name: str
    func: Callable
    schedule: str = "* * * * *"


_TASKS: dict[str, Task] = {}
_PERIODIC: dict[str, Periodic] = {}


def _name_of(func: Callable, name: str | None) -> str:
    return name or f"{func.__module__}.{func.__qualname__}"


def task(name: str | None = None) -> Callable[[Callable], Task]:
    """Register a function as a task; its arguments must pickle (ids, not objects)."""

    def decorator(func: Callable) -> Task:
        registered = Task(_name_of(func, name), func)
        _TASKS[registered.name] = registered
        return registered

    return decorator


def periodic(schedule: str = "* * * * *", name: str | None = None) -> Callable[[Callable], Periodic]:
    """Register a function every app runs on ``schedule`` (crontab fields, UTC) in ``flask worker``."""

    def decorator(func: Callable) -> Periodic:
        registered = Periodic(_name_of(func, name), func, schedule)
        _PERIODIC[registered.name] = registered
        return registered

    return decorator


def add_periodic(app: Flask, func: Callable, schedule: str = "* * * * *", name: str | None = None) -> Periodic:
    """A periodic task of this app only: what a plugin's ``init_app`` adds when it is configured."""
    registered = Periodic(_name_of(func, name), func, schedule)
    app.extensions.setdefault(EXTENSION_KEY + "_periodic", {})[registered.name] = registered
    return registered


def periodic_tasks(app: Flask) -> list[Periodic]:
    """Every periodic task ``app`` runs, by name."""
    mine = app.extensions.get(EXTENSION_KEY + "_periodic", {})
    return sorted({**_PERIODIC, **mine}.values(), key=lambda p: p.name)


def init_app(app: Flask) -> None:
    app.config.setdefault("JOBS_IMMEDIATE", bool(app.config.get("TESTING")))
    app.config.setdefault("JOBS_SQLITE_PATH", str(Path(app.instance_path) / "jobs.sqlite"))


def _make_huey(app: Flask) -> Huey:
    cfg = app.config
    if cfg.get("JOBS_IMMEDIATE"):
        return Huey(QUEUE_NAME, results=False, immediate=True)
    if cfg.get("REDIS_URL"):
        return RedisHuey(QUEUE_NAME, results=False, url=cfg["REDIS_URL"])
    return SqliteHuey(QUEUE_NAME, results=False, filename=cfg["JOBS_SQLITE_PATH"])


class _Bound:
    """One app's Huey and the task wrappers bound to it, by name."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = _make_huey(app)
        self.wrappers: dict[str, Callable] = {}
        self.periodic_wrappers: dict[str, Callable] = {}

    def sync(self) -> None:
        for name, registered in _TASKS.items():
            if name not in self.wrappers:
                self.wrappers[name] = self.huey.task(name=name)(self._in_context(registered.func))

    def bind_periodic(self) -> None:
        from marketplace.jobs.runs import recorded

        for item in periodic_tasks(self.app):
            if item.name in self.periodic_wrappers:
                continue
            minute, hour, day, month, day_of_week = item.schedule.split()
            when = crontab(minute=minute, hour=hour, day=day, month=month, day_of_week=day_of_week)
            wrapper = self.huey.periodic_task(when, name=item.name)(self._in_context(recorded(item.name, item.func)))
            self.periodic_wrappers[item.name] = wrapper

    def _in_context(self, func: Callable) -> Callable:
        app = self.app

        def run(*args):
            with app.app_context():  # a context (and a database session) of its own
                try:
                    return func(*args)
                finally:
                    db.session.remove()

        run.__module__ = __name__
        return run


def _bound(app: Flask) -> _Bound:
    bound = app.extensions.get(EXTENSION_KEY)
    if bound is None:
        bound = app.extensions[EXTENSION_KEY] = _Bound(app)
    if len(bound.wrappers) != len(_TASKS):
        bound.sync()
    return bound


def huey_for(app: Flask, with_schedule: bool = False) -> Huey:
    """``app``'s Huey, every task bound; ``with_schedule`` binds the periodic tasks too (the worker)."""
    bound = _bound(app)
    if with_schedule:
        bound.bind_periodic()
    return bound.huey


def run_schedule_now(app: Flask) -> None:
    """Queue every periodic task of ``app`` once now (the worker does at start: what fell due
    while no worker ran is caught up at once)."""
    huey_for(app, with_schedule=True)
    for wrapper in _bound(app).periodic_wrappers.values():
        wrapper()


def enqueue(task_: Task, *args) -> None:
    """Queue ``task_(*args)`` on the current app's Huey now (see :func:`enqueue_after_commit`)."""
    _bound(current_app._get_current_object()).wrappers[task_.name](*args)


def enqueue_after_commit(task_: Task, *args) -> None:
    """Queue ``task_(*args)`` once the current transaction commits; forget it on a rollback.
    The same task with the same arguments is queued once per transaction."""
    keys = db.session.info.setdefault(AFTER_COMMIT_KEY + "_keys", set())
    if (task_.name, args) in keys:
        return
    keys.add((task_.name, args))
    app = current_app._get_current_object()
    after_commit(lambda: enqueue_for(app, task_, *args))


def enqueue_for(app: Flask, task_: Task, *args) -> None:
    with app.app_context():
        _bound(app).wrappers[task_.name](*args)


def after_commit(action: Callable[[], None]) -> None:
    """Run ``action`` once the current transaction commits; forget it if it rolls back."""
    db.session.info.setdefault(AFTER_COMMIT_KEY, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint released (a plugin hook's): wait for the real commit
        return
    session.info.pop(AFTER_COMMIT_KEY + "_keys", None)
    for action in session.info.pop(AFTER_COMMIT_KEY, []):
        try:
            action()
        except Exception:  # a queue that is down must not turn a committed change into an error
            log.exception("after-commit action failed")


@event.listens_for(Session, "after_transaction_end")
def _drop_after_commit(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without after_commit: rolled back
        session.info.pop(AFTER_COMMIT_KEY, None)
        session.info.pop(AFTER_COMMIT_KEY + "_keys", None)
