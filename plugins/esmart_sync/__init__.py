"""E-Smart IKM catalogue sync: IKM profiles and products from the Ministry of
Industry's directory into the marketplace (pull), and the marketplace's
products back to it (push). The exchange format is ESMART.md; settings are
ESMART_BASE_URL and ESMART_API_KEY (unset: files only).

- ``flask esmart pull [--file PATH] [--dry-run] [--full]``, ``flask esmart push [--dry-run]``
- /agency/esmart: runs, upload, pull and push buttons (agency)
- /api/v1/esmart/runs, /api/v1/esmart/pull, /api/v1/esmart/push (agency)
- after ``product_saved``, the product is pushed when E-Smart is configured
- the console and the API queue pulls and pushes as jobs (background.py); photos are
  downloaded after the import in a job of their own (photos.py); ``ESMART_PULL_SCHEDULE``
  makes ``flask worker`` queue a pull on a crontab when E-Smart is configured
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from marketplace.plugin_api import hookimpl

from .settings import SETTINGS


class EsmartSyncPlugin:
    name = "esmart_sync"
    settings = SETTINGS

    @hookimpl
    def init_app(self, app: Flask) -> None:
        from . import api, autopush, models, views  # noqa: F401  (models: tables in the metadata)
        from .cli import esmart
        from .status import store_sync_status

        if "esmart" not in app.blueprints:
            app.register_blueprint(views.bp)
            app.register_blueprint(api.bp)
        app.cli.add_command(esmart)
        app.jinja_env.globals["esmart_sync_status"] = store_sync_status
        schedule = app.config.get("ESMART_PULL_SCHEDULE")
        if schedule and app.config.get("ESMART_BASE_URL") and app.config.get("ESMART_API_KEY"):
            from marketplace import jobs

            from .background import scheduled_pull

            # not "esmart.pull": that is the name of the pull job's task on the same Huey
            jobs.add_periodic(app, scheduled_pull, schedule, name="esmart.pull_schedule")

    @hookimpl
    def product_saved(self, product, created: bool) -> None:
        from . import autopush

        autopush.schedule(product.id)

    @hookimpl
    def template_panels(self, slot: str) -> list:
        return ["esmart/_store_sync_status.html"] if slot == "seller_dashboard" else []

    @hookimpl
    def nav_items(self, user) -> list:
        from flask import url_for

        from marketplace.agency.assist import is_officer

        if not is_officer(user):
            return []

        return [{"url": url_for("esmart.index"), "label": str(_l("E-Smart IKM")), "section": "agency"}]

    @hookimpl
    def openapi_spec(self) -> dict:
        from .openapi import openapi_spec

        return openapi_spec()


plugin = EsmartSyncPlugin()
