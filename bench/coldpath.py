"""The cold path (issue #23): what a catalogue page costs when no cache helps.

Two halves. Run as a script, in the app's environment (bench/run.py starts it
after the statement count), it renders each page **alone, every cache empty**:

    .venv/bin/python bench/coldpath.py --database-url URL --paths '{"home": "/"}'

an app with ``PAGE_CACHE=false`` and ``CARD_CACHE_MAX_BYTES=0`` (the card
cache's size; an app without a card cache ignores it), built as in production
(``MARKETPLACE_ENV=production``: JSON request log, hardened cookies), served
in-process by Werkzeug's test client to a visitor without cookies, as wrk is.
Before every timed request the process's page-cache memos (a listing's total)
are emptied, so each render runs every statement it needs. The first twelve
requests of each page are not timed (templates compiled, connections opened,
on PostgreSQL the page's statements prepared and their generic plans chosen:
what a worker and its connection do once). Reported per page: the median of
``--repeat`` renders, the statements of a render and their time (median), and
the bare 24-item page of
bench/baseline_app.py timed the same way in the same process. Prints one line
``BENCH_JSON {...}``.

Imported by bench/run.py, it makes the cold-path table: those renders next to
the throughput of the uncached pass (page cache off, card cache at its
default) and the search pages' p95 at the suite's connections, each against
the issue's targets.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent

TARGET_RENDER_X24 = 10.0  # a render alone, every cache empty, over the bare 24-item page's
TARGET_THROUGHPUT_X24 = 0.25  # page cache off, card cache on: req/s over the 24-item page's
TARGET_SEARCH_P95_MS = 30.0  # search, page cache off, at 32 connections
KINDS = ("page", "search", "api")  # what the table covers: catalogue pages, search, the API listing
SKIPPED = ("PRAGMA", "SAVEPOINT", "RELEASE")
COLD_CONFIG = {
    "PAGE_CACHE": False,
    "CARD_CACHE_MAX_BYTES": 0,
    "RATELIMIT_ENABLED": False,  # as the benchmark's gunicorn
    "WTF_CSRF_ENABLED": True,
}


# --- the renders (run in the app's environment) -------------------------------------------


def build_app(database_url: str, mode: str):
    from marketplace import create_app

    config = {
        **COLD_CONFIG,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or "/tmp/apik-bench-uploads",
        "MARKETPLACE_ENV": mode,
    }
    if mode == "production":
        config.update(BASE_URL="http://localhost", ALLOW_UNSHARED_RATE_LIMITS=True)
    return create_app(config)


def _empty_caches(app) -> None:
    """Every cache of the process that holds catalogue data: the page cache's pages and memos."""
    from marketplace import pagecache

    with app.app_context():
        pagecache.clear_local()


class StatementLog:
    """Statements of the current request and their time, as tests/conftest.py counts them."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["cold_t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        started = conn.info.pop("cold_t0", None)
        if started is not None and not statement.lstrip().upper().startswith(SKIPPED):
            self.statements.append((time.perf_counter() - started) * 1000)


BARE_WARMUP, BARE_RENDERS = 3, 10  # bare 24-item pages before each render of a page: untimed, then timed
# A page's untimed renders before its timed ones: they compile its templates and open the
# connection, and on PostgreSQL they let the connection prepare the page's statements
# (psycopg's fifth run) and the server settle on their generic plans (after five more), as a
# worker's connection has within its first seconds (marketplace/pgconnection.py).
PAGE_WARMUP = 12


def _bare_client():
    sys.path.insert(0, str(BENCH))
    from baseline_app import app as baseline

    client = baseline.test_client(use_cookies=False)
    client.get("/items")
    return client


def _bare_ms(bare) -> tuple[float, float]:
    """The bare page's wall and CPU time per render now. The first renders after a page pay for
    its garbage and evicted caches (~2x): not timed. Then a block, whose mean is preempted by
    other processes in proportion to its length, as the page's render is."""
    for _ in range(BARE_WARMUP):
        bare.get("/items")
    t0, c0 = time.perf_counter(), time.thread_time()
    for _ in range(BARE_RENDERS):
        bare.get("/items")
    return (time.perf_counter() - t0) * 1000 / BARE_RENDERS, (time.thread_time() - c0) * 1000 / BARE_RENDERS


