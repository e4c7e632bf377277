"""The public expo hall: banner, dates, state, and the booths zone by zone."""

from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, render_template
from flask_babel import format_timedelta
from markupsafe import Markup, escape

from marketplace import pagecache
from marketplace.catalog.cardcache import page_variant
from marketplace.catalog.sectors import sector_choices
from marketplace.clock import now
from marketplace.expo import programme, queries
from marketplace.expo.links import booth_url
from marketplace.expo.queries import HallZone as HallZone
from marketplace.expo.queries import hall_zones
from marketplace.expo.services import expo_state, next_change
from marketplace.i18n import gettext as _
from marketplace.media import media_url

bp = Blueprint("expo", __name__, template_folder="templates")


@bp.app_template_global()
def expo_live_store_ids() -> frozenset[int]:
    """Stores exhibiting in a running expo (one statement per request): the expo badge."""
    return queries.live_exhibitor_ids()


@bp.get("/expo/<slug>")
@pagecache.cached(narrow=True)
def hall(slug: str):
    """An expo's hall: its state, dates and booths by zone. :raise 404: unknown expo."""
    expo = queries.expo_with_zones(slug)
    state = expo_state(expo)
    pagecache.expires_at(next_change(expo))
    if state == "upcoming":
        pagecache.expires_within(60)  # "opens in 3 minutes"
    opens_in = (
        format_timedelta(expo.starts_at - now(), granularity="minute", add_direction=True)
        if state == "upcoming"
        else None
    )
    booth_list = pagecache.memo(
        ("expo-hall-booths", expo.id, *page_variant()),
        lambda: _booth_list(expo),
        depends=(),  # exhibitors, stores and zones: a write to one replaces the generations
        size=lambda value: len(value.html) + 256,
    )
    on_stage = programme.now_and_next(expo)  # the "Sedang berlangsung" strip
    pagecache.expires_at(on_stage.changes_at)
    zone_names = {z.slug: z.name for z in expo.zones}
    return render_template(
        "expo/hall.html",
        expo=expo,
        state=state,
        opens_in=opens_in,
        booth_list=booth_list,
        on_stage=on_stage,
        stage_places={s.id: programme.place_of(expo, s, zone_names) for s in [*on_stage.on_now, on_stage.next] if s},
    )


class BoothList(NamedTuple):
    """The hall's booths zone by zone as HTML, and how many booths and zones it shows."""

    html: Markup
    booths: int
    zones: int


def _booth_list(expo) -> BoothList:
    """The booths rendered: the same for every visitor until an exhibitor, a store or a zone
    changes, and two thirds of the hall's render (200 booths: loading, links, escaping)."""
    zones = hall_zones(expo, queries.hall_booths(expo))
    for zone in zones:
        zone.exhibitors = _entries(expo.slug, zone.exhibitors)
    html = Markup(render_template("expo/_hall_zones.html", zones=zones))
    return BoothList(html, sum(len(z.exhibitors) for z in zones), len(zones))


class BoothEntry(NamedTuple):
    """A booth as the hall lists it, its link, label, logo and sector made here once per booth:
    four template calls per booth (url_for, gettext, media_url, the sector's name) were half of
    the hall's render with its hundreds of booths."""

    href: str | None
    label: str
    logo: str
    store_name: str
    sector: str
    city: str


def _entries(expo_slug: str, booths: list[queries.HallBooth]) -> list[BoothEntry]:
    # without variables flask_babel returns the translation unformatted: "%(n)s" is filled for
    # each booth as the template's _("Stan %(n)s", n=...) did (Markup's %: the number escaped)
    stan = _("Stan %(n)s")
    sectors = dict(sector_choices())  # what sector_name() answers, looked up once
    no_logo = media_url(None, 200)
    return [
        BoothEntry(
            booth_url(expo_slug, b.booth, b.store_slug),
            Markup(stan % {"n": escape(b.booth)}) if b.booth else "",
            media_url(b.store_logo, 200) if b.store_logo else no_logo,
            b.store_name,
            sectors.get(b.store_sector, b.store_sector),
            b.store_city,
        )
        for b in booths
    ]
