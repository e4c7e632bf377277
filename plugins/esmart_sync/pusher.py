"""Push: the marketplace's products of linked stores sent to the directory.

A product's push payload is hashed; a product whose hash equals the one last
pushed (or pulled) is never re-sent. A new product is POSTed to its IKM and
the id the directory answers is kept, committed at once so that a re-run
after an interruption does not create it twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from sqlalchemy import select

from marketplace.catalog.models import Product
from marketplace.clock import now
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

from . import adapter
from .adapter import Issue
from .client import EsmartAuthError, EsmartClient, EsmartError
from .models import EsmartProductLink, EsmartRun, EsmartStoreLink
from .payload import product_payload, synced_field_hashes
from .runs import RunLog
from .settings import make_client, syncing

log = logging.getLogger(__name__)

BATCH = 100


def _eligible(after_id: int, product_ids: list[int] | None):
    """Active products of approved stores that are linked to the directory."""
    query = (
        select(Product.id, EsmartStoreLink.esmart_id)
        .join(Store, Store.id == Product.store_id)
        .join(EsmartStoreLink, EsmartStoreLink.store_id == Product.store_id)
        .where(Product.status == "active", Store.status == "approved", Product.id > after_id)
    )
    if product_ids is not None:
        query = query.where(Product.id.in_(product_ids))
    return query.order_by(Product.id).limit(BATCH)


def _batches(product_ids: list[int] | None) -> Iterator[list[tuple[int, str]]]:
    after = 0
    while batch := db.session.execute(_eligible(after, product_ids)).all():
        yield [tuple(r) for r in batch]
        after = batch[-1][0]


def pending(product_ids: list[int]) -> list[int]:
    """Which of these products a push would send (eligible and changed)."""
    out = []
    for batch in _batches(product_ids):
        for product_id, _ikm in batch:
            link = _link(product_id)
            if link is None or link.content_hash != adapter.content_hash(product_payload(product_id)):
                out.append(product_id)
    return out


def push(
    *, dry_run: bool = False, actor_id: int | None = None, product_ids: list[int] | None = None, source: str = "manual"
) -> EsmartRun:
    """Sends new and changed products; the run, recorded. ``product_ids`` limits it to those."""
    client = make_client()
    log_ = RunLog.start("push", source, dry_run, actor_id, exclusive=product_ids is None)
    return run_push(log_, client, product_ids)


def run_push(log_: RunLog, client: EsmartClient, product_ids: list[int] | None = None) -> EsmartRun:
    """The push of a started run (``push``, or a queued run's job): the run, finished."""
    try:
        with syncing():
            for batch in _batches(product_ids):
                log_.begin_page()
                for product_id, ikm_id in batch:
                    _push_one(client, log_, product_id, ikm_id)
                    log_.rows += 1
                log_.end_page()
    except EsmartAuthError as exc:
        return log_.finish("failed", exc.message)
    except Exception as exc:  # a bug must not leave the run "running"
        log.exception("esmart push run %s failed", log_.run_id)
        return log_.finish("failed", _("Kesalahan tak terduga: %(e)s", e=type(exc).__name__))
    return log_.finish("succeeded")


def _link(product_id: int) -> EsmartProductLink | None:
    return db.session.scalar(select(EsmartProductLink).where(EsmartProductLink.product_id == product_id))


def _push_one(client: EsmartClient, log_: RunLog, product_id: int, ikm_id: str) -> None:
    payload = product_payload(product_id)
    digest = adapter.content_hash(payload)
    link = _link(product_id)
    if link is not None and link.content_hash == digest:
        log_.count("products_unchanged")
        return
    outcome = "products_updated" if link is not None else "products_created"
    if log_.dry_run:
        log_.count(outcome)
        return
    try:
        if link is not None:
            client.update_product(link.esmart_product_id, payload)
        else:
            new_id = client.create_product(ikm_id, payload, idempotency_key=f"apik-product-{product_id}")
            link = _new_link(product_id, new_id)
    except EsmartAuthError:
        raise
    except EsmartError as exc:
        record = link.esmart_product_id if link is not None else f"produk#{product_id}"
        log_.issue(Issue("error", exc.message, None, None, record))
        log_.count("products_skipped")
        return
    _mark_pushed(link, payload, digest)
    log_.count(outcome)
    log_.commit()


def _new_link(product_id: int, esmart_product_id: str) -> EsmartProductLink:
    taken = db.session.scalar(select(EsmartProductLink).where(EsmartProductLink.esmart_product_id == esmart_product_id))
    if taken is not None:
        raise EsmartError(_("E-Smart menjawab id %(id)s yang sudah dipakai produk lain.", id=esmart_product_id))
    link = EsmartProductLink(
        product_id=product_id, esmart_product_id=esmart_product_id, field_hashes="{}", photo_urls="[]"
    )
    db.session.add(link)
    return link


def _mark_pushed(link: EsmartProductLink, payload: dict, digest: str) -> None:
    """The directory now holds these values: they are the merge base of the next pull,
    and its foto URLs (our own images) are not to be fetched back."""
    link.content_hash, link.pushed_at = digest, now()
    link.field_hashes = json.dumps(synced_field_hashes(payload), sort_keys=True)
    photos = json.loads(link.photo_urls or "[]")
    link.photo_urls = json.dumps(photos + [u for u in payload["foto"] if u not in photos])
