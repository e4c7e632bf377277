"""A real HTTP server for tests that need one: gunicorn in a subprocess on 127.0.0.1.

Used by the concurrency tests (several processes and threads racing) and the
browser tests. The server reads the same test database as the ``app`` fixture,
so data committed in a test is visible to it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(
        self,
        config: dict,
        workers: int = 2,
        threads: int = 4,
        log_path: Path | None = None,
        app: str = "tests.live_app:app",
    ):
        self.config = config
        self.app = app  # the WSGI app gunicorn imports (a test may add test-only plugins in its own)
        self.workers = workers
        self.threads = threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = {"BASE_URL": self.url, **config}  # links in pages, mail and payment redirects point here
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        env = {**os.environ, "APIK_TEST_CONFIG": json.dumps(self.config), "PYTHONPATH": str(ROOT)}
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                self.app,
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                str(self.workers),
                "--threads",
                str(self.threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"live server exited with {self.process.returncode}; see {self.log_path}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("live server did not answer /healthz within 30 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def live_config(app) -> dict:
    """The JSON-safe settings of a test app, for a server that must share its database."""
    keys = (
        "DATABASE_URL",
        "SECRET_KEY",
        "UPLOAD_FOLDER",
        "MARKETPLACE_PLUGINS",
        "WTF_CSRF_ENABLED",
        "RATELIMIT_ENABLED",
        "MAIL_SERVER",
        "MAIL_PORT",
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
        "ESMART_BASE_URL",
        "ESMART_API_KEY",
    )
    return {k: app.config.get(k) for k in keys if app.config.get(k) is not None}
