"""API endpoints: Indonesia's regions by Kemendagri code (public reference data)."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from marketplace.api.base import bp, int_arg
from marketplace.errors import ValidationError
from marketplace.shipping import regions

# The data changes only with a new release of the app: browsers and proxies may keep answers a day.
CACHE_CONTROL = "public, max-age=86400"
MAX_QUERY = 100


def region_json(region: regions.Region) -> dict:
    return {**region.as_json(), "label": regions.label(region)}


def _arguments() -> tuple[str, str | None, str | None]:
    q = " ".join(request.args.get("q", "").split())
    level = request.args.get("level") or None
    parent = request.args.get("parent") or None
    errors = {}
    if level is not None and level not in regions.LEVELS:
        errors["level"] = _("Salah satu dari: %(levels)s.", levels=", ".join(regions.LEVELS))
    if parent is not None and regions.get(parent) is None:
        errors["parent"] = _("Kode wilayah tidak dikenal.")
    if len(q) > MAX_QUERY:
        errors["q"] = _("Maksimal %(n)d karakter.", n=MAX_QUERY)
    elif len(q) < regions.MIN_QUERY and parent is None and not (not q and level == "province"):
        errors["q"] = _("Ketik sedikitnya %(n)d huruf.", n=regions.MIN_QUERY)
    if errors:
        raise ValidationError(fields=errors)
    return q, level, parent


@bp.get("/regions")
def list_regions():
    """Regions by Kemendagri code: {"items": [{"code","name","level","parent","label"}]}. ``q`` searches
    names (at least 2 characters), best first; ``parent`` alone lists that region's children (with ``q``:
    searches beneath it); ``level=province`` alone lists the provinces; ``level`` narrows. 422 for a
    short ``q``, an unknown ``level`` or ``parent``."""
    q, level, parent = _arguments()
    limit = int_arg("limit", 20, 1, 100)
    if q:
        found = regions.search(q, level=level, parent=parent, limit=limit)
    else:
        found = [r for r in regions.children(parent) if level is None or r.level == level]
    response = {"items": [region_json(r) for r in found]}, 200, {"Cache-Control": CACHE_CONTROL}
    return response
