"""SQL statements per request: each page fetched in-process with Flask's test
client on the benchmark database, statements counted (and timed) with a
SQLAlchemy ``before_cursor_execute`` listener, as tests/conftest.py counts them.

    .venv/bin/python bench/sqlcount.py --database-url URL --paths '{"home": "/"}'

Prints one JSON object: {name: {"status", "statements", "sql_ms", "slowest": {...}, "all": [...]}}.
The page cache is off: what is counted and timed is rendering the page (a cache
hit runs no statement; the load test measures hits). Each page is fetched once
to warm up, then the next request is counted; the
median time of ``--repeat`` requests, one at a time, is reported as
``request_ms`` (the page's own cost, without concurrency), with the bare
baseline pages' time measured the same way under ``_baseline_ms``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
APP_ROOT = Path(os.environ.get("APIK_APP_ROOT") or BENCH.parent)
sys.path.insert(0, str(APP_ROOT))

SKIPPED = ("PRAGMA", "SAVEPOINT", "RELEASE")
TIME_BUDGET_MS = 5000  # fewer repeats for a page slower than this in all


def _timed(client, path: str, headers: dict | None) -> float:
    t0 = time.perf_counter()
    client.get(path, headers=headers or {})
    return (time.perf_counter() - t0) * 1000


def baseline_ms(repeat: int) -> dict:
    """The bare pages' time per request, measured the same way (in-process, one at a time)."""
    sys.path.insert(0, str(BENCH))
    from baseline_app import app as baseline

    client = baseline.test_client()
    out = {}
    for name, path in (("hello", "/"), ("items24", "/items")):
        for _ in range(3):
            client.get(path)
        out[name] = round(statistics.median(_timed(client, path, None) for _ in range(max(repeat, 20))), 3)
    return out


def count(
    database_url: str,
    paths: dict[str, str],
    headers: dict | None = None,
    repeat: int = 15,
    checkout: dict | None = None,
) -> dict:
    from sqlalchemy import event

    from marketplace import create_app
    from marketplace.extensions import db

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-not-secret",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "PAGE_CACHE": False,
            "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or "/tmp/apik-bench-uploads",
        }
    )
    out: dict = {}
    with app.app_context():
        engine = db.engine
    statements: list[dict] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(SKIPPED):
            return
        ms = (time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())) * 1000
        statements.append({"sql": " ".join(statement.split()), "ms": round(ms, 3)})

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client = app.test_client()
    for name, path in paths.items():
        try:
            client.get(path, headers=headers or {})
            statements.clear()
            t0 = time.perf_counter()
            response = client.get(path, headers=headers or {})
            total_ms = (time.perf_counter() - t0) * 1000
            counted = list(statements)
            timings = [total_ms]
            while len(timings) < repeat and sum(timings) < TIME_BUDGET_MS:
                timings.append(_timed(client, path, headers))
        except Exception as exc:  # a half-written page must not stop the benchmark
            out[name] = {"status": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
            continue
        statements[:] = counted
        slowest = max(statements, key=lambda s: s["ms"], default=None)
        out[name] = {
            "status": response.status_code,
            "statements": len(statements),
            "sql_ms": round(sum(s["ms"] for s in statements), 2),
            "request_ms": round(statistics.median(timings), 2),  # one request alone, in-process
            "timed_requests": len(timings),
            "slowest": {"ms": slowest["ms"], "sql": slowest["sql"][:1500]} if slowest else None,
            "all": [{"ms": s["ms"], "sql": s["sql"][:400]} for s in statements],
        }
    if checkout:
        out["checkout"] = _count_checkout(client, statements, checkout)
    with app.app_context():
        db.engine.dispose()
    return out


def _count_checkout(client, statements: list, checkout: dict) -> dict:
    """Statements of one add-to-cart and one checkout (cash on delivery) through the JSON API."""
    headers = {"Authorization": f"Bearer {checkout['token']}"}
    shipping = {
        "name": "Pembeli Bench",
        "phone": "081234567890",
        "address": "Jl. Kapten Sudibyo No. 1",
        "city": "Kota Tegal",
        "postal_code": "52131",
    }
    result = {}
    try:
        for _round in (1, 2):  # the second round is counted
            statements.clear()
            t0 = time.perf_counter()
            added = client.post(
                "/api/v1/cart/items", json={"variant_id": checkout["variant_id"], "quantity": 1}, headers=headers
            )
            add_ms = (time.perf_counter() - t0) * 1000
            add_statements = list(statements)
            statements.clear()
            t0 = time.perf_counter()
            done = client.post(
                "/api/v1/checkout",
                json={"payment_method": "cash_on_delivery", "shipping": shipping, "extras": []},
                headers=headers,
            )
            checkout_ms = (time.perf_counter() - t0) * 1000
            result = {
                "add_status": added.status_code,
                "add_statements": len(add_statements),
                "add_ms": round(add_ms, 2),
                "status": done.status_code,
                "statements": len(statements),
                "request_ms": round(checkout_ms, 2),
                "sql_ms": round(sum(x["ms"] for x in statements), 2),
                "all": [{"ms": x["ms"], "sql": x["sql"][:300]} for x in statements],
            }
    except Exception as exc:  # noqa: BLE001 - the buying flow may be half-written
        result = {"status": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--paths", required=True, help="JSON object: name -> path")
    parser.add_argument("--repeat", type=int, default=15, help="requests timed per page (median reported)")
    parser.add_argument("--checkout", help='JSON {"token", "variant_id"}: also count one add-to-cart and checkout')
    args = parser.parse_args(argv)
    import logging

    result = count(
        args.database_url,
        json.loads(args.paths),
        repeat=args.repeat,
        checkout=json.loads(args.checkout) if args.checkout else None,
    )
    result["_baseline_ms"] = baseline_ms(args.repeat)
    logging.shutdown()
    print("BENCH_JSON " + json.dumps(result))


if __name__ == "__main__":
    main()
