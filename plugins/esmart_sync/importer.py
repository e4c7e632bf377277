"""Pull: records from a file or from E-Smart over HTTP into stores and products.

Records stream through in pages; each IKM and each product is written in its
own savepoint, so one bad record becomes a row error and the rest goes on.
A real run commits each page; a dry run rolls everything back at the end
(runs.RunLog), so its counts are those of the same code on the same data.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

from . import adapter, readers
from .adapter import IkmData, Issue
from .client import EsmartError, PhotoFetcher
from .models import EsmartRun
from .payload import Categories
from .photos import queue_photos
from .product_sync import sync_product
from .runs import RunLog, last_pull_cursor
from .settings import make_client, make_photo_fetcher, syncing
from .store_sync import sync_store

log = logging.getLogger(__name__)

FILE_PAGE_SIZE = 50  # IKM records per committed page when reading a file


@dataclass
class Context:
    actor: Any
    log: RunLog
    categories: Categories
    photos: PhotoFetcher

    def report(self, issue: Issue) -> None:
        self.log.issue(issue)


class Importer:
    """Writes records one by one; remembers the ids met in this run."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.stores: dict[str, int | None] = {}  # E-Smart IKM id -> store id (None: skipped)
        self.new_stores: set[int] = set()  # created by this run: no products to match by name
        self.products: set[str] = set()

    def import_record(self, raw: Any, row: int) -> None:
        ikm = adapter.ikm_from_record(raw, row)
        for issue in ikm.issues:
            self.ctx.report(issue)
        store_id = self._store_for(ikm) if ikm.valid else None
        if store_id is None:
            self.ctx.log.count("stores_skipped", 0 if ikm.continued else 1)
            self.ctx.log.count("products_skipped", len(ikm.products))
            return
        store = db.session.get(Store, store_id)
        for product in ikm.products:
            self._import_product(store, product)

    def _store_for(self, ikm: IkmData) -> int | None:
        if ikm.esmart_id in self.stores:
            if ikm.continued:
                if self.stores[ikm.esmart_id] is None:
                    self.ctx.report(
                        Issue(
                            "error",
                            _("IKM ini dilewati pada baris sebelumnya; produknya juga."),
                            "id",
                            ikm.row,
                            ikm.esmart_id,
                        )
                    )
                return self.stores[ikm.esmart_id]
            self.ctx.report(
                Issue(
                    "error",
                    _("IKM ini muncul lebih dari sekali dalam sumber yang sama; yang berikutnya dilewati."),
                    "id",
                    ikm.row,
                    ikm.esmart_id,
                )
            )
            return None
        self.stores[ikm.esmart_id] = None
        try:
            with self._savepoint():
                store_id, outcome = sync_store(ikm, self.ctx.actor, self.ctx.report)
        except (ServiceError, SQLAlchemyError) as exc:
            self.ctx.report(_record_error(exc, ikm.row, ikm.esmart_id))
            return None
        self.ctx.log.count(f"stores_{outcome}")
        self.stores[ikm.esmart_id] = store_id
        if outcome == "created":
            self.new_stores.add(store_id)
        return store_id

    def _import_product(self, store: Store, p: adapter.ProductData) -> None:
        for issue in p.issues:
            self.ctx.report(issue)
        if p.valid and p.esmart_id in self.products:
            self.ctx.report(
                Issue(
                    "error",
                    _("Produk ini muncul lebih dari sekali dalam sumber yang sama; yang berikutnya dilewati."),
                    "produk.id",
                    p.row,
                    p.esmart_id,
                )
            )
        elif p.valid:
            self.products.add(p.esmart_id)
            try:
                with self._savepoint():
                    outcome = sync_product(store, p, self.ctx, new_store=store.id in self.new_stores)
            except (ServiceError, SQLAlchemyError) as exc:
                self.ctx.report(_record_error(exc, p.row, p.esmart_id))
            else:
                self.ctx.log.count(f"products_{outcome}")
                return
        self.ctx.log.count("products_skipped")

    @contextmanager
    def _savepoint(self):
        mark, photos = len(self.ctx.log.files), len(self.ctx.log.photos)
        nested = db.session.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                nested.rollback()
            self.ctx.log.forget_files(mark)
            del self.ctx.log.photos[photos:]
            raise
        nested.commit()


def _record_error(exc: Exception, row: int | None, record_id: str | None) -> Issue:
    if isinstance(exc, ServiceError):
        details = "; ".join(f"{k}: {v}" for k, v in exc.fields.items())
        return Issue("error", details or exc.message, None, row, record_id)
    log.warning("esmart: database refused record %s: %s", record_id, exc)
    return Issue(
        "error",
        _("Basis data menolak rekaman ini (%(e)s).", e=type(getattr(exc, "orig", exc)).__name__),
        None,
        row,
        record_id,
    )


