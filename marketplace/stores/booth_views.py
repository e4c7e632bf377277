"""The seller's booth pages: what the store shows in each expo it exhibits in (banner, tagline,
video, pinned products, opening hours). Registered on the stores blueprint."""

from __future__ import annotations

from marketplace.stores.blueprint import bp

__all__ = ["bp"]
