"""``flask backup restore``: everything in the archive checked before anything is
touched (member names, checksums, database kind, migration revision), then the
database replaced and the upload folder swapped for the archived one."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path

import click
from flask import current_app

from marketplace import pagecache
from marketplace.backup.base import (
    CHUNK,
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    Database,
    configured_database,
    find_tool,
    known_revisions,
    libpq_connection,
    run_tool,
)
from marketplace.extensions import db

# --- read and verify ----------------------------------------------------------------


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


# --- replace ---------------------------------------------------------------------


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
    uri, env = libpq_connection(database.url)
    script = dump.with_suffix(".sql")
    run_tool(
        [find_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script), str(dump)], env, "pg_restore"
    )
    run_tool(
        [
            find_tool("psql"),
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
