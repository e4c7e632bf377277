"""The agency's programme pages of an expo: add, change and remove sessions. Registered on the
agency blueprint."""

from __future__ import annotations

from marketplace.agency import bp

__all__ = ["bp"]
