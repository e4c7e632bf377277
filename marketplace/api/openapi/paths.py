"""The core's paths (under /api/v1), by area; ``core_paths()`` gathers them. Plugins add theirs through
the ``openapi_spec`` hook."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATE,
    ID,
    PAGE_PARAMS,
    SEARCH_PRICE,
    SECTOR,
    STRING,
    answer,
    array,
    body,
    items_of,
    json_content,
    obj,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.catalog.search import SORTS
from marketplace.orders.models import ORDER_STATUSES
from marketplace.stores.models import STORE_STATUSES

STORE_SLUG = path_param("slug", description="the store's slug")
PRODUCT_ID = path_param("id", ID, "the product's id")
NUMBER = path_param("number", description="the order number")
SELLER = "that store's members (agency staff when the store allows assistance)"
STORE_ARG = query("store", STRING, "the store's slug, when the user belongs to several")
CART_LINE = path_param("id", ID, "the cart line's id")
ORDER_STATUS = query("status", {"enum": list(ORDER_STATUSES)})


def core_paths() -> dict:
    """Every path of the core, relative to /api/v1."""
    return {
        **_accounts(),
        **_stores(),
        **_catalogue(),
        **_product_parts(),
        **_cart(),
        **_orders(),
        **_seller(),
        **_agency(),
        **_expos(),
        **_reports(),
    }


def _accounts() -> dict:
    """Sign-up, tokens, the signed-in user."""
    return {
        "/auth/register": {
            "post": operation(
                "register",
                "Create a shopper account",
                "accounts",
                {"201": answer("The new user.", ref("User"))},
                request=body(ref("Registration")),
                errors=("409",),
                description="409 when the e-mail is taken.",
            )
        },
        "/auth/tokens": {
            "post": operation(
                "createToken",
                "Get a bearer token",
                "accounts",
                {"201": answer("A new token; send it as `Authorization: Bearer <token>`.", ref("Token"))},
                request=body(ref("Credentials")),
                errors=("401",),
            )
        },
        "/me": {
            "get": operation(
                "me",
                "The signed-in user, their roles and stores",
                "accounts",
                {"200": answer("The token's user.", ref("Me"))},
                auth="any signed-in user",
            )
        },
        # accounts and limits (issue 15): token list and revocation, e-mail confirmation
        "/auth/tokens/current": {
            "delete": operation(
                "revokeCurrentToken",
                "Revoke the token of this request",
                "accounts",
                {"204": answer("Revoked.")},
                auth="any signed-in user",
            )
        },
        "/me/tokens": {
            "get": operation(
                "myTokens",
                "The user's live API tokens (never the secret)",
                "accounts",
                {"200": answer("Tokens.", obj({"items": array(ref("TokenInfo"))}, ["items"]))},
                auth="any signed-in user",
            )
        },
        "/me/tokens/{id}": {
            "delete": operation(
                "revokeToken",
                "Revoke one of the user's tokens",
                "accounts",
                {"204": answer("Revoked.")},
                auth="the token's user",
                params=[path_param("id", {"type": "integer"}, "the token's id")],
                errors=("404",),
                description="404 for an id that is not one of the user's live tokens.",
            )
        },
        "/me/email-confirmation": {
            "post": operation(
                "resendEmailConfirmation",
                "Mail a new e-mail confirmation link",
                "accounts",
                {
                    "202": answer("Sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"])),
                    "200": answer(
                        "Already confirmed; nothing sent.", obj({"email_confirmed": BOOLEAN}, ["email_confirmed"])
                    ),
                },
                auth="any signed-in user",
                description="At most 3 an hour.",
            )
        },
    }


def _stores() -> dict:
    """Stores."""
    return {
        "/stores": {
            "get": operation(
                "listStores",
                "Approved stores",
                "stores",
                {"200": answer("A page of stores.", ref("StorePage"))},
                params=[
                    query(
                        "featured",
                        {"enum": ["1", "true", "0", "false"]},
                        "1 or true: only the featured vendors, in order",
                    ),
                    query("expo", STRING, "only this expo's exhibitors (expo slug)"),
                    query("sector", SECTOR),
                    *PAGE_PARAMS,
                ],
                errors=("404", "422"),
            ),
            "post": operation(
                "openStore",
                "Open a store (pending until the agency approves it)",
                "stores",
                {"201": answer("The new store, status `pending`.", ref("StoreDetail"))},
                auth="seller (any signed-in user becomes one)",
                request=body(ref("StoreInput")),
            ),
        },
        "/stores/{slug}": {
            "get": operation(
                "getStore",
                "One approved store",
                "stores",
                {"200": answer("The store.", ref("StoreDetail"))},
                params=[STORE_SLUG],
                errors=("404",),
            )
        },
    }


def _catalogue() -> dict:
    """Products."""
    return {
        "/stores/{slug}/products": {
            "post": operation(
                "createProduct",
                "Add a product with its variants",
                "catalogue",
                {"201": answer("The product.", ref("ProductDetail"))},
                auth=SELLER,
                params=[STORE_SLUG],
                request=body(ref("ProductInput")),
                errors=("404", "409"),
            )
        },
        "/products": {
            "get": operation(
                "listProducts",
                "Search and browse active products of approved stores",
                "catalogue",
                {"200": answer("A page of products.", ref("ProductPage"))},
                params=[
                    query("q", STRING, "words; relevance first when given"),
                    query("sector", SECTOR),
                    query("category", {"type": "string"}, "a slug of GET /categories"),
                    query("store", STRING, "store slug"),
                    query("city", STRING),
                    query("min_price", SEARCH_PRICE),
                    query("max_price", SEARCH_PRICE),
                    query("sort", {"enum": list(SORTS)}),
                    *PAGE_PARAMS,
                ],
                errors=("422",),
                description="`min_price` may not be above `max_price` (422).",
            )
        },
        "/products/{id}": {
            "get": operation(
                "getProduct",
                "One product with its variants and photos",
                "catalogue",
                {"200": answer("The product.", ref("ProductDetail"))},
                params=[PRODUCT_ID],
                errors=("404",),
            ),
            "patch": operation(
                "updateProduct",
                "Change a product",
                "catalogue",
                {"200": answer("The product.", ref("ProductDetail"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request=body(ref("ProductPatch")),
                errors=("404",),
            ),
        },
    }


def _product_parts() -> dict:
    """A product's variants and photos; the categories."""
    return {
        "/products/{id}/variants": {
            "post": operation(
                "addVariant",
                "Add a variant to a product",
                "catalogue",
                {"201": answer("The variant.", ref("Variant"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request=body(ref("VariantInput")),
                errors=("404", "409"),
            )
        },
        "/products/{id}/images": {
            "post": operation(
                "addProductImage",
                "Upload a photo (JPEG, PNG or WebP)",
                "catalogue",
                {"201": answer("The stored photo.", ref("Image"))},
                auth=SELLER,
                params=[PRODUCT_ID],
                request={
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": obj(
                                {"photo": {"type": "string", "contentMediaType": "application/octet-stream"}}, ["photo"]
                            )
                        }
                    },
                },
                errors=("404",),
            )
        },
        "/products/{id}/images/{image_id}": {
            "delete": operation(
                "deleteProductImage",
                "Remove a photo",
                "catalogue",
                {"204": answer("Removed.")},
                auth=SELLER,
                params=[PRODUCT_ID, path_param("image_id", ID)],
                errors=("404",),
            )
        },
        "/variants/{id}": {
            "patch": operation(
                "updateVariant",
                "Change a variant's name, SKU, price or stock",
                "catalogue",
                {"200": answer("The variant.", ref("Variant"))},
                auth=SELLER,
                params=[path_param("id", ID)],
                request=body(ref("VariantPatch")),
                errors=("404", "409"),
            ),
            "delete": operation(
                "deleteVariant",
                "Delete a variant (not a product's last one)",
                "catalogue",
                {"204": answer("Deleted.")},
                auth=SELLER,
                params=[path_param("id", ID)],
                errors=("404", "409"),
            ),
        },
        "/categories": {
            "get": operation(
                "listCategories",
                "The product categories",
                "catalogue",
                {"200": answer("Every category.", items_of(ref("Category")))},
            )
        },
    }


