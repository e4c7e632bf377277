"""API endpoints of the visitor figures: the agency's expo funnel and a store's own booth figures.

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its routes to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from flask import request

from marketplace.agency import booth_stats, funnel, funnel_csv
from marketplace.api.base import auth_required, bp, current_api_user
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.stores import services as stores

__all__ = ["bp"]


@bp.get("/agency/reports/funnel")
@auth_required("agency")
def funnel_report():
    """The funnel of ?expo= per booth and zone, during and after the expo, over ?from=&to=
    (the expo's period by default), as JSON or CSV with ?format=csv.
    :raise 404: unknown expo. :raise 422: no expo, bad dates or format."""
    fmt = request.args.get("format") or "json"
    if fmt not in ("json", "csv"):
        raise ValidationError(fields={"format": _("json atau csv.")})
    data = funnel.funnel_for(*(request.args.get(k) or None for k in ("expo", "from", "to")))
    if fmt == "csv":
        return funnel_csv.csv_response(data)
    return data.as_dict()


@bp.get("/seller/booth-stats")
@auth_required()
def seller_booth_stats():
    """The booth figures of ?store= (its members only): per expo it exhibits in and per day over
    the last 14 days. :raise 404: unknown store or not a member. :raise 422: no store."""
    slug = request.args.get("store") or ""
    if not slug:
        raise ValidationError(fields={"store": _("Sebutkan toko.")})
    store = stores.get_store(slug)
    stores.require_member(store, current_api_user())
    return booth_stats.store_booth_stats(store).as_dict()
