"""Where a cold render's time goes: pyinstrument's samples of catalogue pages rendered
alone, every cache empty.

    .venv/bin/python bench/coldprofile.py --database-url sqlite:////tmp/copy.sqlite \\
        --paths '{"home": "/", "search-common": "/search?q=batik"}' --output bench/results/coldpath-profile.md

The app and the renders are bench/coldpath.py's (``PAGE_CACHE=false``,
``CARD_CACHE_MAX_BYTES=0``, memos emptied before each render, production
config, a visitor without cookies, Werkzeug's test client). Each page is
rendered once untimed, timed ``--renders`` times without a profiler (the
median is the page's cost), then sampled by pyinstrument every
``--interval`` seconds over ``--renders`` more; figures are per render.
A sampling profiler barely slows the code it watches, unlike cProfile, whose
cost per call makes Jinja and URL building (many small calls) look several
times dearer than they are.

Written for each page: the time by area (below) and the top functions by
cumulative time. An area counts a frame once even when its functions call
each other (the outermost matching frame); areas marked "of which" lie inside
another. The database driver's execute and fetch are C code: their time is
in SQLAlchemy's ``do_execute`` and fetch frames.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import coldpath  # noqa: E402  (bench/coldpath.py)

QUERIES = "database work: SQLAlchemy and the driver (from the view or a template)"
TEMPLATES = "templates (render_template)"
# area -> [(path ending, function name or "*")]: a frame of such a function is in the area
AREAS: dict[str, list[tuple[str, str]]] = {
    QUERIES: [
        ("sqlalchemy/orm/session.py", "*"),
        ("sqlalchemy/orm/scoping.py", "*"),
        ("sqlalchemy/engine/result.py", "*"),
        ("sqlalchemy/orm/loading.py", "*"),
    ],
    "… of which the driver's execute and fetch (SQL)": [
        ("sqlalchemy/engine/default.py", "do_execute"),
        ("sqlalchemy/engine/cursor.py", "fetchall"),
        ("sqlalchemy/engine/cursor.py", "fetchone"),
        ("sqlalchemy/engine/cursor.py", "fetchmany"),
        ("sqlalchemy/engine/cursor.py", "_fetchall_impl"),
        ("sqlalchemy/engine/cursor.py", "_fetchone_impl"),
        ("sqlalchemy/engine/cursor.py", "_fetchmany_impl"),
    ],
    "… of which rows to objects (ORM loading)": [("sqlalchemy/orm/loading.py", "*")],
    TEMPLATES: [("flask/templating.py", "render_template")],
    "… of which url_for (media_url's too)": [("flask/app.py", "url_for"), ("flask/helpers.py", "url_for")],
    "… of which media_url": [("marketplace/media.py", "media_url")],
    "… of which absolute_url": [("marketplace/urls.py", "absolute_url")],
    "… of which gettext, ngettext": [
        ("flask_babel/__init__.py", "gettext"),
        ("flask_babel/__init__.py", "ngettext"),
        ("flask_babel/__init__.py", "<lambda>"),
        ("jinja2/ext.py", "gettext"),
        ("jinja2/ext.py", "ngettext"),
        ("jinja2/ext.py", "_gettext_alias"),
    ],
    "… of which rupiah": [("marketplace/i18n.py", "rupiah")],
    "… of which dates (wib, babel)": [
        ("marketplace/i18n.py", "wib"),
        ("flask_babel/__init__.py", "format_date"),
        ("flask_babel/__init__.py", "format_datetime"),
        ("flask_babel/__init__.py", "format_timedelta"),
    ],
    "locale selection (select_locale, get_locale)": [
        ("marketplace/i18n.py", "select_locale"),
        ("flask_babel/__init__.py", "get_locale"),
    ],
    "CSRF token (generate_csrf)": [("flask_wtf/csrf.py", "generate_csrf")],
    "the page cache's own work": [
        ("marketplace/pagecache.py", "generations"),
        ("marketplace/pagecache.py", "_end_read_transaction"),
        ("marketplace/pagecache.py", "_visitor_is_anonymous"),
        ("marketplace/pagecache_http.py", "not_cached"),
    ],
    "current_user (user loader)": [("flask_login/utils.py", "_get_user")],
    "request hooks before the view": [("flask/app.py", "preprocess_request")],
    "response: after_request hooks, session, headers, log": [
        ("flask/app.py", "process_response"),
        ("flask/app.py", "finalize_request"),
    ],
}
VIEW_FILES = ("marketplace/catalog/views.py", "marketplace/api/catalog.py", "marketplace/expo/views.py")


def _match(frame, entries: list[tuple[str, str]]) -> bool:
    path = frame.file_path or ""
    return any(path.endswith(ending) and (name == "*" or frame.function == name) for ending, name in entries)


def _is_view(frame) -> bool:
    return (frame.file_path or "").endswith(VIEW_FILES)


def analyse(root, renders: int) -> dict:
    """ms per render by area and by function (outermost frames only, so recursion counts once)."""
    areas = dict.fromkeys(AREAS, 0.0)
    functions: dict[tuple, list[float]] = {}
    view = {"total": 0.0, "templates": 0.0, "queries_in_templates": 0.0}

    def walk(frame, active_areas: frozenset, active_functions: frozenset, in_view: bool) -> None:
        if frame.function is None or frame.file_path is None:  # [self]: time of the parent itself
            return
        key = (frame.file_path, frame.function, frame.line_no)
        entered = set()
        for area, entries in AREAS.items():
            if area not in active_areas and _match(frame, entries):
                areas[area] += frame.time
                entered.add(area)
        if key not in active_functions:
            row = functions.setdefault(key, [0.0, 0.0])
            row[0] += frame.time
        functions.setdefault(key, [0.0, 0.0])[1] += frame.total_self_time
        starts_view = not in_view and _is_view(frame)
        if starts_view:
            view["total"] += frame.time
        if in_view and "templates (render_template)" in entered:
            view["templates"] += frame.time
        if QUERIES in entered and TEMPLATES in active_areas:
            view["queries_in_templates"] += frame.time
        for child in frame.children:
            walk(child, active_areas | entered, active_functions | {key}, in_view or starts_view)

    walk(root, frozenset(), frozenset(), False)
    per = 1000 / renders
    out_areas = {}
    for area, ms in areas.items():
        out_areas[area] = ms * per
        if area == TEMPLATES:
            out_areas["… of which queries the templates call (expo badge ids, reviews, cart count)"] = (
                view["queries_in_templates"] * per
            )
    out_areas = {
        "the view, without its templates (queries, objects, Python around them)": (view["total"] - view["templates"])
        * per,
        **out_areas,
    }
    top = sorted(functions.items(), key=lambda kv: -kv[1][0])
    return {
        "areas": out_areas,
        "top": [
            {"function": f"{_short(path)}:{line}({name})", "cumulative_ms": cum * per, "own_ms": own * per}
            for (path, name, line), (cum, own) in top
        ],
    }


def _short(filename: str) -> str:
    for marker in ("site-packages/", "/work/wt/", "/work/", "/tmp/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
    return filename


def profile_page(app, client, path: str, renders: int, interval: float, limit: int) -> dict:
    from pyinstrument import Profiler

    status = client.get(path).status_code  # templates compiled, connection open
    plain = []
    for _ in range(renders):
        coldpath._empty_caches(app)
        t0 = time.perf_counter()
        client.get(path)
        plain.append((time.perf_counter() - t0) * 1000)
    profiler = Profiler(interval=interval)
    sampled = 0.0
    for _ in range(renders):
        coldpath._empty_caches(app)
        t0 = time.perf_counter()
        profiler.start()
        client.get(path)
        profiler.stop()
        sampled += time.perf_counter() - t0
    session = profiler.last_session
    result = analyse(session.root_frame(), renders)
    result["top"] = result["top"][:limit]
    return {
        "path": path,
        "status": status,
        "render_ms": round(statistics.median(plain), 2),
        "sampled_ms": round(session.duration * 1000 / renders, 2),
        "samples": session.sample_count,
        **result,
    }


def markdown(results: dict, meta: dict) -> str:
    pages = list(results)
    lines = [
        "# Where a cold render's time goes",
        "",
        f"{meta['when']} · {meta['catalogue']} · app `{meta['app']}` · `{meta['uptime']}`",
        "",
        f"Each page rendered alone with every cache empty (page cache off, card cache size 0, memos emptied), "
        f"MARKETPLACE_ENV={meta['mode']}, a visitor without cookies, in-process (Werkzeug's test client): "
        f"{meta['renders']} renders timed, then {meta['renders']} sampled by pyinstrument every "
        f"{meta['interval'] * 1e6:.0f} µs; ms per render. Areas count a frame once (the outermost of its "
        "functions); '…' lies inside the area above it. The SQL driver is C: its time shows in SQLAlchemy's "
        "`do_execute` and fetch frames. Command: `bench/coldprofile.py` (bench/README.md).",
        "",
        "| area (ms per render, share) | " + " | ".join(pages) + " |",
        "|---|" + "---:|" * len(pages),
        "| **render alone, no profiler** | " + " | ".join(f"**{results[p]['render_ms']:.2f}**" for p in pages) + " |",
        "| render while sampled | " + " | ".join(f"{results[p]['sampled_ms']:.2f}" for p in pages) + " |",
    ]
    for area in next(iter(results.values()))["areas"]:
        cells = []
        for p in pages:
            ms, total = results[p]["areas"][area], results[p]["sampled_ms"]
            cells.append(f"{ms:.2f} ({ms / total * 100:.0f} %)" if ms >= 0.005 else "–")
        lines.append(f"| {area} | " + " | ".join(cells) + " |")
    lines.append("")
    for page, r in results.items():
        lines += [
            f"## {page} `{r['path']}`",
            "",
            f"Status {r['status']}; {r['render_ms']:.2f} ms alone, {r['sampled_ms']:.2f} ms while sampled "
            f"({r['samples']} samples). Top functions by cumulative time (outermost call counted):",
            "",
            "| cumulative ms | own ms | function |",
            "|---:|---:|---|",
        ]
        for row in r["top"]:
            lines.append(f"| {row['cumulative_ms']:.2f} | {row['own_ms']:.2f} | `{row['function'][:150]}` |")
        lines.append("")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="pyinstrument samples of cold catalogue renders.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--paths", required=True, help="JSON object: name -> path")
    parser.add_argument("--renders", type=int, default=20, help="renders timed, and as many sampled (default 20)")
    parser.add_argument("--interval", type=float, default=0.0002, help="seconds between samples (default 0.0002)")
    parser.add_argument("--top", type=int, default=45, help="functions listed per page")
    parser.add_argument("--mode", choices=("production", "development"), default="production")
    parser.add_argument("--catalogue", default="", help="what the database holds, for the heading")
    parser.add_argument("--output", type=Path, help="write the markdown here, and the figures beside it (.json)")
    args = parser.parse_args(argv)
    app_root = Path(os.environ.get("APIK_APP_ROOT") or BENCH.parent)
    sys.path.insert(0, str(app_root))
    app = coldpath.build_app(args.database_url, args.mode)
    import logging

    logging.getLogger("marketplace.request").disabled = True  # the request log line on stderr: not read here
    client = app.test_client(use_cookies=False)
    paths = json.loads(args.paths)
    results = {
        name: profile_page(app, client, path, args.renders, args.interval, args.top) for name, path in paths.items()
    }
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=app_root, capture_output=True, text=True)
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "catalogue": args.catalogue or args.database_url.split(":", 1)[0],
        "app": git.stdout.strip() or str(app_root),
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "mode": args.mode,
        "renders": args.renders,
        "interval": args.interval,
    }
    text = markdown(results, meta)
    if args.output:
        args.output.write_text(text)
        args.output.with_suffix(".json").write_text(json.dumps({"meta": meta, "pages": results}, indent=1))
    print(text)


if __name__ == "__main__":
    main()
