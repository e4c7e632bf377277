"""`flask stores ...`: the agency's store decisions from the command line
(the agency console comes later; the rule lives in stores.services.set_status)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.stores import services
from marketplace.stores.models import STORE_STATUSES

stores_cli = AppGroup("stores", help="Toko: daftar dan verifikasi.")


@stores_cli.command("approve")
@click.argument("slug")
def approve(slug: str) -> None:
    """Approve (verify) the store SLUG so it can sell."""
    try:
        store = services.approve_store(services.get_store(slug), None)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"approved {store.slug}")


@stores_cli.command("list")
@click.option("--status", type=click.Choice(STORE_STATUSES), default=None, help="Only stores with this status.")
def list_stores(status: str | None) -> None:
    """Stores, oldest first: slug, status, sector, city, name."""
    for store in services.list_stores(status):
        click.echo("\t".join([store.slug, store.status, store.sector, store.city or "-", store.name]))


def register_cli(app: Flask) -> None:
    app.cli.add_command(stores_cli)
