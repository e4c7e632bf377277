"""Runs: every pull and push is recorded with its counts and row errors.

A real run commits page by page (the catalogue writes, the page's row errors
and the counts so far together), so an interrupted run keeps what it did and
a re-run converges. A dry run does the very same work in one transaction that
is rolled back at the end; only then are its counts and row errors written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from marketplace import media
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.jobs.models import Job

from .adapter import Issue
from .models import COUNT_FIELDS, EsmartRun, EsmartRunError

MAX_STORED_ISSUES = 5000  # per run; counts go on counting beyond it
STALE_AFTER = timedelta(minutes=15)  # a running run silent this long was interrupted


class RunLog:
    """The run being made: counts, issues, files written, and the commit rhythm."""

    def __init__(self, run_id: int, dry_run: bool):
        self.run_id = run_id
        self.dry_run = dry_run
        self.counts: Counter = Counter()
        self.committed: Counter = Counter()  # the counts of what is committed
        self.pending: list[Issue] = []
        self.stored_issues = 0
        self.files: list[str] = []  # media paths written; removed if their writes roll back
        self.photos: list[tuple] = []  # photos to download after the import (photos.py)
        self.committed_photos = 0  # how many of them belong to committed pages
        self.pages = 0
        self.rows = 0  # records (pull) or products (push) gone through
        self.on_page: Callable[[int], None] | None = None  # told ``rows`` after each committed page

    # --- starting ------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        kind: str,
        source: str,
        dry_run: bool,
        actor_id: int | None = None,
        updated_since: datetime | None = None,
        exclusive: bool = True,
    ) -> RunLog:
        """A new run, committed at once so the console shows it; Conflict while
        another run of the same kind is alive."""
        if exclusive:
            _claim(kind)
        run = EsmartRun(
            kind=kind,
            source=source[:255],
            dry_run=dry_run,
            status="running",
            actor_id=actor_id,
            started_at=now(),
            heartbeat_at=now(),
            updated_since=updated_since,
        )
        db.session.add(run)
        db.session.commit()
        return cls(run.id, dry_run)

    @staticmethod
    def queue(kind: str, source: str, dry_run: bool, actor_id: int | None, updated_since=None) -> EsmartRun:
        """A ``queued`` run for a job to do (the caller commits it with the job); Conflict while
        another run of the same kind is queued or alive."""
        _claim(kind)
        run = EsmartRun(
            kind=kind,
            source=source[:255],
            dry_run=dry_run,
            status="queued",
            actor_id=actor_id,
            started_at=now(),
            heartbeat_at=now(),
            updated_since=updated_since,
        )
        db.session.add(run)
        db.session.flush()
        return run

    @classmethod
    def resume(cls, run_id: int) -> RunLog | None:
        """The queued run, now running (committed); None when it is not queued any more."""
        claimed = db.session.execute(
            update(EsmartRun)
            .where(EsmartRun.id == run_id, EsmartRun.status == "queued")
            .values(status="running", started_at=now(), heartbeat_at=now())
        )
        db.session.commit()
        if claimed.rowcount != 1:
            return None
        return cls(run_id, db.session.get(EsmartRun, run_id).dry_run)

    # --- during the run ----------------------------------------------------------

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def issue(self, issue: Issue) -> None:
        self.count("conflicts" if issue.kind == "conflict" else "errors" if issue.kind == "error" else "warnings")
        if self.stored_issues + len(self.pending) < MAX_STORED_ISSUES:
            self.pending.append(issue)

    def begin_page(self) -> None:
        """Opens the page's transaction with a write, so SQLite's driver has
        begun it before the first SAVEPOINT (pysqlite begins only on DML)."""
        db.session.execute(update(EsmartRun).where(EsmartRun.id == self.run_id).values(heartbeat_at=now()))

    def end_page(self) -> None:
        """A real run commits the page; a dry run keeps going in its one transaction."""
        self.pages += 1
        if self.dry_run:
            db.session.flush()
        else:
            self.commit()

    def commit(self) -> None:
        """Commits what is done so far with its issues and counts (never in a dry run)."""
        if self.dry_run:
            return
        self._write_issues()
        self._write_counts()
        db.session.commit()
        self.committed = Counter(self.counts)
        self.committed_photos = len(self.photos)
        self.files.clear()
        if self.on_page is not None:
            self.on_page(self.rows)

    def forget_files(self, since: int) -> None:
        """Deletes the images written after position ``since`` (their rows rolled back)."""
        for path in self.files[since:]:
            media.delete_image(path)
        del self.files[since:]

    # --- ending --------------------------------------------------------------------

    def finish(self, status: str, message: str | None = None) -> EsmartRun:
        """Ends the run: a dry run (or a failed page) is rolled back first, then
        the counts, the issues and the outcome are written and committed."""
        if self.dry_run or status == "failed":
            db.session.rollback()
            self.forget_files(0)
            if status == "failed" and not self.dry_run:
                self.pending.clear()  # the failed page's writes and issues are gone
                self.counts = Counter(self.committed)
                del self.photos[self.committed_photos :]
        self._write_issues()
        self._write_counts(status=status, finished_at=now(), message=message)
        db.session.commit()
        return db.session.get(EsmartRun, self.run_id)

    def _write_issues(self) -> None:
        for issue in self.pending:
            db.session.add(
                EsmartRunError(
                    run_id=self.run_id,
                    kind=issue.kind,
                    row=issue.row,
                    record_id=(issue.record_id or None) and issue.record_id[:80],
                    field=(issue.field or None) and issue.field[:40],
                    reason=issue.reason,
                )
            )
        self.stored_issues += len(self.pending)
        self.pending.clear()

    def _write_counts(self, **extra) -> None:
        values = {name: self.counts[name] for name in COUNT_FIELDS}
        db.session.execute(
            update(EsmartRun)
            .where(EsmartRun.id == self.run_id)
            .values(pages=self.pages, heartbeat_at=now(), **values, **extra)
        )


def _claim(kind: str) -> None:
    """Conflict while a live run of this kind exists; silent ones are marked interrupted."""
    running = db.session.scalars(
        select(EsmartRun).where(EsmartRun.kind == kind, EsmartRun.status.in_(("queued", "running")))
    )
    for run in running:
        if (run.heartbeat_at or run.started_at) > now() - STALE_AFTER:
            raise Conflict(_("Sinkronisasi lain sedang berjalan (run #%(id)d).", id=run.id))
        run.status, run.finished_at = "failed", now()
        run.message = _("Terputus sebelum selesai; jalankan lagi untuk melanjutkan.")
    db.session.flush()


# --- reading runs ------------------------------------------------------------------


def list_runs(page: int = 1, per_page: int = 20) -> tuple[list[EsmartRun], int]:
    total = db.session.scalar(select(func.count()).select_from(EsmartRun))
    runs = db.session.scalars(
        select(EsmartRun).order_by(EsmartRun.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(runs), total


def get_run(run_id: int) -> EsmartRun:
    run = db.session.get(EsmartRun, run_id)
    if run is None:
        raise NotFound(_("Run tidak ditemukan."))
    return run


def run_issues(run_id: int, page: int = 1, per_page: int = 100) -> tuple[list[EsmartRunError], int]:
    query = select(EsmartRunError).where(EsmartRunError.run_id == run_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(EsmartRunError.id).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def last_pull_cursor() -> datetime | None:
    """Where the next HTTP pull starts: when the last successful real one started."""
    return db.session.scalar(
        select(func.max(EsmartRun.started_at)).where(
            EsmartRun.kind == "pull",
            EsmartRun.source == "http",
            EsmartRun.status == "succeeded",
            EsmartRun.dry_run.is_(False),
        )
    )


def first_issues(run_ids: list[int], per_run: int) -> tuple[dict, dict]:
    """The first ``per_run`` issues of each run and how many each has: two statements for any page size."""
    if not run_ids:
        return {}, {}
    number = func.row_number().over(partition_by=EsmartRunError.run_id, order_by=EsmartRunError.id).label("n")
    ranked = select(EsmartRunError.id, number).where(EsmartRunError.run_id.in_(run_ids)).subquery()
    rows = db.session.scalars(
        select(EsmartRunError)
        .join(ranked, ranked.c.id == EsmartRunError.id)
        .where(ranked.c.n <= per_run)
        .order_by(EsmartRunError.id)
    )
    first: dict[int, list] = {}
    for row in rows:
        first.setdefault(row.run_id, []).append(row)
    totals = dict(
        db.session.execute(
            select(EsmartRunError.run_id, func.count())
            .where(EsmartRunError.run_id.in_(run_ids))
            .group_by(EsmartRunError.run_id)
        ).all()
    )
    return first, totals


def jobs_of(runs: list[EsmartRun]) -> dict[int, Job]:
    """The jobs (import and photos) of these runs by id: one statement for any number of runs."""
    ids = {i for r in runs for i in (r.job_id, r.photo_job_id) if i is not None}
    if not ids:
        return {}
    return {job.id: job for job in db.session.scalars(select(Job).where(Job.id.in_(ids)))}


def job_json(job: Job | None) -> dict | None:
    if job is None:
        return None
    return {"id": job.id, "status": job.status, "done": job.done, "total": job.total, "message": job.message}


def progress_json(run: EsmartRun, jobs: dict[int, Job]) -> dict:
    """The run's job (rows done of total) and its photo downloads' job (photos done of total)."""
    return {"rows": job_json(jobs.get(run.job_id)), "photos": job_json(jobs.get(run.photo_job_id))}
