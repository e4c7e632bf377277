"""A store's booth in an expo: what its page shows (banner, tagline, video, pinned products,
opening hours) and how its members change it. One rule in one place: the public booth page,
the seller's booth editor and any later API call these functions.

A booth is reached by its number (``K-01``, any case); an exhibitor without a number (or with
one a URL cannot carry) by its store's slug: :func:`booth_key` is the one place that says which,
for the hall, the storefront and the seller's pages alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, delete, func, select

from marketplace import audit, pagecache, pagecache_tags
from marketplace.catalog.models import Product
from marketplace.clock import now, to_jakarta
from marketplace.errors import NotFound, ValidationError
from marketplace.expo.links import booth_key as booth_key
from marketplace.expo.models import Exhibitor, ExhibitorPin, Expo
from marketplace.expo.programme import check_video_url
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store

MAX_PINS = 6
TAGLINE_MAX = 160
VIDEO_URL_MAX = 500
WEEKDAYS = ("1", "2", "3", "4", "5", "6", "7")  # ISO: Monday is 1
DAY_NAMES = {
    "1": _l("Senin"),
    "2": _l("Selasa"),
    "3": _l("Rabu"),
    "4": _l("Kamis"),
    "5": _l("Jumat"),
    "6": _l("Sabtu"),
    "7": _l("Minggu"),
}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# the hosts a booth video may come from (YouTube or Facebook, live or recorded)
VIDEO_HOSTS = (
    "youtube.com",
    "www.youtube.com",
    "m.youtube.com",
    "youtu.be",
    "facebook.com",
    "www.facebook.com",
    "m.facebook.com",
    "web.facebook.com",
    "fb.watch",
)


# --- where a booth is --------------------------------------------------------------------------


def booth_for(expo: Expo, booth: str) -> Exhibitor:
    """The exhibitor at ``booth`` (its number in any case, else its store's slug), with its store
    loaded, in one statement. :raise NotFound: no such booth, or its store is not selling."""
    key = (booth or "").strip()
    rows = db.session.execute(
        select(Exhibitor, Store)
        .join(Store, Store.id == Exhibitor.store_id)
        .where(
            Exhibitor.expo_id == expo.id,
            Store.status == "approved",
            (func.lower(Exhibitor.booth) == key.lower()) | (Store.slug == key),
        )
    ).all()
    if not key or not rows:
        raise NotFound(_("Stan tidak ditemukan."))
    by_number = [row for row in rows if row[0].booth.lower() == key.lower()]
    exhibitor, store = (by_number or rows)[0]
    exhibitor.store = store
    return exhibitor


def exhibitor_of(expo_slug: str, store: Store) -> Exhibitor:
    """The store's exhibitor row in the expo, the expo loaded (one statement).
    :raise NotFound: unknown expo, or the store does not exhibit there."""
    row = db.session.execute(
        select(Exhibitor, Expo)
        .join(Expo, Expo.id == Exhibitor.expo_id)
        .where(Expo.slug == expo_slug, Exhibitor.store_id == store.id)
    ).first()
    if row is None:
        raise NotFound(_("Toko ini bukan peserta expo tersebut."))
    exhibitor, expo = row
    exhibitor.expo = expo
    exhibitor.store = store
    return exhibitor


@dataclass
class StoreBooth:
    """One expo a store exhibits in, as the storefront and the seller's booth list show it."""

    expo: Expo
    exhibitor: Exhibitor
    state: str  # upcoming | live | ended
    key: str  # the <booth> of the booth page's URL


def booths_of(store: Store, at: datetime | None = None) -> list[StoreBooth]:
    """The store's booths, live ones first, then upcoming, then ended (one statement)."""
    at = at or now()
    rows = db.session.execute(_booths_of(), {"store_id": store.id}).all()
    order = {"live": 0, "upcoming": 1, "ended": 2}
    booths = [StoreBooth(expo, ex, _state(expo, at), booth_key(ex.booth, store.slug)) for expo, ex in rows]
    return sorted(booths, key=lambda b: order[b.state])


@cache
def _booths_of() -> Select:
    """Built once per process (every storefront asks): a statement object remembers its
    SQLAlchemy cache key, a new one is built and traversed again each time."""
    return (
        select(Expo, Exhibitor)
        .join(Exhibitor, Exhibitor.expo_id == Expo.id)
        .where(Exhibitor.store_id == bindparam("store_id"))
        .order_by(Expo.starts_at.desc(), Expo.id)
    )


def _state(expo: Expo, at: datetime) -> str:
    if at < expo.starts_at:
        return "upcoming"
    return "live" if at <= expo.ends_at else "ended"


# --- opening hours -----------------------------------------------------------------------------


def open_now(hours: dict | None, at: datetime | None = None) -> bool:
    """Whether the booth is open at ``at`` (now by default), read in WIB: the day's row
    ``["08:00", "20:00"]`` includes its opening minute and excludes its closing one."""
    local = to_jakarta(at or now())
    day = (hours or {}).get(str(local.isoweekday()))
    if not day or len(day) != 2:
        return False
    return str(day[0]) <= local.strftime("%H:%M") < str(day[1])


@dataclass
class HoursRow:
    day: str  # ISO weekday "1".."7"
    name: str
    opens: str  # "" when closed
    closes: str

    @property
    def closed(self) -> bool:
        return not self.opens


def hours_rows(hours: dict | None) -> list[HoursRow]:
    """The seven days in order, Monday first, each open from-to or closed."""
    hours = hours or {}
    rows = []
    for day in WEEKDAYS:
        span = hours.get(day) or ["", ""]
        rows.append(HoursRow(day, str(DAY_NAMES[day]), str(span[0]), str(span[1])))
    return rows


def parse_hours(raw: dict) -> tuple[dict, dict[str, str]]:
    """``{"1": {"closed": bool, "open": "08:00", "close": "20:00"}, ...}`` (days missing are
    closed) to the stored shape ``{"1": ["08:00", "20:00"]}``, and the errors by field name
    (``hours_1_open``, ``hours_1_close``)."""
    hours: dict = {}
    errors: dict[str, str] = {}
    for day in WEEKDAYS:
        row = raw.get(day) or {}
        if row.get("closed", True):
            continue
        opens, closes = str(row.get("open") or "").strip(), str(row.get("close") or "").strip()
        ok = True
        for name, value in (("open", opens), ("close", closes)):
            if not _TIME.match(value):
                errors[f"hours_{day}_{name}"] = _("Isi jam dengan format JJ:MM, misalnya 08:00.")
                ok = False
        if ok and closes <= opens:
            errors[f"hours_{day}_close"] = _("Jam tutup harus sesudah jam buka.")
            ok = False
        if ok:
            hours[day] = [opens, closes]
    return hours, errors


# --- the video ---------------------------------------------------------------------------------


# --- changes by the store's members ------------------------------------------------------------


def _check_pins(exhibitor: Exhibitor, product_ids: list) -> tuple[list[int], str | None]:
    """The products to pin in order (duplicates and blanks dropped), or an error."""
    ids: list[int] = []
    for raw in product_ids:
        if raw in (None, ""):
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return [], _("Pilih produk dari daftar.")
        if not 0 < value < 2**31:  # an id a database column holds
            return [], _("Pilih produk dari daftar.")
        if value not in ids:
            ids.append(value)
    if len(ids) > MAX_PINS:
        return [], _("Paling banyak %(n)d produk unggulan.", n=MAX_PINS)
    if ids:
        own = set(
            db.session.scalars(
                select(Product.id).where(
                    Product.id.in_(ids), Product.store_id == exhibitor.store_id, Product.status == "active"
                )
            )
        )
        if own != set(ids):
            return [], _("Hanya produk aktif toko ini yang bisa diunggulkan.")
    return ids, None


def update_booth(
    exhibitor: Exhibitor,
    actor,
    tagline: str,
    video_url: str,
    hours: dict,
    pins: list | None = None,
) -> Exhibitor:
    """Change the booth's tagline, video, opening hours (the raw shape of :func:`parse_hours`)
    and, when ``pins`` is given, its pinned products; all or nothing.
    :raise ValidationError: every bad field at once, nothing changed."""
    errors: dict[str, str] = {}
    tagline = " ".join((tagline or "").split())
    if len(tagline) > TAGLINE_MAX:
        errors["tagline"] = _("Slogan maksimal %(n)d karakter.", n=TAGLINE_MAX)
    try:
        video_url = check_video_url(video_url)
    except ValidationError as exc:
        errors.update(exc.fields)
    parsed, hour_errors = parse_hours(hours or {})
    errors.update(hour_errors)
    pin_ids: list[int] = []
    if pins is not None:
        pin_ids, pin_error = _check_pins(exhibitor, pins)
        if pin_error:
            errors["pins"] = pin_error
    if errors:
        raise ValidationError(_("Periksa kembali isian yang ditandai."), fields=errors)
    changed = audit.changes(exhibitor, {"tagline": tagline, "video_url": video_url, "hours": parsed})
    exhibitor.tagline, exhibitor.video_url, exhibitor.hours = tagline, video_url, parsed
    audit.record(
        actor,
        "expo.booth_updated",
        "store",
        exhibitor.store_id,
        store_id=exhibitor.store_id,
        expo_id=exhibitor.expo_id,
        changes=changed,
    )
    if pins is not None:
        _write_pins(exhibitor, actor, pin_ids)
    return exhibitor


def set_pins(exhibitor: Exhibitor, actor, product_ids: list) -> list[int]:
    """Pin up to six of the store's active products to the booth, in this order.
    :raise ValidationError(pins): another store's product, an inactive one, or too many."""
    ids, error = _check_pins(exhibitor, product_ids)
    if error:
        raise ValidationError(error, fields={"pins": error})
    _write_pins(exhibitor, actor, ids)
    return ids


def _write_pins(exhibitor: Exhibitor, actor, ids: list[int]) -> None:
    if ids == pinned_ids(exhibitor.id):
        return
    db.session.execute(delete(ExhibitorPin).where(ExhibitorPin.exhibitor_id == exhibitor.id))
    db.session.add_all(ExhibitorPin(exhibitor_id=exhibitor.id, product_id=pid, position=i) for i, pid in enumerate(ids))
    db.session.flush()
    audit.record(
        actor,
        "expo.booth_pins_set",
        "store",
        exhibitor.store_id,
        store_id=exhibitor.store_id,
        expo_id=exhibitor.expo_id,
        products=ids,
    )


def pinned_ids(exhibitor_id: int) -> list[int]:
    """The pinned products' ids in order."""
    return list(
        db.session.scalars(
            select(ExhibitorPin.product_id)
            .where(ExhibitorPin.exhibitor_id == exhibitor_id)
            .order_by(ExhibitorPin.position, ExhibitorPin.product_id)
        )
    )


def set_banner(exhibitor: Exhibitor, actor, stream) -> Exhibitor:
    """Replace the booth's banner (verified, cleaned and resized by media.save_image, with the
    same checks and limits as the expo's banner and the store's logo)."""
    from marketplace import media
    from marketplace.accounts.services import require_confirmed_email

    require_confirmed_email(actor)
    stored = media.save_image(stream, "banners", field="banner")
    old, exhibitor.banner = exhibitor.banner, stored.path
    media.delete_image(old)
    audit.record(
        actor,
        "expo.booth_banner_changed",
        "store",
        exhibitor.store_id,
        store_id=exhibitor.store_id,
        expo_id=exhibitor.expo_id,
    )
    return exhibitor


# --- what the booth page shows -----------------------------------------------------------------

BOOTH_PRODUCTS = 24


def booth_products(exhibitor: Exhibitor, limit: int = BOOTH_PRODUCTS) -> list:
    """The store's listed products as grid cards, its pinned ones first in their order, then the
    newest (one statement, over the listing rows); a pinned card has ``extra["pinned"]``."""
    from marketplace.catalog.models import ProductListing
    from marketplace.catalog.queries import cards, listing_select

    pagecache.depends_on(pagecache_tags.store(exhibitor.store_id))  # the store's newest, whichever they are
    pin = (
        select(ExhibitorPin.product_id, ExhibitorPin.position)
        .where(ExhibitorPin.exhibitor_id == exhibitor.id)
        .subquery()
    )
    rows = db.session.execute(
        listing_select(with_total=False)
        .add_columns(pin.c.position.label("pin_position"))
        .outerjoin(pin, pin.c.product_id == ProductListing.product_id)
        .where(ProductListing.store_id == exhibitor.store_id)
        .order_by(
            pin.c.position.is_(None), pin.c.position, ProductListing.created_at.desc(), ProductListing.product_id.desc()
        )
        .limit(limit)
    ).all()
    items = cards(rows)
    for card, row in zip(items, rows, strict=True):
        if row.pin_position is not None:
            card.extra["pinned"] = True
    return items


def pin_choices(store_id: int) -> list[tuple[int, str]]:
    """The store's active products a booth may pin, ``(id, name)`` by name (one statement)."""
    rows = db.session.execute(
        select(Product.id, Product.name)
        .where(Product.store_id == store_id, Product.status == "active")
        .order_by(Product.name, Product.id)
    ).all()
    return [(row[0], row[1]) for row in rows]
