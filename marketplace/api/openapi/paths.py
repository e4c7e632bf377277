"""The core's paths (under /api/v1); ``core_paths()`` gathers them from the modules of each area
(``paths_accounts.py``, ``paths_catalogue.py``, ``paths_cart.py``, ``paths_orders.py``,
``paths_agency.py``). Plugins add theirs through the ``openapi_spec`` hook."""

from __future__ import annotations

from marketplace.api.openapi.parameters import (
    CART_LINE,
    NUMBER,
    ORDER_STATUS,
    PRODUCT_ID,
    SELLER,
    STORE_ARG,
    STORE_SLUG,
)
from marketplace.api.openapi.paths_accounts import account_paths
from marketplace.api.openapi.paths_addresses import address_paths
from marketplace.api.openapi.paths_agency import agency_paths
from marketplace.api.openapi.paths_cart import cart_paths
from marketplace.api.openapi.paths_catalogue import catalogue_paths
from marketplace.api.openapi.paths_checkout_shipping import checkout_shipping_paths
from marketplace.api.openapi.paths_complaints import complaint_paths
from marketplace.api.openapi.paths_funnel import funnel_paths
from marketplace.api.openapi.paths_gov import gov_paths
from marketplace.api.openapi.paths_invoices import invoice_paths
from marketplace.api.openapi.paths_notifications import notification_paths
from marketplace.api.openapi.paths_orders import order_paths
from marketplace.api.openapi.paths_payouts import payout_paths
from marketplace.api.openapi.paths_refunds import refund_paths
from marketplace.api.openapi.paths_sessions import session_paths
from marketplace.api.openapi.paths_store_shipping import store_shipping_paths
from marketplace.api.openapi.paths_synonyms import synonym_paths
from marketplace.api.openapi.paths_tracking import tracking_paths

__all__ = [  # the shared parameters lived here before the split by area
    "CART_LINE",
    "NUMBER",
    "ORDER_STATUS",
    "PRODUCT_ID",
    "SELLER",
    "STORE_ARG",
    "STORE_SLUG",
    "core_paths",
]


def core_paths() -> dict:
    """Every path of the core, relative to /api/v1."""
    return {
        **account_paths(),
        **address_paths(),
        **catalogue_paths(),
        **store_shipping_paths(),
        **cart_paths(),
        **checkout_shipping_paths(),
        **order_paths(),
        **complaint_paths(),
        **tracking_paths(),
        **invoice_paths(),
        **notification_paths(),
        **refund_paths(),
        **agency_paths(),
        **funnel_paths(),
        **session_paths(),
        **synonym_paths(),
        **payout_paths(),
        **gov_paths(),
    }
