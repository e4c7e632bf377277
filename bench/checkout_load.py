"""Checkout under load: shoppers (one per connection, each with its own API
token) loop "add to cart, check out with cash on delivery" for a fixed time,
from two client processes over keep-alive HTTP connections.

Each cart holds one well-stocked variant and, half of the time, one of a few
limited-stock "hot" variants that every shopper races for, so the run also
shows whether stock is ever oversold (checked by run.py in the database).

    .venv/bin/python bench/checkout_load.py --url http://127.0.0.1:8000 --manifest M.json --duration 10

Prints one line: BENCH_JSON {...}. "available": false when the buying flow's
endpoints (POST /api/v1/cart/items, POST /api/v1/checkout) are not there yet.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import random
import threading
import time
from urllib.parse import urlparse

SHIPPING = {
    "name": "Pembeli Bench",
    "phone": "081234567890",
    "address": "Jl. Kapten Sudibyo No. 1",
    "city": "Kota Tegal",
    "postal_code": "52131",
}
HOT_SHARE = 0.5


class Client:
    def __init__(self, url: str, token: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(self, method: str, path: str, body=None) -> tuple[int, object, float]:
        data = json.dumps(body) if body is not None else None
        for attempt in (1, 2):
            t0 = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                response = self.conn.getresponse()
                raw = response.read()
                elapsed = time.perf_counter() - t0
                break
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    return 0, None, time.perf_counter() - t0
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return response.status, payload, elapsed

    def clear_cart(self) -> None:
        status, cart, _ = self.request("GET", "/api/v1/cart")
        if status != 200 or not isinstance(cart, dict):
            return
        for item in cart.get("items") or []:
            if isinstance(item, dict) and item.get("id") is not None:
                self.request("DELETE", f"/api/v1/cart/items/{item['id']}")


def probe(url: str, token: str, variant_id: int) -> dict:
    """Is the buying flow there? Adds one item and removes it again."""
    client = Client(url, token)
    status, body, _ = client.request("POST", "/api/v1/cart/items", {"variant_id": variant_id, "quantity": 1})
    client.clear_cart()
    status_checkout, _b, _ = client.request("GET", "/api/v1/payment-methods")
    return {
        "cart_status": status,
        "payment_methods_status": status_checkout,
        "available": status in (200, 201),
        "body": body if status not in (200, 201) else None,
    }


def shopper(url: str, token: str, regular: list[int], hot: list[int], deadline: float, seed: int, out: list):
    rng = random.Random(seed)
    client = Client(url, token)
    client.clear_cart()
    stats = {
        "checkout_ms": [],
        "add_ms": [],
        "statuses": {},
        "add_statuses": {},
        "checkouts": 0,
        "orders": 0,
        "sold": {},
        "conflicts": 0,
    }
    while time.monotonic() < deadline:
        wanted = [(rng.choice(regular), 1)]
        if hot and rng.random() < HOT_SHARE:
            wanted.append((rng.choice(hot), 1))
        added = []
        for variant_id, qty in wanted:
            status, _body, elapsed = client.request(
                "POST", "/api/v1/cart/items", {"variant_id": variant_id, "quantity": qty}
            )
            stats["add_ms"].append(elapsed * 1000)
            stats["add_statuses"][status] = stats["add_statuses"].get(status, 0) + 1
            if status in (200, 201):
                added.append((variant_id, qty))
        if not added:
            client.clear_cart()
            continue
        status, body, elapsed = client.request(
            "POST", "/api/v1/checkout", {"payment_method": "cash_on_delivery", "shipping": SHIPPING, "extras": []}
        )
        stats["checkout_ms"].append(elapsed * 1000)
        stats["statuses"][status] = stats["statuses"].get(status, 0) + 1
        if status == 201:
            stats["checkouts"] += 1
            stats["orders"] += len((body or {}).get("orders") or []) if isinstance(body, dict) else 0
            for variant_id, qty in added:
                stats["sold"][variant_id] = stats["sold"].get(variant_id, 0) + qty
        else:
            if status == 409:
                stats["conflicts"] += 1
            client.clear_cart()
    out.append(stats)


def process_main(
    url: str, tokens: list[str], regular: list[int], hot: list[int], start_at: float, duration: float, seed: int, queue
) -> None:
    while time.time() < start_at:
        time.sleep(0.01)
    started = time.monotonic()
    deadline = started + duration
    out: list = []
    threads = [
        threading.Thread(target=shopper, args=(url, tok, regular, hot, deadline, seed * 1000 + i, out))
        for i, tok in enumerate(tokens)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put({"elapsed": time.monotonic() - started, "stats": out})


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def run(url: str, manifest: dict, duration: float, connections: int, processes: int = 2) -> dict:
    tokens = manifest["shopper_tokens"][:connections]
    regular, hot = manifest["checkout_variant_ids"], manifest["hot_variant_ids"]
    check = probe(url, tokens[0], regular[0])
    if not check["available"]:
        return {"available": False, "probe": check}
    queue = multiprocessing.Queue()
    start_at = time.time() + 1.0
    groups = [tokens[i::processes] for i in range(processes)]
    procs = [
        multiprocessing.Process(target=process_main, args=(url, g, regular, hot, start_at, duration, n + 1, queue))
        for n, g in enumerate(groups)
        if g
    ]
    for p in procs:
        p.start()
    answers = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    stats = [s for a in answers for s in a["stats"]]
    elapsed = max(a["elapsed"] for a in answers)
    checkout_ms = [x for s in stats for x in s["checkout_ms"]]
    add_ms = [x for s in stats for x in s["add_ms"]]
    statuses: dict = {}
    add_statuses: dict = {}
    sold: dict = {}
    for s in stats:
        for k, v in s["statuses"].items():
            statuses[str(k)] = statuses.get(str(k), 0) + v
        for k, v in s["add_statuses"].items():
            add_statuses[str(k)] = add_statuses.get(str(k), 0) + v
        for k, v in s["sold"].items():
            sold[str(k)] = sold.get(str(k), 0) + v
    checkouts = sum(s["checkouts"] for s in stats)
    orders = sum(s["orders"] for s in stats)
    return {
        "available": True,
        "connections": len(tokens),
        "processes": len(procs),
        "duration_s": round(elapsed, 2),
        "checkouts": checkouts,
        "orders": orders,
        "conflicts_409": sum(s["conflicts"] for s in stats),
        "checkouts_per_s": round(checkouts / elapsed, 1),
        "orders_per_s": round(orders / elapsed, 1),
        "checkout_requests": len(checkout_ms),
        "checkout_statuses": statuses,
        "add_statuses": add_statuses,
        "checkout_latency_ms": {f"p{p}": round(percentile(checkout_ms, p) or 0, 1) for p in (50, 90, 95, 99)},
        "add_latency_ms": {f"p{p}": round(percentile(add_ms, p) or 0, 1) for p in (50, 95, 99)},
        "client_sold": sold,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args(argv)
    with open(args.manifest) as fh:
        manifest = json.load(fh)
    print("BENCH_JSON " + json.dumps(run(args.url, manifest, args.duration, args.connections)), flush=True)


if __name__ == "__main__":
    main()