def _cart() -> dict:
    """The cart, checkout and what the plugins offer there."""
    return {
        "/cart": {
            "get": operation(
                "getCart", "The shopper's cart", "cart", {"200": answer("The cart.", ref("Cart"))}, auth="shopper"
            )
        },
        "/cart/items": {
            "post": operation(
                "addCartItem",
                "Put a variant in the cart (adds to the quantity already there)",
                "cart",
                {"201": answer("The cart.", ref("Cart"))},
                auth="shopper",
                request=body(ref("CartItemInput")),
                errors=("404", "409"),
            )
        },
        "/cart/items/{id}": {
            "patch": operation(
                "setCartItemQuantity",
                "Set a cart line's quantity",
                "cart",
                {"200": answer("The cart.", ref("Cart"))},
                auth="shopper",
                params=[CART_LINE],
                request=body(ref("CartQuantityInput")),
                errors=("404", "409"),
            ),
            "delete": operation(
                "deleteCartItem",
                "Take a line out of the cart",
                "cart",
                {"200": answer("The cart.", ref("Cart"))},
                auth="shopper",
                params=[CART_LINE],
                errors=("404",),
            ),
        },
        "/checkout": {
            "post": operation(
                "checkout",
                "Turn the cart into one order per store and one payment",
                "checkout",
                {
                    "201": answer(
                        "The orders and the payment to make (the first answer again for a repeated "
                        "idempotency key, with the header `Idempotent-Replayed: true`).",
                        ref("CheckoutResult"),
                    ),
                    "503": answer("The payment provider failed; nothing was kept.", ref("Error")),
                },
                auth="shopper",
                request=body(ref("CheckoutInput")),
                errors=("409",),
                params=[{"name": "Idempotency-Key", "in": "header", "required": False, "schema": STRING}],
                description="409 when stock is short or the cart changed: nothing is reserved.",
            )
        },
        "/payment-methods": {
            "get": operation(
                "listPaymentMethods",
                "What the enabled payment plugins offer",
                "checkout",
                {"200": answer("Payment methods of the enabled plugins.", items_of(ref("Offer")))},
            )
        },
        "/checkout/extras": {
            "get": operation(
                "listCheckoutExtras",
                "Paid add-ons the enabled plugins offer at checkout",
                "checkout",
                {"200": answer("Checkout extras of the enabled plugins.", items_of(ref("Offer")))},
            )
        },
    }


