"""Addresses of booth pages: the one place that builds ``/expo/<slug>/booths/<booth>``."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from marketplace.urls import PATH_SEGMENT_SAFE, remembered_url_for, segment_path_pattern


def booth_key(booth: str, store_slug: str) -> str:
    """The ``<booth>`` of a booth page's URL: the booth number, or the store's slug when the
    exhibitor has none (or one with a "/" that a path segment cannot carry)."""
    booth = (booth or "").strip()
    return booth if booth and "/" not in booth else store_slug


def booth_url(expo_slug: str, booth: str, store_slug: str = "") -> str | None:
    """The booth page of an exhibitor (by its number, else its store's slug); None when it has
    neither (a caller that knows only the number of a booth whose number a URL cannot carry)."""
    key = booth_key(booth, store_slug)
    return remembered_url_for("booth.page", slug=expo_slug, booth=key) if key else None


def booth_urls(expo_slug: str) -> Callable[[str, str], str | None]:
    """:func:`booth_url` for the booths of one expo, the path around the booth's key built once:
    url_for per booth was a sixth of a hall's render with every cache empty (200 booths)."""
    head, tail = segment_path_pattern("booth.page", "booth", slug=expo_slug)

    def url(booth: str, store_slug: str = "") -> str | None:
        key = booth_key(booth, store_slug)
        return f"{head}{quote(key, safe=PATH_SEGMENT_SAFE)}{tail}" if key else None

    return url
