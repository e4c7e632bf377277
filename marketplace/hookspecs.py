"""The hook specifications of Apik Market's plugins, and pluggy's markers.

Plugins import ``hookimpl`` from :mod:`marketplace.plugin_api` (which re-exports everything
here); this module holds only the specifications so the core's own implementation
(:mod:`marketplace.core_plugin`) and the host can both import it without importing each other.
No Flask proxies at module level: pluggy reads every attribute of this module looking for specs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pluggy
from flask import Flask

PROJECT = "apik_market"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

_EVENT_SPECS: set[str] = set()


def event(spec: Callable) -> Callable:
    """Marks a hook specification as an event: called through :func:`notify`."""
    _EVENT_SPECS.add(spec.__name__)
    return spec


# --- hook specifications -----------------------------------------------------------


@hookspec
def init_app(app: Flask) -> None:
    """At start-up, after the core blueprints and the plugin's settings: register blueprints, CLI
    groups, template folders. An exception stops start-up."""


@hookspec
def payment_methods() -> list:
    """The payment methods this plugin offers: a list of ``marketplace.payments.methods.PaymentMethod``."""


@hookspec
def payout_rails() -> list:
    """The ways this plugin sends a store's payout to its bank account: a list of
    ``marketplace.ledger.rails.PayoutRail``. The core uses the first enabled one; with none,
    a payout run writes a bank bulk-transfer file."""


@hookspec
def notification_channels() -> list:
    """The channels besides e-mail this plugin sends notices by: a list of
    ``marketplace.channels.Channel`` (WhatsApp is one). A user who opted in to a channel gets
    the notices of ``marketplace.channels.NOTICES`` by it, sent from the outbox after the
    commit and retried; the e-mail is held back and sent only if the channel fails. Gathered
    quietly: a plugin that raises is logged and its channels are left out."""


@hookspec
def checkout_extras(cart) -> list:
    """Paid add-ons offered at checkout for ``cart`` (None: in general): a list of
    ``marketplace.checkout.extras.CheckoutExtra``."""


@hookspec
def shipping_rates(parcels: list) -> list:
    """Courier rates for each store's parcel of a cart (``marketplace.shipping.quotes.Parcel``,
    all of them in one call, so a plugin calling an API can quote them in parallel): a list of
    ``marketplace.shipping.quotes.Rate`` tagged with the parcel's ``key``. Quote only the couriers
    in ``parcel.couriers``. Raise ``RatesUnavailable`` when the rates cannot be had now (API
    down or slower than 3 s): the core offers the other plugins' rates and says so. Any other
    exception is logged and treated the same way; checkout never fails for want of a rate."""


@hookspec
def shipping_tracking(courier: str, waybill: str) -> object:
    """The journey of a parcel (``marketplace.shipping.quotes.Tracking``), or None when this
    plugin does not track that courier or waybill. The first plugin that answers wins."""


@hookspec
def shipping_book(order) -> object:
    """Book the courier the buyer chose for ``order`` (its ``shipping_courier`` and
    ``shipping_service``) to pick the parcel up at the store: a ``Booking``, or None when this
    plugin does not book that courier. Raise ``BookingFailed`` with a message for the seller."""


@event
@hookspec
def order_placed(order) -> None:
    """Event: ``order`` was created at checkout (once per order), inside the checkout transaction.
    That transaction may still roll back (stock is reserved after this event): write only to
    the database here; anything sent outside it belongs after the commit. ``order.lines`` and
    ``order.extras`` are loaded; its other relationships are not (query them)."""


@event
@hookspec
def order_paid(order, payment) -> None:
    """Event: the money of ``order`` was recorded on ``payment`` (prepaid: confirmed; cash on delivery: collected)."""


@event
@hookspec
def order_status_changed(order, old_status: str, new_status: str, actor) -> None:
    """Event: ``order`` moved from ``old_status`` to ``new_status``; ``actor`` is the user, or None for the system."""


@event
@hookspec
def product_saved(product, created: bool) -> None:
    """Event: a product was created (``created`` True) or edited by its store."""


@event
@hookspec
def store_approved(store) -> None:
    """Event: the agency approved ``store``; it now sells."""


@hookspec
def nav_items(user) -> list:
    """Menu links for ``user`` (signed in): a list of dicts ``{"url", "label"}`` shown in the header
    menu, the core's first; an optional ``"section"`` (``shop``, ``store``, ``agency``, ``insurer``,
    ``account``; see ``marketplace.nav.SECTIONS``) puts a link under that heading, anything else
    under a generic one. A plugin that raises is logged and its links are left out."""


@hookspec
def template_panels(slot: str) -> list:
    """Template names a plugin adds to the named slot of a core page (one of ``SLOTS``), included
    in registration order with the page's context; a plugin that raises is logged and its
    panels are left out. The core never names a plugin's template. The slots and what their
    pages give the template:

    - ``seller_dashboard``: ``store``, ``member``, ``sales``; ``agency_report``: ``report``, ``args``;
    - ``order_detail`` (the buyer's order page): ``order``, ``history``;
    - ``product_detail``: ``product``, ``store``, ``variants`` (shown to anonymous visitors from
      the page cache: no per-user content);
    - ``checkout_summary`` (the summary beside the checkout form): ``cart``, ``methods``, ``extras``."""


@hookspec
def openapi_spec() -> dict:
    """The plugin's part of ``/api/v1/openapi.json``: ``{"paths": {...}, "schemas": {...}}``, paths absolute
    (``/api/v1/...``, ``/webhooks/...``), schemas merged under ``components/schemas``. Built with the helpers
    of ``marketplace.api.openapi``; asked for only while the plugin is enabled. A plugin that raises is
    logged and its part left out; a path or schema name already in the document is not replaced."""


@hookspec
def demo_data(summary) -> int | None:
    """For ``flask demo load``, after the core's demo data (accounts, the expo, its stores,
    products and sales): create this plugin's demo objects that are missing (idempotent) and
    return how many were created. ``summary`` is the run's ``marketplace.demo.Summary`` (its
    counts so far; read only). The core commits once at the end; an exception stops the load
    and nothing is written."""


SLOTS = ("seller_dashboard", "agency_report", "order_detail", "product_detail", "checkout_summary")


def _spec_names() -> tuple[str, ...]:
    module = sys.modules[__name__]
    parser = pluggy.PluginManager(PROJECT)
    return tuple(name for name in list(vars(module)) if parser.parse_hookspec_opts(module, name) is not None)


HOOK_NAMES = _spec_names()
EVENT_HOOKS = tuple(name for name in HOOK_NAMES if name in _EVENT_SPECS)
