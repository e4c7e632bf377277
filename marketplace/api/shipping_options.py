"""API endpoint: the shipping options of the shopper's cart for an address, per store."""

from __future__ import annotations

from marketplace.api.base import auth_required, bp, current_api_user, json_body
from marketplace.cart import services as carts
from marketplace.checkout import services as checkout
from marketplace.checkout import shipping as checkout_shipping
from marketplace.shipping import options as shipping_options


def option_json(option: shipping_options.Option) -> dict:
    return {
        "id": option.id,
        "method": option.method,
        "courier": option.courier,
        "service": option.service,
        "price": option.price,
        "etd_days": option.etd_days,
        "label": str(option.label),
        "etd_min": option.etd_min,
        "etd_max": option.etd_max,
        "cod": option.cod,
        "kind": option.kind,
    }


def quotes_json(quotes: shipping_options.StoreQuotes) -> dict:
    return {
        "items": [
            {
                "store": quote.store_slug,
                "name": quote.store_name,
                "subtotal": quote.subtotal,
                "options": [option_json(option) for option in quote.options],
                "cod": any(option.cod for option in quote.options),
                "message": None if quote.options else shipping_options.no_option_message(quote),
            }
            for quote in quotes.stores
        ],
        "notices": [str(notice) for notice in quotes.notices],
    }


@bp.post("/checkout/shipping-options")
@auth_required("shopper")
def api_shipping_options():
    """``{"address_id"}`` or the address fields: each store of the cart with its options,
    cheapest first, and ``notices`` (live rates missing). 422 bad address; an empty cart
    has no stores."""
    data = json_body()
    user = current_api_user()
    wanted = checkout_shipping.parse(user, dict(data), checkout.validate_shipping)
    view = carts.load(user)
    return quotes_json(shipping_options.quote_cart(view, wanted.destination))
