"""The agency's expo funnel: visitors, WhatsApp taps, carts and orders per booth and zone,
during and after the expo. Registered on the agency blueprint."""

from __future__ import annotations

from marketplace.agency import bp

__all__ = ["bp"]
