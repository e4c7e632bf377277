"""``flask shipping-table import FILE [--store SLUG]`` and ``flask shipping-table export [--store SLUG]``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.stores import services as stores

from . import tables

shipping_table = AppGroup("shipping-table", help="Tabel tarif ongkir (kurir, tujuan, berat).")


def _store_id(slug: str | None) -> int | None:
    return stores.get_store(slug).id if slug else None


@shipping_table.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--store", "store_slug", default=None, help="A store's own table; default the marketplace's.")
def import_command(file: Path, store_slug: str | None) -> None:
    """Replace a table with the rows of FILE (CSV); every bad line is listed and nothing changes."""
    try:
        count = tables.import_csv(file.read_text(encoding="utf-8-sig"), _store_id(store_slug))
        db.session.commit()
    except tables.TableFileError as exc:
        db.session.rollback()
        for line, message in exc.lines:
            click.echo(f"{file}:{line}: {message}", err=True)
        raise click.ClickException(f"{len(exc.lines)} bad line(s); nothing imported") from None
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    click.echo(f"imported {count} rates into the {store_slug or 'marketplace'} table")


@shipping_table.command("export")
@click.option("--store", "store_slug", default=None, help="A store's own table; default the marketplace's.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: stdout.")
def export_command(store_slug: str | None, output: Path | None) -> None:
    """Write a table as CSV (the columns import reads)."""
    try:
        text = tables.export_csv(_store_id(store_slug))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {text.count(chr(10)) - 1} rates to {output}")
