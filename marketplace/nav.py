"""The signed-in header menu and where each role lands after signing in.

Links come from the ``nav_items(user)`` hook (the core's own through the core plugin); each
may name a ``section`` so a phone's menu can group them under headings instead of one long
row that wraps out of the header."""

from __future__ import annotations

from typing import NamedTuple

from flask import url_for
from flask_babel import lazy_gettext as _l

from marketplace.agency.assist import is_officer

# The menu's headings in the order they are shown; a link naming no section, or one not
# listed here, goes under OTHER so a plugin written before sections existed still shows.
SECTIONS = (
    ("shop", _l("Belanja")),
    ("store", _l("Toko")),
    ("agency", _l("Dinas")),
    ("insurer", _l("Asuransi")),
    ("gov", _l("Instansi")),
    ("other", _l("Lainnya")),
    ("account", _l("Akun")),
)
OTHER = "other"


class Section(NamedTuple):
    key: str
    heading: str
    items: list[dict]


def menu_items(user) -> list[dict]:
    """Every ``nav_items(user)`` link that has a url and a label, the core's first."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    from marketplace import plugin_api

    return [
        item
        for item in plugin_api.gather("nav_items", loud=False, user=user)
        if isinstance(item, dict) and item.get("url") and item.get("label")
    ]


def section_of(item: dict) -> str:
    """The item's section key; unknown or missing keys fall back to the generic one."""
    key = item.get("section")
    return key if key in dict(SECTIONS) else OTHER


def group(items: list[dict]) -> list[Section]:
    """The items under their headings, sections in SECTIONS order, items in hook order;
    empty sections are left out except "account", where the template adds sign-out."""
    grouped: dict[str, list[dict]] = {key: [] for key, _heading in SECTIONS}
    for item in items:
        grouped[section_of(item)].append(item)
    return [Section(key, str(heading), grouped[key]) for key, heading in SECTIONS if grouped[key] or key == "account"]


def landing_url(user) -> str | None:
    """Where ``user`` works, for the redirect after signing in when no ``next`` was given:
    officers (and admins) on the agency console, sellers on their stores, an insurer on the
    first link of its insurer section (claims), an office's official on its government buying;
    None for a shopper, who goes back home."""
    from marketplace.gov.officials import official_of

    if is_officer(user):
        return url_for("agency.dashboard")
    if user.has_role("seller"):
        return url_for("stores.dashboard")
    if official_of(user) is not None:
        return url_for("gov.home")
    if user.has_role("insurer"):
        return next((item["url"] for item in menu_items(user) if section_of(item) == "insurer"), None)
    return None
