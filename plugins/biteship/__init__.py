"""Biteship: live courier rates, pickup bookings and tracking from the Biteship API
(JNE, J&T, SiCepat, AnterAja, POS, GoSend, Grab) over ``requests`` (README.md).

Does nothing until ``BITESHIP_API_KEY`` is set. Rates: every store's parcel quoted at once
in a thread pool within ``BITESHIP_TIMEOUT_SECONDS`` (3 s) in all, cached for
``BITESHIP_CACHE_SECONDS`` (Redis when REDIS_URL is set); an API that refuses, times out or
is unreachable raises ``RatesUnavailable`` and checkout offers the table's rates. Webhook
``POST /webhooks/biteship``: a courier's "delivered" records the delivery of the order.
"""

from __future__ import annotations

from flask import Flask, current_app

from marketplace.plugin_api import Setting, hookimpl

NAME = "biteship"
CACHE_KEY = "biteship_cache"


def _http_url(value: str) -> str | None:
    return None if str(value).startswith(("https://", "http://")) else "must be an http(s):// address"


def _positive(value) -> str | None:
    return None if float(value) > 0 else "must be more than 0"


def configured(app=None) -> bool:
    return bool((app or current_app).config.get("BITESHIP_API_KEY"))


def connection(app=None):
    from .api import Connection

    config = (app or current_app).config
    return Connection(
        base_url=config.get("BITESHIP_BASE_URL") or "https://api.biteship.com",
        api_key=config.get("BITESHIP_API_KEY") or "",
        timeout=float(config.get("BITESHIP_TIMEOUT_SECONDS") or 3),
    )


def quote_cache(app=None):
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if CACHE_KEY not in app.extensions:
        from .cache import cache_for

        app.extensions[CACHE_KEY] = cache_for(app.config)
    return app.extensions[CACHE_KEY]


class BiteshipPlugin:
    name = NAME
    settings = (
        Setting("BITESHIP_API_KEY", secret=True, help="API key (biteship_live.… or biteship_test.…); unset: off."),
        Setting("BITESHIP_BASE_URL", "https://api.biteship.com", help="Biteship's API address.", check=_http_url),
        Setting(
            "BITESHIP_TIMEOUT_SECONDS",
            3.0,
            kind=float,
            help="Seconds all live rate calls of one checkout may take together.",
            check=_positive,
        ),
        Setting("BITESHIP_CACHE_SECONDS", 600, kind=int, help="Seconds a quote is reused (0: not cached)."),
        Setting(
            "BITESHIP_WEBHOOK_SECRET",
            secret=True,
            help="The secret value Biteship sends with each webhook (set in its dashboard); unset: refused.",
        ),
        Setting(
            "BITESHIP_WEBHOOK_HEADER",
            "X-Biteship-Signature",
            help="The header Biteship sends the webhook secret in (its dashboard's signature key).",
        ),
    )

    @hookimpl
    def init_app(self, app: Flask) -> None:
        from marketplace.extensions import csrf

        from . import models  # noqa: F401  (tables)
        from .webhooks import bp

        if "biteship_webhooks" not in app.blueprints:
            csrf.exempt(bp)
            app.register_blueprint(bp)

    @hookimpl
    def shipping_rates(self, parcels: list) -> list:
        if not configured():
            return []
        from .rates import quote

        return quote(list(parcels), connection(), quote_cache())

    @hookimpl
    def shipping_tracking(self, courier: str, waybill: str) -> object:
        if not configured():
            return None
        from .tracking import booked_tracking_id, track

        return track(connection(), courier, waybill, booked_tracking_id(courier, waybill))

    @hookimpl
    def shipping_book(self, order) -> object:
        if not configured():
            return None
        from .booking import book

        return book(connection(), order)

    @hookimpl
    def openapi_spec(self) -> dict:
        from .openapi import openapi_spec

        return openapi_spec()


plugin = BiteshipPlugin()
