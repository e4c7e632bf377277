"""A booth's page in the expo: ``/expo/<slug>/booths/<booth>``.

HTTP only: expo.booths finds the booth and its products, stores.presence says whether a
seller is online. Cached by the page cache like the hall; "Online" and "Buka sekarang" change
without a write, so the cached page lives one minute at most.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from marketplace import pagecache
from marketplace.catalog.sectors import sector_name
from marketplace.clock import now
from marketplace.expo import booths, links, programme, queries
from marketplace.expo.services import expo_state, next_change
from marketplace.stores import presence

bp = Blueprint("booth", __name__, template_folder="templates")


@bp.get("/expo/<slug>/booths/<booth>")
@pagecache.cached(narrow=True)
def page(slug: str, booth: str):
    """A booth: banner, tagline, video, products (pinned first), opening hours, online, WhatsApp,
    sessions. :raise 404: unknown expo or booth, or a store that is not selling."""
    expo = queries.expo_with_zones(slug)
    exhibitor = booths.booth_for(expo, booth)
    store = exhibitor.store
    key = booths.booth_key(exhibitor.booth, store.slug)
    if key != booth:  # "k-01" or the store's slug of a numbered booth: one address per booth
        return redirect(url_for(".page", slug=expo.slug, booth=key), 301)
    at = now()
    pagecache.expires_at(next_change(expo))
    pagecache.expires_within(60)
    zone = next((z for z in expo.zones if z.slug == exhibitor.zone), None)
    return render_template(
        "expo/booth.html",
        expo=expo,
        state=expo_state(expo, at),
        exhibitor=exhibitor,
        store=store,
        zone_name=zone.name if zone else sector_name(exhibitor.zone) if exhibitor.zone else "",
        zone_url=url_for("expo.hall", slug=expo.slug) + "#" + queries.zone_anchor(exhibitor.zone),
        products=booths.booth_products(exhibitor),
        hours=booths.hours_rows(exhibitor.hours),
        is_open=booths.open_now(exhibitor.hours, at),
        has_hours=bool(exhibitor.hours),
        online=presence.online(store.id, at),
        sessions=programme.sessions_at_booth(exhibitor.id),
        video=programme.allow_video(exhibitor.video_url),
    )


# the hall's cards, the storefront and the seller's pages link to booths with this
bp.add_app_template_global(links.booth_url, "booth_url")
