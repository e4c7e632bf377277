"""``flask insurance grant --expo SLUG --product CODE`` (and ``--store SLUG``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.stores import services as stores

from . import policies, terms

insurance = AppGroup("insurance", help="Asuransi mikro IKM: polis bantuan dan klaim.")


@insurance.command("grant")
@click.option("--expo", "expo_slug", default=None, help="Every exhibitor of this expo that has no active policy.")
@click.option("--store", "store_slug", default=None, help="One store instead of an expo's exhibitors.")
@click.option("--product", "product_code", required=True, help="warungku, kiosku, gerobakku ...")
def grant(expo_slug: str | None, store_slug: str | None, product_code: str) -> None:
    """Grant aid policies; prints how many were granted and skipped."""
    if bool(expo_slug) == bool(store_slug):
        raise click.UsageError("Give --expo SLUG or --store SLUG (one of them).")
    try:
        product = terms.get_product(product_code)
        if store_slug:
            policy = policies.grant(None, stores.get_store(store_slug), product)
            db.session.commit()
            click.echo(f"granted 1 policy ({policy.number}) to {store_slug}")
            return
        result = policies.grant_to_exhibitors(None, expo_slug, product)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message + (f" {exc.fields}" if exc.fields else "")) from None
    click.echo(
        f"granted {len(result.granted)} {product.code} policies to exhibitors of {expo_slug}; "
        f"skipped {len(result.skipped)} that already have one"
    )
    for policy in result.granted:
        click.echo(f"  {policy.number}")