def _orders() -> dict:
    """The shopper's orders."""
    return {
        "/orders": {
            "get": operation(
                "listOrders",
                "The shopper's orders, newest first",
                "orders",
                {"200": answer("A page of orders.", ref("OrderPage"))},
                auth="shopper",
                params=[ORDER_STATUS, *PAGE_PARAMS],
                errors=("422",),
            )
        },
        "/orders/{number}": {
            "get": operation(
                "getOrder",
                "One of the shopper's orders",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                errors=("404",),
            )
        },
        "/orders/{number}/cancel": {
            "post": operation(
                "cancelOrder",
                "Cancel an order before it ships (stock back; refund when paid)",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                request=body(ref("CancelInput"), required=False),
                errors=("404", "409"),
            )
        },
        "/orders/{number}/complete": {
            "post": operation(
                "completeOrder",
                "Confirm a shipped order arrived",
                "orders",
                {"200": answer("The order.", ref("Order"))},
                auth="the shopper who placed it",
                params=[NUMBER],
                errors=("404", "409"),
            )
        },
        "/orders/{number}/reviews": {
            "post": operation(
                "reviewOrder",
                "Review a completed order",
                "orders",
                {"201": answer("The review.", ref("Review"))},
                auth="the shopper who placed it, once it is completed",
                params=[NUMBER],
                request=body(ref("ReviewInput")),
                errors=("404", "409"),
            )
        },
    }


def _seller() -> dict:
    """A store's orders and ledger."""
    return {
        "/seller/orders": {
            "get": operation(
                "listSellerOrders",
                "Orders of the seller's store",
                "seller",
                {"200": answer("A page of orders.", ref("OrderPage"))},
                auth=SELLER,
                params=[STORE_ARG, ORDER_STATUS, *PAGE_PARAMS],
                errors=("422",),
            )
        },
        "/seller/orders/{number}": {
            "get": operation(
                "getSellerOrder",
                "One order of the seller's store",
                "seller",
                {"200": answer("The order.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                errors=("404",),
            )
        },
        "/seller/orders/{number}/status": {
            "post": operation(
                "setOrderStatus",
                "Move an order on: accept, ship (with tracking), complete or cancel",
                "seller",
                {"200": answer("The order.", ref("Order"))},
                auth=SELLER,
                params=[NUMBER],
                request=body(ref("OrderStatusInput")),
                errors=("404", "409"),
                description="An illegal transition is a 409.",
            )
        },
        "/seller/ledger": {
            "get": operation(
                "getLedger",
                "Earnings, commission, payouts and balance of the seller's store",
                "seller",
                {"200": answer("The ledger.", ref("Ledger"))},
                auth=SELLER,
                params=[STORE_ARG],
                errors=("404",),
            )
        },
    }


def _agency() -> dict:
    """The agency's decisions on stores, the featured vendors, the commission."""
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
                "The marketplace commission",
                "agency",
                {"200": answer("The commission.", ref("Commission"))},
                auth="agency",
            ),
            "put": operation(
                "setCommission",
                "Set the marketplace commission (0 % allowed)",
                "agency",
                {"200": answer("The commission.", ref("Commission"))},
                auth="agency",
                request=body(ref("CommissionInput")),
            ),
        },
    }


def _expos() -> dict:
    """Expos and exhibitors."""
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
        "/openapi.json": {
            "get": operation("openapi", "This document", "meta", {"200": answer("OpenAPI 3.1.", {"type": "object"})})
        },
    }
