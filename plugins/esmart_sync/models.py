"""Tables of the E-Smart IKM sync plugin. Core tables are never altered: the
plugin keeps its own links from stores and products to directory records,
and a record of every pull and push with its row errors."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.clock import now
from marketplace.extensions import db
from marketplace.types import UTCDateTime

COUNT_FIELDS = (
    "stores_created",
    "stores_updated",
    "stores_unchanged",
    "stores_skipped",
    "products_created",
    "products_updated",
    "products_unchanged",
    "products_skipped",
    "photos_added",
    "photos_failed",
    "conflicts",
    "errors",
    "warnings",
)


class EsmartStoreLink(db.Model):
    """A marketplace store that is an IKM of the directory."""

    __tablename__ = "esmart_store_links"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), unique=True)
    esmart_id: Mapped[str] = mapped_column(String(64), unique=True)
    kbli: Mapped[str | None] = mapped_column(String(10))
    sentra: Mapped[str | None] = mapped_column(String(160))
    owner_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # the profile values (store-side, cleaned) as the directory last gave them
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    @property
    def snapshot_values(self) -> dict:
        return json.loads(self.snapshot or "{}")


class EsmartProductLink(db.Model):
    """A marketplace product that is a product of the directory."""

    __tablename__ = "esmart_product_links"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), unique=True)
    esmart_product_id: Mapped[str] = mapped_column(String(64), unique=True)
    # hash of each synced field's value as last pulled or pushed (three-way merge base)
    field_hashes: Mapped[str] = mapped_column(Text, default="{}")
    # foto URLs of the directory already imported as images
    photo_urls: Mapped[str] = mapped_column(Text, default="[]")
    # hash of the push payload as last pushed (or pulled): unchanged products are never re-sent
    content_hash: Mapped[str | None] = mapped_column(String(64))
    pulled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EsmartRun(db.Model):
    """One pull or push, with its counts; a dry run is recorded too. ``queued`` until its job starts."""

    __tablename__ = "esmart_runs"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)
    __table_args__ = (
        CheckConstraint("kind IN ('pull','push')", name="kind"),
        CheckConstraint("status IN ('queued','running','succeeded','failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(255))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_since: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the cursor this pull asked from
    pages: Mapped[int] = mapped_column(Integer, default=0)
    # the jobs doing this run and its photo downloads (their progress shows in the console)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    photo_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    message: Mapped[str | None] = mapped_column(Text)
    stores_created: Mapped[int] = mapped_column(Integer, default=0)
    stores_updated: Mapped[int] = mapped_column(Integer, default=0)
    stores_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    stores_skipped: Mapped[int] = mapped_column(Integer, default=0)
    products_created: Mapped[int] = mapped_column(Integer, default=0)
    products_updated: Mapped[int] = mapped_column(Integer, default=0)
    products_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    products_skipped: Mapped[int] = mapped_column(Integer, default=0)
    photos_added: Mapped[int] = mapped_column(Integer, default=0)
    photos_failed: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) or 0 for name in COUNT_FIELDS}


class EsmartRunError(db.Model):
    """One row of a run that was skipped, partly imported, or kept a seller's value."""

    __tablename__ = "esmart_run_errors"
    __page_cache__ = "nothing"  # no cached page shows it (marketplace/pagecache_rules.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("esmart_runs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="error")  # error | warning | conflict
    row: Mapped[int | None] = mapped_column(Integer)  # row of a spreadsheet, record number of JSON/HTTP
    record_id: Mapped[str | None] = mapped_column(String(80))  # IKM or product id of the directory
    field: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
