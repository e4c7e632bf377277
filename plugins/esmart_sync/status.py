"""What a seller sees of the sync: whether the store is linked to the
directory and when it was last synced."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.extensions import db

from .models import EsmartStoreLink


def store_sync_status(store) -> dict | None:
    """``{"esmart_id", "last_synced_at", "kbli", "sentra"}`` for a linked store, else None."""
    store_id = getattr(store, "id", store)
    link = db.session.scalar(select(EsmartStoreLink).where(EsmartStoreLink.store_id == store_id))
    if link is None:
        return None
    return {
        "esmart_id": link.esmart_id,
        "last_synced_at": link.last_synced_at,
        "kbli": link.kbli,
        "sentra": link.sentra,
    }
