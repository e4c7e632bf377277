"""Expos, their zones and exhibitors, and the featured vendors on the home page.

Times are stored in UTC; the agency types them in Asia/Jakarta time
(:func:`parse_local_datetime`). An exhibitor names its zone by the zone's
slug; an expo without zones accepts any zone (a sector slug, as before zones).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Protocol

from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager

from marketplace import audit, inputs
from marketplace.clock import JAKARTA, now
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.expo.models import Exhibitor, Expo, ExpoZone, FeaturedStore
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores import interest
from marketplace.stores.models import Store


def get_expo(slug: str) -> Expo:
    expo = db.session.scalar(select(Expo).where(Expo.slug == slug))
    if expo is None:
        raise NotFound(_("Expo tidak ditemukan."))
    return expo


class Dated(Protocol):
    """An expo's dates: an Expo, or a plain tuple of them a memo keeps (queries.NewestExpo)."""

    @property
    def starts_at(self) -> datetime: ...

    @property
    def ends_at(self) -> datetime: ...


def expo_state(expo: Dated, at: datetime | None = None) -> str:
    """One of ``EXPO_STATES``: "upcoming", "live" or "ended"."""
    at = at or now()
    if at < expo.starts_at:
        return "upcoming"
    if at <= expo.ends_at:
        return "live"
    return "ended"


def next_change(expo: Dated, at: datetime | None = None) -> datetime | None:
    """When :func:`expo_state` changes next (the expo opens or closes), or None once it has ended;
    cached pages showing the state live no longer than that."""
    return {"upcoming": expo.starts_at, "live": expo.ends_at}.get(expo_state(expo, at))


