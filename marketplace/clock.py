"""The one clock of the application.

Everything time-dependent (reservations, expo dates, policy periods, token
expiry) asks this module, so tests can freeze or move time with time-machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return datetime.now(UTC)


def to_jakarta(value: datetime) -> datetime:
    """The same instant shown on a wall clock in Asia/Jakarta (WIB)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(JAKARTA)
