"""The agency's paths: its decisions on stores, the featured vendors, the commission, expos, the sales
report; and this document."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATE,
    PAGE_PARAMS,
    STRING,
    answer,
    body,
    items_of,
    json_content,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.api.openapi.parameters import (
    STORE_SLUG,
)
from marketplace.stores.models import STORE_STATUSES


def agency_paths() -> dict:
    """Every path of the agency, the expos and the reports."""
    return {
        **_verification(),
        **_suspension(),
        **_featured_and_commission(),
        **_expos(),
        **_exhibitors(),
        **_reports(),
    }


def _verification() -> dict:
    """The verification queue: approving or rejecting a store."""
    return {
        "/agency/stores": {
            "get": operation(
                "agencyListStores",
                "Stores in a status (the verification queue), oldest first",
                "agency",
                {"200": answer("Stores with their owners.", items_of(ref("AgencyStore"), paged=True))},
                auth="agency",
                params=[query("status", {"enum": list(STORE_STATUSES)}, "all statuses when absent"), *PAGE_PARAMS],
                errors=("422",),
            )
        },
        "/agency/stores/{slug}/approve": {
            "post": operation(
                "approveStore",
                "Verify a store: it starts selling",
                "agency",
                {"200": answer("The store.", ref("AgencyStore"))},
                auth="agency",
                params=[STORE_SLUG],
                errors=("404", "409"),
            )
        },
        "/agency/stores/{slug}/reject": {
            "post": operation(
                "rejectStore",
                "Reject a pending store, with the reason shown to its seller",
                "agency",
                {"200": answer("The store.", ref("AgencyStore"))},
                auth="agency",
                params=[STORE_SLUG],
                request=body(ref("ReasonInput")),
                errors=("404", "409"),
            )
        },
    }


def _suspension() -> dict:
    """Suspending a store and lifting the suspension."""
    return {
        "/agency/stores/{slug}/suspend": {
            "post": operation(
                "suspendStore",
                "Suspend a store, with the reason shown to its seller",
                "agency",
                {"200": answer("The store.", ref("AgencyStore"))},
                auth="agency",
                params=[STORE_SLUG],
                request=body(ref("ReasonInput")),
                errors=("404", "409"),
                description="Its products leave the catalogue and new orders stop; open orders go on.",
            )
        },
        "/agency/stores/{slug}/reinstate": {
            "post": operation(
                "reinstateStore",
                "Lift a store's suspension",
                "agency",
                {"200": answer("The store.", ref("AgencyStore"))},
                auth="agency",
                params=[STORE_SLUG],
                request=body(ref("OptionalReasonInput"), required=False),
                errors=("404", "409"),
            )
        },
    }


def _featured_and_commission() -> dict:
    """The featured vendors and the marketplace commission."""
    return {
        "/agency/featured": {
            "put": operation(
                "setFeatured",
                "Replace the featured vendors, in order",
                "agency",
                {"200": answer("The featured vendors.", items_of(ref("Store")))},
                auth="agency",
                request=body(ref("FeaturedInput")),
            )
        },
        "/agency/commission": {
            "get": operation(
                "getCommission",
                "The marketplace commission and the one on government orders",
                "agency",
                {"200": answer("The commission.", ref("Commission"))},
                auth="agency",
            ),
            "put": operation(
                "setCommission",
                "Set the marketplace commission and/or the one on government orders (0 % allowed; an absent one stays)",
                "agency",
                {"200": answer("The commission.", ref("Commission"))},
                auth="agency",
                request=body(ref("CommissionInput")),
            ),
        },
    }


def _expos() -> dict:
    """Expos: the list, creating one, one with its exhibitors."""
    return {
        "/expos": {
            "get": operation(
                "listExpos",
                "Every expo, the newest first",
                "expo",
                {"200": answer("Expos (without exhibitors).", items_of(ref("Expo")))},
            ),
            "post": operation(
                "createExpo",
                "Create an expo",
                "expo",
                {"201": answer("The expo.", ref("Expo"))},
                auth="agency",
                request=body(ref("ExpoInput")),
                errors=("409",),
            ),
        },
        "/expos/{slug}": {
            "get": operation(
                "getExpo",
                "An expo with its zones and exhibitors",
                "expo",
                {"200": answer("The expo.", ref("Expo"))},
                params=[path_param("slug", description="the expo's slug")],
                errors=("404",),
            )
        },
    }


def _exhibitors() -> dict:
    """Adding a store to an expo."""
    return {
        "/expos/{slug}/exhibitors": {
            "post": operation(
                "addExhibitor",
                "Add a store to an expo with its booth",
                "expo",
                {"201": answer("The exhibitor.", ref("Exhibitor"))},
                auth="agency",
                params=[path_param("slug", description="the expo's slug")],
                request=body(ref("ExhibitorInput")),
                errors=("404", "409"),
                description="409 when the store is in already or the booth is taken.",
            )
        },
    }


def _reports() -> dict:
    """The sales report and this document."""
    return {
        "/agency/reports/sales": {
            "get": operation(
                "salesReport",
                "Orders, gross sales and shoppers: per store, per sector (zone), per day",
                "agency",
                {
                    "200": {
                        "description": "The report, as JSON or as CSV (`format=csv`: a header row `section,key,"
                        "label,orders,gross_sales,shoppers,average_order_value`, UTF-8, attachment).",
                        "content": {**json_content(ref("SalesReport")), "text/csv": {"schema": {"type": "string"}}},
                    }
                },
                auth="agency",
                params=[
                    query("expo", STRING, "expo slug"),
                    query("from", DATE, "first day (Asia/Jakarta)"),
                    query("to", DATE, "last day (Asia/Jakarta)"),
                    query("format", {"enum": ["json", "csv"], "default": "json"}),
                ],
                errors=("404", "422"),
            )
        },
        "/agency/reports/gov": {
            "get": operation(
                "govSpendingReport",
                "Government spending with IKM: committed and paid, per office, store, sector, month and expo",
                "agency",
                {
                    "200": {
                        "description": "The report, as JSON or as CSV (`format=csv`: a header row `section,key,label,"
                        "sector,committed_orders,committed_value,paid_orders,paid_value,stores,committed_share,"
                        "paid_share,period_start,period_end`, UTF-8, attachment; times ISO 8601 with +07:00).",
                        "content": {
                            **json_content(ref("GovSpendingReport")),
                            "text/csv": {"schema": {"type": "string"}},
                        },
                    }
                },
                auth="agency",
                params=[
                    query(
                        "year",
                        {"type": "integer", "minimum": 2000, "maximum": 2100},
                        "calendar year (default: this year)",
                    ),
                    query("from", DATE, "first day (Asia/Jakarta; default 1 January of the year)"),
                    query("to", DATE, "last day (Asia/Jakarta; default 31 December of the year)"),
                    query("format", {"enum": ["json", "csv"], "default": "json"}),
                ],
                errors=("422",),
            )
        },
        "/openapi.json": {
            "get": operation("openapi", "This document", "meta", {"200": answer("OpenAPI 3.1.", {"type": "object"})})
        },
    }