def parse_local_datetime(raw, field: str, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time typed in Asia/Jakarta time (an explicit offset is kept), as aware UTC.

    A bare date is the start of that day, or with ``end_of_day`` its last second."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime.combine(raw, time(23, 59, 59) if end_of_day else time(0, 0))
    else:
        text = str(raw or "").strip()
        try:
            if len(text) == 10:
                value = datetime.combine(date.fromisoformat(text), time(23, 59, 59) if end_of_day else time(0, 0))
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError(fields={field: _("Tanggal tidak valid (contoh: 2026-12-01 08:00).")}) from None
    inputs.check_year(value, field)  # a zone applied to year 1 or 9999 leaves datetime's range
    if value.tzinfo is None:
        value = value.replace(tzinfo=JAKARTA)
    return value.astimezone(UTC)


def _check_expo_fields(name: str, starts_at, ends_at) -> dict:
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Wajib diisi.")
    elif len(name.strip()) > 160:
        errors["name"] = _("Maksimal %(n)d karakter.", n=160)
    if starts_at is None:
        errors["starts_at"] = _("Wajib diisi.")
    if ends_at is None:
        errors["ends_at"] = _("Wajib diisi.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("Tanggal selesai harus setelah tanggal mulai.")
    return errors


def create_expo(
    actor,
    slug: str,
    name: str,
    starts_at: datetime,
    ends_at: datetime,
    description: str = "",
    zones: list[str] | None = None,
) -> Expo:
    """A new expo; ``zones`` are the names of its halls, in order. :raise Conflict: slug taken."""
    from marketplace.stores.services import slugify

    slug = slugify(slug or name or "")
    errors = _check_expo_fields(name, starts_at, ends_at)
    if errors:
        raise ValidationError(fields=errors)
    if db.session.scalar(select(Expo.id).where(Expo.slug == slug)):
        raise Conflict(_("Slug expo sudah dipakai."), fields={"slug": _("Slug expo sudah dipakai.")})
    expo = Expo(
        slug=slug, name=name.strip(), starts_at=starts_at, ends_at=ends_at, description=(description or "").strip()
    )
    db.session.add(expo)
    db.session.flush()
    audit.record(actor, "expo.created", "expo", expo.id)
    for zone_name in zones or []:
        add_zone(actor, expo, zone_name)
    return expo


def update_expo(actor, expo: Expo, name: str, starts_at: datetime, ends_at: datetime, description: str = "") -> Expo:
    """Change an expo's name, dates and description (its slug stays: links keep working)."""
    errors = _check_expo_fields(name, starts_at, ends_at)
    if errors:
        raise ValidationError(fields=errors)
    name, description = name.strip(), (description or "").strip()
    new = {"name": name, "starts_at": starts_at, "ends_at": ends_at, "description": description}
    changed = audit.changes(expo, new)
    expo.name, expo.starts_at, expo.ends_at, expo.description = name, starts_at, ends_at, description
    audit.record(actor, "expo.updated", "expo", expo.id, changes=changed)
    return expo


def set_banner(actor, expo: Expo, stream) -> Expo:
    """Replace the expo's banner image (verified and resized by media.save_image)."""
    from marketplace import media
    from marketplace.accounts.services import require_confirmed_email

    require_confirmed_email(actor)

    stored = media.save_image(stream, "banners", field="banner")
    old, expo.banner = expo.banner, stored.path
    media.delete_image(old)
    audit.record(actor, "expo.banner_changed", "expo", expo.id)
    return expo


def list_expos() -> list[Expo]:
    """Every expo, the newest first."""
    return list(db.session.scalars(select(Expo).order_by(Expo.starts_at.desc(), Expo.id.desc())))


# --- zones ---------------------------------------------------------------------------


def zones_of(expo: Expo) -> list[ExpoZone]:
    return list(
        db.session.scalars(select(ExpoZone).where(ExpoZone.expo_id == expo.id).order_by(ExpoZone.position, ExpoZone.id))
    )


def _zone(expo: Expo, slug: str) -> ExpoZone:
    zone = db.session.scalar(select(ExpoZone).where(ExpoZone.expo_id == expo.id, ExpoZone.slug == slug))
    if zone is None:
        raise NotFound(_("Zona tidak ditemukan."))
    return zone


def add_zone(actor, expo: Expo, name: str, slug: str | None = None) -> ExpoZone:
    """A zone at the end of the hall. :raise Conflict: its slug is taken in this expo."""
    from marketplace.stores.services import slugify

    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(fields={"zone_name": _("Nama zona 1–80 karakter.")})
    slug = slugify(slug or name, max_len=40)
    if db.session.scalar(select(ExpoZone.id).where(ExpoZone.expo_id == expo.id, ExpoZone.slug == slug)):
        raise Conflict(_("Zona %(slug)s sudah ada.", slug=slug), fields={"zone_name": _("Zona ini sudah ada.")})
    position = db.session.scalar(
        select(func.coalesce(func.max(ExpoZone.position) + 1, 0)).where(ExpoZone.expo_id == expo.id)
    )
    zone = ExpoZone(expo_id=expo.id, slug=slug, name=name, position=position)
    db.session.add(zone)
    db.session.flush()
    audit.record(actor, "expo.zone_added", "expo", expo.id, zone=slug)
    return zone


def rename_zone(actor, expo: Expo, slug: str, name: str) -> ExpoZone:
    """A new name for a zone; its slug (which exhibitors refer to) stays."""
    zone = _zone(expo, slug)
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError(fields={"zone_name": _("Nama zona 1–80 karakter.")})
    zone.name = name
    audit.record(actor, "expo.zone_renamed", "expo", expo.id, zone=slug, name=name)
    return zone


def move_zone(actor, expo: Expo, slug: str, step: int) -> None:
    """Move a zone one place earlier (``step`` -1) or later (+1) in the hall."""
    zones = zones_of(expo)
    index = next((i for i, z in enumerate(zones) if z.slug == slug), None)
    if index is None:
        raise NotFound(_("Zona tidak ditemukan."))
    target = index + (1 if step > 0 else -1)
    if 0 <= target < len(zones):
        zones[index], zones[target] = zones[target], zones[index]
    for position, zone in enumerate(zones):
        zone.position = position
    audit.record(actor, "expo.zone_moved", "expo", expo.id, zone=slug, step=step)


def remove_zone(actor, expo: Expo, slug: str) -> None:
    """Remove an empty zone. :raise Conflict: exhibitors are still in it."""
    zone = _zone(expo, slug)
    used = db.session.scalar(
        select(func.count()).select_from(Exhibitor).where(Exhibitor.expo_id == expo.id, Exhibitor.zone == slug)
    )
    if used:
        raise Conflict(_("Zona %(name)s masih berisi %(n)d peserta; pindahkan dulu.", name=zone.name, n=used))
    db.session.delete(zone)
    audit.record(actor, "expo.zone_removed", "expo", expo.id, zone=slug)


def _check_zone(expo: Expo, zone: str, store: Store) -> str:
    """The zone slug an exhibitor goes to: one of the expo's zones when it has any — by slug, by name,
    or the one zone whose slug starts with the given sector slug ("fesyen" → "fesyen-tekstil")."""
    zone = (zone or "").strip()
    zones = zones_of(expo)
    if not zones:
        return (zone or store.sector or "")[:40]
    wanted = zone or store.sector or ""
    for z in zones:
        if wanted == z.slug or wanted.lower() == z.name.lower():
            return z.slug
    starting = [z for z in zones if wanted and z.slug.startswith(wanted + "-")]  # "fesyen" → "fesyen-tekstil"
    if len(starting) == 1:
        return starting[0].slug
    if not zone and len(zones) == 1:
        return zones[0].slug
    raise ValidationError(fields={"zone": _("Pilih salah satu zona expo: %(z)s.", z=", ".join(z.name for z in zones))})


def _check_booth(expo: Expo, booth: str, except_store_id: int | None = None) -> str:
    booth = (booth or "").strip()
    if len(booth) > 20:
        raise ValidationError(fields={"booth": _("Nomor stan maksimal 20 karakter.")})
    if booth:
        holder = db.session.scalar(
            select(Exhibitor.store_id).where(Exhibitor.expo_id == expo.id, func.lower(Exhibitor.booth) == booth.lower())
        )
        if holder is not None and holder != except_store_id:
            raise Conflict(
                _("Stan %(b)s sudah dipakai peserta lain.", b=booth), fields={"booth": _("Stan ini sudah dipakai.")}
            )
    return booth


def add_exhibitor(actor, expo: Expo, store: Store, booth: str = "", zone: str = "") -> Exhibitor:
    """Put a store in the expo at a booth (unique in the expo) and a zone. :raise Conflict: already in."""
    existing = db.session.scalar(select(Exhibitor).where(Exhibitor.expo_id == expo.id, Exhibitor.store_id == store.id))
    if existing:
        raise Conflict(_("Toko ini sudah menjadi peserta expo."), fields={"store": _("Sudah menjadi peserta.")})
    _not_own_booth(actor, store)
    if store.status in ("rejected",):
        raise ValidationError(fields={"store": _("Toko yang ditolak tidak bisa ikut expo.")})
    booth = _check_booth(expo, booth)
    zone = _check_zone(expo, zone, store)
    rank = db.session.scalar(select(func.count()).select_from(Exhibitor).where(Exhibitor.expo_id == expo.id))
    row = Exhibitor(expo_id=expo.id, store_id=store.id, booth=booth, zone=zone, rank=rank)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "expo.exhibitor_added", "expo", expo.id, store_id=store.id, booth=booth, zone=zone)
    return row


def _not_own_booth(actor, store: Store) -> None:
    """An officer does not give its own store a place (or a better booth) in an expo."""
    interest.refuse_own_store(
        store.id,
        actor,
        _("Anda anggota toko %(store)s; stan toko sendiri diatur oleh petugas lain.", store=store.name),
        field="store",
    )


def _exhibitor(expo: Expo, store: Store) -> Exhibitor:
    row = db.session.scalar(select(Exhibitor).where(Exhibitor.expo_id == expo.id, Exhibitor.store_id == store.id))
    if row is None:
        raise NotFound(_("Toko ini bukan peserta expo."))
    return row


def update_exhibitor(actor, expo: Expo, store: Store, booth: str, zone: str) -> Exhibitor:
    """Move an exhibitor to another booth or zone."""
    row = _exhibitor(expo, store)
    _not_own_booth(actor, store)
    row.booth = _check_booth(expo, booth, except_store_id=store.id)
    row.zone = _check_zone(expo, zone, store)
    audit.record(actor, "expo.exhibitor_updated", "expo", expo.id, store_id=store.id, booth=row.booth, zone=row.zone)
    return row


def remove_exhibitor(actor, expo: Expo, store: Store) -> None:
    """Take a store out of the expo (the store itself keeps selling)."""
    db.session.delete(_exhibitor(expo, store))
    audit.record(actor, "expo.exhibitor_removed", "expo", expo.id, store_id=store.id)


def exhibitors_for_console(expo: Expo) -> list[Exhibitor]:
    """Every exhibitor with its store loaded, whatever the store's status, by booth."""
    return list(
        db.session.scalars(
            select(Exhibitor)
            .join(Exhibitor.store)
            .options(contains_eager(Exhibitor.store))
            .where(Exhibitor.expo_id == expo.id)
            .order_by(Exhibitor.zone, Exhibitor.booth, Exhibitor.id)
        )
    )


def exhibitions_of(store: Store) -> list[tuple[Expo, Exhibitor]]:
    """The expos a store exhibits in, with its booth, newest first (one statement)."""
    rows = db.session.execute(
        select(Expo, Exhibitor)
        .join(Exhibitor, Exhibitor.expo_id == Expo.id)
        .where(Exhibitor.store_id == store.id)
        .order_by(Expo.starts_at.desc())
    ).all()
    return [(row[0], row[1]) for row in rows]


def exhibiting_now(store_id_column, at: datetime | None = None):
    """An SQL EXISTS that is true when the store of ``store_id_column`` exhibits in a
    running expo: lets another domain's query carry the expo badge without a statement of its own.
    ``at`` may be a bound parameter (a statement built once)."""
    if at is None:
        at = now()
    return (
        select(Exhibitor.id)
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(Exhibitor.store_id == store_id_column, Expo.starts_at <= at, Expo.ends_at >= at)
        .exists()
    )


def exhibitor_store_ids(expo_slug: str) -> list[int]:
    expo = get_expo(expo_slug)
    return list(
        db.session.scalars(select(Exhibitor.store_id).where(Exhibitor.expo_id == expo.id).order_by(Exhibitor.rank))
    )


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
