"""The benchmark suite: `make bench` (or `.venv/bin/python bench/run.py --help`).

For each database (SQLite, PostgreSQL): migrate, seed a large catalogue
through the services (cached under bench/.data/), serve the app with gunicorn
as in production, drive each page with wrk from a second process over
loopback, drive checkout with a multi-process client, count SQL statements
per page in-process, weigh each page. A bare Flask hello world and a bare
24-item template page are measured in the same run the same way; every figure
is also given as a ratio to them. Results: bench/results/results.md and .json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlparse, urlunparse

BENCH = Path(__file__).resolve().parent
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
PYTHON = sys.executable

sys.path.insert(0, str(BENCH))
import coldpath  # noqa: E402  (bench/coldpath.py; imports nothing of the app at module level)
from seed import SEED_VERSION  # noqa: E402  (bench/seed.py; imports nothing of the app)

PAGES = {
    # name: (path template, kind); kinds: page = catalogue page, search, api
    "home": ("/", "page"),
    "expo": ("/expo/{expo_slug}", "page"),
    "sector": ("/sectors/{sector}", "page"),
    "category": ("/categories/{category}", "page"),
    "store": ("/stores/{store_slug}", "page"),
    "product": ("/products/{product_id}", "page"),
    "search-common": ("/search?q={common_word}", "search"),
    "search-rare": ("/search?q={rare_word}", "search"),
    "search-miss": ("/search?q={miss_word}", "search"),
    "api-products": ("/api/v1/products?per_page=24", "api"),
}
DEFAULT_PAGES = list(PAGES)
BASELINES = {"hello": "/", "items24": "/items"}

TARGET_RATIO = 0.50  # catalogue page throughput / bare 24-item page
TARGET_P95_MS = 100.0  # catalogue pages at 32 connections
TARGET_SEARCH_P95_MS = 50.0
TARGET_ORDERS_PER_S = 100.0
TARGET_STATEMENTS = 6
TARGET_WEIGHT_KB = 100.0  # HTML + CSS + JS, gzip-compressed, images excluded


def say(msg: str = "") -> None:
    print(msg, flush=True)


def loud(msg: str) -> None:
    bar = "!" * 79
    say(f"\n{bar}\n!!! {msg}\n{bar}\n")


# --- processes ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(args, database_url: str, extra: dict | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_DEBUG")}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-not-secret-" + "x" * 32,
            "RATELIMIT_ENABLED": "false",
            "UPLOAD_FOLDER": str(args.upload_folder),
            "APIK_APP_ROOT": str(args.app_root),
            "PYTHONPATH": str(args.app_root),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


def run_child(
    cmd: list[str], env: dict, cwd: Path, label: str, log_path: Path | None = None, timeout: float | None = None
) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if log_path:
        with open(log_path, "a") as fh:
            fh.write(f"$ {' '.join(cmd)}\n{result.stdout}\n{result.stderr}\n")
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise RuntimeError(f"{label} failed (exit {result.returncode}):\n{tail}")
    return result


def bench_json(text: str) -> dict:
    for line in text.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise ValueError("no BENCH_JSON line in output")


class Gunicorn:
    """gunicorn as in production, on a free loopback port; stopped by its own pid."""

    def __init__(self, args, app: str, cwd: Path, env: dict, log_path: Path, health: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.cmd = [
            PYTHON,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        conf = args.app_root / "gunicorn.conf.py"
        if conf.exists():  # the app's production config (baselines too), the benchmark's workers and port on top
            self.cmd[3:3] = ["-c", str(conf)]
        self.cmd.append(app)
        env = {"BASE_URL": self.url, **env}  # production requires it; links point at this server
        if env.get("MARKETPLACE_ENV") == "production" and not env.get("REDIS_URL"):
            env.setdefault("ALLOW_UNSHARED_RATE_LIMITS", "true")  # what is measured is the pages, not the limits
        self.cwd, self.env, self.log_path, self.health = cwd, env, log_path, health
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> Gunicorn:
        DRAIN_PATHS[self.port] = self.health
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            self.cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + self.health, timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {self.health} within {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)  # the master stops its own workers
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# --- measuring ---------------------------------------------------------------------


def wrk(args, url: str, duration: float, connections: int | None = None) -> dict:
    connections = connections or args.connections
    threads = max(1, min(args.wrk_threads, connections))
    seconds = max(1, round(duration))  # wrk takes whole seconds
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(BENCH / "wrk" / "report.lua"),
        url,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 90)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed: {(result.stderr or result.stdout).strip()[:500]}")
    data = bench_json(result.stdout)
    seconds = data["duration_us"] / 1e6
    lat = data["latency_us"]
    ok = sum(n for code, n in data["statuses"].items() if code.startswith("2"))
    return {
        "url": url,
        "connections": connections,
        "wrk_threads": threads,
        "seconds": round(seconds, 2),
        "requests": data["requests"],
        "rps": round(data["requests"] / seconds, 1),
        "ok_rps": round(ok / seconds, 1),
        "p50_ms": lat["p50"] / 1000,
        "p75_ms": lat["p75"] / 1000,
        "p90_ms": lat["p90"] / 1000,
        "p95_ms": lat["p95"] / 1000,
        "p99_ms": lat["p99"] / 1000,
        "mean_ms": round(lat["mean"] / 1000, 2),
        "max_ms": lat["max"] / 1000,
        "statuses": data["statuses"],
        "errors": data["errors"],
        "bytes_per_response": round(data["bytes"] / max(1, data["requests"])),
        "loadavg": os.getloadavg()[0],
    }


def drain(url: str, limit: float = 60) -> float | None:
    """Wait until the server has worked off the requests wrk left queued when it stopped
    (gunicorn finishes them even though their connections are gone), so that they do not
    slow the next measurement. Returns the seconds waited."""
    parsed = urlparse(url)
    probe = urlunparse(parsed._replace(path=DRAIN_PATHS.get(parsed.port, "/"), query=""))
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        started = time.monotonic()
        fetch(probe)
        if time.monotonic() - started < 0.25:
            return round(time.monotonic() - t0, 1)
    return None  # still busy: the caller restarts the server


DRAIN_PATHS: dict[int, str] = {}  # port -> a cheap path of that server


def load(args, url: str, restart=None) -> dict:
    """Warm-up on two connections (it leaves at most two requests queued), then the measured run.

    When wrk stops, the requests it leaves queued are still worked off by gunicorn, and a probe
    of /healthz cannot tell (an idle thread answers it while others grind). So for the app,
    ``restart`` is called after every measured run: each page starts on a fresh, warmed server."""
    if args.warmup > 0:
        wrk(args, url, args.warmup, connections=min(2, args.connections))
        drain(url)
    result = wrk(args, url, args.duration)
    if restart:
        t0 = time.monotonic()
        restart()
        result["restart_s"] = round(time.monotonic() - t0, 1)
    else:
        result["drain_s"] = drain(url)
    if result["requests"] == 0:  # nothing came back within the run: every request took longer
        for key in ("p50_ms", "p75_ms", "p90_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms"):
            result[key] = None
        result["slower_than_s"] = result["seconds"]
    return result


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers or {})
    except (urllib.error.URLError, OSError) as exc:
        return 0, str(exc).encode(), {}


ASSET_RE = re.compile(
    r"""<link\b[^>]*\brel=["']?stylesheet["']?[^>]*\bhref=["']([^"']+)["']"""
    r"""|<link\b[^>]*\bhref=["']([^"']+)["'][^>]*\brel=["']?stylesheet"""
    r"""|<script\b[^>]*\bsrc=["']([^"']+)["']""",
    re.I,
)


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def weigh(base: str, path: str, status: int, body: bytes, check_compression: bool = True) -> dict:
    """The page's HTML (as fetched) and the CSS/JS it links, raw and gzip-compressed (images excluded)."""
    gz_headers = fetch(base + path, {"Accept-Encoding": "gzip"})[2] if check_compression else {}
    assets = []
    for match in ASSET_RE.finditer(body.decode("utf-8", "replace")):
        href = next(g for g in match.groups() if g)
        url = urljoin(base + path, href)
        if urlparse(url).netloc != urlparse(base).netloc:
            assets.append({"url": href, "external": True})
            continue
        a_status, a_body, _h = fetch(url)
        assets.append({"url": urlparse(url).path, "status": a_status, "bytes": len(a_body), "gzip": gz(a_body)})
    html = {"bytes": len(body), "gzip": gz(body)}
    css_js = sum(a.get("bytes", 0) for a in assets)
    css_js_gz = sum(a.get("gzip", 0) for a in assets)
    return {
        "status": status,
        "html_bytes": html["bytes"],
        "html_gzip": html["gzip"],
        "assets_bytes": css_js,
        "assets_gzip": css_js_gz,
        "total_gzip": html["gzip"] + css_js_gz,
        "server_compresses": gz_headers.get("Content-Encoding", "") == "gzip" if check_compression else None,
        "assets": assets,
    }


# --- databases -------------------------------------------------------------------------


def size_key(args) -> str:
    return f"{args.stores}x{args.products_per_store}-s{SEED_VERSION}" + ("-img" if args.images else "")


def ensure_data_dir() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    ignore = DATA / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# seeded benchmark databases: never committed\n*\n")


def migrate(args, database_url: str, log_path: Path) -> None:
    run_child(
        [str(Path(PYTHON).parent / "flask"), "--app", "wsgi", "db", "upgrade"],
        app_env(args, database_url),
        args.app_root,
        "flask db upgrade",
        log_path,
        timeout=600,
    )


def seed(args, database_url: str, manifest_path: Path, log_path: Path) -> dict:
    jobs = 1 if database_url.startswith("sqlite") else args.seed_jobs  # SQLite has one writer at a time
    cmd = [
        PYTHON,
        str(BENCH / "seed.py"),
        "--database-url",
        database_url,
        "--stores",
        str(args.stores),
        "--products-per-store",
        str(args.products_per_store),
        "--manifest",
        str(manifest_path),
        "--upload-folder",
        str(args.upload_folder),
        "--jobs",
        str(jobs),
    ]
    if args.images:
        cmd.append("--images")
    say(f"  seeding {args.stores} stores x {args.products_per_store} products through the services ...")
    t0 = time.monotonic()
    with open(log_path, "a") as log:
        process = subprocess.Popen(
            cmd, env=app_env(args, database_url), cwd=args.app_root, stdout=subprocess.PIPE, stderr=log, text=True
        )
        for line in process.stdout:
            if line.startswith("[seed]"):
                say("   " + line.rstrip())
        if process.wait() != 0:
            raise RuntimeError(f"seeding failed; see {log_path}")
    say(f"  seeded in {time.monotonic() - t0:.0f}s")
    return json.loads(manifest_path.read_text())


def prepare_sqlite(args, workdir: Path, log_path: Path) -> tuple[str, dict]:
    """A copy of the cached seeded SQLite file in a temp dir (seeded first when missing)."""
    ensure_data_dir()
    cached = DATA / f"sqlite-{size_key(args)}.sqlite"
    manifest_path = cached.with_suffix(".json")
    if args.reseed or not (cached.exists() and manifest_path.exists()):
        for p in (cached, manifest_path, Path(str(cached) + "-wal"), Path(str(cached) + "-shm")):
            p.unlink(missing_ok=True)
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        url = f"sqlite:///{building}"
        migrate(args, url, log_path)
        manifest = seed(args, url, manifest_path, log_path)
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
        building.rename(cached)
        manifest["cached"] = False
    else:
        manifest = json.loads(manifest_path.read_text())
        manifest["cached"] = True
        say(f"  reusing seeded database {cached.relative_to(BENCH.parent)} (seeded in {manifest.get('seconds')}s)")
    target = workdir / "bench.sqlite"
    shutil.copyfile(cached, target)
    url = f"sqlite:///{target}"
    migrate(args, url, log_path)  # new migrations since the cache was made
    return url, manifest


def _pg_admin(url: str):
    import psycopg

    parsed = urlparse(url.replace("postgresql+psycopg://", "postgresql://"))
    admin = urlunparse(parsed._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True, connect_timeout=3)


def _pg_url(url: str, dbname: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path="/" + dbname))


