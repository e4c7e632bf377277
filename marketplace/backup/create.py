"""``flask backup create``: the database copied first (SQLite's online backup API or
``pg_dump -Fc``), then the uploads, into one ``.tar.gz`` with its manifest."""

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

from flask import current_app
from sqlalchemy import text

from marketplace.backup.base import (
    FORMAT,
    MANIFEST,
    UPLOADS,
    BackupError,
    Database,
    code_revisions,
    configured_database,
    find_tool,
    libpq_connection,
    run_tool,
)
from marketplace.clock import now
from marketplace.extensions import db


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
    uri, env = libpq_connection(database.url)
    run_tool([find_tool("pg_dump"), "--format=custom", "--file", str(target), "--dbname", uri], env, "pg_dump")
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


class _HashingReader:
    def __init__(self, stream):
        self.stream, self.digest = stream, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def _revision(connection_sql) -> list[str]:
    try:
        return sorted(connection_sql("SELECT version_num FROM alembic_version"))
    except Exception:  # not migrated
        return []