def render_alone(app, paths: dict[str, str], repeat: int) -> dict:
    """Each page's renders, each just after the bare 24-item page's: on a shared machine the
    load moves within a run, and the ratio of neighbours moves much less than either time."""
    from marketplace.extensions import db

    with app.app_context():
        log = StatementLog(db.engine)
    client = app.test_client(use_cookies=False)
    bare = _bare_client()
    out: dict = {}
    for name, path in paths.items():
        try:
            for _ in range(PAGE_WARMUP):  # once per worker or connection, not per render
                _empty_caches(app)
                client.get(path)
            runs, bare_runs = [], []
            for _ in range(repeat):
                bare_runs.append(_bare_ms(bare))
                _empty_caches(app)
                log.statements.clear()
                t0, c0 = time.perf_counter(), time.thread_time()
                response = client.get(path)
                ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000
                runs.append((ms, len(log.statements), sum(log.statements), response.status_code, cpu_ms))
        except Exception as exc:  # noqa: BLE001 - a half-written page must not stop the benchmark
            out[name] = {"status": None, "error": f"{type(exc).__name__}: {exc}"[:500]}
            continue
        ms = statistics.median(r[0] for r in runs)
        sql_ms = statistics.median(r[2] for r in runs)
        out[name] = {
            "path": path,
            "status": runs[-1][3],
            "ms": round(ms, 2),
            "items24_ms": round(statistics.median(b[0] for b in bare_runs), 3),  # the bare page's, in between
            "x24": round(statistics.median(r[0] / b[0] for r, b in zip(runs, bare_runs, strict=True)), 2),
            # this process's CPU only: no preemption in it, and on PostgreSQL none of the server's work
            "cpu_ms": round(statistics.median(r[4] for r in runs), 2),
            "cpu_x24": round(statistics.median(r[4] / b[1] for r, b in zip(runs, bare_runs, strict=True)), 2),
            "min_ms": round(min(r[0] for r in runs), 2),
            "statements": max(r[1] for r in runs),
            "sql_ms": round(sql_ms, 2),
            "sql_share": round(sql_ms / ms, 3) if ms else None,
            "renders": len(runs),
        }
    with app.app_context():
        db.engine.dispose()
    return out


def baseline_alone(repeat: int) -> dict:
    """The bare pages timed the same way: in-process, one at a time, median."""
    sys.path.insert(0, str(BENCH))
    from baseline_app import app as baseline

    client = baseline.test_client(use_cookies=False)
    out = {}
    for name, path in (("hello", "/"), ("items24", "/items")):
        client.get(path)
        runs = []
        for _ in range(max(repeat, 50)):
            t0 = time.perf_counter()
            client.get(path)
            runs.append((time.perf_counter() - t0) * 1000)
        out[name] = round(statistics.median(runs), 3)
    return out


def measure(database_url: str, paths: dict[str, str], repeat: int, mode: str) -> dict:
    try:
        app = build_app(database_url, mode)
    except Exception as exc:  # noqa: BLE001 - production refused a setting: measure as development
        print(f"coldpath: MARKETPLACE_ENV={mode} refused ({exc}); development instead", file=sys.stderr)
        mode = "development"
        app = build_app(database_url, mode)
    pages = render_alone(app, paths, repeat)
    return {"mode": mode, "repeat": repeat, "pages": pages, "baseline_ms": baseline_alone(repeat)}


# --- the table (imported by bench/run.py) --------------------------------------------------


def evaluate(db: dict, connections: int) -> list[dict]:
    """One row per catalogue page, search and the API listing: the render alone, the uncached
    throughput and (search) p95, each with its target met or not."""
    cold = db.get("coldpath") or {}
    renders = cold.get("pages") or {}
    items24_ms = (cold.get("baseline_ms") or {}).get("items24")
    items24_rps = ((db.get("baseline_mean") or {}).get("items24") or {}).get("rps")
    rows = []
    for page, r in db["pages"].items():
        kind = r.get("kind")
        if kind not in KINDS:
            continue
        alone = renders.get(page) or {}
        load = r.get("uncached") or {}
        row = {
            "page": page,
            "path": r.get("path"),
            "kind": kind,
            "status": alone.get("status"),
            "ms": alone.get("ms"),
            "items24_ms": alone.get("items24_ms", items24_ms),
            # each render over the bare page's timed just before it (older results: the run's one figure)
            "x24": alone.get("x24") or (alone["ms"] / items24_ms if alone.get("ms") and items24_ms else None),
            "cpu_ms": alone.get("cpu_ms"),
            "cpu_x24": alone.get("cpu_x24"),
            "statements": alone.get("statements"),
            "sql_ms": alone.get("sql_ms"),
            "sql_share": alone.get("sql_share"),
            "rps": load.get("ok_rps"),
            "rps_x24": load["ok_rps"] / items24_rps if load.get("ok_rps") is not None and items24_rps else None,
            "p95_ms": load.get("p95_ms"),
            "targets": {},
        }
        if row["x24"] is not None:
            row["targets"]["render_at_most_10x"] = row["x24"] <= TARGET_RENDER_X24 and row["status"] == 200
        if row["rps_x24"] is not None:
            row["targets"]["throughput_at_least_0.25x"] = row["rps_x24"] >= TARGET_THROUGHPUT_X24
        if kind == "search" and load:
            p95 = row["p95_ms"] if row["p95_ms"] is not None else float("inf")
            row["targets"][f"p95_under_30ms_at_{connections}"] = p95 < TARGET_SEARCH_P95_MS
        rows.append(row)
    db["coldpath_rows"] = rows
    return rows


