"""A private PostgreSQL cluster the fault tests may stop and start at will.

The machine's shared server serves every other test; stopping it would break
them. This one lives in a temporary directory, listens on 127.0.0.1 at a free
port, and is removed afterwards. ``initdb`` refuses to run as root: then every
command runs as the ``postgres`` system user (``runuser``), which owns the
directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.live_server import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def require_binaries() -> Path:
    """The PostgreSQL server binaries, or a loud skip (a failure in CI, which must run these tests)."""
    bin_dir = _bin_dir()
    if bin_dir is None or not (bin_dir / "initdb").exists():
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin: "
            "the database outage tests did NOT run. apt-get install postgresql"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip("!!! " + message)
    return bin_dir


class PrivatePostgres:
    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        # not under pytest's tmp_path: as root that is private to root, and the server runs as postgres
        self.root = Path(tempfile.mkdtemp(prefix="apik-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"

    # --- commands ---------------------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
                f"\n{self.log.read_text() if self.log.exists() else ''}"
            )
        return result

    def init(self) -> PrivatePostgres:
        if self.as_root:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o755)  # the test process reads the server log
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"
        )
        return self

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=60"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        try:
            if self.running():
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    # --- databases ----------------------------------------------------------------------------
    def url(self, database: str = "postgres", **query: str) -> str:
        suffix = ("?" + "&".join(f"{k}={v}" for k, v in query.items())) if query else ""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}{suffix}"

    def create_database(self, name: str) -> str:
        engine = create_engine(
            self.url().replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


def wait_until(predicate, timeout: float, interval: float = 0.05) -> float:
    """Seconds until ``predicate()`` is true; AssertionError after ``timeout``."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not true within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - started
