"""The expo's programme for visitors: ``/expo/<slug>/agenda``, ``agenda.ics`` and one ``.ics``
per session (added to a phone's calendar)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agenda", __name__, template_folder="templates")
