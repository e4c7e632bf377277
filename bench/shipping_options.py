"""POST /api/v1/checkout/shipping-options for a cart of 5 Tegal stores and a Jakarta address,
with the rate table and Biteship on and the fake Biteship answering each call after
``--latency`` seconds (the stores are quoted in parallel, so ~one latency, not five).

    .venv/bin/python -m bench.shipping_options [--stores 5] [--latency 0.1] [--rounds 60] [--db sqlite|postgresql]

The app runs in a real HTTP server (werkzeug, threaded) on a fresh database migrated and
seeded through the services; Biteship's quote cache is off, so every round calls the fake.
The yardstick is a bare Flask "hello world" (bench/baseline_app.py) served the same way in the
same run: the figures are milliseconds and the ratio of each p95 to the yardstick's p95.
Target (issue #18): p95 within 300 ms at 100 ms a Biteship call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def serve(app) -> tuple[str, object]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def seed(app, stores: int) -> tuple[str, int]:
    """``stores`` Tegal stores shipping by JNE, J&T and SiCepat, a shopper in Kebayoran Baru with
    one product of each in her cart; (API token, address id)."""
    from flask_migrate import upgrade

    from marketplace.accounts import tokens
    from marketplace.extensions import db
    from plugins.shipping_table import tables
    from plugins.shipping_table.demo import DEFAULT_TABLE
    from tests.buying_factories import fill_cart, gen_listing
    from tests.factories import gen_store, gen_user
    from tests.shipping_factories import KEBAYORAN_BARU, gen_address, ship_from_tegal

    with app.app_context():
        upgrade()
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        shopper = gen_user("bench-shopper@test.id")
        lines = []
        for n in range(stores):
            store = gen_store(name=f"Toko Bench {n + 1}")
            ship_from_tegal(store, couriers={"jne": ["reg", "yes"], "jnt": ["ez"], "sicepat": ["reg"]})
            lines.append((gen_listing(store=store, name=f"Batik {n + 1}", weight_grams=600 + 100 * n), 1))
        fill_cart(shopper, *lines)
        address = gen_address(shopper, KEBAYORAN_BARU, "12110")
        token = tokens.issue_token(shopper)
        db.session.commit()
        return token, address.id


def timed(call, rounds: int) -> list[float]:
    call()  # warm up: connections, first templates
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return sorted(times)


def p95(times: list[float]) -> float:
    return times[max(int(len(times) * 0.95) - 1, 0)]


def run(stores: int, latency: float, rounds: int, database_url: str) -> dict:
    from bench.baseline_app import app as baseline
    from marketplace import create_app
    from tests.fakes.biteship_server import FakeBiteship

    fake = FakeBiteship(latency=latency).start()
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "MARKETPLACE_PLUGINS": "cash_on_delivery,shipping_table,biteship",
            "BITESHIP_API_KEY": fake.api_key,
            "BITESHIP_BASE_URL": fake.url,
            "BITESHIP_CACHE_SECONDS": 0,
            "RATELIMIT_ENABLED": False,
            "PAGE_CACHE": False,
        }
    )
    token, address_id = seed(app, stores)
    url, server = serve(app)
    base_url, base_server = serve(baseline)
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    try:

        def options():
            answer = session.post(
                f"{url}/api/v1/checkout/shipping-options", json={"address_id": address_id}, headers=headers
            )
            assert answer.status_code == 200, answer.text[:300]
            items = answer.json()["items"]
            assert len(items) == stores and all(any(o["kind"] == "live" for o in i["options"]) for i in items), items
            return answer

        def hello():
            assert session.get(f"{base_url}/").status_code == 200

        calls_before = len(fake.requests)
        ours = timed(options, rounds)
        calls = (len(fake.requests) - calls_before) / (rounds + 1)
        yardstick = timed(hello, rounds)
    finally:
        server.shutdown()
        base_server.shutdown()
        fake.stop()
    return {
        "stores": stores,
        "latency_ms": latency * 1000,
        "rounds": rounds,
        "p50_ms": round(statistics.median(ours) * 1000, 1),
        "p95_ms": round(p95(ours) * 1000, 1),
        "max_ms": round(ours[-1] * 1000, 1),
        "hello_p95_ms": round(p95(yardstick) * 1000, 2),
        "p95_ratio_to_hello": round(p95(ours) / p95(yardstick), 1),
        "biteship_calls_per_request": round(calls, 1),
        "max_in_flight": fake.max_in_flight,
        "within_300ms": p95(ours) <= 0.3,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Biteship call")
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--db", default="sqlite", help="sqlite (a temp file) or a PostgreSQL URL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite" if args.db == "sqlite" else args.db
        result = run(args.stores, args.latency, args.rounds, url)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0 if result["within_300ms"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
