"""What a backup is, shared by creating and restoring one: the archive's names, the
database the app is configured with, the PostgreSQL client programs and the
migration revisions this code knows."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import URL

from marketplace.extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: URL
    path: Path | None = None  # SQLite only

    @property
    def archive_name(self) -> str:
        return DATABASE_FILES[self.kind]


def configured_database() -> Database:
    """The database the app is configured with (needs an app context)."""
    url = db.engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        return Database("sqlite", url, Path(url.database))
    if backend == "postgresql":
        return Database("postgresql", url)
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {backend}.")


def libpq_connection(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment carrying it."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def find_tool(name: str) -> str:
    """The path of a PostgreSQL client program; BackupError saying how to install it."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools (Debian: apt-get install "
            "postgresql-client) of the same major version as the server, or newer."
        )
    return path


def run_tool(cmd: list[str], env: dict, what: str) -> None:
    """Run a client program; BackupError with the end of its output when it fails."""
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {result.returncode}): " + " | ".join(detail))


def code_revisions() -> list[str]:
    """The migration heads of this code."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return sorted(script.get_heads())


def known_revisions() -> set[str]:
    """Every migration revision this code knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {rev.revision for rev in script.walk_revisions()}
