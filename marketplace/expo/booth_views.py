"""A booth's page in the expo: ``/expo/<slug>/booths/<booth>``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("booth", __name__, template_folder="templates")
