"""The job queue's API: tasks after a commit (never after a rollback), periodic runs recorded
once per minute, long jobs' progress, ``flask jobs status``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from marketplace import jobs
from marketplace.extensions import db
from marketplace.jobs.models import Job, ScheduleRun
from marketplace.jobs.runs import recorded

CALLS: list = []


@jobs.task(name="tests.record_call")
def record_call(value: int) -> None:
    CALLS.append(value)


@jobs.long_task(name="tests.count_to")
def count_to(job_id: int, n: int) -> None:
    for i in range(1, n + 1):
        jobs.report_progress(job_id, i, total=n, message=f"{i} dari {n}")
    if n == 0:
        raise RuntimeError("nothing to count\nsecond line")


def test_a_task_queued_after_commit_runs_once_the_transaction_commits(app):
    CALLS.clear()
    jobs.enqueue_after_commit(record_call, 1)
    assert CALLS == []
    db.session.commit()
    assert CALLS == [1]


def test_a_rolled_back_transaction_forgets_its_tasks(app):
    CALLS.clear()
    db.session.execute(select(Job.id))  # a transaction is open, as when a change is written
    jobs.enqueue_after_commit(record_call, 2)
    db.session.rollback()
    db.session.commit()
    assert CALLS == []


def test_each_app_has_its_own_huey(make_app, tmp_path):
    first = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "a.sqlite"))
    second = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "b.sqlite"))
    with first.app_context():
        record_call.enqueue(3)
        record_call.enqueue(4)
    assert jobs.huey_for(first).pending_count() == 2
    assert jobs.huey_for(second).pending_count() == 0


def test_a_periodic_run_is_recorded_once_per_minute_with_its_outcome(app):
    def boom():
        raise ValueError("SMTP mati")

    recorded("tests.ok", lambda: None)()
    recorded("tests.ok", lambda: None)()  # a second worker's scheduler, the same minute: skipped
    recorded("tests.boom", boom)()
    runs = {r.name: r for r in db.session.scalars(select(ScheduleRun))}
    assert set(runs) == {"tests.ok", "tests.boom"}
    assert runs["tests.ok"].outcome == "ok" and runs["tests.ok"].finished_at is not None
    assert runs["tests.boom"].outcome == "failed" and runs["tests.boom"].error == "ValueError: SMTP mati"


def test_a_long_job_reports_progress_and_ends_done_or_failed(app):
    done = jobs.start_job("count", count_to, 3, total=3)
    failed = jobs.start_job("count", count_to, 0)
    db.session.commit()
    db.session.expire_all()
    assert (done.status, done.done, done.total, done.message) == ("done", 3, 3, "3 dari 3")
    assert failed.status == "failed" and failed.message == "RuntimeError: nothing to count"
    assert [j.id for j in jobs.recent_jobs()] == [failed.id, done.id]


def test_a_job_started_in_a_rolled_back_transaction_never_runs(app):
    jobs.start_job("count", count_to, 2)
    db.session.rollback()
    assert db.session.scalars(select(Job)).all() == []


def test_jobs_status_lists_schedules_queue_and_outbox(app, runner):
    recorded("orders.clock", lambda: None)()
    result = runner.invoke(args=["jobs", "status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["queue"] == {"pending": 0, "scheduled": 0}
    clock = next(s for s in report["schedules"] if s["name"] == "orders.clock")
    assert clock["schedule"] == "* * * * *" and clock["last_run"]["outcome"] == "ok"
    assert report["outbox"]["counts"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 0, "held": 0, "skipped": 0}
    assert report["outbox"]["failed"] == {"count": 0, "newest": []}
    text = runner.invoke(args=["jobs", "status"]).output
    assert "schedule orders.clock (* * * * *):" in text and " ok" in text


def test_the_worker_refuses_to_start_in_immediate_mode(app, runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE" in result.output


@pytest.mark.redis
def test_with_redis_the_queue_lives_in_redis(make_app, redis_url):
    """REDIS_URL: the web hosts and the workers share one queue (a second app, as on another host,
    sees and runs what the first queued)."""
    from huey import RedisHuey

    web = make_app(REDIS_URL=redis_url, JOBS_IMMEDIATE=False)
    worker = make_app(REDIS_URL=redis_url, JOBS_IMMEDIATE=False)
    huey = jobs.huey_for(worker)
    assert isinstance(jobs.huey_for(web), RedisHuey)
    huey.flush()
    CALLS.clear()
    try:
        with web.app_context():
            record_call.enqueue(7)
        assert huey.pending_count() == 1
        huey.execute(huey.dequeue())
        assert CALLS == [7]
    finally:
        huey.flush()
