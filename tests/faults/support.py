"""What the fault tests share: a private PostgreSQL per module, a migrated and seeded database on it,
and a steady stream of HTTP requests recorded with their timing."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from marketplace import create_app
from marketplace.extensions import db
from tests.faults.pg_cluster import PrivatePostgres, require_binaries

ROOT = Path(__file__).resolve().parents[2]
SECRET = "fault-tests-secret-key-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="module")
def private_pg():
    """A PostgreSQL server of this module's own, free to be stopped and started."""
    pg = PrivatePostgres(require_binaries()).init()
    try:
        pg.start()
        yield pg
    finally:
        pg.destroy()


def migrate(url: str, upload_folder: str) -> None:
    """``flask db upgrade``, the command an operator runs."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "MARKETPLACE_PLUGINS": "",
        "UPLOAD_FOLDER": upload_folder,
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def server_config(url: str, upload_folder: str, plugins: str = "cash_on_delivery", **extra) -> dict:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "UPLOAD_FOLDER": upload_folder,
        "MARKETPLACE_PLUGINS": plugins,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **extra,
    }


@contextmanager
def app_on(config: dict):
    """An in-process app on the same database as the server, for seeding and checking."""
    app = create_app(config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()  # no pooled connection left for the outage to break


@dataclass
class Hit:
    name: str
    started: float
    ended: float
    status: int | None
    error: str = ""
    retry_after: str | None = None
    json_code: str | None = None
    content_type: str = ""

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class SteadyLoad:
    """``threads`` clients, each sending its requests in turn with a short pause, until stopped."""

    def __init__(self, requests_of: list, pause: float = 0.03, timeout: float = 20):
        self.requests_of = requests_of  # one list of (name, callable(session) -> Response) per thread
        self.pause = pause
        self.timeout = timeout
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _run(self, calls) -> None:
        session = requests.Session()
        i = 0
        while not self._stop.is_set():
            name, call = calls[i % len(calls)]
            i += 1
            started = time.monotonic()
            try:
                response = call(session, self.timeout)
                hit = Hit(
                    name,
                    started,
                    time.monotonic(),
                    response.status_code,
                    retry_after=response.headers.get("Retry-After"),
                    content_type=response.headers.get("Content-Type", ""),
                    json_code=_json_code(response),
                )
            except requests.RequestException as exc:
                hit = Hit(name, started, time.monotonic(), None, error=f"{type(exc).__name__}: {exc}")
            with self._lock:
                self.hits.append(hit)
            self._stop.wait(self.pause)

    def __enter__(self) -> SteadyLoad:
        for calls in self.requests_of:
            thread = threading.Thread(target=self._run, args=(calls,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(self.timeout + 5)

    def between(self, start: float, end: float) -> list[Hit]:
        """The requests sent after ``start`` and answered before ``end``."""
        with self._lock:
            return [h for h in self.hits if h.started >= start and h.ended <= end]

    def after(self, moment: float) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.started >= moment]


def _json_code(response) -> str | None:
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def tracebacks(log_text: str) -> list[str]:
    """The log lines of unexpected errors: a traceback or a 500 the app logged."""
    return [
        line
        for line in log_text.splitlines()
        if "Traceback" in line or "unhandled error" in line or "Exception on" in line
    ]
