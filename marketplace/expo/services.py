"""Expos, their exhibitors, and the featured vendors on the home page."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from marketplace import audit
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.expo.models import Exhibitor, Expo, FeaturedStore
from marketplace.extensions import db
from marketplace.stores.models import Store


def get_expo(slug: str) -> Expo:
    expo = db.session.scalar(select(Expo).where(Expo.slug == slug))
    if expo is None:
        raise NotFound(_("Expo tidak ditemukan."))
    return expo


def expo_state(expo: Expo, at: datetime | None = None) -> str:
    """"upcoming", "live" or "ended"."""
    at = at or now()
    if at < expo.starts_at:
        return "upcoming"
    if at <= expo.ends_at:
        return "live"
    return "ended"


def create_expo(actor, slug: str, name: str, starts_at: datetime, ends_at: datetime, description: str = "") -> Expo:
    from marketplace.stores.services import slugify

    errors = {}
    slug = slugify(slug or name)
    if not (name or "").strip():
        errors["name"] = _("Wajib diisi.")
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        errors["ends_at"] = _("Tanggal selesai harus setelah tanggal mulai.")
    if errors:
        raise ValidationError(fields=errors)
    if db.session.scalar(select(Expo.id).where(Expo.slug == slug)):
        raise Conflict(_("Slug expo sudah dipakai."), fields={"slug": _("Slug expo sudah dipakai.")})
    expo = Expo(slug=slug, name=name.strip(), starts_at=starts_at, ends_at=ends_at, description=description or "")
    db.session.add(expo)
    db.session.flush()
    audit.record(actor, "expo.created", "expo", expo.id)
    return expo


def add_exhibitor(actor, expo: Expo, store: Store, booth: str = "", zone: str = "") -> Exhibitor:
    existing = db.session.scalar(
        select(Exhibitor).where(Exhibitor.expo_id == expo.id, Exhibitor.store_id == store.id))
    if existing:
        raise Conflict(_("Toko ini sudah menjadi peserta expo."))
    rank = len(db.session.scalars(select(Exhibitor.id).where(Exhibitor.expo_id == expo.id)).all())
    row = Exhibitor(expo_id=expo.id, store_id=store.id, booth=(booth or "").strip()[:20],
                    zone=(zone or store.sector or "").strip()[:40], rank=rank)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "expo.exhibitor_added", "expo", expo.id, store_id=store.id, booth=booth)
    return row


def exhibitor_store_ids(expo_slug: str) -> list[int]:
    expo = get_expo(expo_slug)
    return list(db.session.scalars(
        select(Exhibitor.store_id).where(Exhibitor.expo_id == expo.id).order_by(Exhibitor.rank)))


def featured_store_ids() -> list[int]:
    return list(db.session.scalars(select(FeaturedStore.store_id).order_by(FeaturedStore.position)))


def set_featured(actor, stores: list[Store]) -> None:
    """Replace the featured vendors with ``stores``, in that order."""
    if len({s.id for s in stores}) != len(stores):
        raise ValidationError(fields={"stores": _("Toko yang sama disebut dua kali.")})
    not_selling = [s.slug for s in stores if s.status != "approved"]
    if not_selling:
        raise ValidationError(fields={"stores": _("Hanya toko yang sudah disetujui: %(s)s", s=", ".join(not_selling))})
    db.session.execute(delete(FeaturedStore))
    for position, store in enumerate(stores):
        db.session.add(FeaturedStore(store_id=store.id, position=position))
    audit.record(actor, "featured.set", "featured", "home", stores=[s.slug for s in stores])
