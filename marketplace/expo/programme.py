"""An expo's programme: its sessions, what is on now and next, and the sessions held at a booth.

Times are typed in WIB and stored in UTC. A session lies within the expo: it may start on the
day before the opening (from 00.00 WIB: a press briefing, a rehearsed opening) and must end by
the expo's close. Its video is a YouTube or Facebook address (:func:`video_embed`), played in a
frame the page allows for this response only (:func:`allow_video`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from itertools import groupby
from urllib.parse import parse_qs, quote, urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from marketplace import audit, security
from marketplace.clock import JAKARTA, now, to_jakarta
from marketplace.errors import NotFound, ValidationError
from marketplace.expo import links
from marketplace.expo.models import SESSION_KINDS, Exhibitor, Expo, ExpoSession, ExpoZone
from marketplace.extensions import db
from marketplace.i18n import gettext as _

KIND_LABELS = {
    "opening": _l("Pembukaan"),
    "talk": _l("Talk show"),
    "demo": _l("Demo masak"),
    "launch": _l("Peluncuran produk"),
    "handover": _l("Penyerahan polis/bantuan"),
    "other": _l("Lainnya"),
}
assert tuple(KIND_LABELS) == SESSION_KINDS

YOUTUBE_FRAME = "https://www.youtube-nocookie.com"
YOUTUBE_POSTER = "https://i.ytimg.com"
FACEBOOK_FRAME = "https://www.facebook.com"
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_FB_WATCH = re.compile(r"^/[A-Za-z0-9_-]{3,40}/?$")
_FB_VIDEO = re.compile(r"^/(?:[^/]+/)?videos/(?:[^/]+/)?[A-Za-z0-9_.-]+/?$")


# --- video addresses ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoEmbed:
    """A video a page may show: the address to link to, the frame's address, its poster
    (``""``: a plain tile) and the origins the page must allow (frame, image)."""

    url: str
    embed_url: str
    poster: str
    provider: str  # "youtube" or "facebook"

    @property
    def frame_origin(self) -> str:
        return YOUTUBE_FRAME if self.provider == "youtube" else FACEBOOK_FRAME

    @property
    def image_origins(self) -> tuple[str, ...]:
        return (YOUTUBE_POSTER,) if self.poster else ()


def _youtube(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        return path.strip("/").split("/")[0]
    if host in ("youtube.com", "m.youtube.com"):
        if path in ("/watch", "/watch/"):
            return (parse_qs(query).get("v") or [""])[0]
        if path.startswith("/live/"):
            return path[len("/live/") :].strip("/")
    return None


def video_embed(url: str | None) -> VideoEmbed | None:
    """The embed of a YouTube (``youtube.com/watch?v=``, ``youtu.be/``, ``youtube.com/live/``) or
    Facebook (``facebook.com/.../videos/...``, ``fb.watch/``) address; None for anything else."""
    text = (url or "").strip()
    if not text or len(text) > 500:
        return None
    try:
        parts = urlsplit(text if "://" in text else "https://" + text)
        if parts.scheme not in ("http", "https") or parts.username or parts.password or parts.port:
            return None
        host = (parts.hostname or "").lower()
    except ValueError:  # a port that is not a number, a broken IPv6 literal
        return None
    host = host[4:] if host.startswith("www.") else host
    video_id = _youtube(host, parts.path, parts.query)
    if video_id is not None:
        if not _YOUTUBE_ID.match(video_id):
            return None
        return VideoEmbed(
            url=f"https://www.youtube.com/watch?v={video_id}",
            embed_url=f"{YOUTUBE_FRAME}/embed/{video_id}",
            poster=f"{YOUTUBE_POSTER}/vi/{video_id}/hqdefault.jpg",
            provider="youtube",
        )
    if (host == "fb.watch" and _FB_WATCH.match(parts.path)) or (
        host in ("facebook.com", "m.facebook.com", "web.facebook.com") and _FB_VIDEO.match(parts.path)
    ):
        canonical = f"https://{'fb.watch' if host == 'fb.watch' else 'www.facebook.com'}{parts.path}"
        return VideoEmbed(
            url=canonical,
            embed_url=f"{FACEBOOK_FRAME}/plugins/video.php?href={quote(canonical, safe='')}",
            poster="",
            provider="facebook",
        )
    return None


def check_video_url(url: str | None, field: str = "video_url") -> str:
    """The video address as stored (its canonical form), ``""`` for none. :raise ValidationError: not a
    YouTube or Facebook video."""
    if not (url or "").strip():
        return ""
    embed = video_embed(url)
    if embed is None:
        raise ValidationError(
            fields={field: _("Tautan video harus dari YouTube (youtube.com/watch?v=…, youtu.be/…) atau Facebook.")}
        )
    return embed.url


def allow_video(url: str | None) -> VideoEmbed | None:
    """Let this response frame the video of ``url`` (and show its poster): the one call a page
    that shows a video makes. Nothing for an empty or unknown address."""
    embed = video_embed(url)
    if embed is not None:
        security.allow_frames_for_this_response(embed.frame_origin, images=embed.image_origins)
    return embed


# --- reading ----------------------------------------------------------------------------------


def place_of(expo: Expo, session: ExpoSession, zones: dict[str, str]) -> tuple[str, str | None]:
    """Where a session is held, as (text, link or None): its booth (linked to the booth page), its
    zone's name (``zones``: slug -> name), or ``""`` (online only). Needs the session's exhibitor loaded."""
    if session.exhibitor is not None and session.exhibitor.booth:
        booth = session.exhibitor.booth
        return _("Stan %(n)s", n=booth), links.booth_url(expo.slug, booth)
    return zones.get(session.zone, session.zone), None


def sessions_at_booth(exhibitor_id: int) -> list[ExpoSession]:
    """The sessions held at this booth, in time order."""
    query = select(ExpoSession).where(ExpoSession.exhibitor_id == exhibitor_id).order_by(ExpoSession.starts_at)
    return list(db.session.scalars(query))


def sessions_of(expo: Expo) -> list[ExpoSession]:
    """The expo's sessions in time order, with their booth's exhibitor (one statement)."""
    return list(db.session.scalars(_sessions_of(), {"expo_id": expo.id}))


@cache
def _sessions_of() -> Select:
    """Built once per process (the hall asks on every render): a statement object remembers its
    SQLAlchemy cache key, a new one is built and traversed again each time."""
    return (
        select(ExpoSession)
        .where(ExpoSession.expo_id == bindparam("expo_id"))
        .options(joinedload(ExpoSession.exhibitor))
        .order_by(ExpoSession.starts_at, ExpoSession.id)
    )


def get_session(expo: Expo, session_id: int) -> ExpoSession:
    query = (
        select(ExpoSession)
        .where(ExpoSession.id == session_id, ExpoSession.expo_id == expo.id)
        .options(joinedload(ExpoSession.exhibitor))
    )
    row = db.session.scalar(query)
    if row is None:
        raise NotFound(_("Sesi tidak ditemukan."))
    return row


def programme(expo: Expo) -> list[tuple[datetime, list[ExpoSession]]]:
    """All sessions grouped by WIB day: ``[(day at 00.00 WIB, sessions)]``, in order."""
    out = []
    for day, rows in groupby(sessions_of(expo), key=lambda s: to_jakarta(s.starts_at).date()):
        out.append((datetime.combine(day, time(0, 0), tzinfo=JAKARTA), list(rows)))
    return out


@dataclass
class NowAndNext:
    on_now: list[ExpoSession]
    next: ExpoSession | None
    changes_at: datetime | None  # when this answer changes: a session on now ends or the next begins


def now_and_next(expo: Expo, at: datetime | None = None, sessions: list[ExpoSession] | None = None) -> NowAndNext:
    """The sessions on at ``at`` (several may overlap) and the next one to start."""
    at = at or now()
    rows = sessions if sessions is not None else sessions_of(expo)
    on_now = [s for s in rows if s.starts_at <= at < s.ends_at]
    upcoming = [s for s in rows if s.starts_at > at]
    following = upcoming[0] if upcoming else None
    moments = [s.ends_at for s in on_now] + [s.starts_at for s in upcoming[:1]]
    return NowAndNext(on_now, following, min(moments) if moments else None)


def is_on(session: ExpoSession, at: datetime | None = None) -> bool:
    at = at or now()
    return session.starts_at <= at < session.ends_at


def zone_names(expo: Expo) -> dict[str, str]:
    return {z.slug: z.name for z in db.session.scalars(select(ExpoZone).where(ExpoZone.expo_id == expo.id))}


def booths_of(expo: Expo) -> list[str]:
    query = select(Exhibitor.booth).where(Exhibitor.expo_id == expo.id, Exhibitor.booth != "").order_by(Exhibitor.booth)
    return list(db.session.scalars(query))


# --- writing ----------------------------------------------------------------------------------


@dataclass
class SessionInput:
    """What the agency types (times as WIB text or aware datetimes; booth is the booth number)."""

    kind: str = "talk"
    title: str = ""
    description: str = ""
    speaker: str = ""
    starts_at: object = None
    ends_at: object = None
    zone: str = ""
    booth: str = ""
    video_url: str = ""


def earliest_start(expo: Expo) -> datetime:
    """Sessions may start from 00.00 WIB on the day before the expo opens."""
    day = to_jakarta(expo.starts_at).date() - timedelta(days=1)
    return datetime.combine(day, time(0, 0), tzinfo=JAKARTA)


def _checked(expo: Expo, data: SessionInput) -> dict:
    from marketplace.expo.services import parse_local_datetime

    errors: dict[str, str] = {}
    values: dict = {}
    kind = (data.kind or "").strip()
    if kind not in SESSION_KINDS:
        errors["kind"] = _("Pilih jenis sesi.")
    values["kind"] = kind
    for name, limit in (("title", 160), ("speaker", 160), ("description", 5000)):
        text = str(getattr(data, name) or "").strip()
        if name == "title" and not text:
            errors[name] = _("Wajib diisi.")
        elif len(text) > limit:
            errors[name] = _("Maksimal %(n)d karakter.", n=limit)
        values[name] = text
    for name in ("starts_at", "ends_at"):
        raw = getattr(data, name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[name] = _("Wajib diisi.")
            continue
        try:
            values[name] = parse_local_datetime(raw, name)
        except ValidationError as exc:
            errors.update(exc.fields)
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and "ends_at" not in errors:
        if ends <= starts:
            errors["ends_at"] = _("Waktu selesai harus setelah waktu mulai.")
        elif starts < earliest_start(expo):
            errors["starts_at"] = _(
                "Sesi paling awal mulai sehari sebelum expo dibuka (%(when)s WIB).",
                when=to_jakarta(earliest_start(expo)).strftime("%d-%m-%Y %H.%M"),
            )
        elif ends > expo.ends_at:
            errors["ends_at"] = _(
                "Sesi harus selesai sebelum expo ditutup (%(when)s WIB).",
                when=to_jakarta(expo.ends_at).strftime("%d-%m-%Y %H.%M"),
            )
    zone = str(data.zone or "").strip()
    if zone and zone not in zone_names(expo):
        errors["zone"] = _("Pilih salah satu zona expo.")
    values["zone"] = zone
    booth = str(data.booth or "").strip()
    values["exhibitor_id"] = None
    if booth:
        exhibitor_id = db.session.scalar(
            select(Exhibitor.id).where(Exhibitor.expo_id == expo.id, Exhibitor.booth == booth)
        )
        if exhibitor_id is None:
            errors["booth"] = _("Stan %(b)s tidak ada di expo ini.", b=booth[:20])
        values["exhibitor_id"] = exhibitor_id
    try:
        values["video_url"] = check_video_url(str(data.video_url or ""))
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(fields=errors)
    return values


def add_session(actor, expo: Expo, data: SessionInput) -> ExpoSession:
    """A new session of the expo's programme. :raise ValidationError: a field is wrong."""
    values = _checked(expo, data)
    row = ExpoSession(expo_id=expo.id, **values)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "expo.session_added", "expo", expo.id, session_id=row.id, title=row.title)
    return row


def update_session(actor, expo: Expo, row: ExpoSession, data: SessionInput) -> ExpoSession:
    """Change a session (every field at once). :raise ValidationError: a field is wrong."""
    values = _checked(expo, data)
    changed = audit.changes(row, values)
    for key, value in values.items():
        setattr(row, key, value)
    audit.record(actor, "expo.session_updated", "expo", expo.id, session_id=row.id, changes=changed)
    return row


def delete_session(actor, expo: Expo, row: ExpoSession) -> None:
    """Remove a session from the programme."""
    audit.record(actor, "expo.session_deleted", "expo", expo.id, session_id=row.id, title=row.title)
    db.session.delete(row)


def session_input(row: ExpoSession) -> SessionInput:
    """A session's values as the form shows them (times in WIB)."""
    return SessionInput(
        kind=row.kind,
        title=row.title,
        description=row.description,
        speaker=row.speaker,
        starts_at=to_jakarta(row.starts_at).strftime("%Y-%m-%dT%H:%M"),
        ends_at=to_jakarta(row.ends_at).strftime("%Y-%m-%dT%H:%M"),
        zone=row.zone,
        booth=row.exhibitor.booth if row.exhibitor else "",
        video_url=row.video_url,
    )
