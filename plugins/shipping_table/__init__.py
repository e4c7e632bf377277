"""Shipping table: courier rates from a table kept in the database, no network; the fallback
that always answers (plugins/shipping_table/README.md).

- ``shipping_rates``: ``Rate(kind="table", source="shipping_table")`` for every courier and
  service of the parcel's couriers the table covers, all parcels in one query
- the marketplace's table (agency) and each store's own table, which wins for that store
- CSV import and export: ``flask shipping-table import FILE [--store SLUG]`` / ``export``,
  /agency/shipping-rates and /seller/shipping-rates
- demo data: the bundled default table (data/default_rates.csv), origins Kota and Kabupaten Tegal
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from marketplace.plugin_api import Setting, hookimpl

NAME = "shipping_table"


def _tolerance_ok(value) -> str | None:
    return None if 0 <= int(value) < 1000 else "must be between 0 and 999 grams"


class ShippingTablePlugin:
    name = NAME
    settings = (
        Setting(
            "SHIPPING_TABLE_TOLERANCE_GRAMS",
            300,
            kind=int,
            help="Grams over a whole kilogram not charged as one more (300: 1.3 kg is 1 kg, 1.31 kg is 2).",
            check=_tolerance_ok,
        ),
    )

    @hookimpl
    def init_app(self, app: Flask) -> None:
        from . import models, views  # noqa: F401  (models: tables)
        from .cli import shipping_table

        if "shipping_table" not in app.blueprints:
            app.register_blueprint(views.bp)
        app.cli.add_command(shipping_table)
        from marketplace.shipping import couriers

        app.jinja_env.globals.setdefault("courier_name", couriers.name_of)

    @hookimpl
    def shipping_rates(self, parcels: list) -> list:
        from .lookup import quote

        return quote(list(parcels), current_app.config.get("SHIPPING_TABLE_TOLERANCE_GRAMS", 300))

    @hookimpl
    def demo_data(self, summary) -> int:
        from .demo import load_demo

        return load_demo()

    @hookimpl
    def nav_items(self, user) -> list:
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        from flask import url_for

        from marketplace.agency.assist import is_officer

        if is_officer(user):
            return [
                {"url": url_for("shipping_table.agency_index"), "label": str(_l("Tarif ongkir")), "section": "agency"}
            ]
        if "seller" in set(user.roles):
            return [
                {
                    "url": url_for("shipping_table.seller_index"),
                    "label": str(_l("Tarif ongkir toko")),
                    "section": "store",
                }
            ]
        return []


plugin = ShippingTablePlugin()