def prepare_postgres(args, log_path: Path) -> tuple[str, dict] | None:
    """Database ``bench`` (of --pg-url) as a fresh copy of the cached seeded template database."""
    try:
        admin = _pg_admin(args.pg_url)
    except Exception as exc:  # noqa: BLE001 - any reason: say it loudly and go on
        loud(f"PostgreSQL SKIPPED: no server at {args.pg_url} ({type(exc).__name__}: {str(exc)[:200]})")
        return None
    ensure_data_dir()
    run_db = urlparse(args.pg_url).path.lstrip("/") or "bench"
    seed_db = f"{run_db}_seed_{size_key(args).replace('-', '_')}"
    manifest_path = DATA / f"postgres-{size_key(args)}.json"
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (seed_db,)).fetchone()
        if args.reseed or not exists or not manifest_path.exists():
            admin.execute(f'DROP DATABASE IF EXISTS "{seed_db}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{seed_db}"')
            manifest_path.unlink(missing_ok=True)
            url = _pg_url(args.pg_url, seed_db)
            migrate(args, url, log_path)
            manifest = seed(args, url, manifest_path, log_path)
            manifest["cached"] = False
        else:
            manifest = json.loads(manifest_path.read_text())
            manifest["cached"] = True
            say(f"  reusing seeded database {seed_db} (seeded in {manifest.get('seconds')}s)")
        admin.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{run_db}" TEMPLATE "{seed_db}"')
    url = _pg_url(args.pg_url, run_db)
    migrate(args, url, log_path)
    return url, manifest


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def stock_snapshot(database_url: str, variant_ids: list[int]) -> dict:
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, stock FROM variants WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": variant_ids},
        ).all()
    engine.dispose()
    return {str(r[0]): r[1] for r in rows}


