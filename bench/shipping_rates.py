"""How long the Biteship plugin takes to quote a cart of several stores when each Biteship call
takes ``--latency`` seconds: the stores are asked in parallel, so a cart of 5 stores at 100 ms
a call should take about 100 ms, not 500.

    .venv/bin/python -m bench.shipping_rates [--stores 5] [--latency 0.1] [--rounds 40]

Runs the plugin's ``rates.quote`` against tests/fakes/biteship_server.py with the cache off
(every round asks Biteship) and prints p50, p95 and the most calls the fake answered at once.
No database is involved: the plugin's threads never touch one.
"""

from __future__ import annotations

import argparse
import statistics
import time

from marketplace.shipping.quotes import Parcel, ParcelItem
from plugins.biteship.api import Connection
from plugins.biteship.cache import MemoryCache
from plugins.biteship.rates import quote
from tests.fakes.biteship_server import FakeBiteship


def parcels(count: int) -> list[Parcel]:
    return [
        Parcel(
            key=f"toko-{n}",
            store_id=n + 1,
            origin="33.76.01",
            destination="31.74.01",
            weight_grams=1200,
            value=100_000,
            couriers=("jne", "jnt", "sicepat", "anteraja", "pos"),
            origin_postal_code="52111",
            destination_postal_code=f"{11470 + n}",
            items=(ParcelItem("Batik tulis", 1, 100_000, 1200),),
        )
        for n in range(count)
    ]


def run(stores: int, latency: float, rounds: int) -> dict:
    fake = FakeBiteship(latency=latency).start()
    try:
        conn = Connection(fake.url, fake.api_key, 3.0)
        cart, no_cache = parcels(stores), MemoryCache(0)
        quote(cart, conn, no_cache)  # warm the connection pool
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            rates = quote(cart, conn, no_cache)
            times.append(time.perf_counter() - started)
            assert len({r.parcel_key for r in rates}) == stores
        times.sort()
        return {
            "stores": stores,
            "latency_ms": latency * 1000,
            "rounds": rounds,
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1),
            "max_in_flight": fake.max_in_flight,
        }
    finally:
        fake.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per Biteship call")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args(argv)
    result = run(args.stores, args.latency, args.rounds)
    print(" ".join(f"{k}={v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
