"""``flask visits rollup [--day YYYY-MM-DD]``: flush this process's counts, then roll up."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.visits import counter, rollup

visits_cli = AppGroup("visits", help="Angka pengunjung: rekap harian.")


@visits_cli.command("rollup")
@click.option("--day", default=None, help="YYYY-MM-DD (Jakarta day); default today and yesterday, then the purge.")
def rollup_command(day: str | None) -> None:
    """Roll up the visitor figures into visit_daily (one day, or the periodic job's pass)."""
    app = current_app._get_current_object()
    written = counter.flush(app) if counter.redis_client(app) is None else 0
    if day is None:
        rows = rollup.run()
    else:
        try:
            chosen = date.fromisoformat(day)
        except ValueError as exc:
            raise click.BadParameter("YYYY-MM-DD", param_hint="--day") from exc
        rows = {chosen.isoformat(): rollup.rollup(chosen)}
        db.session.commit()
    buffer = counter.state(app).buffer
    click.echo(f"flushed {written} hit(s); dropped so far {buffer.dropped}, failed flushes {buffer.failed_flushes}")
    for name, count in rows.items():
        click.echo(f"{name}: {count} row(s)")


def register_cli(app: Flask) -> None:
    app.cli.add_command(visits_cli)
