"""The agency's schemas: its decisions on stores, the commission, expos, the sales report; and the
seller's ledger."""

from __future__ import annotations

from marketplace.agency.reports import REPORT_PHASES
from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATE,
    DATETIME,
    EMAIL,
    INTEGER,
    NULLABLE_STRING,
    RUPIAH,
    STRING,
    array,
    obj,
    ref,
    text,
)
from marketplace.expo.models import EXPO_STATES
from marketplace.ledger.models import LEDGER_KINDS


def agency_schemas() -> dict:
    """Every schema of the agency, the expos and the reports."""
    return {
        **_store_decisions(),
        **_commission(),
        **_expos(),
        **_exhibitors(),
        **_sales_report(),
        **_ledger(),
    }


def _store_decisions() -> dict:
    """The agency's decisions on stores and the featured vendors."""
    return {
        "ReasonInput": obj({"reason": text(description="shown to the store's seller")}, ["reason"]),
        "OptionalReasonInput": obj({"reason": {"type": ["string", "null"]}}),
        "FeaturedInput": obj({"stores": array(STRING, description="store slugs, in order")}, ["stores"]),
        "AgencyStore": {
            "allOf": [
                ref("StoreDetail"),
                obj(
                    {
                        "status_reason": NULLABLE_STRING,
                        "allow_agency_assist": BOOLEAN,
                        "created_at": DATETIME,
                        "owner": {
                            "oneOf": [obj({"name": STRING, "email": EMAIL}, ["name", "email"]), {"type": "null"}],
                            "description": "null until someone claims a store the agency registered",
                        },
                    }
                ),
            ]
        },
    }


def _commission() -> dict:
    """The marketplace commission."""
    return {
        "Commission": obj(
            {
                "percent": {"type": "number", "minimum": 0, "maximum": 100},
                "basis_points": {"type": "integer", "minimum": 0, "maximum": 10000},
                "gov_percent": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 100,
                    "description": "the commission on government orders (snapshotted when the PPK approves)",
                },
                "gov_basis_points": {"type": "integer", "minimum": 0, "maximum": 10000},
            },
            ["percent", "basis_points", "gov_percent", "gov_basis_points"],
        ),
        "CommissionInput": obj(
            {
                "percent": {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                        {"type": "string", "pattern": "^\\s*(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)\\s*%?\\s*$"},
                    ],
                    "examples": [2.5, "2,5", 0],
                    "description": "0 to 100, at most two decimals",
                },
                "gov_percent": {
                    "anyOf": [
                        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
                        {"type": "string", "pattern": "^\\s*(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)\\s*%?\\s*$"},
                    ],
                    "examples": [0, "1,5"],
                    "description": "the commission on government orders, 0 to 100 (0 allowed)",
                },
            },
            [],
            minProperties=1,
        ),
    }


def _expos() -> dict:
    """Expos and their zones."""
    return {
        "ExpoInput": obj(
            {
                "slug": {"type": ["string", "null"], "description": "made URL-safe; empty: from the name"},
                "name": text(160),
                "starts_at": {
                    "type": "string",
                    "description": "ISO date-time (or date); without an offset it is Asia/Jakarta time",
                    "examples": ["2026-12-01T08:00"],
                },
                "ends_at": {
                    "type": "string",
                    "description": "as starts_at; a bare date means the end of that day",
                    "examples": ["2026-12-14T21:00"],
                },
                "description": {"type": ["string", "null"]},
                "zones": array(text(80), description="zone names, in the hall's order"),
            },
            ["slug", "name", "starts_at", "ends_at"],
        ),
        "ExpoZone": obj({"slug": STRING, "name": STRING}, ["slug", "name"]),
        "Expo": obj(
            {
                "slug": STRING,
                "name": STRING,
                "description": STRING,
                "starts_at": DATETIME,
                "ends_at": DATETIME,
                "state": {"enum": list(EXPO_STATES)},
                "banner_url": {"type": ["string", "null"], "format": "uri-reference"},
                "zones": array(ref("ExpoZone")),
                "exhibitors": array(ref("Exhibitor")),
            },
            ["slug", "name", "starts_at", "ends_at", "state"],
        ),
    }


def _exhibitors() -> dict:
    """An expo's exhibitors."""
    return {
        "Exhibitor": obj(
            {"store": STRING, "name": STRING, "booth": STRING, "zone": STRING, "rank": INTEGER}, ["store", "booth"]
        ),
        "ExhibitorInput": obj(
            {
                "store": {"type": "string", "description": "the store's slug"},
                "booth": {"type": "string", "maxLength": 20, "description": "unique in the expo"},
                "zone": {
                    "type": "string",
                    "description": "a zone slug or name of the expo; default: the store's sector",
                },
            },
            ["store", "booth"],
        ),
    }


