"""The beacon: ``POST /beacon``, one per page view or WhatsApp tap, no cookie, no body back."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("visits", __name__)
