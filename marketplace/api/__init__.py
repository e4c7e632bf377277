"""The JSON API under /api/v1 (CONTRACT.md "JSON API").

Authenticated by bearer tokens only — never by the session cookie — so it is
exempt from CSRF without opening a cross-site hole. The blueprint and its
helpers live in ``base.py``; endpoints live in the modules imported here, one per domain; each parses JSON, calls the
domain's services, commits and renders.
"""

from __future__ import annotations

# The endpoint modules register their routes on ``bp`` when imported; the names
# below are what endpoint modules of plugins import from ``marketplace.api``.
from marketplace.api import (
    accounts,
    addresses,
    agency,
    buying,
    catalog,
    complaints,
    expos,
    gov,
    ledger,
    openapi,
    payouts,
    refunds,
    regions,
    shipping_options,
    stores,
    tracking,
)
from marketplace.api.base import auth_required, bp, committing, current_api_user, int_arg, json_body, page_args, paged

__all__ = [
    "accounts",
    "addresses",
    "agency",
    "auth_required",
    "bp",
    "buying",
    "catalog",
    "committing",
    "complaints",
    "current_api_user",
    "expos",
    "gov",
    "int_arg",
    "json_body",
    "ledger",
    "openapi",
    "page_args",
    "paged",
    "refunds",
    "payouts",
    "regions",
    "shipping_options",
    "stores",
    "tracking",
]
