"""``flask worker`` (the Huey consumer with the periodic schedule) and ``flask jobs status``."""

from __future__ import annotations

import json
import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.jobs import outbox
from marketplace.jobs.models import ScheduleRun
from marketplace.jobs.queue import huey_for, periodic_tasks, run_schedule_now

jobs_cli = AppGroup("jobs", help="Antrean pekerjaan: status.")


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def worker_command(workers: int) -> None:
    """Run the job worker with the periodic schedule until stopped (SIGINT or SIGTERM)."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_IMMEDIATE"):
        raise click.ClickException("JOBS_IMMEDIATE is on: tasks run where they are queued, there is no queue to serve.")
    logging.getLogger("huey").setLevel(logging.INFO)
    huey = huey_for(app, with_schedule=True)
    run_schedule_now(app)  # catch up at once on what fell due while no worker ran
    consumer = huey.create_consumer(workers=workers, periodic=True, worker_type="thread")
    click.echo(f"worker: {workers} thread(s), {len(periodic_tasks(app))} periodic task(s), storage {_storage(app)}")
    db.session.remove()
    consumer.run()


def _storage(app: Flask) -> str:
    if app.config.get("REDIS_URL"):
        return "redis"
    return "sqlite " + app.config["JOBS_SQLITE_PATH"]


def status(app: Flask, newest: int = 5) -> dict:
    """Queue depth, each schedule's last run and outcome, the outbox by status and its failed messages."""
    huey = huey_for(app)
    schedules = []
    for item in periodic_tasks(app):
        last = db.session.scalars(
            select(ScheduleRun).where(ScheduleRun.name == item.name).order_by(ScheduleRun.started_at.desc()).limit(1)
        ).first()
        schedules.append({"name": item.name, "schedule": item.schedule, "last_run": _run(last)})
    counts = outbox.counts_by_status()
    return {
        "queue": {"pending": huey.pending_count(), "scheduled": huey.scheduled_count()},
        "schedules": schedules,
        "outbox": {
            "counts": counts,
            "failed": {
                "count": counts["failed"],
                "newest": [outbox.describe(m) for m in outbox.failed_messages(newest)],
            },
        },
    }


def _run(run: ScheduleRun | None) -> dict | None:
    if run is None:
        return None
    return {
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "outcome": run.outcome,
        "error": run.error,
    }


@jobs_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (README).")
def status_command(as_json: bool) -> None:
    """Queue depth, each schedule's last run and outcome, failed messages."""
    report = status(current_app._get_current_object())
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    queue = report["queue"]
    click.echo(f"queue: {queue['pending']} pending, {queue['scheduled']} scheduled")
    for item in report["schedules"]:
        run = item["last_run"]
        shown = "never ran" if run is None else f"{run['started_at']} {run['outcome']} {run['error']}".rstrip()
        click.echo(f"schedule {item['name']} ({item['schedule']}): {shown}")
    counts = report["outbox"]["counts"]
    click.echo("outbox: " + ", ".join(f"{n} {status}" for status, n in counts.items()))
    for message in report["outbox"]["failed"]["newest"]:
        click.echo(f"  failed #{message['id']} to {message['to']}: {message['subject']} ({message['last_error']})")


def register_cli(app: Flask) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_cli)