def _sales_report() -> dict:
    """The sales report: its figures in total and broken down."""
    return {
        "SalesFigures": obj(
            {"orders": INTEGER, "gross_sales": RUPIAH, "shoppers": INTEGER, "average_order_value": RUPIAH},
            ["orders", "gross_sales", "shoppers"],
        ),
        "SalesReport": {
            "allOf": [
                ref("SalesFigures"),
                obj(
                    {
                        "expo": NULLABLE_STRING,
                        "from": DATE,
                        "to": DATE,
                        **_breakdowns(),
                        "during": ref("SalesFigures"),
                        "after": ref("SalesFigures"),
                    },
                    ["expo", "from", "to", "per_store", "per_sector", "per_day"],
                ),
            ],
            "description": "Sales = orders paid, processing, shipped or completed. An expo report counts the "
            "exhibitors' orders from the expo's opening; `during` until it closes, `after` since.",
        },
        **_gov_spending(),
    }


def _gov_spending() -> dict:
    """The report of government spending with IKM (marketplace/agency/gov_report.py)."""
    share = {"type": ["number", "null"], "description": "percent of the period's total, one decimal; null when 0"}
    figures = ref("GovSpendingFigures")
    return {
        "GovSpendingFigures": obj(
            {
                "committed_orders": INTEGER,
                "committed_value": RUPIAH,
                "paid_orders": INTEGER,
                "paid_value": RUPIAH,
                "stores": INTEGER,
            },
            ["committed_orders", "committed_value", "paid_orders", "paid_value", "stores"],
        ),
        "GovSpendingReport": {
            "allOf": [
                figures,
                obj(
                    {
                        "from": DATE,
                        "to": DATE,
                        "per_office": array({"allOf": [figures, obj({"office": STRING, "name": STRING})]}),
                        "per_store": array(
                            {
                                "allOf": [
                                    figures,
                                    obj({"store": STRING, "name": STRING, "sector": {"type": ["string", "null"]}}),
                                ]
                            }
                        ),
                        "per_sector": array({"allOf": [figures, obj({"sector": STRING, "name": STRING})]}),
                        "per_month": array(
                            {"allOf": [figures, obj({"month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}})]},
                            description="every Asia/Jakarta month of the period, months without orders too",
                        ),
                        "per_expo": array(
                            {
                                "allOf": [
                                    figures,
                                    obj(
                                        {
                                            "expo": STRING,
                                            "name": STRING,
                                            "committed_share": share,
                                            "paid_share": share,
                                        }
                                    ),
                                ]
                            },
                            description="every expo, newest first: what went to its exhibitors",
                        ),
                    },
                    ["from", "to", "per_office", "per_store", "per_sector", "per_month", "per_expo"],
                ),
            ],
            "description": "Committed = purchase orders (Surat Pesanan) approved in the period and not cancelled or "
            "declined, by month of approval; paid = payments recorded in the period, by month of payment (WIB).",
        },
    }


def _breakdowns() -> dict:
    """The sales report's figures per store, sector, zone and day."""
    return {
        "per_store": array(
            {
                "allOf": [
                    ref("SalesFigures"),
                    obj({"store": STRING, "name": STRING, "sector": {"type": ["string", "null"]}}),
                ]
            }
        ),
        "per_sector": array({"allOf": [ref("SalesFigures"), obj({"sector": STRING, "name": STRING})]}),
        "per_zone": array(
            {"allOf": [ref("SalesFigures"), obj({"zone": STRING, "name": STRING})]},
            description="an expo report only",
        ),
        "per_day": array(
            {
                "allOf": [
                    ref("SalesFigures"),
                    obj(
                        {
                            "date": DATE,
                            "phase": {
                                "enum": list(REPORT_PHASES),
                                "description": "an expo report only",
                            },
                        }
                    ),
                ]
            },
            description="every Asia/Jakarta day of the period, days without sales too",
        ),
    }


def _ledger() -> dict:
    """The seller's ledger."""
    return {
        "Ledger": obj(
            {
                "store": STRING,
                "earnings": RUPIAH,
                "commission": RUPIAH,
                "refunds": RUPIAH,
                "payouts": RUPIAH,
                "shipping": {"type": "integer", "description": "shipping credited to the store (issue #18)"},
                "extras": {"type": "integer", "description": "the store's own checkout extras, net of refunds"},
                "cod_cash": {
                    "type": "integer",
                    "description": "cash on delivery the seller collected and holds (<= 0), net of cash handed back",
                },
                "settlements": {"type": "integer", "description": "paid by the store for what it owed"},
                "balance": {
                    "type": "integer",
                    "description": "whole rupiah owed to the store (negative: the store owes): the sum of its rows",
                },
                "items": array(
                    obj(
                        {
                            "at": DATETIME,
                            "kind": {"type": "string", "enum": list(LEDGER_KINDS)},
                            "account": {"type": "string", "examples": ["store:12", "marketplace", "insurer:jasindo"]},
                            "order": NULLABLE_STRING,
                            "amount": {"type": "integer", "description": "signed: credit > 0"},
                            "commission_bps": {"type": ["integer", "null"]},
                            "note": STRING,
                        }
                    )
                ),
            },
            ["store", "earnings", "commission", "refunds", "payouts", "balance", "items"],
        ),
    }