def oversell_check(database_url: str, before: dict, client_sold: dict, hot_ids: list[int], hot_stock: int) -> dict:
    """Stock never negative; stock taken = quantities in non-cancelled orders = what the client bought."""
    from sqlalchemy import bindparam, create_engine, text

    ids = [int(k) for k in before]
    engine = create_engine(sqlalchemy_url(database_url))
    with engine.connect() as conn:
        after = {
            str(r[0]): r[1]
            for r in conn.execute(
                text("SELECT id, stock FROM variants WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": ids},
            )
        }
        negative = conn.execute(text("SELECT count(*) FROM variants WHERE stock < 0")).scalar()
        try:
            ordered = {
                str(r[0]): int(r[1])
                for r in conn.execute(
                    text(
                        "SELECT l.variant_id, sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                        "WHERE o.status <> 'cancelled' GROUP BY l.variant_id"
                    )
                )
            }
            orders = conn.execute(text("SELECT count(*) FROM orders")).scalar()
        except Exception as exc:  # noqa: BLE001 - tables not there yet
            return {"checked": False, "error": str(exc)[:300]}
    engine.dispose()
    problems, unconfirmed = [], []
    for vid, stock0 in before.items():
        taken = stock0 - after.get(vid, stock0)
        in_orders = ordered.get(vid, 0)
        by_client = client_sold.get(vid, 0)
        if taken != in_orders:  # stock and orders disagree: oversold (or lost) units
            problems.append({"variant": vid, "stock_taken": taken, "in_orders": in_orders, "client_201": by_client})
        elif in_orders != by_client:  # orders the shopper was not told about (e.g. a 500 after the commit)
            unconfirmed.append({"variant": vid, "in_orders": in_orders, "client_201": by_client})
    hot_sold = {str(v): ordered.get(str(v), 0) for v in hot_ids}
    return {
        "checked": True,
        "negative_stock_rows": negative,
        "orders_in_db": orders,
        "mismatches": problems[:20],
        "mismatch_count": len(problems),
        "hot_sold": hot_sold,
        "hot_stock_each": hot_stock,
        "hot_oversold": [v for v, n in hot_sold.items() if n > hot_stock],
        "unconfirmed_count": len(unconfirmed),
        "unconfirmed": unconfirmed[:10],
        "oversell": bool(negative or problems or any(n > hot_stock for n in hot_sold.values())),
    }


# --- one database ------------------------------------------------------------------------


