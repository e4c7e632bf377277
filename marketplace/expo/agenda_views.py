"""The expo's programme for visitors: ``/expo/<slug>/agenda``, ``agenda.ics`` and one ``.ics``
per session (added to a phone's calendar)."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, Response, render_template, request, url_for
from icalendar import Calendar, Event

from marketplace import pagecache
from marketplace.clock import now
from marketplace.expo import programme, queries
from marketplace.expo.services import get_expo

bp = Blueprint("agenda", __name__, template_folder="templates")


@bp.app_template_global("video_embed")
def video_embed(url: str | None):
    """The embed of a video address for the ``video_player`` macro (expo/_video.html)."""
    return programme.video_embed(url)


@bp.get("/expo/<slug>/agenda")
@pagecache.cached(narrow=True)
def agenda(slug: str):
    """The expo's programme by WIB day, with what is on now. :raise 404: unknown expo."""
    expo = queries.expo_with_zones(slug)
    days = programme.programme(expo)
    at = now()
    rows = [s for _day, day_rows in days for s in day_rows]
    state = programme.now_and_next(expo, at, sessions=rows)
    pagecache.expires_at(state.changes_at)  # "Sedang berlangsung" moves with the clock
    zones = {z.slug: z.name for z in expo.zones}
    videos = {s.id: programme.allow_video(s.video_url) for s in rows if s.video_url}
    return render_template(
        "expo/agenda.html",
        expo=expo,
        days=days,
        on_now={s.id for s in state.on_now},
        places={s.id: programme.place_of(expo, s, zones) for s in rows},
        videos=videos,
        kinds=programme.KIND_LABELS,
    )


def _event(expo, session, zones: dict[str, str]) -> Event:
    page = url_for("agenda.agenda", slug=expo.slug, _external=True) + f"#sesi-{session.id}"
    text, link = programme.place_of(expo, session, zones)
    event = Event()
    event.add("uid", f"expo-session-{session.id}@{request.host.split(':')[0]}")
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.title)
    lines = [session.speaker, session.description, page]
    event.add("description", "\n\n".join(line for line in lines if line))
    location = text or url_for("expo.hall", slug=expo.slug, _external=True)
    if link:
        location = f"{expo.name}, {text}"
    event.add("location", location)
    event.add("url", page)
    return event


def _calendar(expo, sessions, filename: str) -> Response:
    zones = programme.zone_names(expo)
    calendar = Calendar()
    calendar.add("prodid", "-//Apik Market//Agenda expo//ID")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", expo.name)
    for session in sessions:
        calendar.add_component(_event(expo, session, zones))
    response = Response(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/expo/<slug>/agenda.ics")
def agenda_ics(slug: str):
    """Every session of the expo as one calendar file. :raise 404: unknown expo."""
    expo = get_expo(slug)
    return _calendar(expo, programme.sessions_of(expo), f"agenda-{expo.slug}.ics")


@bp.get("/expo/<slug>/sessions/<int:session_id>.ics")
def session_ics(slug: str, session_id: int):
    """One session as a calendar file. :raise 404: unknown expo or session."""
    expo = get_expo(slug)
    session = programme.get_session(expo, session_id)
    return _calendar(expo, [session], f"sesi-{session.id}.ics")
