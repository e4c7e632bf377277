"""What one beacon costs the server, in-process: µs per ``POST /beacon`` next to a page-cache hit.

    .venv/bin/python bench/beacon_cost.py                      # N=2000 per case
    .venv/bin/python bench/beacon_cost.py --app-root /tmp/before -n 1000   # another checkout (before/after)
    .venv/bin/python bench/beacon_cost.py --profile new        # cProfile's top functions of one case

Seeds a small catalogue (bench/hitpath.py: 6 stores × 30 products, an expo) into a temporary SQLite
file and builds the app as ``make bench-expo`` serves it (MARKETPLACE_ENV=production, JSON request
log to /dev/null, ``TRUSTED_PROXIES=1``, visitor figures on, counts buffered), with the rate limiter
on (memory) unless ``--no-limits``. Each request is one call of the WSGI app with a fresh environ
(no test client: its own cost would hide the beacon's), timed alone; p50/p95/mean in µs. Cases:

- ``returning``: 50 visitors (User-Agent and X-Forwarded-For) taking turns, a product beacon each;
- ``new``: every beacon a visitor never seen (as every session of bench/expo_load.py): the
  crawler check of its User-Agent (crawlerdetect, ~0.4-0.7 ms) is in it;
- ``page-hit``: ``GET /products/<id>`` from the page cache, for scale.

Every beacon must answer 204 and run no SQL statement between buffer flushes (VISITS_FLUSH_EVERY=200
distinct entries: a flush is one statement, counted and shown).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import hitpath  # bench/hitpath.py: takes --app-root from sys.argv and puts that app on sys.path

VISITORS = 50


def build(url: str, workdir: Path, limits: bool):
    from marketplace import create_app

    return create_app(
        {
            "DATABASE_URL": url,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
            "SECRET_KEY": secrets.token_urlsafe(48),
            "MARKETPLACE_ENV": "production",
            "BASE_URL": "https://localhost",
            "ALLOW_UNSHARED_RATE_LIMITS": True,
            "RATELIMIT_ENABLED": limits,
            "TRUSTED_PROXIES": 1,
            "VISITS_ENABLED": True,
        }
    )


def agent(n: int) -> str:
    return (
        f"Mozilla/5.0 (Linux; Android {10 + n % 5}; Pengunjung {n}) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/124.0.{n // 1000}.{n % 1000} Mobile Safari/537.36"
    )


def environ(method: str, path: str, body: bytes, visitor: int) -> dict:
    """A request as gunicorn hands it over behind one proxy (X-Forwarded-For: the visitor)."""
    return {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "HTTP_USER_AGENT": agent(visitor),
        "HTTP_X_FORWARDED_FOR": f"10.{(visitor >> 16) & 255}.{(visitor >> 8) & 255}.{visitor & 255}",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT": "*/*",
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if body else "",
        "CONTENT_LENGTH": str(len(body)) if body else "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app, env: dict) -> tuple[str, list, bytes]:
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, headers

    chunks = app(env, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return seen["status"], seen["headers"], body


def run_case(app, case: str, n: int, manifest: dict, first_visitor: int) -> tuple[list[float], dict]:
    """n requests of ``case``; their times (µs) and what they answered."""
    beacon = f"k=product&s={manifest['store_slug']}&p={manifest['product_id']}".encode()
    page = f"/products/{manifest['product_id']}"
    times: list[float] = []
    statuses: dict[str, int] = {}
    cookies = 0
    for i in range(n):
        if case == "page-hit":
            env = environ("GET", page, b"", first_visitor + i % VISITORS)
        elif case == "returning":
            env = environ("POST", "/beacon", beacon, first_visitor + i % VISITORS)
        else:
            env = environ("POST", "/beacon", beacon, first_visitor + i)
        started = time.perf_counter()
        status, headers, _body = call(app, env)
        times.append((time.perf_counter() - started) * 1e6)
        statuses[status] = statuses.get(status, 0) + 1
        cookies += any(name.lower() == "set-cookie" for name, _v in headers)
    return times, {"statuses": statuses, "set_cookie": cookies}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="requests per case (default 2000)")
    parser.add_argument("--app-root", metavar="DIR", help="measure the app in DIR (default: this checkout)")
    parser.add_argument("--no-limits", action="store_true", help="rate limiter off (as make bench-expo runs)")
    parser.add_argument("--profile", choices=["returning", "new", "page-hit"], help="cProfile one case")
    args = parser.parse_args(argv)

    from marketplace.extensions import db

    with tempfile.TemporaryDirectory(prefix="beacon-cost-") as tmp:
        workdir = Path(tmp)
        hitpath.say("seeding a small catalogue ...")
        url, manifest = hitpath.prepare(workdir)
        app = build(url, workdir, limits=not args.no_limits)
        with app.app_context():
            counter = hitpath.StatementCounter(db.engine)
        rows = []
        visitor = 1000
        with hitpath.quiet():
            for case in ("page-hit", "returning", "new"):
                run_case(app, case, VISITORS, manifest, visitor)  # warm: the salt, the slugs, the cached page
                visitor += 100_000
                before = counter.count
                times, seen = run_case(app, case, args.n, manifest, visitor)
                visitor += 100_000
                rows.append((case, times, seen, counter.count - before))
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                run_case(app, args.profile, args.n, manifest, visitor)
                profiler.disable()
        hitpath.say(f"app: {hitpath.APP_ROOT}; rate limiter {'off' if args.no_limits else 'on (memory)'}; n={args.n}")
        hitpath.say("| case | p50 µs | p95 µs | mean µs | statuses | Set-Cookie | SQL statements |")
        hitpath.say("|---|---:|---:|---:|---|---:|---:|")
        for case, times, seen, statements in rows:
            hitpath.say(
                f"| {case} | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} | "
                f"{statistics.fmean(times):.0f} | {seen['statuses']} | {seen['set_cookie']} | {statements} |"
            )
        if args.profile:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(40)
            hitpath.say("\n".join(out.getvalue().splitlines()[:60]))


if __name__ == "__main__":
    main()