def page_paths(args, manifest: dict) -> dict[str, str]:
    values = {
        "expo_slug": manifest.get("expo_slug"),
        "store_slug": manifest.get("store_slug"),
        "product_id": manifest.get("product_id"),
        "common_word": args.common_word,
        "rare_word": manifest.get("rare_word"),
        "miss_word": manifest.get("miss_word"),
        "sector": args.sector,
        "category": args.category,
    }
    return {name: PAGES[name][0].format(**values) for name in args.pages}


def measure_database(args, name: str, workdir: Path, measure_baselines) -> dict:
    log_path = RESULTS / "logs" / f"{name}.log"
    log_path.unlink(missing_ok=True)
    say(f"\n=== {name} ===")
    t0 = time.monotonic()
    prepared = prepare_sqlite(args, workdir, log_path) if name == "sqlite" else prepare_postgres(args, log_path)
    if prepared is None:
        return {"skipped": True, "reason": f"no PostgreSQL server at {args.pg_url}"}
    url, manifest = prepared
    if args.seed_only:
        return {"skipped": True, "reason": "--seed-only", "seed": manifest}
    out: dict = {
        "skipped": False,
        "prepare_seconds": round(time.monotonic() - t0, 1),
        "seed": {
            k: manifest.get(k)
            for k in (
                "stores",
                "products_per_store",
                "counts",
                "seconds",
                "product_seconds",
                "products_per_second",
                "cached",
                "exhibitors",
                "images",
            )
        },
        "pages": {},
    }
    paths = page_paths(args, manifest)
    out["paths"] = paths

    out["baseline_before"] = measure_baselines()

    envs = [args.env] if args.env != "auto" else ["production", "development"]
    server = None
    for env_name in envs:
        env = app_env(args, url, {"MARKETPLACE_ENV": env_name})
        candidate = Gunicorn(
            args, "wsgi:app", args.app_root, env, RESULTS / "logs" / f"{name}-gunicorn.log", "/healthz"
        )
        try:
            server = candidate.start()
            out["marketplace_env"] = env_name
            break
        except RuntimeError as exc:
            say(f"  gunicorn with MARKETPLACE_ENV={env_name} did not start: {exc}")
    if server is None:
        raise RuntimeError("the app did not start under gunicorn")
    out["gunicorn"] = " ".join(server.cmd[1:]).replace(PYTHON, "python")

    def restart() -> None:
        server.stop()
        migrate(args, url, log_path)  # the code may have moved on: /healthz wants the migrations' head
        server.start()

    try:
        for page, path in paths.items():
            t0 = time.monotonic()
            status, body, _h = fetch(server.url + path)
            first_ms = round((time.monotonic() - t0) * 1000, 1)
            say(f"  {page:<14} {path:<40} status {status} ({first_ms} ms)")
            result = {"path": path, "kind": PAGES[page][1], "first_status": status, "first_ms": first_ms}
            if args.cold_only:
                pass  # the cached pass is not part of the cold-path table
            elif status == 200 or args.load_errors:
                result["load"] = load(args, server.url + path, restart=restart)
                r = result["load"]
                say(
                    f"  {'':<14} {r['rps']:>8.1f} req/s  p50 {fmt(r['p50_ms'])}  p95 {fmt(r['p95_ms'])}  "
                    f"p99 {fmt(r['p99_ms'])} ms  statuses {r['statuses']}  "
                    f"(server restarted in {r.get('restart_s')} s)"
                )
            else:
                result["error_excerpt"] = body[:300].decode("utf-8", "replace")
            if PAGES[page][1] != "api" and status == 200 and not args.cold_only:
                result["weight"] = weigh(server.url, path, status, body, check_compression=first_ms < 5000)
            out["pages"][page] = result

        if args.checkout:
            out["checkout"] = measure_checkout(args, server.url, url, manifest, workdir)
    finally:
        server.stop()
    if args.uncached:
        measure_uncached(args, name, url, out)

    out["baseline_after"] = measure_baselines()

    say("  counting SQL statements per page (in-process, Flask test client) ...")
    try:
        cmd = [PYTHON, str(BENCH / "sqlcount.py"), "--database-url", url, "--paths", json.dumps(paths)]
        if args.checkout and manifest.get("shopper_tokens"):
            cmd += [
                "--checkout",
                json.dumps(
                    {"token": manifest["shopper_tokens"][-1], "variant_id": manifest["checkout_variant_ids"][0]}
                ),
            ]
        counted = bench_json(
            run_child(cmd, app_env(args, url), args.app_root, "sqlcount", log_path, timeout=600).stdout
        )
    except (RuntimeError, ValueError) as exc:
        counted = {}
        say(f"  statement count failed: {exc}")
    out["inprocess_baseline_ms"] = counted.pop("_baseline_ms", None)
    checkout_sql = counted.pop("checkout", None)
    if checkout_sql is not None:
        out.setdefault("checkout", {})["sql"] = checkout_sql
        say(
            f"  checkout: {checkout_sql.get('statements')} statements (add to cart: "
            f"{checkout_sql.get('add_statements')}), {checkout_sql.get('request_ms')} ms alone, "
            f"status {checkout_sql.get('status')}"
        )
    for page, data in counted.items():
        out["pages"].setdefault(page, {})["sql"] = data
        if "statements" in data:
            slow = data.get("slowest") or {}
            say(
                f"  {page:<14} {data['statements']:>3} statements, {data['sql_ms']:.1f} ms of SQL "
                f"(slowest {slow.get('ms', 0):.1f} ms)"
            )
    out["coldpath"] = measure_cold_renders(args, url, paths, log_path)
    return out


