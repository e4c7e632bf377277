"""The plugin's part of ``flask demo load``: the bundled default table becomes the
marketplace's table when it has none. Idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select

from marketplace.extensions import db

from . import tables
from .models import TableRate

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "default_rates.csv"


def load_demo() -> int:
    """Rows created (the caller commits)."""
    if not inspect(db.engine).has_table("shipping_table_rates"):
        return 0
    if db.session.scalar(select(TableRate.id).where(TableRate.store_id.is_(None)).limit(1)) is not None:
        return 0
    return tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
