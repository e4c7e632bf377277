"""``flask agency report`` (a sales report as CSV) and ``flask agency commission``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace import site_settings
from marketplace.agency import reports
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.gov import commission as gov_commission


def register_cli(app: Flask) -> None:
    group = AppGroup("agency", help="The agency's reports and settings.")

    @group.command("report")
    @click.option("--expo", "expo_slug", default=None, help="expo slug: its exhibitors, during and after it")
    @click.option("--from", "start", default=None, help="first day, YYYY-MM-DD (Asia/Jakarta)")
    @click.option("--to", "end", default=None, help="last day, YYYY-MM-DD (Asia/Jakarta)")
    def report_command(expo_slug, start, end):
        """Print the sales report as CSV (the same as GET /api/v1/agency/reports/sales?format=csv)."""
        try:
            click.echo(reports.to_csv(reports.report_for(expo_slug, start, end)), nl=False)
        except ServiceError as exc:
            raise click.ClickException(f"{exc.message} {exc.fields or ''}".strip()) from None

    @group.command("commission")
    @click.argument("percent", required=False)
    @click.option("--gov", "gov_percent", default=None, help="the commission on government orders (0 allowed)")
    def commission_command(percent, gov_percent):
        """Show the marketplace commission, or set it (e.g. 2,5 or 0); --gov sets the one on
        government orders. With --gov, both are printed: "2,5 % (instansi 0 %)"."""
        if percent is not None or gov_percent is not None:
            try:
                gov_commission.set_commissions(None, percent, gov_percent)
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                raise click.ClickException(next(iter(exc.fields.values()), exc.message)) from None
        shown = site_settings.percent_label(site_settings.get_commission_bps())
        if gov_percent is not None:
            shown += f" (instansi {site_settings.percent_label(site_settings.get_gov_commission_bps())})"
        click.echo(shown)

    app.cli.add_command(group)
