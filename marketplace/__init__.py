"""Apik Market: the marketplace of a city's virtual expo for its IKMs."""

from __future__ import annotations

import importlib

from flask import Flask

from marketplace import config as config_module
from marketplace import observability, plugin_api, templating
from marketplace.extensions import babel, csrf, db, limiter, login_manager, migrate

# Core blueprints, registered in this order before any plugin loads, so a plugin
# can extend anything. Each module exposes ``bp`` (the agency's page modules share theirs, and so do the seller's).
BLUEPRINT_MODULES = (
    "marketplace.accounts.views",
    "marketplace.catalog.views",
    "marketplace.stores.views",
    "marketplace.stores.product_views",
    "marketplace.stores.shipping_views",
    "marketplace.expo.views",
    "marketplace.expo.agenda_views",
    "marketplace.expo.booth_views",
    "marketplace.stores.booth_views",
    "marketplace.visits.views",
    "marketplace.accounts.notice_views",
    "marketplace.cart.views",
    "marketplace.checkout.views",
    "marketplace.orders.views",
    "marketplace.orders.seller_views",
    "marketplace.complaints.views",
    "marketplace.complaints.seller_views",
    "marketplace.ledger.views",
    "marketplace.payments.refund_views",
    "marketplace.ledger.payout_views",
    "marketplace.reviews.views",
    "marketplace.seo.views",
    "marketplace.agency.views",
    "marketplace.agency.expo_views",
    "marketplace.agency.onboard_views",
    "marketplace.agency.report_views",
    "marketplace.agency.gov_report_views",
    "marketplace.agency.jobs_views",
    "marketplace.agency.session_views",
    "marketplace.agency.funnel_views",
    "marketplace.agency.synonym_views",
    "marketplace.gov.agency_views",
    "marketplace.complaints.agency_views",
    "marketplace.shipping.address_views",
    "marketplace.documents.views",
    "marketplace.gov.views",
    "marketplace.gov.seller_views",
    "marketplace.gov.offer_views",
    "marketplace.api",
    "marketplace.api.invoices",  # registers its routes on the API blueprint before it is registered
    "marketplace.api.me_notifications",
    "marketplace.api.sessions",
    "marketplace.api.funnel",
    "marketplace.api.synonyms",
)

# Modules exposing ``register_cli(app)``.
CLI_MODULES = (
    "marketplace.accounts.cli",
    "marketplace.stores.cli",
    "marketplace.demo",
    "marketplace.orders.cli",
    "marketplace.ledger.cli",
    "marketplace.backup",
    "marketplace.agency.cli",
    "marketplace.plugin_cli",
    "marketplace.jobs.cli",
    "marketplace.visits.cli",
    "marketplace.expo.cli",
)

# Modules registering periodic tasks on the job queue (marketplace/jobs), imported at start-up.
SCHEDULE_MODULES = (
    "marketplace.orders.schedule",
    "marketplace.shipping.schedule",
    "marketplace.visits.schedule",
    "marketplace.catalog.schedule",
    "marketplace.expo.schedule",
)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.jinja_environment = templating.Environment  # before anything reads app.jinja_env
    config_module.load_config(app, test_config)
    observability.configure_logging(app)  # JSON lines with request ids in production, text elsewhere

    _init_extensions(app)
    _register_core(app)
    plugin_api.load_plugins(app)  # last, so a plugin can extend anything
    return app


def _init_extensions(app: Flask) -> None:
    from marketplace import i18n, jobs, media, pagecache

    db.init_app(app)
    jobs.init_app(app)
    migrate.init_app(app, db, directory=_migrations_dir())
    csrf.init_app(app)
    pagecache.init_app(app)  # after csrf: pages cached for anonymous visitors hold no one's token
    babel.init_app(app, locale_selector=i18n.select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "basic"
    i18n.init_app(app)
    media.init_app(app)
    _import_models()


def _migrations_dir() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _import_models() -> None:
    """Every model module, so metadata (and Alembic) sees every table."""
    from marketplace import audit, site_settings  # noqa: F401
    from marketplace.accounts import models as _a  # noqa: F401
    from marketplace.cart import models as _cart  # noqa: F401
    from marketplace.catalog import models as _c  # noqa: F401
    from marketplace.checkout import models as _checkout  # noqa: F401
    from marketplace.complaints import models as _complaints  # noqa: F401
    from marketplace.expo import models as _e  # noqa: F401
    from marketplace.gov import models as _gov  # noqa: F401
    from marketplace.jobs import models as _jobs  # noqa: F401
    from marketplace.orders import models as _orders  # noqa: F401
    from marketplace.payments import models as _payments  # noqa: F401
    from marketplace.reviews import models as _reviews  # noqa: F401
    from marketplace.shipping import address_model as _addresses  # noqa: F401
    from marketplace.shipping import store_models as _shipping_offers  # noqa: F401
    from marketplace.shipping import tracking_models as _tracking  # noqa: F401
    from marketplace.stores import models as _s  # noqa: F401
    from marketplace.visits import models as _visits  # noqa: F401


def _register_core(app: Flask) -> None:
    from marketplace import errors, logsafe, pagecache, production, security, web
    from marketplace.complaints import deadlines as complaint_deadlines
    from marketplace.visits import fastpath as beacon_fastpath

    logsafe.init_app(app)  # first, so its after_request runs last: the access log's URIs without secrets
    # before_request order: the request id, then cached pages (a hit skips every later hook), then the rest
    pagecache.serve_hits(app)
    observability.init_app(app)  # request ids first, so every later hook logs with one
    beacon_fastpath.install(app)  # beneath ProxyFix (next): a beacon's address is the client's, as for a view
    security.init_app(app)  # CSP, HSTS and friends; ProxyFix when TRUSTED_PROXIES is set
    errors.register_error_handlers(app)
    complaint_deadlines.register()  # the complaints' step and completion hold of the order clock
    web.init_app(app)
    # all imported before any is registered: the agency's page modules share one blueprint
    blueprints = {}
    for module_name in BLUEPRINT_MODULES:
        blueprint = importlib.import_module(module_name).bp
        blueprints.setdefault(blueprint.name, blueprint)
    for blueprint in blueprints.values():
        app.register_blueprint(blueprint)
    for module_name in CLI_MODULES:
        importlib.import_module(module_name).register_cli(app)
    for module_name in SCHEDULE_MODULES:
        importlib.import_module(module_name)
    production.check_startup(app)  # production: no demo accounts in the database
