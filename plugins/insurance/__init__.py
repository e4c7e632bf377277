"""Insurance add-on: the aid micro-insurance the state insurers Jasindo and
Askrindo gave the expo's IKMs (Warungku, Kiosku, Gerobakku), claims on it, and
the paid order protection a shopper may add at checkout.

- /seller/insurance: the store's policies, certificates, claims (store members)
- /insurer/: the claims queue of the user's own insurer, decisions
- /agency/insurance: products and terms, grants (one store or an expo's exhibitors), lists
- /api/v1/insurance/...: products, policies, claims, decisions (CONTRACT.md)
- ``flask insurance grant --expo SLUG --product CODE``
- checkout extra ``order_protection``: a rate of the goods value, recorded per order
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from marketplace.plugin_api import hookimpl

from .audit_sentences import audit_text as audit_text  # registers the log's sentences on import

NAME = "insurance"


class InsurancePlugin:
    name = NAME
    settings = ()  # its terms (protection rate, minimum, insurer) are site settings the agency edits

    @hookimpl
    def init_app(self, app: Flask) -> None:
        from . import agency_views, api, insurer_views, models, views  # noqa: F401  (models: tables)
        from .cli import insurance

        if "insurance" not in app.blueprints:
            for blueprint in (views.bp, insurer_views.bp, agency_views.bp, api.bp):
                app.register_blueprint(blueprint)
        app.cli.add_command(insurance)
        _template_helpers(app)

    @hookimpl
    def demo_data(self, summary) -> int:
        from .demo import load_demo

        return load_demo()

    @hookimpl
    def checkout_extras(self, cart) -> list:
        from .protection import OrderProtectionExtra

        return [OrderProtectionExtra(cart)]

    @hookimpl
    def order_placed(self, order) -> None:
        from .protection import record_for_order

        record_for_order(order)

    @hookimpl
    def order_status_changed(self, order, old_status: str, new_status: str, actor) -> None:
        from .protection import settle_for_order

        if new_status in ("cancelled", "refunded"):
            settle_for_order(order)

    @hookimpl
    def template_panels(self, slot: str) -> list:
        return {
            "seller_dashboard": ["insurance/_store_policies.html"],
            "agency_report": ["insurance/_report_panel.html"],
            "order_detail": ["insurance/_order_protection.html"],
        }.get(slot, [])

    @hookimpl
    def nav_items(self, user) -> list:
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        from flask import url_for

        from marketplace.agency.assist import is_officer

        roles = set(user.roles)
        items = []
        if "insurer" in roles and user.insurer_code:
            items.append({"url": url_for("insurer.index"), "label": str(_l("Klaim asuransi")), "section": "insurer"})
        if is_officer(user):
            items.append(
                {"url": url_for("insurance_agency.index"), "label": str(_l("Asuransi IKM")), "section": "agency"}
            )
        if "seller" in roles:
            items.append({"url": url_for("insurance.seller_index"), "label": str(_l("Asuransi")), "section": "store"})
        if "shopper" in roles:
            items.append(
                {"url": url_for("insurance.protection_index"), "label": str(_l("Proteksi pesanan")), "section": "shop"}
            )
        return items

    @hookimpl
    def openapi_spec(self) -> dict:
        from .openapi import openapi_spec

        return openapi_spec()


def _template_helpers(app: Flask) -> None:
    from .claims import STATUS_LABELS, policy_status_label
    from .policies import state, store_policies
    from .terms import cause_label, object_label

    app.jinja_env.filters["insurance_cause"] = cause_label
    app.jinja_env.filters["insurance_object"] = object_label
    app.jinja_env.filters["policy_status"] = policy_status_label
    app.jinja_env.filters["policy_state"] = lambda policy: state(policy)
    app.jinja_env.globals["insurance_store_policies"] = store_policies
    from .report import report_figures

    # the agency report and the seller dashboard include the plugin's partials when these exist
    app.jinja_env.globals["insurance_report_figures"] = report_figures
    from .protection import for_order

    app.jinja_env.globals["insurance_order_protection"] = for_order
    app.jinja_env.filters["claim_status"] = lambda status: str(STATUS_LABELS.get(status, status))


plugin = InsurancePlugin()
