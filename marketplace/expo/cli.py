"""`flask expo warm`: an expo's pages rendered into the page cache before the opening (the
job worker does it by itself every minute from a quarter hour before; this is for an operator
who wants it done now, or for an expo further ahead)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from marketplace.errors import ServiceError
from marketplace.expo import services, warming

expo_cli = AppGroup("expo", help="Expo: halaman dan persiapan pembukaan.")


@expo_cli.command("warm")
@click.option("--expo", "slug", default=None, help="This expo (default: those open now or opening within 15 minutes).")
@click.option("--limit", type=int, default=None, help="At most this many pages per expo (default: EXPO_WARM_PAGES).")
def warm(slug: str | None, limit: int | None) -> None:
    """Render the expo's pages (home, hall, booths, exhibitors' stores and products) into the
    page cache, as an anonymous visitor at BASE_URL sees them."""
    if not current_app.config.get("PAGE_CACHE"):
        raise click.ClickException("PAGE_CACHE is off: there is nothing to warm.")
    limit = limit if limit is not None else int(current_app.config.get("EXPO_WARM_PAGES") or 0)
    try:
        expos = [services.get_expo(slug)] if slug else warming.expos_to_warm()
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    if not expos:
        minutes = int(warming.WARM_AHEAD.total_seconds() // 60)
        click.echo(f"no expo is open or opening within {minutes} minutes; name one with --expo")
        return
    paths = {expo.slug: warming.paths_of(expo, limit) for expo in expos}
    for expo_slug, counts in warming.warm_paths(paths, None).items():
        click.echo(
            f"{expo_slug}: {len(paths[expo_slug])} pages; rendered {counts['rendered']}, "
            f"already cached {counts['cached']}, not cacheable {counts['refused']}"
        )


def register_cli(app: Flask) -> None:
    app.cli.add_command(expo_cli)
