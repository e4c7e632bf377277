"""API endpoints of expos: read one (anyone), create one and add exhibitors (agency)."""

from __future__ import annotations

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.errors import ValidationError
from marketplace.expo import queries
from marketplace.expo import services as expos
from marketplace.expo.services import expo_state
from marketplace.i18n import gettext as _
from marketplace.media import media_url
from marketplace.stores import services as stores


def exhibitor_json(exhibitor, store) -> dict:
    return {
        "store": store.slug,
        "name": store.name,
        "booth": exhibitor.booth,
        "zone": exhibitor.zone,
        "rank": exhibitor.rank,
    }


def expo_json(expo, exhibitors: list | None = None) -> dict:
    data = {
        "slug": expo.slug,
        "name": expo.name,
        "description": expo.description,
        "starts_at": expo.starts_at.isoformat(),
        "ends_at": expo.ends_at.isoformat(),
        "state": expo_state(expo),
        "banner_url": media_url(expo.banner) if expo.banner else None,
        "zones": [{"slug": z.slug, "name": z.name} for z in expo.zones],
    }
    if exhibitors is not None:
        data["exhibitors"] = [exhibitor_json(e, e.store) for e in exhibitors]
    return data


@bp.get("/expos")
def list_expos():
    """Every expo, the newest first (without exhibitors)."""
    return {"items": [expo_json(e) for e in queries.expos_with_zones()]}


@bp.get("/expos/<slug>")
def get_expo(slug: str):
    """An expo with its zones and its (approved) exhibitors. :raise 404: unknown expo."""
    expo = queries.expo_with_zones(slug)
    return expo_json(expo, queries.exhibitors(expo))


@bp.post("/expos")
@auth_required("agency")
def create_expo():
    """Create an expo: {"slug", "name", "starts_at", "ends_at", "description"?, "zones"?: [names]}.
    Times without an offset are Asia/Jakarta time; a bare date is the start (or, for ends_at, the end)
    of that day. 201. :raise 409: slug taken. :raise 422: bad fields."""
    data = json_body()
    data.texts("slug", "name", "description")  # 422 naming each that is not text
    errors, times = {}, {}
    for name, end_of_day in (("starts_at", False), ("ends_at", True)):
        try:
            times[name] = expos.parse_local_datetime(data.get(name), name, end_of_day=end_of_day)
        except ValidationError as exc:
            errors.update(exc.fields)
    zones = data.get("zones") or []
    if not isinstance(zones, list) or not all(isinstance(z, str) for z in zones):
        errors["zones"] = _("Daftar nama zona.")
    if errors:
        raise ValidationError(fields=errors)
    with committing():
        expo = expos.create_expo(
            current_api_user(),
            data.text("slug") or "",
            data.text("name") or "",
            times["starts_at"],
            times["ends_at"],
            data.text("description") or "",
            zones=zones,
        )
    return expo_json(queries.expo_with_zones(expo.slug), []), 201


@bp.post("/expos/<slug>/exhibitors")
@auth_required("agency")
def add_exhibitor(slug: str):
    """Add a store to the expo: {"store": slug, "booth", "zone"?}. 201.
    :raise 404: unknown expo or store. :raise 409: already an exhibitor, or the booth is taken."""
    data = json_body()
    data.texts("store", "booth", "zone")
    expo = expos.get_expo(slug)
    store = stores.get_store(data.text("store") or "")
    with committing():
        row = expos.add_exhibitor(
            current_api_user(), expo, store, booth=data.text("booth") or "", zone=data.text("zone") or ""
        )
    return exhibitor_json(row, store), 201
