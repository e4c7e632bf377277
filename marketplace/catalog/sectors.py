"""The seven sectors of ESMART.md (slugs are part of CONTRACT.md) and the
five zones of the Apik Banget Virtual Expo they group into."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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


def sector_name(slug: str) -> str:
    return str(SECTORS.get(slug, slug))


def sector_choices() -> list[tuple[str, str]]:
    return [(slug, str(name)) for slug, name in SECTORS.items()]
