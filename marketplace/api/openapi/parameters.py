"""Parameters (and the seller's auth note) that the core's paths share across areas."""

from __future__ import annotations

from marketplace.api.openapi.builders import ID, STRING, path_param, query
from marketplace.orders.models import ORDER_STATUSES

STORE_SLUG = path_param("slug", description="the store's slug")
PRODUCT_ID = path_param("id", ID, "the product's id")
NUMBER = path_param("number", description="the order number")
SELLER = "that store's members (agency staff when the store allows assistance)"
STORE_ARG = query("store", STRING, "the store's slug, when the user belongs to several")
CART_LINE = path_param("id", ID, "the cart line's id")
ORDER_STATUS = query("status", {"enum": list(ORDER_STATUSES)})
