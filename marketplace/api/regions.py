"""API endpoints: Indonesia's regions by Kemendagri code (public reference data)."""

from __future__ import annotations

from flask import request

from marketplace.api.base import bp, int_arg
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.shipping import regions

# The data changes only with a new release of the app: browsers and proxies may keep answers a day.
CACHE_CONTROL = "public, max-age=86400"
MAX_QUERY = 100


def region_json(region: regions.Region) -> dict:
    return {**region.as_json(), "label": regions.label(region)}


def _arguments() -> tuple[str, str | None, str | None]:
    raw = request.args.get("q", "")
    q = " ".join(raw.split())
    level = request.args.get("level") or None
    parent = request.args.get("parent") or None
    errors = {}
    if level is not None and level not in regions.LEVELS:
        errors["level"] = _("Salah satu dari: %(levels)s.", levels=", ".join(regions.LEVELS))
    if parent is not None and not regions.CODE_RE.match(parent):
        errors["parent"] = _("Kode wilayah tidak dikenal.")
    if len(raw) > MAX_QUERY:
        errors["q"] = _("Maksimal %(n)d karakter.", n=MAX_QUERY)
    elif 0 < len(q) < regions.MIN_QUERY and parent is None:
        errors["q"] = _("Ketik sedikitnya %(n)d huruf.", n=regions.MIN_QUERY)
    if errors:
        raise ValidationError(fields=errors)
    return q, level, parent


@bp.get("/regions")
def list_regions():
    """Regions by Kemendagri code: {"items": [{"code","name","level","parent","label"}]}. ``q`` searches
    names (at least 2 characters unless ``parent`` is given), best first; without ``q``, the children of
    ``parent`` (none for an unknown code), or the provinces; ``level`` narrows. 422 for a 1-character
    ``q`` without ``parent``, an unknown ``level``, a ``parent`` that is not a code."""
    q, level, parent = _arguments()
    limit = int_arg("limit", 20, 1, 100)
    if q:
        found = regions.search(q, level=level, parent=parent, limit=limit)
    else:
        found = [r for r in regions.children(parent) if level is None or r.level == level]
    return {"items": [region_json(r) for r in found]}, 200, {"Cache-Control": CACHE_CONTROL}
