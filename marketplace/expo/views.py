"""The public expo hall: dates, state, and the exhibitors by zone."""
from __future__ import annotations

from itertools import groupby

from flask import Blueprint, render_template
from flask_babel import format_timedelta

from marketplace.catalog.sectors import SECTORS, sector_name
from marketplace.clock import now
from marketplace.expo import queries
from marketplace.expo.services import expo_state, get_expo

bp = Blueprint("expo", __name__, template_folder="templates")


def _zones(exhibitors: list) -> list[tuple[str, list]]:
    """Exhibitors grouped by zone; zones named after sectors come in the sectors' order."""
    order = {slug: i for i, slug in enumerate(SECTORS)}
    grouped = [(zone, list(rows)) for zone, rows in groupby(exhibitors, key=lambda e: e.zone)]
    grouped.sort(key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [(sector_name(zone) if zone else "", rows) for zone, rows in grouped]


@bp.get("/expo/<slug>")
def hall(slug: str):
    """An expo's hall: its state, dates and booths. :raise 404: unknown expo."""
    expo = get_expo(slug)
    state = expo_state(expo)
    opens_in = format_timedelta(expo.starts_at - now(), granularity="minute", add_direction=True) \
        if state == "upcoming" else None
    return render_template("expo/hall.html", expo=expo, state=state, opens_in=opens_in,
                           zones=_zones(queries.exhibitors(expo)))
