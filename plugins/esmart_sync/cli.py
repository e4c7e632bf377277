"""``flask esmart pull [--file PATH] [--dry-run] [--full]`` and ``flask esmart push [--dry-run]``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from marketplace.errors import ServiceError

from .models import COUNT_FIELDS, EsmartRun
from .runs import run_issues

esmart = AppGroup("esmart", help="E-Smart IKM catalogue sync.")


def _report(run: EsmartRun) -> None:
    mode = " (dry run: nothing written)" if run.dry_run else ""
    click.echo(f"run #{run.id} {run.kind} {run.source}: {run.status}{mode}")
    if run.message:
        click.echo(f"  {run.message}")
    counts = run.counts
    for group in ("stores", "products"):
        parts = ", ".join(f"{k.split('_', 1)[1]} {counts[k]}" for k in COUNT_FIELDS if k.startswith(group + "_"))
        click.echo(f"  {group}: {parts}")
    click.echo(
        f"  photos: added {counts['photos_added']}, failed {counts['photos_failed']}; "
        f"conflicts {counts['conflicts']}, errors {counts['errors']}, warnings {counts['warnings']}"
    )
    issues, total = run_issues(run.id, per_page=20)
    for issue in issues:
        where = f"row {issue.row}" if issue.row else ""
        click.echo(f"  [{issue.kind}] {where} {issue.record_id or ''} {issue.field or ''}: {issue.reason}".rstrip())
    if total > len(issues):
        click.echo(f"  ... {total - len(issues)} more in the agency console (/agency/esmart/runs/{run.id})")
    if run.status == "failed":
        raise SystemExit(1)


@esmart.command("pull")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A JSON, CSV or XLSX file instead of the configured E-Smart server.",
)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--full", is_flag=True, help="HTTP: ask for every IKM, not only those changed since the last pull.")
def pull_command(path: Path | None, dry_run: bool, full: bool) -> None:
    """Import IKM profiles and products from E-Smart or from a file."""
    from . import importer

    try:
        run = importer.pull_file(path, dry_run=dry_run) if path else importer.pull_http(dry_run=dry_run, full=full)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    _report(run)


@esmart.command("push")
@click.option("--dry-run", is_flag=True, help="Report what would be sent; send nothing.")
def push_command(dry_run: bool) -> None:
    """Send new and changed products of linked stores to E-Smart."""
    from . import pusher

    try:
        run = pusher.push(dry_run=dry_run, source="cli")
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    _report(run)