def measure_cold_renders(args, url: str, paths: dict[str, str], log_path: Path) -> dict:
    """Each catalogue page, search and the API listing rendered alone with every cache empty
    (bench/coldpath.py), next to the bare 24-item page timed the same way."""
    say("  the cold path: each page rendered alone, every cache empty (in-process) ...")
    cold_paths = {page: path for page, path in paths.items() if PAGES[page][1] in coldpath.KINDS}
    cmd = [
        PYTHON,
        str(BENCH / "coldpath.py"),
        "--database-url",
        url,
        "--paths",
        json.dumps(cold_paths),
        "--repeat",
        str(args.cold_repeat),
    ]
    try:
        result = bench_json(run_child(cmd, app_env(args, url), args.app_root, "coldpath", log_path, timeout=900).stdout)
    except (RuntimeError, ValueError) as exc:
        say(f"  cold renders failed: {exc}")
        return {"error": str(exc)[:2000]}
    for page, r in result["pages"].items():
        if "ms" in r:
            say(
                f"  {page:<14} cold {r['ms']:>7.2f} ms alone ({r['x24']:.0f}× the 24-item page timed beside it, "
                f"{r['items24_ms']:.3f} ms; CPU {r['cpu_ms']:.2f} ms, {r['cpu_x24']:.0f}×), {r['statements']} "
                f"statements, {r['sql_ms']:.2f} ms of SQL, status {r['status']}"
            )
        else:
            say(f"  {page:<14} cold render failed: {r.get('error')}")
    return result


def measure_uncached(args, name: str, url: str, out: dict) -> None:
    """The same pages again with the page cache off: every request is rendered from the
    database, as for the first visitor after a change (or with a poor hit rate)."""
    say("  the same pages uncached (PAGE_CACHE=false): every request rendered from the database ...")
    log_path = RESULTS / "logs" / f"{name}.log"
    env = app_env(args, url, {"MARKETPLACE_ENV": out.get("marketplace_env") or "production", "PAGE_CACHE": "false"})
    server = Gunicorn(
        args, "wsgi:app", args.app_root, env, RESULTS / "logs" / f"{name}-uncached-gunicorn.log", "/healthz"
    ).start()

    def restart() -> None:
        server.stop()
        migrate(args, url, log_path)
        server.start()

    try:
        for page, result in out["pages"].items():
            if "load" not in result and not (args.cold_only and result.get("first_status") == 200):
                continue
            r = result["uncached"] = load(args, server.url + result["path"], restart=restart)
            say(
                f"  {page:<14} uncached {r['rps']:>8.1f} req/s  p50 {fmt(r['p50_ms'])}  p95 {fmt(r['p95_ms'])}  "
                f"p99 {fmt(r['p99_ms'])} ms  statuses {r['statuses']}"
            )
    finally:
        server.stop()


