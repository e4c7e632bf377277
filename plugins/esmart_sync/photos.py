"""Photo downloads of a pull, in a job of their own: the import never waits for a photo server.

A real pull imports stores and products first; the foto URLs not imported yet are collected
(``RunLog.photos``, only those of committed pages) and handed to :func:`download_photos` once the
import ends. Each photo is fetched (with the fetcher's safety checks), added to its product and
committed on its own, with the run's counts (``photos_added``, ``photos_failed`` and a warning
row) and the job's progress. A product shows without a photo until its photo arrives; a photo
already imported (another pull's job got there first) is skipped.
"""

from __future__ import annotations

import json
from io import BytesIO
from types import SimpleNamespace

from sqlalchemy import select, update

from marketplace import jobs, media
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _

from . import adapter
from .client import PhotoError
from .models import EsmartProductLink, EsmartRun, EsmartRunError
from .payload import product_payload
from .runs import RunLog
from .settings import make_photo_fetcher

JOB_KIND = "esmart_photos"


def queue_photos(log_: RunLog, actor_id: int | None) -> None:
    """Starts the photo job of a finished run (committed here) when it has photos to fetch."""
    items = tuple(log_.photos)  # hashable: enqueue_after_commit queues a task and its arguments once
    if log_.dry_run or not items:
        return
    message = _("Foto run #%(id)d", id=log_.run_id)
    job = jobs.start_job(
        JOB_KIND, download_photos, log_.run_id, items, total=len(items), created_by=actor_id, message=message
    )
    db.session.execute(update(EsmartRun).where(EsmartRun.id == log_.run_id).values(photo_job_id=job.id))
    db.session.commit()


@jobs.long_task(name="esmart.photos")
def download_photos(job_id: int, run_id: int, items: tuple[tuple[str, str, int | None], ...]) -> None:
    """Fetches each (E-Smart product id, URL, row) and adds it to its product."""
    run = db.session.get(EsmartRun, run_id)
    actor = SimpleNamespace(id=run.actor_id if run else None)
    fetcher = make_photo_fetcher()
    added = failed = 0
    for done, (esmart_id, url, row) in enumerate(items, start=1):
        outcome = _one(fetcher, actor, run_id, esmart_id, url, row)
        db.session.commit()
        added, failed = added + (outcome == "added"), failed + (outcome == "failed")
        jobs.report_progress(job_id, done, total=len(items), message=_("%(n)d foto ditambahkan", n=added))
    message = _("%(a)d foto ditambahkan, %(f)d gagal", a=added, f=failed)
    jobs.finish(job_id, message=message, result_url=f"/agency/esmart/runs/{run_id}")


def _one(fetcher, actor, run_id: int, esmart_id: str, url: str, row: int | None) -> str:
    """``added``, ``failed`` or ``skipped`` (the product is gone or already has the photo)."""
    link = db.session.scalar(select(EsmartProductLink).where(EsmartProductLink.esmart_product_id == esmart_id))
    product = link and db.session.get(Product, link.product_id)
    if product is None or url in json.loads(link.photo_urls or "[]"):
        return "skipped"
    db.session.rollback()  # no transaction stays open while the photo server answers
    try:
        data = fetcher.fetch(url)
        product = db.session.get(Product, link.product_id)
        before = adapter.content_hash(product_payload(product.id))
        image = catalog.add_image(product, actor, BytesIO(data))
    except PhotoError as exc:
        return _failed(run_id, esmart_id, url, row, str(exc))
    except ValidationError as exc:
        db.session.rollback()
        reason = "; ".join(str(v) for v in exc.fields.values()) or exc.message
        return _failed(run_id, esmart_id, url, row, reason)
    try:
        _link_photo(link, url, before)
        _bump(run_id, photos_added=1)
        db.session.flush()
    except Exception:
        media.delete_image(image.path)
        raise
    return "added"


def _link_photo(link: EsmartProductLink, url: str, before: str) -> None:
    link.photo_urls = json.dumps([*json.loads(link.photo_urls or "[]"), url])
    if link.content_hash == before:  # nothing was waiting to be pushed: the photo is the directory's
        link.content_hash = adapter.content_hash(product_payload(link.product_id))


def _failed(run_id: int, esmart_id: str, url: str, row: int | None, reason: str) -> str:
    db.session.add(
        EsmartRunError(
            run_id=run_id,
            kind="warning",
            row=row,
            record_id=esmart_id[:80],
            field="foto",
            reason=_("Foto %(u)s gagal: %(r)s", u=url[:200], r=reason),
        )
    )
    _bump(run_id, photos_failed=1, warnings=1)
    return "failed"


def _bump(run_id: int, **counts: int) -> None:
    values = {name: getattr(EsmartRun, name) + n for name, n in counts.items()}
    db.session.execute(update(EsmartRun).where(EsmartRun.id == run_id).values(**values))
