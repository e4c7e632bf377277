"""The user's notice settings: opt in to WhatsApp notices with a number, or opt out."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("notice_prefs", __name__, template_folder="templates")
