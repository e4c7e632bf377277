"""The demo's agency side: the expo's five zones and banner, stores that allow the
agency's help, and (with cash on delivery on) the expo's first days of sales."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace.agency import reports
from marketplace.clock import JAKARTA
from marketplace.expo import queries as expo_queries
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.stores import services as stores
from tests.integration.test_demo import load_demo


def test_demo_expo_has_five_zones_a_banner_helpers_and_sales(make_app):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        runner = app.test_cli_runner()
        assert " orders" in load_demo(runner)
        fair = expo_queries.expo_with_zones("apik-banget-virtual-expo")
        assert [(z.slug, z.name) for z in fair.zones] == [
            ("kuliner", "Kuliner"),
            ("fesyen", "Fesyen & Tekstil"),
            ("kriya", "Kriya"),
            ("minuman-herbal", "Minuman & Herbal"),
            ("logam-furnitur", "Logam & Furnitur"),
        ]
        assert fair.banner and fair.banner.startswith("banners/")
        zones = {e.zone for e in expo.exhibitors_for_console(fair)}
        assert zones == {z.slug for z in fair.zones}
        assert stores.get_store("kue-khas-bu-ningsih").allow_agency_assist
        assert not stores.get_store("batik-tegalan-sari").allow_agency_assist

        orders = db.session.scalar(select(func.count()).select_from(Order))
        days = {o.placed_at.astimezone(JAKARTA).date() for o in db.session.scalars(select(Order))}
        assert orders >= 10 and len(days) >= 2
        report = reports.sales_report(fair)
        assert report.totals.orders > 0 and report.during.gross_sales == report.totals.gross_sales

        again = runner.invoke(args=["demo", "load"])
        assert again.exit_code == 0 and "nothing changed" in again.output
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Order)) == orders
