"""The expo programme's paths and schemas: an expo's sessions (marketplace/api/sessions.py)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATETIME,
    ID,
    STRING,
    answer,
    body,
    items_of,
    obj,
    operation,
    path_param,
    ref,
    text,
)
from marketplace.expo.models import SESSION_KINDS

EXPO_SLUG = path_param("slug", description="the expo's slug")
SESSION_ID = path_param("session_id", ID, "the session's id")
_WHEN = "ISO date-time; without an offset it is Asia/Jakarta time (WIB)"


def session_paths() -> dict:
    """The programme of an expo: list and add, change and remove one session."""
    return {
        "/expos/{slug}/sessions": {
            "get": operation(
                "listExpoSessions",
                "The sessions of an expo's programme, in time order",
                "expo",
                {"200": answer("The sessions.", items_of(ref("ExpoSession")))},
                params=[EXPO_SLUG],
                errors=("404",),
            ),
            "post": operation(
                "addExpoSession",
                "Add a session to an expo's programme",
                "expo",
                {"201": answer("The session.", ref("ExpoSession"))},
                auth="agency",
                params=[EXPO_SLUG],
                request=body(ref("ExpoSessionInput")),
                errors=("404",),
                description="A session starts at the earliest at 00.00 WIB the day before the expo opens and ends "
                "by its close; 422 names each wrong field.",
            ),
        },
        "/expos/{slug}/sessions/{session_id}": {
            "patch": operation(
                "updateExpoSession",
                "Change the fields given of a session",
                "expo",
                {"200": answer("The session.", ref("ExpoSession"))},
                auth="agency",
                params=[EXPO_SLUG, SESSION_ID],
                request=body(ref("ExpoSessionPatch")),
                errors=("404",),
            ),
            "delete": operation(
                "deleteExpoSession",
                "Remove a session from the programme",
                "expo",
                {"204": answer("Removed.")},
                auth="agency",
                params=[EXPO_SLUG, SESSION_ID],
                errors=("404",),
            ),
        },
    }


def _fields() -> dict:
    return {
        "kind": {"enum": list(SESSION_KINDS)},
        "title": text(160),
        "description": text(5000, required=False),
        "speaker": text(160, required=False),
        "starts_at": {"type": "string", "description": _WHEN, "examples": ["2026-12-01T10:00"]},
        "ends_at": {"type": "string", "description": "as starts_at; after it", "examples": ["2026-12-01T11:00"]},
        "zone": {"type": "string", "description": "a zone slug of the expo; empty: none"},
        "booth": {"type": "string", "description": "a booth of the expo; empty: not at a booth"},
        "video_url": {
            "type": "string",
            "description": "YouTube (youtube.com/watch?v=, youtu.be/, youtube.com/live/) or Facebook video "
            "(facebook.com/.../videos/..., fb.watch/); empty: none",
        },
    }


def session_schemas() -> dict:
    """A session as answered, and what adding or changing one takes."""
    return {
        "ExpoSession": obj(
            {
                "id": ID,
                "kind": {"enum": list(SESSION_KINDS)},
                "title": STRING,
                "description": STRING,
                "speaker": STRING,
                "starts_at": DATETIME,
                "ends_at": DATETIME,
                "zone": STRING,
                "booth": STRING,
                "video_url": {"type": "string", "description": "the canonical address; empty: none"},
                "ics_url": {"type": "string", "format": "uri", "description": "the session as a calendar file"},
            },
            ["id", "kind", "title", "starts_at", "ends_at", "ics_url"],
        ),
        "ExpoSessionInput": obj(_fields(), ["kind", "title", "starts_at", "ends_at"]),
        "ExpoSessionPatch": obj(_fields()),
    }
