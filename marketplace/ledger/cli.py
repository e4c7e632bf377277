"""``flask payouts run [--dry-run] [--output PATH] [--json]``: a payout run
(marketplace/ledger/payout_runs.py), and the periodic run when ``PAYOUT_SCHEDULE`` is set."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace import jobs
from marketplace.extensions import db
from marketplace.ledger import payout_files, payout_overview, payout_runs

payouts_cli = AppGroup("payouts", help="Pencairan dana ke rekening toko.")


@payouts_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Show who would be paid and how much; write nothing.")
@click.option("--output", type=click.Path(dir_okay=False), help="Without a payout rail: write the bank file here.")
@click.option("--json", "as_json", is_flag=True, help="The outcome as JSON.")
def run_command(dry_run: bool, output: str | None, as_json: bool) -> None:
    """Pay every store with a verified payout account and a balance of at least PAYOUT_MINIMUM.

    Through the payout rail a plugin offers, or, without one, in a bank bulk-transfer file that
    finance uploads and then marks sent or failed. Safe to run twice at once: each store is
    paid once. Payouts still pending are asked again first."""
    try:
        result = payout_runs.run(dry_run=dry_run)
    except payout_runs.RailUnavailable as exc:
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    if output and not dry_run and result.rail == payout_runs.FILE_RAIL and result.payouts:
        Path(output).write_text(payout_files.batch_file(result.batch), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(payout_overview.result_json(result, dry_run)))
        return
    for item in result.planned:
        click.echo(f"{item.store.slug}\t{item.amount}\t{item.account.bank}")
    verb = "would be paid" if dry_run else "paid"
    click.echo(f"{len(result.planned)} store(s) {verb}, {result.total} rupiah in all, through {result.rail}.")
    if not dry_run:
        states = ", ".join(f"{n} {state}" for state, n in result.states.items() if n)
        click.echo(
            f"batch {result.batch}: {len(result.payouts)} payout(s) ({states or 'none'}); {result.skipped} skipped."
        )
        if result.rail == payout_runs.FILE_RAIL and result.payouts and not output:
            click.echo("The bank file is on the finance page (/finance/payouts), or use --output PATH.")


def scheduled_run() -> None:
    """The periodic payout run (``PAYOUT_SCHEDULE``), on the job worker."""
    payout_runs.run()
    db.session.commit()


def register_cli(app: Flask) -> None:
    app.cli.add_command(payouts_cli)
    schedule = app.config.get("PAYOUT_SCHEDULE")
    if schedule:
        jobs.add_periodic(app, scheduled_run, schedule, name="ledger.payout_run")
