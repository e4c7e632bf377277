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
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.engine import URL

from marketplace import pagecache
from marketplace.clock import now
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


# --- helpers shared by both directions --------------------------------------------


class _HashingReader:
    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _libpq(url: URL) -> tuple[str, dict]:
    """A libpq connection URI without the password, and the environment carrying it."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools (Debian: apt-get install "
            "postgresql-client) of the same major version as the server, or newer."
        )
    return path


def _run(cmd: list[str], env: dict, what: str) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BackupError(f"{what} failed (exit {result.returncode}): " + " | ".join(detail))


def _revision(connection_sql) -> list[str]:
    try:
        return sorted(connection_sql("SELECT version_num FROM alembic_version"))
    except Exception:  # not migrated
        return []


def code_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return sorted(script.get_heads())


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    return {rev.revision for rev in script.walk_revisions()}


# --- create -----------------------------------------------------------------------


def default_output() -> Path:
    stamp = now().strftime("%Y%m%dT%H%M%SZ")
    return Path(current_app.instance_path) / "backups" / f"apik-backup-{stamp}.tar.gz"


def create_backup(output: Path | None = None) -> tuple[Path, dict]:
    """Write a backup archive; returns its path and manifest. Needs an app context."""
    database = configured_database()
    output = Path(output or default_output()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".apik-backup-", dir=output.parent))
    try:
        dump = staging / database.archive_name
        revision = _dump_database(database, dump)
        partial = output.with_name(output.name + ".part")
        manifest = _write_archive(partial, database, dump, revision)
        partial.chmod(0o600)  # password hashes and personal data
        os.replace(partial, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        output.with_name(output.name + ".part").unlink(missing_ok=True)
    return output, manifest


def _dump_database(database: Database, target: Path) -> list[str]:
    if database.kind == "sqlite":
        return _dump_sqlite(database.path, target)
    revision = _revision(lambda sql: db.session.scalars(text(sql)).all())
    db.session.rollback()
    uri, env = _libpq(database.url)
    _run([_tool("pg_dump"), "--format=custom", "--file", str(target), "--dbname", uri], env, "pg_dump")
    return revision


def _dump_sqlite(source: Path, target: Path) -> list[str]:
    if not source.exists():
        raise BackupError(f"The SQLite database {source} does not exist.")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a single read snapshot, writers go on (WAL)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        revision = _revision(lambda sql: [row[0] for row in dst.execute(sql)])
    finally:
        dst.close()
        src.close()
    if check != "ok":
        raise BackupError(f"The copy of the SQLite database failed its integrity check: {check}")
    return revision


def _upload_files(root: Path):
    """(archive name, path) of every regular file under the upload folder, symlinks skipped."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield posixpath.join(UPLOADS, path.relative_to(root).as_posix()), path


