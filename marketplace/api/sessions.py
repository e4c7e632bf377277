"""API endpoints of an expo's programme: ``GET/POST /expos/<slug>/sessions`` and one session.

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its routes to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from dataclasses import fields, replace

from flask import url_for

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.expo import programme
from marketplace.expo.services import get_expo

__all__ = ["bp"]

_FIELDS = tuple(f.name for f in fields(programme.SessionInput))


def session_json(expo, session) -> dict:
    return {
        "id": session.id,
        "kind": session.kind,
        "title": session.title,
        "description": session.description,
        "speaker": session.speaker,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "zone": session.zone,
        "booth": session.exhibitor.booth if session.exhibitor is not None else "",
        "video_url": session.video_url,
        "ics_url": url_for("agenda.session_ics", slug=expo.slug, session_id=session.id, _external=True),
    }


def _input(base: programme.SessionInput) -> programme.SessionInput:
    """The body's fields over ``base``: times without an offset are WIB."""
    data = json_body()
    data.texts(*_FIELDS)  # 422 naming each that is not text
    present = {name: data.text(name) for name in _FIELDS if data.get(name) is not None}
    return replace(base, **present)


@bp.get("/expos/<slug>/sessions")
def list_sessions(slug: str):
    """The expo's programme in time order. :raise 404: unknown expo."""
    expo = get_expo(slug)
    return {"items": [session_json(expo, s) for s in programme.sessions_of(expo)]}


@bp.post("/expos/<slug>/sessions")
@auth_required("agency")
def add_session(slug: str):
    """Add a session: {"kind", "title", "starts_at", "ends_at", "description"?, "speaker"?, "zone"?,
    "booth"?, "video_url"?}. 201. :raise 404: unknown expo. :raise 422: bad fields."""
    expo = get_expo(slug)
    data = _input(programme.SessionInput())
    with committing():
        row = programme.add_session(current_api_user(), expo, data)
    return session_json(expo, programme.get_session(expo, row.id)), 201


@bp.patch("/expos/<slug>/sessions/<int:session_id>")
@auth_required("agency")
def update_session(slug: str, session_id: int):
    """Change the fields given of a session. :raise 404: unknown expo or session. :raise 422: bad fields."""
    expo = get_expo(slug)
    row = programme.get_session(expo, session_id)
    data = _input(programme.session_input(row))
    with committing():
        programme.update_session(current_api_user(), expo, row, data)
    return session_json(expo, programme.get_session(expo, session_id))


@bp.delete("/expos/<slug>/sessions/<int:session_id>")
@auth_required("agency")
def delete_session(slug: str, session_id: int):
    """Remove a session. 204. :raise 404: unknown expo or session."""
    expo = get_expo(slug)
    row = programme.get_session(expo, session_id)
    with committing():
        programme.delete_session(current_api_user(), expo, row)
    return "", 204