def _fmt(value, digits: int = 1, suffix: str = "") -> str:
    return "–" if value is None else f"{value:,.{digits}f}{suffix}"


def _mark(targets: dict, key_start: str) -> str:
    for key, ok in targets.items():
        if key.startswith(key_start):
            return "met" if ok else "**NOT met**"
    return "–"


def markdown(db: dict, connections: int) -> list[str]:
    rows = db.get("coldpath_rows") or []
    if not rows:
        return []
    cold = db.get("coldpath") or {}
    base_ms = cold.get("baseline_ms") or {}
    items24_rps = ((db.get("baseline_mean") or {}).get("items24") or {}).get("rps")
    lines = [
        "### The cold path",
        "",
        f"`alone ms`: one render in-process, every cache empty (`PAGE_CACHE=false`, `CARD_CACHE_MAX_BYTES=0`, "
        f"page-cache memos emptied before each), MARKETPLACE_ENV={cold.get('mode')}, median of "
        f"{cold.get('repeat')} after {PAGE_WARMUP} untimed. `bare ms`: the bare 24-item page timed the same way "
        "just before each render "
        f"(one untimed, then the median of {BARE_RENDERS}; {_fmt(base_ms.get('items24'), 3)} ms in a loop of its own "
        "after the pages); "
        "`×24` the median of each render over its bare neighbour, so the machine's load, which moves within "
        "a run, weighs on both (the target's figure). `CPU ms`, `CPU ×24`: the same in this process's CPU "
        "time, which no other process's load stretches; on PostgreSQL it leaves out the server's work "
        "(in `SQL ms`). `SQL`: statements of that render, their time and share of it. "
        f"`req/s`: the uncached pass (page cache off, card cache at its default) at {connections} connections, "
        f"`×24` over the 24-item page's {_fmt(items24_rps)} req/s; `p95` of the same run. Targets (issue #23): "
        f"render ≤ {TARGET_RENDER_X24:g} × the 24-item page, throughput ≥ {TARGET_THROUGHPUT_X24:g} × it, "
        f"search p95 < {TARGET_SEARCH_P95_MS:g} ms.",
        "",
        "| page | alone ms | bare ms | ×24 | ≤10× | CPU ms | CPU ×24 | SQL | SQL ms | SQL share | req/s | ×24 "
        "| ≥0.25× | p95 ms | search p95 < 30 ms |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
        f"| *bare 24-item page* | {_fmt(base_ms.get('items24'), 3)} | | 1.0 | | | 1.0 | | | | {_fmt(items24_rps)} "
        "| 1.00 | | | |",
    ]
    for r in rows:
        status = "" if r["status"] in (200, None) else f" → {r['status']}"
        lines.append(
            f"| {r['page']} `{r['path']}`{status} | {_fmt(r['ms'], 2)} | {_fmt(r['items24_ms'], 3)} | "
            f"{_fmt(r['x24'])} | {_mark(r['targets'], 'render')} | {_fmt(r['cpu_ms'], 2)} | {_fmt(r['cpu_x24'])} | "
            f"{r['statements'] if r['statements'] is not None else '–'} | "
            f"{_fmt(r['sql_ms'], 2)} | {_fmt(r['sql_share'] * 100 if r['sql_share'] is not None else None, 0, ' %')} | "
            f"{_fmt(r['rps'])} | {_fmt(r['rps_x24'], 2)} | {_mark(r['targets'], 'throughput')} | "
            f"{_fmt(r['p95_ms'])} | {_mark(r['targets'], 'p95') if r['kind'] == 'search' else ''} |"
        )
    missed = sum(1 for r in rows for ok in r["targets"].values() if not ok)
    met = sum(1 for r in rows for ok in r["targets"].values() if ok)
    lines += ["", f"Cold-path targets: {met} met, {missed} NOT met.", ""]
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Catalogue renders alone with every cache empty (bench/run.py).")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--paths", required=True, help="JSON object: name -> path")
    parser.add_argument("--repeat", type=int, default=15, help="renders timed per page (median reported)")
    parser.add_argument("--mode", choices=("production", "development"), default="production")
    args = parser.parse_args(argv)
    app_root = Path(os.environ.get("APIK_APP_ROOT") or BENCH.parent)
    sys.path.insert(0, str(app_root))
    result = measure(args.database_url, json.loads(args.paths), args.repeat, args.mode)
    import logging

    logging.shutdown()
    print("BENCH_JSON " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
