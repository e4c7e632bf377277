"""The seven sectors of ESMART.md (slugs are part of CONTRACT.md) and the
five zones of the Apik Banget Virtual Expo they group into."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from marketplace.i18n import translations

SECTORS: dict[str, object] = {
    "kuliner": _l("Kuliner"),
    "minuman-herbal": _l("Minuman & Herbal"),
    "fesyen": _l("Fesyen & Tekstil"),
    "kriya": _l("Kriya & Kerajinan"),
    "logam-furnitur": _l("Logam & Furnitur"),
    "kosmetik": _l("Kosmetik"),
    "perhiasan": _l("Perhiasan"),
}

DEFAULT_SECTOR = "kriya"


# The sectors' names per translations object (a language of an app), translated once: the expo
# hall names a sector for each of its hundreds of booths, and each lazy string's str() walks
# flask_babel's lookups again (~6 µs).
_NAMES: WeakKeyDictionary = WeakKeyDictionary()


def _names() -> dict[str, str]:
    current = translations()
    names = _NAMES.get(current)
    if names is None:
        names = _NAMES[current] = {slug: str(name) for slug, name in SECTORS.items()}
    return names


def sector_name(slug: str) -> str:
    return _names().get(slug, slug)


def sector_choices() -> list[tuple[str, str]]:
    return list(_names().items())


def category_name(category, english: bool | None = None) -> str:
    """A category's name in the page's language (``english``: when the caller knows it): its
    English name where it has one, else its Indonesian name."""
    if english is None:
        english = str(get_locale()) == "en"
    return category.name_en if english and category.name_en else category.name
