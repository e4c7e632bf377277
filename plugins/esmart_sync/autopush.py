"""Push after product_saved: the product is sent once the transaction that saved it commits (the
event fires inside it), by a job on the queue (``esmart.autopush``), so the seller's page does not
wait for the directory; the push shows in the agency console's job list. A push missed here (E-Smart
down, the job lost) is caught by the next ``flask esmart push``: the content hash still differs.

With ``ESMART_PUSH_ASYNC`` off the push runs inline after the commit instead (no queue)."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import jobs
from marketplace.urls import absolute_url

from .settings import configured, is_syncing

log = logging.getLogger(__name__)

PENDING_KEY = "esmart_push_after_commit"
# one push at a time in this process: two quick saves of a new product must not both POST it
# (the second waits, then finds the link the first stored)
_push_lock = threading.Lock()


def schedule(product_id: int) -> None:
    """Push the product after the commit: a job, or inline (``ESMART_PUSH_ASYNC`` off)."""
    from marketplace.extensions import db

    cfg = current_app.config
    if is_syncing() or not cfg.get("ESMART_AUTO_PUSH") or not configured():
        return
    if cfg.get("ESMART_PUSH_ASYNC"):
        jobs.enqueue_after_commit(push_products, product_id)
        return
    session = db.session()
    pending = session.info.setdefault(PENDING_KEY, {})
    pending.setdefault(current_app._get_current_object(), set()).add(product_id)


@jobs.task(name="esmart.autopush")
def push_products(*product_ids: int) -> None:
    """The job: push these products when they need it, as a job row with its progress."""
    from . import pusher

    with _push_lock:
        due = pusher.pending(list(product_ids))
        if not due:
            return
        job_id = jobs.begin_job("esmart_push", total=len(due), message="product_saved")
        try:
            run = pusher.push(product_ids=due, source="product_saved")
        except Exception as exc:
            jobs.fail(job_id, f"{type(exc).__name__}: {exc}")
            raise
        jobs.report_progress(job_id, len(due))
        jobs.finish(job_id, message=f"E-Smart: {run.status}", result_url=absolute_url("esmart.run", run_id=run.id))


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released (notify's own): wait for the real commit
        return
    pending = session.info.pop(PENDING_KEY, None)
    for app, product_ids in (pending or {}).items():
        push_now(app, sorted(product_ids))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING_KEY, None)


def push_now(app: Flask, product_ids: list[int]) -> None:
    """Pushes these products in a fresh app context (its own session); records a
    run only when one of them actually needs sending."""
    from . import pusher

    with _push_lock, app.app_context():
        try:
            if pusher.pending(product_ids):
                pusher.push(product_ids=product_ids, source="product_saved")
        except Exception:  # an inline push must never fail the saved product's request
            log.exception("esmart: automatic push of products %s failed", product_ids)
