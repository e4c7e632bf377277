"""API endpoints of an expo's programme: ``GET/POST /expos/<slug>/sessions`` and one session.

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its routes to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from marketplace.api.base import bp

__all__ = ["bp"]
