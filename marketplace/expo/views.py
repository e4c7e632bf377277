"""The public expo hall: banner, dates, state, and the booths zone by zone."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import NamedTuple

from flask import Blueprint, render_template
from flask_babel import format_timedelta
from markupsafe import Markup

from marketplace import pagecache
from marketplace.catalog.cardcache import page_variant
from marketplace.catalog.sectors import sector_choices
from marketplace.clock import now
from marketplace.expo import programme, queries
from marketplace.expo.links import booth_urls
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
    booth_html = _booth_html(expo.slug)
    shown = [(zone, len(zone.exhibitors), Markup("".join(map(booth_html, zone.exhibitors)))) for zone in zones]
    page = Markup(render_template("expo/_hall_zones.html", zones=shown))
    return BoothList(page, sum(n for _zone, n, _html in shown), len(zones))


# A booth as the hall lists it, filled in plain Python as the product cards are
# (catalog/cardcache.py): as a loop of the template, with a link, a label, a logo and a sector
# looked up for each, a booth cost ~14 µs (now ~5), 2.8 ms of a hall of 200 with every cache empty.
# The blank space is the template loop's, so the page did not change.
BOOTH = (
    '\n      <li><a href="{href}">\n'
    '        <span class="booth">{label}</span>\n'
    '        <img src="{logo}" alt="" width="48" height="48" loading="lazy">\n'
    '        <span><b>{name}</b><br><span class="meta">{meta}</span></span>\n'
    "      </a></li>\n      "
)


def _booth_html(expo_slug: str) -> Callable[[queries.HallBooth], str]:
    """A booth's ``<li>`` (``BOOTH``), what every booth shares made once. Each value is escaped
    by the standard library's ``html.escape``: markupsafe's ``escape`` wraps each in a new Markup
    (0.8 µs against 0.3), and a booth has six."""
    url = booth_urls(expo_slug)
    # "Stan %(n)s" filled with a marker once, as the template's _("Stan %(n)s", n=...) fills it
    # (the translation is markup, the number escaped): then each booth's number replaces it
    stan = str(Markup(_("Stan %(n)s")) % {"n": Markup(_MARK)})
    sectors = {slug: html.escape(name) for slug, name in sector_choices()}  # what sector_name() answers
    no_logo = html.escape(media_url(None, 200))

    def booth(b: queries.HallBooth) -> str:
        sector = sectors.get(b.store_sector) or html.escape(b.store_sector)
        return BOOTH.format(
            href=html.escape(url(b.booth, b.store_slug) or ""),
            label=stan.replace(_MARK, html.escape(b.booth)) if b.booth else "",
            logo=html.escape(media_url(b.store_logo, 200)) if b.store_logo else no_logo,
            name=html.escape(b.store_name),
            meta=f"{sector} · {html.escape(b.store_city)}" if b.store_city else sector,
        )

    return booth


_MARK = "\x00"  # in no translation; a booth number that held it would only be put in, not replaced
