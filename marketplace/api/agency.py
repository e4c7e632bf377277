"""API endpoints of the agency: the verification queue and decisions, the
featured vendors, the commission and the sales report. Agency (or admin)
tokens only; the console pages call the same services."""

from __future__ import annotations

from flask import request

from marketplace import site_settings
from marketplace.agency import gov_report, gov_report_csv, reports
from marketplace.agency import services as agency
from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body, page_args, paged
from marketplace.api.serializers import store_json
from marketplace.errors import ValidationError
from marketplace.gov import commission as gov_commission
from marketplace.i18n import gettext as _
from marketplace.stores.models import STORE_STATUSES


def agency_store_json(store) -> dict:
    """A store as the agency sees it: the public detail plus its owner and status reason."""
    data = store_json(store, detail=True)
    data.update(
        {
            "status_reason": store.status_reason,
            "allow_agency_assist": store.allow_agency_assist,
            "owner": {"name": store.owner.name, "email": store.owner.email} if store.owner else None,
            "created_at": store.created_at.isoformat(),
        }
    )
    return data


@bp.get("/agency/stores")
@auth_required("agency")
def agency_stores():
    """Stores of ?status= (pending, approved, rejected, suspended; all when absent), oldest first."""
    status = request.args.get("status") or None
    if status is not None and status not in STORE_STATUSES:
        raise ValidationError(fields={"status": _("Status tidak dikenal.")})
    page, per_page = page_args(default_per_page=50)
    items, total = agency.store_queue(status, page, per_page)
    return paged([agency_store_json(s) for s in items], total, page, per_page)


def _decide(slug: str, decision: str, reason: str | None = None):
    store = agency.store_with_owner(slug)
    with committing():
        agency.decide(current_api_user(), store, decision, reason)
    return agency_store_json(agency.store_with_owner(slug))


def _reason() -> str:
    return json_body(optional=True).text("reason") or ""


@bp.post("/agency/stores/<slug>/approve")
@auth_required("agency")
def approve_store(slug: str):
    """Verify a store (pending, or rejected before): it sells. :raise 404: :raise 409: wrong status."""
    return _decide(slug, "approve")


@bp.post("/agency/stores/<slug>/reject")
@auth_required("agency")
def reject_store(slug: str):
    """Reject a pending store with {"reason"} shown to its seller. :raise 404: :raise 409: :raise 422:"""
    return _decide(slug, "reject", json_body().text("reason") or "")


@bp.post("/agency/stores/<slug>/suspend")
@auth_required("agency")
def suspend_store(slug: str):
    """Suspend an approved store with {"reason"}: its products vanish, new orders stop, open orders go on."""
    return _decide(slug, "suspend", json_body().text("reason") or "")


@bp.post("/agency/stores/<slug>/reinstate")
@auth_required("agency")
def reinstate_store(slug: str):
    """Lift a suspension: the store sells again. :raise 404: :raise 409: not suspended."""
    return _decide(slug, "reinstate", _reason())


@bp.put("/agency/featured")
@auth_required("agency")
def set_featured():
    """Replace the featured vendors: {"stores": [slug, ...]} in order. :raise 422: unknown or not approved."""
    slugs = json_body().text_list("stores")
    with committing():
        chosen = agency.set_featured_slugs(current_api_user(), slugs)
    return {"items": [store_json(s) for s in chosen]}


@bp.get("/agency/commission")
@auth_required("agency")
def get_commission():
    """The commissions: {"percent", "basis_points", "gov_percent", "gov_basis_points"}."""
    return _commission_json(site_settings.get_commission_bps(), site_settings.get_gov_commission_bps())


@bp.put("/agency/commission")
@auth_required("agency")
def set_commission():
    """Set the commission {"percent": 2.5} (or "2,5"; 0 allowed), the one on government orders
    {"gov_percent": 0}, or both; an absent one stays. :raise 422: outside 0..100, or neither sent."""
    body = json_body()
    percent, gov_percent = body.get("percent"), body.get("gov_percent")
    if percent is None and gov_percent is None:
        raise ValidationError(fields={"percent": _("Kirim percent, gov_percent, atau keduanya.")})
    with committing():
        bps, gov_bps = gov_commission.set_commissions(current_api_user(), percent, gov_percent)
    return _commission_json(bps, gov_bps)


def _commission_json(bps: int, gov_bps: int) -> dict:
    return {"percent": bps / 100, "basis_points": bps, "gov_percent": gov_bps / 100, "gov_basis_points": gov_bps}


@bp.get("/agency/reports/sales")
@auth_required("agency")
def sales_report():
    """The sales report of ?expo= or ?from=&to= (Jakarta dates) as JSON, or CSV with ?format=csv.
    :raise 404: unknown expo. :raise 422: bad dates or format."""
    fmt = _report_format()
    report = reports.report_for(
        request.args.get("expo") or None, request.args.get("from") or None, request.args.get("to") or None
    )
    if fmt == "csv":
        return reports.csv_response(report)
    return report.as_dict()


@bp.get("/agency/reports/gov")
@auth_required("agency")
def gov_spending_report():
    """Government spending with IKM of ?year= (this year by default) or ?from=&to= (WIB dates) as
    JSON, or CSV with ?format=csv. :raise 422: bad year, dates or format."""
    fmt = _report_format()
    report = gov_report.report_for(*(request.args.get(k) or None for k in ("year", "from", "to")))
    if fmt == "csv":
        return gov_report_csv.csv_response(report)
    return report.as_dict()


def _report_format() -> str:
    """?format=json (the default) or csv. :raise ValidationError: anything else."""
    fmt = request.args.get("format") or "json"  # empty is absent, like every query parameter
    if fmt not in ("json", "csv"):
        raise ValidationError(fields={"format": _("json atau csv.")})
    return fmt
