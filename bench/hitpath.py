"""What a page-cache hit costs, in-process: µs per request next to the bare 24-item page.

    .venv/bin/python bench/hitpath.py                    # production and development configs, N=2000
    .venv/bin/python bench/hitpath.py -n 500 --profile product --mode production
    .venv/bin/python bench/hitpath.py --redis redis://127.0.0.1:6379/10   # generations in Redis

Seeds a small catalogue through the services (bench/seed.py) into a temporary
SQLite file, builds the app (``production``: MARKETPLACE_ENV=production, JSON
request log, rate limiter on, bundled plugins; ``development``: LOG_REQUESTS on),
warms the page cache, then times N hits of each catalogue page with Werkzeug's
test client — the bare page (bench/baseline_app.py) is timed the same way, so
the client's own cost is in both. Two visitors: ``fresh`` sends no cookie (as
wrk does: the product page starts a session for its form each time),
``returning`` keeps its session cookie. Every hit must run 0 SQL statements.
``--profile PAGE`` prints cProfile's top functions for that page's hits.
The request log goes to /dev/null while timing (written, not shown).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def _app_root() -> Path:
    """The application measured: this checkout, or another (``--app-root``, e.g. an export of the
    previous commit, for a before/after comparison)."""
    for i, arg in enumerate(sys.argv):
        if arg == "--app-root" and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1]).resolve()
        if arg.startswith("--app-root="):
            return Path(arg.split("=", 1)[1]).resolve()
    return BENCH.parent


APP_ROOT = _app_root()
os.environ["APIK_APP_ROOT"] = str(APP_ROOT)  # bench/seed.py seeds through that app's services
sys.path.insert(0, str(APP_ROOT))
sys.path.insert(0, str(BENCH))


def say(msg: str = "") -> None:
    print(msg, flush=True)


def prepare(workdir: Path) -> tuple[str, dict]:
    """A migrated, seeded SQLite database: 6 stores x 30 products, an expo, featured vendors."""
    from flask_migrate import upgrade

    from marketplace import create_app
    from marketplace.extensions import db

    url = f"sqlite:///{workdir / 'hitpath.sqlite'}"
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "x" * 40,
            "UPLOAD_FOLDER": str(workdir / "uploads"),
            "MARKETPLACE_PLUGINS": "",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    import logging

    root = logging.getLogger()  # alembic's fileConfig added a console handler: the app's own one is enough
    for handler in [h for h in root.handlers if not getattr(h, "_apik", False)]:
        root.removeHandler(handler)
    import seed as seeder

    with quiet():
        manifest = seeder.seed(url, 6, 30, shoppers=0, exhibitors=6, featured=3, upload_folder=str(workdir / "uploads"))
    return url, manifest


@contextmanager
def quiet():
    """Log lines (and the seeder's chatter) to /dev/null: still formatted and written."""
    saved_err, saved_out = sys.stderr, sys.stdout
    with open(os.devnull, "w") as sink:
        sys.stderr = sink
        sys.stdout = sink
        try:
            yield
        finally:
            sys.stderr, sys.stdout = saved_err, saved_out


def build(mode: str, url: str, workdir: Path, redis_url: str | None):
    from marketplace import create_app

    config = {
        "DATABASE_URL": url,
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATELIMIT_ENABLED": True,
    }
    if mode == "production":
        config.update(
            MARKETPLACE_ENV="production", BASE_URL="https://localhost", ALLOW_UNSHARED_RATE_LIMITS=not redis_url
        )
    else:
        config.update(MARKETPLACE_ENV="development", LOG_REQUESTS=True)
    if redis_url:
        config["REDIS_URL"] = redis_url
    return create_app(config)


def page_urls(manifest: dict) -> dict[str, str]:
    return {
        "home": "/",
        "search": "/search?q=batik",
        "product": f"/products/{manifest['product_id']}",
        "store": f"/stores/{manifest['store_slug']}",
        "expo": f"/expo/{manifest['expo_slug']}",
        "api": "/api/v1/products",
    }


class StatementCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1


def timed(client_factory, url: str, n: int, base_url: str) -> tuple[float, object]:
    """µs per request (the fastest of 5 slices of n/5: the least disturbed by a busy shared machine), and the
    last response."""
    client = client_factory()
    response = client.get(url, base_url=base_url)  # the returning visitor's cookie, or a fresh client's first
    slices = []
    per_slice = max(1, n // 5)
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(per_slice):
            response = client.get(url, base_url=base_url)
        slices.append((time.perf_counter() - started) / per_slice * 1e6)
    return min(slices), response


def measure_app(app, urls: dict[str, str], n: int, visitors: list[str], profile: str | None) -> dict:
    from marketplace.extensions import db

    base_url = "https://localhost" if app.config["MARKETPLACE_ENV"] == "production" else "http://localhost"
    with app.app_context():
        counter = StatementCounter(db.engine)
    results = {}
    with quiet():
        for name, url in urls.items():
            warm = app.test_client().get(url, base_url=base_url)  # renders and stores
            assert warm.status_code == 200, (name, warm.status_code)
            for visitor in visitors:
                if visitor == "fresh":
                    # a client that forgets its cookies: every request comes without one, as from wrk
                    factory = lambda: _Cookieless(app)  # noqa: E731
                else:
                    factory = app.test_client
                before = counter.count
                micros, last = timed(factory, url, n, base_url)
                statements = counter.count - before
                assert last.status_code == 200, (name, last.status_code)
                results[(name, visitor)] = {
                    "us": micros,
                    "statements": statements,
                    "bytes": len(last.get_data()),
                    "set_cookie": "Set-Cookie" in last.headers,
                }
    if profile:
        url = urls[profile]
        for visitor in visitors:
            client = _Cookieless(app) if visitor == "fresh" else app.test_client()
            client.get(url, base_url=base_url)
            profiler = cProfile.Profile()
            with quiet():
                profiler.enable()
                for _ in range(n):
                    client.get(url, base_url=base_url)
                profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
            stats.print_stats(30)
            say(f"\n--- cProfile: {profile} ({visitor} visitor), {n} hits, by own time ---")
            say("\n".join(out.getvalue().splitlines()[:48]))
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(45)
            say(f"\n--- cProfile: {profile} ({visitor} visitor), by cumulative time ---")
            say("\n".join(out.getvalue().splitlines()[:65]))
    return results


class _Cookieless:
    def __init__(self, app):
        self.app = app

    def get(self, url, base_url):
        return self.app.test_client(use_cookies=False).get(url, base_url=base_url)


def measure_baseline(n: int) -> dict:
    import baseline_app

    client = baseline_app.app.test_client()
    items, _r = timed(lambda: client, "/items", n, "http://localhost")
    hello, _r = timed(lambda: client, "/", n, "http://localhost")
    return {"items24": items, "hello": hello}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="hits per page and visitor (default 2000)")
    parser.add_argument("--mode", choices=["production", "development", "both"], default="both")
    parser.add_argument("--visitor", choices=["fresh", "returning", "both"], default="both")
    parser.add_argument("--profile", choices=["home", "search", "product", "store", "expo", "api"])
    parser.add_argument("--app-root", metavar="DIR", help="measure the app in DIR (default: this checkout)")
    parser.add_argument("--redis", metavar="URL", help="keep the generations in Redis (e.g. redis://127.0.0.1:6379/10)")
    args = parser.parse_args(argv)

    modes = ["production", "development"] if args.mode == "both" else [args.mode]
    visitors = ["fresh", "returning"] if args.visitor == "both" else [args.visitor]
    with tempfile.TemporaryDirectory(prefix="hitpath-") as tmp:
        workdir = Path(tmp)
        say("seeding a small catalogue ...")
        url, manifest = prepare(workdir)
        urls = page_urls(manifest)
        baseline = measure_baseline(args.n)
        say(f"app: {APP_ROOT}")
        tables = []
        for mode in modes:
            app = build(mode, url, workdir, args.redis)
            results = measure_app(app, urls, args.n, visitors, args.profile if mode == modes[0] else None)
            again = measure_baseline(args.n)  # the bare page again after each app: the fastest run counts
            baseline = {k: min(v, again[k]) for k, v in baseline.items()}
            tables.append((mode, type(app.extensions["apik_pagecache"].generations).__name__, results))
        say(
            f"bare Flask: hello {baseline['hello']:.0f} µs, 24-item page {baseline['items24']:.0f} µs per request "
            f"(test client included; fastest of {len(modes) + 1} runs)"
        )
        for mode, generations, results in tables:
            say(f"\n{mode}: {args.n} hits per page, generations in {generations}")
            say("| page | visitor | µs/hit | bare 24-item ÷ hit | SQL | Set-Cookie | bytes |")
            say("|---|---|---:|---:|---:|---|---:|")
            for (name, visitor), r in results.items():
                say(
                    f"| {name} | {visitor} | {r['us']:.0f} | {baseline['items24'] / r['us']:.2f} | "
                    f"{r['statements']} | {'yes' if r['set_cookie'] else 'no'} | {r['bytes']} |"
                )
            bad = [k for k, r in results.items() if r["statements"]]
            if bad:
                say(f"!!! hits that ran SQL statements: {bad}")


if __name__ == "__main__":
    main()