def measure_checkout(args, base_url: str, database_url: str, manifest: dict, workdir: Path) -> dict:
    say("  checkout: shoppers adding to cart and checking out (cash on delivery) ...")
    pool = [int(v) for v in manifest["checkout_variant_ids"]] + [int(v) for v in manifest["hot_variant_ids"]]
    before = stock_snapshot(database_url, pool)
    manifest_path = workdir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest))
    env = {**os.environ, "PYTHONPATH": str(BENCH)}
    result = subprocess.run(
        [
            PYTHON,
            str(BENCH / "checkout_load.py"),
            "--url",
            base_url,
            "--manifest",
            str(manifest_path),
            "--duration",
            str(args.duration),
            "--connections",
            str(args.connections),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=args.duration + 180,
    )
    try:
        data = bench_json(result.stdout)
    except ValueError:
        return {"available": False, "error": (result.stderr or result.stdout)[-800:]}
    if not data.get("available"):
        say(f"  checkout not available: {data.get('probe')}")
        return data
    data["oversell_check"] = oversell_check(
        database_url, before, data.get("client_sold", {}), manifest["hot_variant_ids"], manifest["hot_stock"]
    )
    lat = data["checkout_latency_ms"]
    say(
        f"  {data['orders_per_s']} orders/s, {data['checkouts_per_s']} checkouts/s, checkout p50 {lat['p50']} "
        f"p95 {lat['p95']} p99 {lat['p99']} ms, statuses {data['checkout_statuses']}, "
        f"oversell: {data['oversell_check'].get('oversell')}"
    )
    return data


# --- report --------------------------------------------------------------------------------


def mean_baseline(runs: list[dict], key: str, field: str) -> float | None:
    values = [r[key][field] for r in runs if r and key in r and r[key].get(field)]
    return statistics.mean(values) if values else None


def fmt(value, digits=1, suffix="") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def _load_targets(load_: dict, kind: str, base: dict) -> tuple[dict, dict]:
    """A load run's ratios to the baselines, and the throughput and latency targets it meets."""
    rps = load_["ok_rps"]
    ratio = {
        "rps_vs_hello": rps / base["hello"]["rps"] if base["hello"]["rps"] else None,
        "rps_vs_items24": rps / base["items24"]["rps"] if base["items24"]["rps"] else None,
        "p95_vs_items24": load_["p95_ms"] / base["items24"]["p95_ms"]
        if base["items24"]["p95_ms"] and load_["p95_ms"] is not None
        else None,
    }
    p95 = load_["p95_ms"] if load_["p95_ms"] is not None else float("inf")
    checks = {}
    if kind in ("page", "search"):
        checks["throughput_50pct_of_items24"] = (ratio["rps_vs_items24"] or 0) >= TARGET_RATIO
        checks["p95_under_100ms"] = p95 < TARGET_P95_MS
    if kind == "search":
        checks["search_p95_under_50ms"] = p95 < TARGET_SEARCH_P95_MS
    return ratio, checks


def evaluate(db: dict) -> None:
    """Ratios to the baselines measured before and after this database's pages, and the targets."""
    runs = [db.get("baseline_before"), db.get("baseline_after")]
    base = {k: {f: mean_baseline(runs, k, f) for f in ("rps", "p50_ms", "p95_ms", "p99_ms")} for k in BASELINES}
    db["baseline_mean"] = base
    for r in db["pages"].values():
        load_ = r.get("load")
        kind = r.get("kind")
        checks = {}
        if load_:
            r["ratio"], checks = _load_targets(load_, kind, base)
        if r.get("uncached"):
            r["uncached_ratio"], r["uncached_targets"] = _load_targets(r["uncached"], kind, base)
        sql = r.get("sql") or {}
        if kind in ("page", "search") and "statements" in sql:
            checks["statements_at_most_6"] = sql["statements"] <= TARGET_STATEMENTS
        weight = r.get("weight")
        if weight and kind in ("page", "search"):
            checks["weight_under_100KB_gz"] = weight["total_gzip"] / 1024 < TARGET_WEIGHT_KB
        if r.get("first_status") not in (None, 200):
            checks["status_200"] = False
        r["targets"] = checks
    checkout = db.get("checkout")
    if checkout and checkout.get("available"):
        checkout["targets"] = {
            "orders_per_s_at_least_100": checkout["orders_per_s"] >= TARGET_ORDERS_PER_S,
            "no_oversell": not checkout.get("oversell_check", {}).get("oversell", True),
        }


def markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Apik Market benchmark",
        "",
        f"{meta['started']} · app `{meta['app_git']}` · {meta['machine']} · load average at start "
        f"{meta['loadavg_start']}, at end {meta.get('loadavg_end')}",
        "",
        f"Catalogue {meta['stores']} stores × {meta['products_per_store']} products; wrk "
        f"`-t{meta['wrk_threads']} -c{meta['connections']} -d{meta['duration']:g}s` after a {meta['warmup']:g} s "
        f"warm-up, over loopback; server `{meta['gunicorn']}`.",
        "",
        "Ratios: `×hello` and `×24` are the page's successful requests per second divided by those of a bare "
        "Flask hello world and of a bare Flask page rendering 24 items from a template, measured on the same "
        "server settings just before and after this database's pages (their mean). `p95 ×24` is the page's "
        "p95 over the 24-item page's p95. `SQL` is the number of statements of one request and `SQL ms` "
        "their time; `alone ms` is the median time of one request served in-process with nothing else "
        "running in the app (the page's own cost), `alone ×24` that over the bare 24-item page's, measured the "
        "same way. `load` is the machine's 1-minute load average when the page's run ended (2 cores: above 2, "
        "something else was competing). Weights are what gzip -6 makes of the HTML and of the CSS/JS it links "
        "(images excluded). "
        "Targets: ✅ met, ❌ missed.",
        "",
    ]
    for name, db in results["databases"].items():
        lines.append(f"## {name}")
        lines.append("")
        if db.get("skipped"):
            lines += [f"**SKIPPED**: {db.get('reason')}", ""]
            continue
        if db.get("error"):
            lines += [f"**FAILED**: {db['error']}", ""]
            continue
        seed_info = db.get("seed") or {}
        counts = seed_info.get("counts") or {}
        lines.append(
            f"{counts.get('products', '?')} products ({counts.get('active_products', '?')} active), "
            f"{counts.get('variants', '?')} variants, {counts.get('stores', '?')} stores, "
            f"{seed_info.get('exhibitors')} exhibitors; seeded through the services in "
            f"{seed_info.get('seconds')} s ({seed_info.get('products_per_second')} products/s)"
            f"{' — reused from cache' if seed_info.get('cached') else ''}. "
            f"MARKETPLACE_ENV={db.get('marketplace_env')}."
        )
        lines.append("")
        lines.append(
            "| page | status | req/s | ×hello | ×24 | p50 ms | p95 ms | p99 ms | p95 ×24 | SQL | "
            "SQL ms | alone ms | alone ×24 | HTML KB (gz) | CSS+JS KB (gz) | load | targets |"
        )
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        base = db["baseline_mean"]
        alone = db.get("inprocess_baseline_ms") or {}
        for key, label in (("hello", "*bare hello world*"), ("items24", "*bare 24-item page*")):
            b = base[key]
            hello_rps, items24_rps = base["hello"]["rps"], base["items24"]["rps"]
            vs_hello = b["rps"] / hello_rps if b["rps"] and hello_rps else None
            vs_items24 = b["rps"] / items24_rps if b["rps"] and items24_rps else None
            alone_x = alone[key] / alone["items24"] if alone.get(key) and alone.get("items24") else None
            lines.append(
                f"| {label} | 200 | {fmt(b['rps'])} | {fmt(vs_hello, 2)} | {fmt(vs_items24, 2)} | "
                f"{fmt(b['p50_ms'])} | {fmt(b['p95_ms'])} | {fmt(b['p99_ms'])} | | | | {fmt(alone.get(key), 2)} | "
                f"{fmt(alone_x, 1)} | | | | |"
            )
        for page, r in db["pages"].items():
            load_ = r.get("load") or {}
            ratio = r.get("ratio") or {}
            sql = r.get("sql") or {}
            w = r.get("weight") or {}
            statuses = load_.get("statuses") or {}
            status = str(r.get("first_status"))
            if statuses and set(statuses) != {"200"}:
                status += " (" + ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items())) + ")"
            marks = " ".join(
                ("✅" if ok else "❌") + " " + name.split("_")[0] for name, ok in r.get("targets", {}).items()
            )
            slower = f"> {load_['slower_than_s'] * 1000:,.0f}" if load_.get("slower_than_s") else None
            lat = {k: slower or fmt(load_.get(k)) for k in ("p50_ms", "p95_ms", "p99_ms")}
            alone_x = sql["request_ms"] / alone["items24"] if sql.get("request_ms") and alone.get("items24") else None
            lines.append(
                f"| {page} `{r.get('path', '')}` | {status} | {fmt(load_.get('ok_rps'))} | "
                f"{fmt(ratio.get('rps_vs_hello'), 2)} | {fmt(ratio.get('rps_vs_items24'), 2)} | "
                f"{lat['p50_ms']} | {lat['p95_ms']} | {lat['p99_ms']} | "
                f"{fmt(ratio.get('p95_vs_items24'), 1)} | {sql.get('statements', '–')} | {fmt(sql.get('sql_ms'))} | "
                f"{fmt(sql.get('request_ms'))} | "
                f"{fmt(alone_x, 0)} | "
                f"{fmt(w['html_bytes'] / 1024 if w else None)} ({fmt(w['html_gzip'] / 1024 if w else None)}) | "
                f"{fmt(w['assets_bytes'] / 1024 if w else None)} ({fmt(w['assets_gzip'] / 1024 if w else None)}) | "
                f"{fmt(load_.get('loadavg'))} | {marks} |"
            )
        lines.append("")
        lines += coldpath.markdown(db, meta["connections"])
        uncached = {page: r for page, r in db["pages"].items() if r.get("uncached")}
        if uncached:
            lines += [
                "Uncached (`PAGE_CACHE=false`, same server settings): every request rendered from the database, "
                "as for the first visitor after a change.",
                "",
                "| page | req/s | ×24 | p50 ms | p95 ms | p99 ms | statuses | targets |",
                "|---|---:|---:|---:|---:|---:|---|---|",
            ]
            for page, r in uncached.items():
                u, ratio = r["uncached"], r.get("uncached_ratio") or {}
                marks = " ".join(
                    ("✅" if ok else "❌") + " " + name.split("_")[0]
                    for name, ok in r.get("uncached_targets", {}).items()
                )
                statuses = ", ".join(f"{k}×{v}" for k, v in sorted((u.get("statuses") or {}).items()))
                lines.append(
                    f"| {page} | {fmt(u.get('ok_rps'))} | {fmt(ratio.get('rps_vs_items24'), 2)} | "
                    f"{fmt(u.get('p50_ms'))} | {fmt(u.get('p95_ms'))} | {fmt(u.get('p99_ms'))} | {statuses} | "
                    f"{marks} |"
                )
            lines.append("")
        c = db.get("checkout")
        if c is None:
            lines += ["Checkout: not measured (--no-checkout).", ""]
        elif not c.get("available"):
            lines += [f"Checkout: **not available** ({json.dumps(c.get('probe') or c.get('error'))[:300]}).", ""]
        else:
            o = c.get("oversell_check", {})
            lat = c["checkout_latency_ms"]
            lines += [
                f"Checkout ({c['connections']} shoppers from {c['processes']} client processes, {c['duration_s']} s, "
                f"each cycle = add 1–2 items to the cart + `POST /api/v1/checkout` cash on delivery): "
                f"**{c['orders_per_s']} orders/s** ({c['checkouts_per_s']} checkouts/s; "
                f"{c['orders']} orders, {c['conflicts_409']} × 409 out of stock); checkout p50 {lat['p50']} ms, "
                f"p95 {lat['p95']} ms, p99 {lat['p99']} ms; add-to-cart p95 {c['add_latency_ms']['p95']} ms; "
                f"statuses {c['checkout_statuses']}. One checkout alone: "
                f"{(c.get('sql') or {}).get('statements', '–')} SQL statements, "
                f"{(c.get('sql') or {}).get('request_ms', '–')} ms (add to cart: "
                f"{(c.get('sql') or {}).get('add_statements', '–')} statements).",
                f"Oversell check: {'**OVERSOLD**' if o.get('oversell') else 'none'} — negative stock rows "
                f"{o.get('negative_stock_rows')}; stock taken ≠ quantity in orders on {o.get('mismatch_count')} "
                f"variants; hot variants sold {o.get('hot_sold')} of {o.get('hot_stock_each')} each; "
                f"{o.get('orders_in_db')} orders in the database; variants whose ordered quantity differs from what "
                f"the client got a 201 for: {o.get('unconfirmed_count')}. "
                + " ".join(("✅" if ok else "❌") + " " + k for k, ok in c.get("targets", {}).items()),
                "",
            ]
        slow = sorted(
            ((p, r["sql"]["slowest"]) for p, r in db["pages"].items() if (r.get("sql") or {}).get("slowest")),
            key=lambda x: -x[1]["ms"],
        )[:4]
        if slow:
            lines.append("Slowest statement of each of the slowest pages (in-process, one request):")
            lines.append("")
            for page, s in slow:
                lines.append(f"- {page}: {s['ms']:.1f} ms — `{s['sql'][:300]}`")
            lines.append("")
    lines += [
        "Figures are noisy: the machine has 2 cores shared by the server, the load generator and, during "
        "development, other processes (see the load averages).",
        "",
    ]
    return "\n".join(lines)


