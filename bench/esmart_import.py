"""E-Smart pull at scale: a directory of N IKM × M products (default 2,000 × 20
= 40,000 products) imported into an empty marketplace, then pulled again.

The feed is served over HTTP by the fake E-Smart server in a separate process
(so its memory is not counted), or written to a CSV or JSON file first. The
report gives the run's counts, the wall time, and the importer process's peak
memory (ru_maxrss, and the Python heap's peak with --tracemalloc), before
and after: pages are streamed, so the peak must not grow with the feed.

    .venv/bin/python bench/esmart_import.py                        # 2000 x 20 over HTTP, SQLite
    .venv/bin/python bench/esmart_import.py --ikm 200 --source csv
    .venv/bin/python bench/esmart_import.py --database postgresql://postgres@127.0.0.1/bench_esmart

Prints a readable report and one line ``BENCH_JSON {...}``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes.esmart_server import synthetic_record  # noqa: E402

COLUMNS = [
    "ikm_id",
    "nib",
    "nama_usaha",
    "pemilik",
    "kbli",
    "sektor",
    "alamat",
    "kota",
    "telepon",
    "email",
    "produk_id",
    "nama_produk",
    "deskripsi",
    "kategori",
    "harga",
    "satuan",
    "stok",
    "berat_gram",
    "foto_url",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def write_csv(path: Path, n_ikm: int, n_products: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(n_ikm):
            r = synthetic_record(i, n_products)
            ikm = [
                r["id"],
                r["nib"],
                r["nama_usaha"],
                r["pemilik"],
                r["kbli"],
                r["sektor"],
                r["alamat"],
                r["kota"],
                r["telepon"],
                r["email"],
            ]
            for p in r["produk"]:
                out.writerow(
                    ikm
                    + [
                        p["id"],
                        p["nama"],
                        p["deskripsi"],
                        p["kategori"],
                        p["harga"],
                        p["satuan"],
                        p["stok"],
                        p["berat_gram"],
                        "",
                    ]
                )


def write_json(path: Path, n_ikm: int, n_products: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"data": [')
        for i in range(n_ikm):
            handle.write(("," if i else "") + json.dumps(synthetic_record(i, n_products), ensure_ascii=False))
        handle.write(f'], "meta": {{"total": {n_ikm}}}}}')


def start_fake(n_ikm: int, n_products: int, photos: bool) -> tuple[subprocess.Popen, str]:
    args = [sys.executable, "-m", "tests.fakes.esmart_server", "--synthetic", f"{n_ikm}x{n_products}", "--port", "0"]
    process = subprocess.Popen(args + (["--photos"] if photos else []), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def make_app(database: str, work: Path, base_url: str | None):
    from marketplace import create_app

    config = {
        "DATABASE_URL": database,
        "UPLOAD_FOLDER": str(work / "uploads"),
        "MARKETPLACE_PLUGINS": "esmart_sync",
        "SECRET_KEY": "bench-" + "x" * 40,
        "RATELIMIT_ENABLED": False,
        "ESMART_PHOTO_ALLOW_PRIVATE": True,
        "ESMART_BASE_URL": base_url,
        "ESMART_API_KEY": "kunci-uji" if base_url else None,
        "BASE_URL": "https://pasar.test",
    }
    return create_app(config)


def prepare_database(app, database: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from marketplace.extensions import db

    with app.app_context():
        if database.startswith("postgres"):
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        upgrade()


def measured(label: str, fn, use_tracemalloc: bool) -> dict:
    if use_tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    run = fn()
    seconds = time.perf_counter() - started
    heap = tracemalloc.get_traced_memory()[1] / 2**20 if use_tracemalloc else None
    if use_tracemalloc:
        tracemalloc.stop()
    result = {
        "label": label,
        "status": run.status,
        "message": run.message,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "peak_heap_mb": heap and round(heap, 1),
        "counts": {k: v for k, v in run.counts.items() if v},
    }
    products = sum(
        run.counts[k] for k in ("products_created", "products_updated", "products_unchanged", "products_skipped")
    )
    result["products_per_second"] = round(products / seconds) if seconds else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ikm", type=int, default=2000)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--source", choices=("http", "csv", "json"), default="http")
    parser.add_argument("--database", default=None, help="default: a new SQLite file in a temporary folder")
    parser.add_argument("--photos", action="store_true", help="the first product of every IKM has a photo")
    parser.add_argument("--tracemalloc", action="store_true", help="also measure the Python heap (slower)")
    parser.add_argument("--no-second", action="store_true", help="skip the second (unchanged) pull")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="esmart-bench-"))
    database = args.database or f"sqlite:///{work / 'bench.sqlite'}"
    fake, base_url, path = None, None, None
    if args.source == "http":
        fake, base_url = start_fake(args.ikm, args.products, args.photos)
    else:
        path = work / f"feed.{args.source}"
        (write_csv if args.source == "csv" else write_json)(path, args.ikm, args.products)
    try:
        app = make_app(database, work, base_url)
        prepare_database(app, database)
        from plugins.esmart_sync import importer

        def pull():
            return importer.pull_file(path) if path else importer.pull_http(full=True)

        with app.app_context():
            baseline = round(peak_rss_mb(), 1)
            runs = [measured("first pull (empty marketplace)", pull, args.tracemalloc)]
            if not args.no_second:
                runs.append(measured("second pull (same feed)", pull, args.tracemalloc))
    finally:
        if fake:
            fake.terminate()
            fake.wait()
    report = {
        "ikm": args.ikm,
        "products_per_ikm": args.products,
        "source": args.source,
        "database": database.split(":")[0],
        "feed_bytes": path.stat().st_size if path else None,
        "baseline_rss_mb": baseline,
        "runs": runs,
    }
    for run in runs:
        print(
            f"{run['label']}: {run['status']} in {run['seconds']} s ({run['products_per_second']} products/s), "
            f"peak RSS {run['peak_rss_mb']} MB (baseline {baseline} MB)"
            + (f", Python heap peak {run['peak_heap_mb']} MB" if run["peak_heap_mb"] else "")
        )
        print(f"  counts: {run['counts']}")
    print("BENCH_JSON " + json.dumps(report))


if __name__ == "__main__":
    os.environ.setdefault("MARKETPLACE_ENV", "development")
    main()
