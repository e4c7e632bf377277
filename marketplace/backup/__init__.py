"""``flask backup create`` / ``flask backup restore``: the database and the uploads in one archive.

A backup is a ``.tar.gz`` holding ``manifest.json`` (format, time, database
kind, migration revision, every file with its size and SHA-256), the database
(``database.sqlite``: a copy made with SQLite's online backup API;
``database.pgdump``: ``pg_dump -Fc``) and ``uploads/``. Both copies are
consistent while the app keeps writing: the SQLite backup API and pg_dump each
read one snapshot. The database is copied first and the uploads after, so every
photo the copied database names is in the archive (uploads are written before
the row that names them and never changed in place).

Restore checks everything before it touches anything: safe member names, every
checksum, the database kind, a migration revision this code knows. Then it
replaces the database (SQLite: the backup API into the live file; PostgreSQL:
the ``public`` schema is dropped and rebuilt from the dump by ``psql`` in one
transaction) and swaps the upload folder for the archived one.

This package: base.py (the archive's names, the database, the client programs),
create.py, restore.py, and here the ``flask backup`` commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.backup.base import CHUNK as CHUNK
from marketplace.backup.base import DATABASE_FILES as DATABASE_FILES
from marketplace.backup.base import FORMAT as FORMAT
from marketplace.backup.base import MANIFEST as MANIFEST
from marketplace.backup.base import UPLOADS as UPLOADS
from marketplace.backup.base import BackupError as BackupError
from marketplace.backup.base import Database as Database
from marketplace.backup.base import code_revisions as code_revisions
from marketplace.backup.base import configured_database as configured_database
from marketplace.backup.base import known_revisions as known_revisions
from marketplace.backup.create import create_backup as create_backup
from marketplace.backup.create import default_output as default_output
from marketplace.backup.restore import check_compatible as check_compatible
from marketplace.backup.restore import extract_verified as extract_verified
from marketplace.backup.restore import replace_folder as replace_folder
from marketplace.backup.restore import restore_backup as restore_backup
from marketplace.backup.restore import safe_member_name as safe_member_name


def register_cli(app: Flask) -> None:
    group = AppGroup("backup", help="Back up and restore the database and the uploads.")

    @group.command("create")
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Archive to write (default: instance/backups/apik-backup-<UTC time>.tar.gz).",
    )
    def create_command(output: Path | None):
        """Write a consistent backup while the app runs."""
        path, manifest = create_backup(output)
        uploads = sum(1 for entry in manifest["files"] if entry["path"].startswith(UPLOADS + "/"))
        click.echo(
            f"Backup written to {path}: {manifest['database']['kind']} database at migration "
            f"{', '.join(manifest['database']['revision']) or 'none'}, {uploads} uploaded files."
        )

    @group.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    @click.option("--force", is_flag=True, help="Restore even a backup from a newer version of Apik Market.")
    def restore_command(path: Path, yes: bool, force: bool):
        """Replace the database and the uploads with the backup's (everything since is lost)."""
        ask = None if yes or not sys.stdin.isatty() else _confirm
        manifest = restore_backup(path, force=force, confirm=ask)
        click.echo(
            f"Restored the backup of {manifest['created_at']}: database and "
            f"{sum(1 for e in manifest['files'] if e['path'].startswith(UPLOADS + '/'))} uploaded files."
        )
        if sorted(manifest["database"].get("revision") or []) != code_revisions():
            click.echo("The restored database is at an older migration: run `flask db upgrade` now.")

    app.cli.add_command(group)


def _confirm(manifest: dict) -> bool:
    return click.confirm(f"Replace the current database and uploads with the backup of {manifest['created_at']}?")