# --- main ------------------------------------------------------------------------------------


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def git_describe(root: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=20,
        ).stdout.strip()
        return head + ("+uncommitted" if dirty else "") if head else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Apik Market benchmark suite (make bench BENCH_ARGS='...').")
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--products-per-store", type=int, default=200)
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of unmeasured load before each page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pages", default=",".join(DEFAULT_PAGES), help=f"comma-separated, from: {', '.join(PAGES)}")
    parser.add_argument("--no-checkout", dest="checkout", action="store_false")
    parser.add_argument(
        "--no-uncached",
        dest="uncached",
        action="store_false",
        help="skip the second pass over the pages with the page cache off",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    parser.add_argument(
        "--env",
        choices=("auto", "production", "development"),
        default="auto",
        help="MARKETPLACE_ENV of the server; auto tries production, then development",
    )
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1/bench"))
    parser.add_argument("--common-word", default="batik")
    parser.add_argument("--sector", default="kuliner", help="the sector page's sector (default kuliner)")
    parser.add_argument("--category", default="batik", help="the category page's category (default batik)")
    parser.add_argument(
        "--cold-only",
        action="store_true",
        help="only what the cold-path table needs: the uncached pass, the renders alone, the statements",
    )
    parser.add_argument("--cold-repeat", type=int, default=15, help="renders alone timed per page (median)")
    parser.add_argument("--images", action="store_true", help="seed one photo per product (slow)")
    parser.add_argument("--reseed", action="store_true", help="seed again even if a cached database exists")
    parser.add_argument("--seed-only", action="store_true", help="prepare (seed or reuse) the databases and stop")
    parser.add_argument("--seed-jobs", type=int, default=2, help="processes seeding PostgreSQL (default 2)")
    parser.add_argument("--load-errors", action="store_true", help="load pages even when they do not answer 200")
    parser.add_argument(
        "--app-root", type=Path, default=BENCH.parent, help="the checkout of the app to benchmark (default: this one)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    args.pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = [p for p in args.pages if p not in PAGES]
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    args.app_root = args.app_root.resolve()
    if args.cold_only:
        args.uncached, args.checkout = True, False
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        say("wrk is not installed: apt-get install -y wrk (make bench does it)")
        return 2
    global RESULTS
    RESULTS = args.output
    (RESULTS / "logs").mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="apik-bench-"))
    args.upload_folder = workdir / "uploads"
    args.upload_folder.mkdir()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0:1]
    results: dict = {
        "meta": {
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "app_git": git_describe(args.app_root),
            "app_root": str(args.app_root),
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
            "wrk": (wrk_version or ["?"])[0].strip(),
            "loadavg_start": round(os.getloadavg()[0], 2),
            "stores": args.stores,
            "products_per_store": args.products_per_store,
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "wrk_threads": min(args.wrk_threads, args.connections),
            "workers": args.workers,
            "threads": args.threads,
        },
        "databases": {},
    }
    say(
        f"Apik Market benchmark: {args.stores} stores x {args.products_per_store} products, "
        f"{args.duration}s per page at {args.connections} connections, databases: {args.db}"
    )

    baseline = Gunicorn(
        args, "baseline_app:app", BENCH, dict(os.environ), RESULTS / "logs" / "baseline-gunicorn.log", "/"
    )
    results["meta"]["gunicorn"] = " ".join(baseline.cmd[3:-1]).replace(f"127.0.0.1:{baseline.port}", "127.0.0.1:PORT")
    baseline_runs: list[dict] = []

    def measure_baselines() -> dict:
        run = {k: load(args, baseline.url + path) for k, path in BASELINES.items()}
        baseline_runs.append(run)
        say(
            f"  baselines: hello {run['hello']['rps']:.0f} req/s (p95 {run['hello']['p95_ms']:.1f} ms), "
            f"24-item page {run['items24']['rps']:.0f} req/s (p95 {run['items24']['p95_ms']:.1f} ms)"
        )
        return run

    names = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    try:
        with baseline if not args.seed_only else _Nothing():
            for name in names:
                try:
                    results["databases"][name] = measure_database(args, name, workdir, measure_baselines)
                except Exception as exc:  # noqa: BLE001 - report and go on with the next database
                    loud(f"{name} FAILED: {type(exc).__name__}: {exc}")
                    results["databases"][name] = {
                        "skipped": False,
                        "error": f"{type(exc).__name__}: {exc}"[:2000],
                        "pages": {},
                    }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if "postgres" in names:
            try:
                with _pg_admin(args.pg_url) as admin:
                    run_db = urlparse(args.pg_url).path.lstrip("/") or "bench"
                    admin.execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
            except Exception:  # noqa: BLE001 - nothing to drop when the server is not there
                pass
    if args.seed_only:
        for name, db in results["databases"].items():
            seeded = db.get("seed") or {}
            say(
                f"{name}: {db.get('error') or db.get('reason')}; seeded in {seeded.get('seconds')}s "
                f"({seeded.get('products_per_second')} products/s, cached: {seeded.get('cached')})"
            )
        return 0
    results["meta"]["loadavg_end"] = round(os.getloadavg()[0], 2)
    for db in results["databases"].values():
        if not db.get("skipped") and not db.get("error"):
            evaluate(db)
            coldpath.evaluate(db, args.connections)
    text = markdown(results)
    (RESULTS / "results.json").write_text(json.dumps(results, indent=1, default=str))
    (RESULTS / "results.md").write_text(text)
    say("\n" + text)
    say(f"Written: {RESULTS / 'results.md'} and {RESULTS / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
