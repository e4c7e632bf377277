"""Push after product_saved: the product is sent once the transaction that
saved it commits (the event fires inside it), by a job on the queue
(``esmart.autopush``; ``ESMART_PUSH_ASYNC=false``: inline) so the seller's page
does not wait for the directory. A push missed here (worker stopped, E-Smart
down) is caught by the next ``flask esmart push``: the content hash still differs."""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from marketplace import jobs
from marketplace.jobs.queue import enqueue_for

from .settings import configured, is_syncing

log = logging.getLogger(__name__)

PENDING_KEY = "esmart_push_after_commit"
# one background push at a time in this process: two quick saves of a new product
# must not both POST it (the second waits, then finds the link the first stored)
_push_lock = threading.Lock()


def schedule(product_id: int) -> None:
    """Remember the product on the session; pushed after the commit."""
    from marketplace.extensions import db

    cfg = current_app.config
    if is_syncing() or not cfg.get("ESMART_AUTO_PUSH") or not configured():
        return
    session = db.session()
    pending = session.info.setdefault(PENDING_KEY, {})
    pending.setdefault(current_app._get_current_object(), set()).add(product_id)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released (notify's own): wait for the real commit
        return
    pending = session.info.pop(PENDING_KEY, None)
    for app, product_ids in (pending or {}).items():
        if app.config.get("ESMART_PUSH_ASYNC"):
            enqueue_for(app, push_job, sorted(product_ids))
        else:
            push_now(app, sorted(product_ids))


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING_KEY, None)


def push_now(app: Flask, product_ids: list[int]) -> None:
    """Pushes these products in a fresh app context (its own session)."""
    with app.app_context():
        _push(product_ids)


@jobs.task(name="esmart.autopush")
def push_job(product_ids: list[int]) -> None:
    """The queued push after a save (in the worker's app context)."""
    _push(product_ids)


def _push(product_ids: list[int]) -> None:
    """Records a run only when one of the products actually needs sending."""
    from . import pusher

    with _push_lock:
        try:
            if pusher.pending(product_ids):
                pusher.push(product_ids=product_ids, source="product_saved")
        except Exception:  # a background push must never take the worker down
            log.exception("esmart: automatic push of products %s failed", product_ids)