# --- sources ---------------------------------------------------------------------


def _pages(records: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(records)
    while page := list(itertools.islice(iterator, size)):
        yield page


def file_records(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    """(row, raw ESMART record) from a JSON, CSV or XLSX file."""
    if fmt == "json":
        return ((n, raw) for n, raw in enumerate(readers.iter_json_records(path), start=1))
    rows = readers.iter_csv_rows(path) if fmt == "csv" else readers.iter_xlsx_rows(path)
    sheet = readers.iter_sheet_dicts(rows, adapter.normalise_header, adapter.missing_columns)
    return ((raw["_row"], raw) for raw in adapter.records_from_rows(sheet))


def check_file(path: Path) -> str:
    """The file's format, after reading it through once: a file that breaks
    half-way fails before anything is written. ReadError otherwise."""
    return inspect_file(path)[0]


def inspect_file(path: Path) -> tuple[str, int]:
    """The file's format and how many records it holds (read through once); ReadError otherwise."""
    fmt = readers.sniff(path)
    n = sum(1 for _item in file_records(path, fmt))
    return fmt, n


def _run(log_: RunLog, pages: Iterable[list[tuple[int, Any]]], actor_id: int | None) -> EsmartRun:
    run = _import(log_, pages, actor_id)
    queue_photos(log_, actor_id)
    return run


def _import(log_: RunLog, pages: Iterable[list[tuple[int, Any]]], actor_id: int | None) -> EsmartRun:
    ctx = Context(SimpleNamespace(id=actor_id), log_, Categories(), make_photo_fetcher())
    importer = Importer(ctx)
    try:
        with syncing():
            for page in pages:
                log_.begin_page()
                for row, raw in page:
                    importer.import_record(raw, row)
                    log_.rows += 1
                log_.end_page()
    except (readers.ReadError, EsmartError) as exc:
        return log_.finish("failed", getattr(exc, "message", None) or str(exc))
    except Exception as exc:  # a bug must not leave the run "running"; the traceback goes to the log
        log.exception("esmart pull run %s failed", log_.run_id)
        return log_.finish("failed", _("Kesalahan tak terduga: %(e)s", e=type(exc).__name__))
    return log_.finish("succeeded")


def pull_file(path: Path, *, dry_run: bool = False, actor_id: int | None = None, name: str | None = None) -> EsmartRun:
    """Imports a JSON, CSV or XLSX file of the directory's records; the run, recorded."""
    log_ = RunLog.start("pull", f"file:{name or path.name}", dry_run, actor_id)
    return run_file(log_, path, actor_id)


def run_file(log_: RunLog, path: Path, actor_id: int | None) -> EsmartRun:
    """The pull of a started run from a file (``pull_file``, or a queued run's job)."""
    try:
        fmt = check_file(path)
    except readers.ReadError as exc:
        return log_.finish("failed", str(exc))
    pages = _pages(file_records(path, fmt), current_app.config.get("ESMART_FILE_PAGE_SIZE", FILE_PAGE_SIZE))
    return _run(log_, pages, actor_id)


def pull_http(*, dry_run: bool = False, actor_id: int | None = None, full: bool = False) -> EsmartRun:
    """Imports the IKM records changed since the last successful pull (all with ``full``)."""
    client = make_client()
    since = None if full else last_pull_cursor()
    log_ = RunLog.start("pull", "http", dry_run, actor_id, updated_since=since)
    return run_http(log_, client, since, actor_id)


def run_http(log_: RunLog, client, since, actor_id: int | None) -> EsmartRun:
    """The pull of a started run over HTTP from ``since`` (``pull_http``, or a queued run's job)."""
    per_page = current_app.config.get("ESMART_PAGE_SIZE", 100)
    counter = itertools.count(1)
    pages = ([(next(counter), raw) for raw in data] for data in client.iter_pages(since, per_page))
    return _run(log_, pages, actor_id)


def pull_upload(storage, *, dry_run: bool = False, actor_id: int | None = None) -> EsmartRun:
    """Imports an uploaded file (a werkzeug FileStorage): kept in a temporary file while it runs."""
    import os
    import tempfile

    name = Path(storage.filename or "upload").name[:120] or "upload"
    handle, temp_path = tempfile.mkstemp(prefix="esmart-", suffix=Path(name).suffix[:10])
    try:
        with os.fdopen(handle, "wb") as out:
            storage.save(out)
        return pull_file(Path(temp_path), dry_run=dry_run, actor_id=actor_id, name=name)
    finally:
        os.unlink(temp_path)