def _add_file(archive: tarfile.TarFile, name: str, path: Path) -> dict | None:
    try:
        stream = open(path, "rb")
    except FileNotFoundError:  # deleted since the listing: the database copy no longer needs it
        return None
    with stream:
        info = archive.gettarinfo(fileobj=stream, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(stream)
        archive.addfile(info, reader)
    return {"path": name, "size": info.size, "sha256": reader.digest.hexdigest()}


def _write_archive(target: Path, database: Database, dump: Path, revision: list[str]) -> dict:
    files = []
    with tarfile.open(target, "w:gz") as archive:
        files.append(_add_file(archive, database.archive_name, dump))
        for name, path in _upload_files(Path(current_app.config["UPLOAD_FOLDER"])):
            entry = _add_file(archive, name, path)
            if entry:
                files.append(entry)
        manifest = {
            "format": FORMAT,
            "created_at": now().isoformat(timespec="seconds"),
            "application": "apik-market",
            "database": {"kind": database.kind, "file": database.archive_name, "revision": revision},
            "code_revision": code_revisions(),
            "files": files,
        }
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(now().timestamp()), 0o600
        archive.addfile(info, _BytesReader(data))
    return manifest


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.offset = data, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk, self.offset = self.data[self.offset : end], min(end, len(self.data))
        return chunk


# --- restore: read and verify -----------------------------------------------------


def safe_member_name(name: str) -> str:
    """The member's normalised relative name; BackupError for absolute paths, ``..``, odd characters."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BackupError(f"Refusing the archive: unsafe member name {name!r}.")
    normal = posixpath.normpath(name)
    if normal.startswith("../") or normal in ("..", ".") or "/../" in f"/{normal}/":
        raise BackupError(f"Refusing the archive: unsafe member name {name!r}.")
    return normal


def extract_verified(archive_path: Path, staging: Path) -> dict:
    """Extract into ``staging`` safely and check every file against the manifest; returns the manifest."""
    digests: dict[str, str] = {}
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            for member in archive:
                name = safe_member_name(member.name)
                if member.isdir():
                    continue
                if not member.isfile():
                    raise BackupError(f"Refusing the archive: {name!r} is not a regular file.")
                if name in digests:
                    raise BackupError(f"Refusing the archive: {name!r} appears twice.")
                digests[name] = _extract_member(archive, member, staging / name)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive_path} is not a readable backup archive: {exc}") from exc
    manifest = _read_manifest(staging / MANIFEST)
    _check_files(manifest, digests)
    return manifest


def _extract_member(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(member)
    digest = hashlib.sha256()
    with source, open(target, "wb") as out:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise BackupError("The archive has no readable manifest.json: not an Apik Market backup.") from exc
    if manifest.get("application") != "apik-market" or manifest.get("format") != FORMAT:
        raise BackupError(f"Unsupported backup format {manifest.get('format')!r} (this version reads {FORMAT}).")
    return manifest


def _check_files(manifest: dict, digests: dict[str, str]) -> None:
    listed = {entry["path"]: entry["sha256"] for entry in manifest.get("files", [])}
    extra = set(digests) - set(listed) - {MANIFEST}
    missing = set(listed) - set(digests)
    if extra or missing:
        raise BackupError(
            f"The archive does not match its manifest (missing: {sorted(missing)[:5]}, unlisted: {sorted(extra)[:5]})."
        )
    bad = sorted(name for name, digest in listed.items() if digests[name] != digest)
    if bad:
        raise BackupError(f"Checksum mismatch, the archive is damaged: {', '.join(bad[:5])}")
    for name in listed:
        if name != manifest["database"]["file"] and not name.startswith(UPLOADS + "/"):
            raise BackupError(f"Refusing the archive: unexpected file {name!r}.")


def check_compatible(manifest: dict, database: Database, force: bool = False) -> None:
    kind = manifest["database"]["kind"]
    if kind != database.kind:
        raise BackupError(
            f"This backup holds a {kind} database but DATABASE_URL points at {database.kind}. Restore it into a "
            f"{kind} database (set DATABASE_URL accordingly); moving data between database kinds is not a restore."
        )
    listed = {entry["path"] for entry in manifest.get("files", [])}
    if manifest["database"].get("file") != database.archive_name or database.archive_name not in listed:
        raise BackupError(f"The archive does not hold {database.archive_name}: not a complete backup.")
    unknown = set(manifest["database"].get("revision") or []) - known_revisions()
    if unknown and not force:
        raise BackupError(
            f"The backup's database is at migration {', '.join(sorted(unknown))}, which this version "
            "of Apik Market does not know: it was made by a newer version. Deploy that version first "
            "(or pass --force to restore anyway)."
        )


# --- restore: replace -------------------------------------------------------------


def restore_backup(archive_path: Path, force: bool = False, confirm=None) -> dict:
    """Verify the archive, then replace the database and the uploads. Needs an app context."""
    database = configured_database()
    uploads = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    uploads.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".apik-restore-", dir=uploads.parent))
    try:
        manifest = extract_verified(Path(archive_path), staging)
        check_compatible(manifest, database, force)
        if confirm is not None and not confirm(manifest):
            raise click.Abort()
        db.session.remove()
        db.engine.dispose()  # no pooled connection holds a lock or a stale view
        _restore_database(database, staging / database.archive_name)
        (staging / UPLOADS).mkdir(exist_ok=True)
        replace_folder(staging / UPLOADS, uploads)
        pagecache.invalidate_all()  # the running workers' cached pages show the old data
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _restore_database(database: Database, dump: Path) -> None:
    if database.kind == "sqlite":
        _restore_sqlite(dump, database.path)
        return
    uri, env = _libpq(database.url)
    script = dump.with_suffix(".sql")
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script), str(dump)], env, "pg_restore")
    _run(
        [
            _tool("psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "--single-transaction",
            "--dbname",
            uri,
            "-c",
            "DROP SCHEMA IF EXISTS public CASCADE",
            "-c",
            "CREATE SCHEMA public",
            "-f",
            str(script),
        ],
        env,
        "psql (restoring the dump; nothing was changed)",
    )


def _restore_sqlite(source: Path, live: Path) -> None:
    src = sqlite3.connect(source)
    try:
        check = src.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The database in the backup fails its integrity check: {check}")
        live.parent.mkdir(parents=True, exist_ok=True)
        try:
            dst = sqlite3.connect(live, timeout=30)
            try:
                src.backup(dst)  # page by page into the live file, WAL and open readers included
            finally:
                dst.close()
        except sqlite3.DatabaseError:  # the live file is damaged: replace it whole
            _replace_sqlite_file(source, live)
    finally:
        src.close()


def _replace_sqlite_file(source: Path, live: Path) -> None:
    temporary = live.with_name(live.name + ".restoring")
    shutil.copyfile(source, temporary)
    for suffix in ("-wal", "-shm", "-journal"):
        live.with_name(live.name + suffix).unlink(missing_ok=True)
    os.replace(temporary, live)


def replace_folder(new: Path, live: Path) -> None:
    """Make ``live`` hold exactly what ``new`` holds: a rename swap, or a file-by-file sync on a mount point."""
    if not live.exists():
        os.rename(new, live)
        return
    if not os.path.ismount(live):
        old = live.with_name(f".{live.name}.replaced-{os.getpid()}")
        try:
            os.rename(live, old)
        except OSError:
            pass  # busy or another filesystem: sync instead
        else:
            os.rename(new, live)
            shutil.rmtree(old, ignore_errors=True)
            return
    _sync_folder(new, live)


def _sync_folder(new: Path, live: Path) -> None:
    wanted = set()
    for folder, _dirs, files in os.walk(new):
        for name in files:
            relative = (Path(folder) / name).relative_to(new)
            wanted.add(relative)
            target = live / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(Path(folder) / name, temporary)
            os.replace(temporary, target)
    for folder, dirs, files in os.walk(live, topdown=False):
        for name in files:
            path = Path(folder) / name
            if path.relative_to(live) not in wanted:
                path.unlink()
        for name in dirs:
            path = Path(folder) / name
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()


# --- the command line -------------------------------------------------------------


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
