"""The expo opening under load: `make bench-expo` (or `.venv/bin/python bench/expo_load.py --help`).

Many visitors browse (home, expo hall, stores, products) and search, hundreds of
shoppers add to their carts and check out with cash on delivery through the JSON
API, and sellers set the stock of the very variants being bought — all at once,
against gunicorn on PostgreSQL and on SQLite (WAL, several workers).

Pass/fail: no 5xx, no "database is locked" reaching a user (response bodies and
the server log), no unit sold that was not on the shelf, no lost order (every
201 the client got is in the database with the lines and money the client
expected, and every order of the run was confirmed by a 201). The stock check
replays, per variant, the seller updates and the orders in commit order and must
land exactly on the stock in the database (see :func:`reconcile`).

Reuses bench/run.py (seeding cache, gunicorn, migrations) and bench/seed.py
(the catalogue); the visitors, shoppers and sellers of the run are made here,
through the services, in a setup step on the fresh copy of the seeded database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue as queue_mod
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import beacon_load as B  # noqa: E402  (bench/beacon_load.py: the beacons and their count; imports nothing of the app)
import run as R  # noqa: E402  (bench/run.py: seeding cache, gunicorn, migrations; imports nothing of the app)
from checkout_load import SHIPPING, percentile  # noqa: E402

# The share of visitor sessions by role (the brief of issue #8). A session is one
# person's visit: a few requests with think time in between.
ROLES = {"browse": 60, "search": 20, "buy": 15, "sell": 5}
REQUEST_TIMEOUT = 60
LOCKED = b"database is locked"
# Issue #23: while orders and seller edits run, the page cache answers most page views, fast.
TARGET_HIT_RATIO = 0.90  # hits / GETs the page cache answered for (its X-Page-Cache header)
TARGET_PAGE_P95_MS = 100.0  # every page view of B.PAGE_TYPES together


# --- setup (runs in a child process with the app importable) ---------------------------------


def setup(database_url: str, upload_folder: str, n_shoppers: int, n_seller_stores: int, rseed: int) -> dict:
    """Shoppers and sellers for this run, and what the clients need to know, made
    through the services on the run's copy of the seeded database."""
    from seed import SHOPPER_PASSWORD, build_app
    from sqlalchemy import func, select

    from marketplace.accounts import services as accounts
    from marketplace.accounts import tokens as api_tokens
    from marketplace.accounts.models import User
    from marketplace.catalog.models import Product, Variant
    from marketplace.expo import services as expo_services
    from marketplace.extensions import db
    from marketplace.stores import services as stores
    from marketplace.stores.models import Store

    rng = random.Random(rseed)
    app = build_app(database_url, upload_folder)
    # set-up only: hundreds of accounts with scrypt would take minutes; the server keeps its own setting
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"
    tag = uuid.uuid4().hex[:6]
    out: dict = {}
    with app.app_context():
        agency = db.session.scalar(select(User).where(User.email == "bench-agency@apik-bench.id"))
        manifest_hot = list(
            db.session.scalars(select(Variant.id).where(Variant.sku.like("HOT-%")).order_by(Variant.id))
        )
        tokens = []
        for i in range(n_shoppers):
            user = accounts.create_user(
                f"expo-{tag}-{i + 1}@apik-bench.id", SHOPPER_PASSWORD, f"Pengunjung Expo {i + 1}"
            )
            db.session.flush()
            tokens.append(api_tokens.issue_token(user))
            if i % 100 == 99:
                db.session.commit()
        db.session.commit()
        out["shopper_tokens"] = tokens

        sellable = (
            select(Variant.id, Variant.product_id, Product.store_id, Variant.stock)
            .join(Product, Product.id == Variant.product_id)
            .join(Store, Store.id == Product.store_id)
            .where(Product.status == "active", Store.status == "approved")
        )
        rows = db.session.execute(sellable.where(Variant.stock >= 50)).all()
        hot_rows = db.session.execute(sellable.where(Variant.id.in_(manifest_hot))).all()
        # buyers pick from a pool of well-stocked variants (one per product), plus the few hot ones
        by_product: dict[int, tuple] = {}
        for row in rows:
            by_product.setdefault(row[1], row)
        pool = rng.sample(sorted(by_product.values()), k=min(300, len(by_product)))
        out["buy_variants"] = [[r[0], r[1]] for r in pool]
        out["hot_variants"] = [[r[0], r[1]] for r in hot_rows]

        # sellers: the hot store, and the stores with the most pool variants; one owner each
        per_store: dict[int, list] = defaultdict(list)
        for r in pool:
            per_store[r[2]].append([r[0], r[1]])
        seller_store_ids = [r[2] for r in hot_rows[:1]] + [
            sid for sid, _v in sorted(per_store.items(), key=lambda kv: -len(kv[1]))
        ][: max(0, n_seller_stores - 1)]
        sellers = []
        for n, sid in enumerate(dict.fromkeys(seller_store_ids)):
            store = db.session.get(Store, sid)
            invite, _token = stores.invite_staff(store, agency, f"penjual-{tag}-{n + 1}@apik-bench.id", role="owner")
            user = stores.claim_with_new_account(invite, f"Penjual {n + 1}", SHOPPER_PASSWORD)
            db.session.flush()
            variants = [[r[0], r[1]] for r in hot_rows] if hot_rows and sid == hot_rows[0][2] else per_store[sid]
            sellers.append(
                {
                    "store": store.slug,
                    "token": api_tokens.issue_token(user),
                    "variants": variants,
                    "hot": bool(hot_rows) and sid == hot_rows[0][2],
                }
            )
        db.session.commit()
        out["sellers"] = sellers

        from marketplace.expo.models import Expo

        expo_slug = db.session.scalar(select(Expo.slug).where(Expo.slug == "apik-banget-bench")) or db.session.scalar(
            select(Expo.slug).order_by(Expo.id.desc())
        )
        out["expo_slug"] = expo_slug
        exhibitor_ids = expo_services.exhibitor_store_ids(expo_slug)
        out["store_slugs"] = list(
            db.session.scalars(select(Store.slug).where(Store.id.in_(exhibitor_ids), Store.status == "approved"))
        )
        active = dict(
            db.session.execute(
                select(Product.id, Store.slug)
                .join(Store, Store.id == Product.store_id)
                .where(Product.status == "active", Store.status == "approved")
            ).all()
        )
        out["product_ids"] = rng.sample(sorted(active), k=min(600, len(active)))
        out["product_store"] = {str(i): active[i] for i in out["product_ids"]}  # the beacon's s, by the contract

        out["stock_before"] = {
            str(i): [s, p] for i, s, p in db.session.execute(select(Variant.id, Variant.stock, Variant.price))
        }
        from marketplace.audit import AuditLog
        from marketplace.orders.models import Order

        out["max_order_id"] = db.session.scalar(select(func.coalesce(func.max(Order.id), 0)))
        out["max_audit_id"] = db.session.scalar(select(func.coalesce(func.max(AuditLog.id), 0)))
        db.session.remove()
        db.engine.dispose()
    return out


# --- the clients -------------------------------------------------------------------------------


class Conn:
    """One visitor's keep-alive connection.

    gunicorn closes a connection idle for its keep-alive (5 s), so one idle for
    longer than IDLE_REOPEN is reopened before use. A request that fails without an
    answer is sent again once, on a fresh connection, only when that cannot do
    anything twice: a GET or DELETE, or a checkout (it carries an Idempotency-Key).
    Any other failure is reported as status 0 (an error)."""

    IDLE_REOPEN = 4.0

    def __init__(self, host: str, port: int, token: str | None = None, headers: dict | None = None):
        self.host, self.port, self.token = host, port, token
        self.headers = headers or {}  # the visitor's own (User-Agent, X-Forwarded-For) when beacons are on
        self.conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
        self.used = time.monotonic()
        self.page_cache: str | None = None  # the last answer's X-Page-Cache: hit, miss, or None

    def _reopen(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes, float]:
        h = {"Accept": "application/json"} if path.startswith("/api/") else {"Accept": "text/html"}
        h.update(self.headers)
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        data = None
        if isinstance(body, bytes):  # a form, as it is (the beacon)
            data = body
        elif body is not None:
            data = json.dumps(body)
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        if time.monotonic() - self.used > self.IDLE_REOPEN:
            self._reopen()
        may_resend = method in ("GET", "DELETE") or "Idempotency-Key" in h
        t0 = time.perf_counter()
        try:
            for attempt in (1, 2):
                try:
                    self.conn.request(method, path, body=data, headers=h)
                    response = self.conn.getresponse()
                    raw = response.read()
                    self.page_cache = response.getheader("X-Page-Cache")
                    return response.status, raw, time.perf_counter() - t0
                except (http.client.HTTPException, OSError) as exc:
                    self.page_cache = None
                    self._reopen()
                    if attempt == 2 or not may_resend or isinstance(exc, TimeoutError):
                        return 0, f"{type(exc).__name__}: {exc}".encode(), time.perf_counter() - t0
            raise AssertionError("unreachable")
        finally:
            self.used = time.monotonic()

    def close(self) -> None:
        self.conn.close()


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.errors: dict[str, int] = Counter()
        self.locked: dict[str, int] = Counter()
        self.samples: list[dict] = []
        self.checkouts: list[dict] = []
        self.stock_sets: list[dict] = []
        self.sessions: Counter = Counter()
        self.page_cache: dict[str, Counter] = defaultdict(Counter)  # kind -> {"hit": n, "miss": n}
        self.lock = threading.Lock()

    def record(self, kind: str, status: int, body: bytes, elapsed: float, path: str) -> None:
        locked = LOCKED in body
        error = status == 0 or status >= 500 or locked
        with self.lock:
            self.latency[kind].append(elapsed * 1000)
            self.statuses[kind][str(status)] += 1
            if error:
                self.errors[kind] += 1
                if locked:
                    self.locked[kind] += 1
                if len(self.samples) < 30:
                    self.samples.append(
                        {"kind": kind, "path": path, "status": status, "body": body[:400].decode("utf-8", "replace")}
                    )

    def count_page_cache(self, kind: str, way: str) -> None:
        with self.lock:
            self.page_cache[kind][way] += 1

    def count_session(self, role: str) -> None:
        with self.lock:
            self.sessions[role] += 1

    def as_dict(self) -> dict:
        return {
            "latency": dict(self.latency),
            "statuses": {k: dict(v) for k, v in self.statuses.items()},
            "errors": dict(self.errors),
            "locked": dict(self.locked),
            "samples": self.samples,
            "checkouts": self.checkouts,
            "stock_sets": self.stock_sets,
            "sessions": dict(self.sessions),
            "page_cache": {k: dict(v) for k, v in self.page_cache.items()},
        }


class Visitor:
    def __init__(
        self,
        plan: dict,
        stats: Stats,
        rng: random.Random,
        deadline: float,
        think: float,
        beacons: B.BeaconLog | None = None,
    ):
        self.plan, self.stats, self.rng, self.deadline, self.think_mean = plan, stats, rng, deadline, think
        self.beacons = beacons
        self.number = 0  # the person of the current session (their identity when beacons are on)

    def think(self) -> None:
        time.sleep(min(max(0.0, self.deadline - time.monotonic()), self.rng.uniform(0.3, 1.7) * self.think_mean))

    def live(self) -> bool:
        return time.monotonic() < self.deadline

    def get(self, conn: Conn, kind: str, path: str) -> tuple[int, bytes]:
        status, body, elapsed = conn.request("GET", path)
        self.stats.record(kind, status, body, elapsed, path)
        if conn.page_cache:
            self.stats.count_page_cache(kind, conn.page_cache)
        if self.beacons is not None and status == 200 and kind in B.FALLBACK_KIND:
            B.after_view(conn, self.beacons, self.stats, self.rng, self.plan, kind, path, body, self.number)
        return status, body

    def send(self, conn: Conn, kind: str, method: str, path: str, payload=None, headers=None) -> tuple[int, object]:
        status, body, elapsed = conn.request(method, path, payload, headers)
        self.stats.record(kind, status, body, elapsed, path)
        try:
            return status, json.loads(body) if body else None
        except ValueError:
            return status, None

    # --- sessions ---

    def browse(self, conn: Conn) -> None:
        p = self.plan
        steps = [("home", "/"), ("expo", f"/expo/{p['expo_slug']}")]
        for _ in range(self.rng.randint(1, 2)):
            steps.append(("store", f"/stores/{self.rng.choice(p['store_slugs'])}"))
            steps += [
                ("product", f"/products/{self.rng.choice(p['product_ids'])}") for _ in range(self.rng.randint(1, 3))
            ]
        if self.rng.random() < 0.3:
            steps.append(("api-products", f"/api/v1/products?per_page=24&page={self.rng.randint(1, 5)}"))
        for kind, path in steps:
            if not self.live():
                return
            self.get(conn, kind, path)
            self.think()

    def search(self, conn: Conn) -> None:
        p = self.plan
        for _ in range(self.rng.randint(2, 4)):
            if not self.live():
                return
            roll = self.rng.random()
            if roll < 0.7:
                word, kind = self.rng.choice(p["common_words"]), "search-common"
            elif roll < 0.9:
                word, kind = p["rare_word"], "search-rare"
            else:
                word, kind = p["miss_word"], "search-miss"
            page = "&page=2" if kind == "search-common" and self.rng.random() < 0.2 else ""
            status, _body = self.get(conn, kind, f"/search?q={word}{page}")
            self.think()
            if status == 200 and self.rng.random() < 0.5 and self.live():
                self.get(conn, "product", f"/products/{self.rng.choice(p['product_ids'])}")
                self.think()

    def buy(self, conn: Conn) -> None:
        p = self.plan
        status, cart = self.send(conn, "cart-view", "GET", "/api/v1/cart")
        if status == 200 and isinstance(cart, dict):  # a shopper coming back: start from an empty cart
            for item in cart.get("items") or []:
                self.send(conn, "cart-remove", "DELETE", f"/api/v1/cart/items/{item['id']}")
        for _attempt in range(2):  # after a 409 (sold out under their nose) a shopper tries once more
            wanted = [self.rng.choice(p["buy_variants"])]
            if p["hot_variants"] and self.rng.random() < 0.5:
                wanted.append(self.rng.choice(p["hot_variants"]))
            added: dict[int, int] = {}
            for variant_id, product_id in wanted:
                if not self.live():
                    return
                self.get(conn, "product", f"/products/{product_id}")
                self.think()
                qty = 1 if self.rng.random() < 0.8 else 2
                status, _ = self.send(
                    conn, "cart-add", "POST", "/api/v1/cart/items", {"variant_id": variant_id, "quantity": qty}
                )
                if status in (200, 201):
                    added[variant_id] = added.get(variant_id, 0) + qty
            if not added or not self.live():
                self.clear(conn)
                return
            key = uuid.uuid4().hex
            t_send = time.time()
            status, answer = self.send(
                conn,
                "checkout",
                "POST",
                "/api/v1/checkout",
                {"payment_method": "cash_on_delivery", "shipping": SHIPPING, "extras": []},
                {"Idempotency-Key": key},
            )
            record = {
                "key": key,
                "status": status,
                "cart": {str(k): v for k, v in added.items()},
                "t_send": t_send,
                "t_recv": time.time(),
                "token": conn.token[-8:],
            }
            if status == 201 and isinstance(answer, dict):
                record["orders"] = [
                    {"number": o.get("number"), "total": o.get("total")} for o in answer.get("orders") or []
                ]
                payment = answer.get("payment") or {}
                record["payment"] = {"id": payment.get("id"), "amount": payment.get("amount")}
            with self.stats.lock:
                self.stats.checkouts.append(record)
            if status == 201:
                if record.get("orders") and self.rng.random() < 0.5 and self.live():
                    self.think()
                    self.send(conn, "order-view", "GET", f"/api/v1/orders/{record['orders'][0]['number']}")
                return
            self.clear(conn)
            self.think()

    def clear(self, conn: Conn) -> None:
        status, cart = self.send(conn, "cart-view", "GET", "/api/v1/cart")
        if status == 200 and isinstance(cart, dict):
            for item in cart.get("items") or []:
                self.send(conn, "cart-remove", "DELETE", f"/api/v1/cart/items/{item['id']}")

    def sell(self, conn: Conn, seller: dict) -> None:
        """A seller checks a product and sets the stock of one of its variants (an absolute count)."""
        for _ in range(self.rng.randint(1, 3)):
            if not self.live():
                return
            variant_id, product_id = self.rng.choice(seller["variants"])
            self.send(conn, "seller-read", "GET", f"/api/v1/products/{product_id}")
            self.think()
            if not self.live():
                return
            value = self.rng.randint(0, 12) if seller["hot"] else self.rng.randint(5, 150)
            t_send = time.time()
            status, _ = self.send(conn, "seller-stock", "PATCH", f"/api/v1/variants/{variant_id}", {"stock": value})
            with self.stats.lock:
                self.stats.stock_sets.append(
                    {"variant": variant_id, "value": value, "status": status, "t_send": t_send, "t_recv": time.time()}
                )
            self.think()


def slot(
    plan: dict,
    host: str,
    port: int,
    stats: Stats,
    start_at: float,
    deadline: float,
    think: float,
    tokens: queue_mod.Queue,
    sellers: list[tuple[dict, threading.Lock]],
    rseed: int,
    beacons: B.BeaconLog | None = None,
    numbers: tuple[int, int] = (0, 1),
) -> None:
    """One concurrent visitor slot: sessions back to back, each a new person in a role, from start_at to the end.

    With beacons, the n-th session of slot i is person i + n × slots: its own User-Agent and address."""
    rng = random.Random(rseed)
    delay = start_at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    visitor = Visitor(plan, stats, rng, deadline, think, beacons)
    roles, weights = zip(*ROLES.items(), strict=True)
    session = 0
    while visitor.live():
        visitor.number = numbers[0] + session * numbers[1]
        session += 1
        person = B.identity(visitor.number) if beacons is not None else None
        role = rng.choices(roles, weights)[0]
        if role == "buy":
            try:
                token = tokens.get_nowait()
            except queue_mod.Empty:
                role, token = "browse", None
            if token:
                conn = Conn(host, port, token, person)
                try:
                    visitor.buy(conn)
                finally:
                    conn.close()
                    tokens.put(token)
                stats.count_session(role)
                continue
        if role == "sell":
            # one seller per store at a time: each variant's stock is set by one request after another,
            # so the reconciliation can pair the client's values with the server's updates in order
            free = next(
                ((s, lock) for s, lock in rng.sample(sellers, len(sellers)) if lock.acquire(blocking=False)), None
            )
            if free:
                seller, lock = free
                conn = Conn(host, port, seller["token"], person)
                try:
                    visitor.sell(conn, seller)
                finally:
                    conn.close()
                    lock.release()
                stats.count_session(role)
                continue
            role = "browse"
        conn = Conn(host, port, None, person)
        try:
            getattr(visitor, role)(conn)
        finally:
            conn.close()
        stats.count_session(role)


def client_process(
    plan: dict,
    url: str,
    n_slots: int,
    first_slot: int,
    total_slots: int,
    ramp: float,
    duration: float,
    think: float,
    tokens: list[str],
    sellers: list[dict],
    start_wall: float,
    rseed: int,
    out,
    beacons_on: bool = False,
) -> None:
    host, port = url.split("//")[1].split(":")
    port = int(port)
    stats = Stats()
    beacons = B.BeaconLog() if beacons_on else None
    token_queue: queue_mod.Queue = queue_mod.Queue()
    for t in tokens:
        token_queue.put(t)
    seller_locks = [(s, threading.Lock()) for s in sellers]
    while time.time() < start_wall:
        time.sleep(0.005)
    t0 = time.monotonic()
    deadline = t0 + duration
    threads = []
    for i in range(n_slots):
        # the opening spike: slots come in evenly over the ramp, then stay
        start_at = t0 + ramp * (first_slot + i) / max(1, total_slots)
        threads.append(
            threading.Thread(
                target=slot,
                daemon=True,
                args=(
                    plan,
                    host,
                    port,
                    stats,
                    start_at,
                    deadline,
                    think,
                    token_queue,
                    seller_locks,
                    rseed * 100003 + first_slot + i,
                    beacons,
                    (first_slot + i, total_slots),
                ),
            )
        )
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1, deadline - time.monotonic()) + REQUEST_TIMEOUT * 3)
    data = stats.as_dict()
    data["elapsed"] = time.monotonic() - t0
    if beacons is not None:
        data["beacons"] = beacons.as_dict()
    out.put(data)


def drive(plan: dict, url: str, args) -> dict:
    """The load: args.users concurrent visitors from args.processes processes, ramped, for args.duration."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    n = args.processes
    tokens, sellers = plan["shopper_tokens"], plan["sellers"]
    start_wall = time.time() + 1.0
    procs = []
    first = 0
    for k in range(n):
        slots = args.users // n + (1 if k < args.users % n else 0)
        procs.append(
            ctx.Process(
                target=client_process,
                args=(
                    plan,
                    url,
                    slots,
                    first,
                    args.users,
                    args.ramp,
                    args.duration,
                    args.think,
                    tokens[k::n],
                    sellers[k::n],
                    start_wall,
                    args.seed + k,
                    out,
                    not args.no_beacons,
                ),
            )
        )
        first += slots
    for p in procs:
        p.start()
    parts = [out.get() for _ in procs]
    for p in procs:
        p.join()
    merged: dict = {
        "latency": defaultdict(list),
        "statuses": defaultdict(Counter),
        "errors": Counter(),
        "locked": Counter(),
        "samples": [],
        "checkouts": [],
        "stock_sets": [],
        "sessions": Counter(),
        "page_cache": defaultdict(Counter),
    }
    for part in parts:
        for k, v in part["latency"].items():
            merged["latency"][k] += v
        for k, v in part["statuses"].items():
            merged["statuses"][k].update(v)
        merged["errors"].update(part["errors"])
        merged["locked"].update(part["locked"])
        merged["sessions"].update(part["sessions"])
        for k, v in part["page_cache"].items():
            merged["page_cache"][k].update(v)
        merged["samples"] += part["samples"]
        merged["checkouts"] += part["checkouts"]
        merged["stock_sets"] += part["stock_sets"]
    merged["elapsed"] = max(p["elapsed"] for p in parts)
    if not args.no_beacons:
        merged["beacons"] = B.merge([p["beacons"] for p in parts])
    return merged


def warm_pages(args, server, expo_slug: str, log_path: Path) -> dict:
    """The pages the job worker renders into the page cache in the quarter hour before an
    expo opens (marketplace/expo/warming.py), rendered now by ``flask expo warm`` against the
    running server's BASE_URL: the opening starts as it would in production."""
    started = time.monotonic()
    done = R.run_child(
        [str(Path(R.PYTHON).parent / "flask"), "--app", "wsgi", "expo", "warm", "--expo", expo_slug],
        server.env,
        args.app_root,
        "flask expo warm",
        log_path,
        timeout=900,
    )
    seconds = round(time.monotonic() - started, 1)
    R.say(f"  warmed before the opening in {seconds}s: {done.stdout.strip()}")
    return {"seconds": seconds, "output": done.stdout.strip()}


def summarise(load: dict) -> dict:
    elapsed = load["elapsed"]
    rows = {}
    for kind in sorted(load["latency"], key=lambda k: -len(load["latency"][k])):
        lat = load["latency"][kind]
        rows[kind] = {
            "requests": len(lat),
            "per_s": round(len(lat) / elapsed, 1),
            "errors": load["errors"].get(kind, 0),
            "locked": load["locked"].get(kind, 0),
            "statuses": dict(sorted(load["statuses"][kind].items())),
            **{f"p{p}_ms": round(percentile(lat, p), 1) for p in (50, 95, 99)},
            "max_ms": round(max(lat), 1),
        }
    total = sum(r["requests"] for r in rows.values())
    pages = [ms for kind, lat in load["latency"].items() if kind in B.PAGE_TYPES for ms in lat]
    return {
        "elapsed_s": round(elapsed, 1),
        "requests": total,
        "per_s": round(total / elapsed, 1),
        "errors": sum(r["errors"] for r in rows.values()),
        "locked": sum(r["locked"] for r in rows.values()),
        "by_type": rows,
        "sessions": dict(load["sessions"]),
        "error_samples": load["samples"][:15],
        "page_cache": page_cache_summary(load.get("page_cache") or {}),
        "page_views": len(pages),
        "page_p95_ms": round(percentile(pages, 95), 1) if pages else None,
    }


def page_cache_summary(ways: dict) -> dict:
    """The page cache's hit ratio over the run: hits / the GETs it answered for (hit or miss;
    a signed-in shopper's pages, the API calls with a token and the writes carry no header)."""
    by_type = {}
    for kind, counts in sorted(ways.items()):
        hits, misses = counts.get("hit", 0), counts.get("miss", 0)
        by_type[kind] = {"hits": hits, "misses": misses, "ratio": round(hits / (hits + misses), 4)}
    hits = sum(r["hits"] for r in by_type.values())
    misses = sum(r["misses"] for r in by_type.values())
    return {
        "hits": hits,
        "misses": misses,
        "ratio": round(hits / (hits + misses), 4) if hits + misses else None,
        "by_type": by_type,
    }


def targets(summary: dict) -> dict:
    """Issue #23's figures for the run (reported, not part of the pass: they measure speed)."""
    ratio, p95 = summary["page_cache"]["ratio"], summary["page_p95_ms"]
    return {
        "page_cache_hit_ratio_above_90_%": ratio is not None and ratio > TARGET_HIT_RATIO,
        "page_p95_under_100_ms": p95 is not None and p95 < TARGET_PAGE_P95_MS,
    }


# --- reconciliation ----------------------------------------------------------------------------


def _utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def reconcile(database_url: str, plan: dict, load: dict) -> dict:
    """Every 201 is in the database as the client expected it, and nothing else was ordered;
    the money adds up; and the stock of every variant is explained exactly by the run.

    The stock replay: sellers set an absolute count (PATCH /variants/<id> {"stock"}), and
    checkout takes units with a conditional UPDATE. Both hold the variant's row lock
    (SQLite: the database's write lock) from that UPDATE until their commit, so these
    intervals never overlap, and a timestamp taken inside one orders it: the order's
    ``placed_at`` (set after the stock was taken) and the seller update's audit row
    ``at`` (written after the stock was set). Per variant, starting from the stock before
    the run: a seller update sets it, an order line takes its quantity (oversold the
    moment it would go below zero), a cancellation puts it back; the result must be the
    stock in the database. The values a seller set are the client's, paired in order with
    the server's audit rows (one seller at a time per store, so per variant in order)."""
    from sqlalchemy import bindparam, create_engine, text

    engine = create_engine(R.sqlalchemy_url(database_url))
    with engine.connect() as conn:
        orders = conn.execute(
            text(
                "SELECT id, number, payment_id, status, subtotal, extras_total, total, placed_at, cancelled_at "
                "FROM orders WHERE id > :m"
            ),
            {"m": plan["max_order_id"]},
        ).all()
        lines = conn.execute(
            text("SELECT order_id, variant_id, unit_price, quantity, line_total FROM order_lines WHERE order_id > :m"),
            {"m": plan["max_order_id"]},
        ).all()
        payment_ids = sorted({o.payment_id for o in orders if o.payment_id is not None})
        payments = {
            r.id: r.amount
            for r in conn.execute(
                text("SELECT id, amount FROM payments WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": payment_ids or [-1]},
            )
        }
        audits = conn.execute(
            text("SELECT id, object_id, at FROM audit_log WHERE id > :m AND action = 'variant.updated' ORDER BY id"),
            {"m": plan["max_audit_id"]},
        ).all()
        stock_after = {str(r[0]): r[1] for r in conn.execute(text("SELECT id, stock FROM variants"))}
        negative = conn.execute(text("SELECT count(*) FROM variants WHERE stock < 0")).scalar()
    engine.dispose()

    before = plan["stock_before"]
    problems: dict[str, list] = defaultdict(list)

    # orders: the client's 201s against the database
    by_number = {o.number: o for o in orders}
    lines_by_order: dict[int, list] = defaultdict(list)
    for line in lines:
        lines_by_order[line.order_id].append(line)
    confirmed: set[str] = set()
    ok_checkouts = [c for c in load["checkouts"] if c["status"] == 201]
    for c in ok_checkouts:
        got: Counter = Counter()
        total = 0
        for o in c.get("orders") or []:
            confirmed.add(o["number"])
            row = by_number.get(o["number"])
            if row is None:
                problems["lost_orders"].append(o["number"])
                continue
            if row.total != o["total"]:
                problems["total_differs"].append({"order": o["number"], "client": o["total"], "db": row.total})
            total += row.total
            for line in lines_by_order[row.id]:
                got[str(line.variant_id)] += line.quantity
        if got != Counter(c["cart"]):
            problems["lines_differ_from_cart"].append({"key": c["key"], "cart": c["cart"], "db": dict(got)})
        pay = c.get("payment") or {}
        if pay.get("amount") != total or payments.get(pay.get("id")) != total:
            problems["payment_differs"].append(
                {"key": c["key"], "client": pay, "orders_total": total, "db": payments.get(pay.get("id"))}
            )
    unconfirmed = sorted(set(by_number) - confirmed)
    if unconfirmed:
        problems["orders_without_201"] = unconfirmed[:20]
    orders_by_payment: dict[int, int] = defaultdict(int)
    for o in orders:
        ls = lines_by_order[o.id]
        if (
            any(line.line_total != line.unit_price * line.quantity for line in ls)
            or o.subtotal != sum(line.line_total for line in ls)
            or o.total != o.subtotal + o.extras_total
        ):
            problems["order_arithmetic"].append(o.number)
        for line in ls:
            if line.variant_id is not None and before.get(str(line.variant_id), [0, None])[1] != line.unit_price:
                problems["unit_price_not_catalogue_price"].append({"order": o.number, "variant": line.variant_id})
        if o.payment_id is not None:
            orders_by_payment[o.payment_id] += o.total
    for pid, amount in payments.items():
        if orders_by_payment.get(pid) != amount:
            problems["payment_amount_not_sum_of_orders"].append(pid)

    # stock: replay per variant
    events: dict[str, list] = defaultdict(list)
    sets_by_variant: dict[str, list] = defaultdict(list)
    for s in sorted(load["stock_sets"], key=lambda s: s["t_send"]):
        if 200 <= s["status"] < 300:
            sets_by_variant[str(s["variant"])].append(s["value"])
        elif s["status"] == 0 or s["status"] >= 500:
            problems["seller_update_unknown_outcome"].append(s)
    audits_by_variant: dict[str, list] = defaultdict(list)
    for a in audits:
        audits_by_variant[str(a.object_id)].append(_utc(a.at))
    for vid in set(sets_by_variant) | set(audits_by_variant):
        values, times = sets_by_variant.get(vid, []), audits_by_variant.get(vid, [])
        if len(values) != len(times):
            problems["seller_updates_unpaired"].append(
                {"variant": vid, "client_2xx": len(values), "server": len(times)}
            )
            continue
        events[vid] += [(t, 0, "set", v) for t, v in zip(times, values, strict=True)]
    status_of = {o.id: o for o in orders}
    for line in lines:
        if line.variant_id is None:
            continue
        o = status_of[line.order_id]
        events[str(line.variant_id)].append((_utc(o.placed_at), 1, "take", line.quantity))
        if o.cancelled_at is not None:
            events[str(line.variant_id)].append((_utc(o.cancelled_at), 2, "give", line.quantity))
    oversold_units = 0
    replayed = 0
    for vid, evs in events.items():
        if vid in {p["variant"] for p in problems.get("seller_updates_unpaired", [])}:
            continue
        replayed += 1
        stock = before[vid][0]
        for _t, _o, what, n in sorted(evs):
            if what == "set":
                stock = n
            elif what == "take":
                stock -= n
                if stock < 0:
                    oversold_units += -stock
                    problems["oversold"].append({"variant": vid, "below_zero_by": -stock})
                    stock = 0
            else:
                stock += n
        if stock != stock_after.get(vid):
            problems["stock_not_explained"].append({"variant": vid, "replayed": stock, "db": stock_after.get(vid)})
    untouched_changed = [vid for vid, (s0, _p) in before.items() if vid not in events and stock_after.get(vid) != s0]
    if untouched_changed:
        problems["stock_changed_without_order_or_update"] = untouched_changed[:20]
    if negative:
        problems["negative_stock_rows"] = [negative]

    hot_ids = {v for v, _p in plan["hot_variants"]}
    return {
        "orders_in_db": len(orders),
        "checkouts_201": len(ok_checkouts),
        "checkouts_409": sum(1 for c in load["checkouts"] if c["status"] == 409),
        "checkouts_other": dict(Counter(str(c["status"]) for c in load["checkouts"] if c["status"] not in (201, 409))),
        "shoppers_who_checked_out": len({c["token"] for c in ok_checkouts}),
        "units_sold": sum(line.quantity for line in lines),
        "money_ordered": sum(o.total for o in orders),
        "stock_updates_2xx": sum(len(v) for v in sets_by_variant.values()),
        "stock_updates_other": dict(
            Counter(str(s["status"]) for s in load["stock_sets"] if not 200 <= s["status"] < 300)
        ),
        "hot_units_sold": sum(line.quantity for line in lines if line.variant_id in hot_ids),
        "variants_replayed": replayed,
        "oversold_units": oversold_units,
        "lost_orders": len(problems.get("lost_orders", [])),
        "orders_without_201": len(unconfirmed),
        "problems": {k: v[:10] for k, v in problems.items()},
        "problem_counts": {k: len(v) for k, v in problems.items()},
        "ok": not problems,
    }


def server_log_findings(log_path: Path) -> dict:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    statuses = Counter(m.group(1) for m in re.finditer(r'" (\d{3}) \d+ \d+ms', text))
    return {
        "database_is_locked": text.count("database is locked"),
        "tracebacks": text.count("Traceback"),
        "access_log_5xx": sum(n for s, n in statuses.items() if s.startswith("5")),
        "access_log_requests": sum(statuses.values()),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
    }


# --- one database ------------------------------------------------------------------------------


def run_database(args, name: str, workdir: Path) -> dict:
    log_path = args.output / "logs" / f"expo-{name}.log"
    server_log = args.output / "logs" / f"expo-{name}-gunicorn.log"
    for p in (log_path, server_log):
        p.unlink(missing_ok=True)
    R.say(f"\n=== {name} ===")
    prepared = R.prepare_sqlite(args, workdir, log_path) if name == "sqlite" else R.prepare_postgres(args, log_path)
    if prepared is None:
        return {"skipped": True, "reason": f"no PostgreSQL server at {args.pg_url}"}
    url, manifest = prepared
    R.say(f"  setting up {args.shoppers} shoppers and {args.seller_stores} sellers through the services ...")
    cmd = [
        R.PYTHON,
        str(Path(__file__)),
        "_setup",
        "--database-url",
        url,
        "--shoppers",
        str(args.shoppers),
        "--seller-stores",
        str(args.seller_stores),
        "--upload-folder",
        str(args.upload_folder),
        "--seed",
        str(args.seed),
    ]
    plan = R.bench_json(R.run_child(cmd, R.app_env(args, url), args.app_root, "setup", log_path, timeout=900).stdout)
    plan.update(
        {
            "common_words": manifest["common_words"],
            "rare_word": manifest["rare_word"],
            "miss_word": manifest["miss_word"],
        }
    )
    # with beacons, each visitor's address comes in X-Forwarded-For, as from the one proxy of production
    proxy = {} if args.no_beacons else {"TRUSTED_PROXIES": "1"}
    env = R.app_env(args, url, {"MARKETPLACE_ENV": "production", **proxy})
    server = R.Gunicorn(args, "wsgi:app", args.app_root, env, server_log, "/healthz")
    try:
        server.start()
    except RuntimeError as exc:
        R.say(f"  gunicorn with MARKETPLACE_ENV=production did not start ({exc}); trying development")
        server = R.Gunicorn(
            args,
            "wsgi:app",
            args.app_root,
            R.app_env(args, url, {"MARKETPLACE_ENV": "development", **proxy}),
            server_log,
            "/healthz",
        ).start()
    warmed = None if args.no_warm else warm_pages(args, server, plan["expo_slug"], log_path)
    R.say(
        f"  {args.users} visitors ramping over {args.ramp:g}s, {args.duration:g}s in all, against "
        f"gunicorn -w {args.workers} --threads {args.threads} ..."
    )
    load_avg0 = os.getloadavg()[0]
    try:
        load = drive(plan, server.url, args)
    finally:
        server.stop()  # SIGTERM: the workers finish, flush their beacon buffers and exit
    result = {
        "skipped": False,
        "database": name,
        "gunicorn": f"-w {args.workers} -k gthread --threads {args.threads}",
        "catalogue": manifest.get("counts"),
        "warmed": warmed,
        "loadavg_start": round(load_avg0, 2),
        "loadavg_end": round(os.getloadavg()[0], 2),
        "summary": summarise(load),
    }
    result["targets"] = targets(result["summary"])
    result["reconciliation"] = reconcile(url, plan, load)
    result["server_log"] = server_log_findings(server_log)
    if not args.no_beacons:
        R.say(f"  rolling up the visits and counting {load['beacons']['statuses']} beacons ...")
        result["beacons"] = B.roll_up_and_reconcile(args, url, server.env, load, log_path)
    s, rec, log = result["summary"], result["reconciliation"], result["server_log"]
    result["pass"] = {
        "no_5xx_or_failed_request": s["errors"] == 0 and log["access_log_5xx"] == 0,
        "no_database_is_locked": s["locked"] == 0 and log["database_is_locked"] == 0,
        "no_oversell": rec["oversold_units"] == 0
        and not rec["problem_counts"].get("negative_stock_rows")
        and not rec["problem_counts"].get("stock_not_explained"),
        "no_lost_order": rec["lost_orders"] == 0 and rec["orders_without_201"] == 0,
        "reconciled": rec["ok"],
        **({} if args.no_beacons else B.passes(result["beacons"])),
    }
    R.say(
        f"  {s['requests']} requests ({s['per_s']}/s), {s['errors']} errors, {rec['checkouts_201']} checkouts, "
        f"{rec['orders_in_db']} orders; pass: {result['pass']}"
    )
    cache = s["page_cache"]
    R.say(
        f"  page cache: {cache['hits']} hits, {cache['misses']} misses (hit ratio "
        f"{_percent(cache['ratio'])}); page p95 {s['page_p95_ms']} ms; targets: {result['targets']}"
    )
    if name == "postgres":
        try:
            with R._pg_admin(args.pg_url) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        except Exception:  # noqa: BLE001 - a leftover run database is dropped by the next run anyway
            pass
    return result


def markdown(results: dict) -> str:
    meta = results["meta"]
    lines = [
        "# Apik Market — expo opening under load",
        "",
        f"{meta['started']} · app `{meta['app_git']}` · {meta['machine']}",
        "",
        f"Catalogue {meta['stores']} stores × {meta['products_per_store']} products. {meta['users']} concurrent "
        f"visitors from {meta['processes']} client processes, ramped up over {meta['ramp']:g} s, "
        f"{meta['duration']:g} s in all, think time ~{meta['think']:g} s between requests; sessions: "
        + ", ".join(f"{k} {v} %" for k, v in ROLES.items())
        + f". {meta['shoppers']} shoppers, "
        f"{meta['seller_stores']} sellers setting stock. "
        + (
            "Without beacons (`--no-beacons`)."
            if meta.get("beacons") is False
            else "With beacons: every hall, store and product view sends the beacon its page declares, 10 % of "
            "views with a WhatsApp button tap it; each session its own User-Agent and X-Forwarded-For "
            "(gunicorn `TRUSTED_PROXIES=1`)."
        ),
        "",
        f"Machine load when the run began (`uptime`, the cores are shared): `{meta.get('uptime', '?')}`",
        "",
    ]
    for name, db in results["databases"].items():
        lines += [f"## {name}", ""]
        if db.get("skipped") or db.get("error"):
            lines += [f"**{'SKIPPED' if db.get('skipped') else 'FAILED'}**: {db.get('reason') or db.get('error')}", ""]
            continue
        s, rec, log = db["summary"], db["reconciliation"], db["server_log"]
        lines += [
            f"gunicorn `{db['gunicorn']}`; {s['requests']} requests in {s['elapsed_s']} s ({s['per_s']}/s), "
            f'**{s["errors"]} errors** ({s["locked"]} "database is locked"); load average '
            f"{db['loadavg_start']} → {db['loadavg_end']}; sessions {s['sessions']}.",
            "",
            "| request | count | /s | errors | p50 ms | p95 ms | p99 ms | max ms | statuses |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        warmed = db.get("warmed")
        lines[-3:-3] = [
            (
                f"Before the load, `flask expo warm` (what the job worker does in the quarter hour before an "
                f"opening) in {warmed['seconds']} s: {warmed['output']}."
                if warmed
                else "Opened on a cold page cache (`--no-warm`)."
            ),
            "",
        ]
        for kind, r in s["by_type"].items():
            statuses = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
            lines.append(
                f"| {kind} | {r['requests']} | {r['per_s']} | {r['errors']} | {r['p50_ms']} | "
                f"{r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} | {statuses} |"
            )
        lines += page_cache_markdown(db)
        lines += B.markdown(db, results.get("compare", {}).get(name))
        marks = " · ".join(("✅ " if ok else "❌ ") + k.replace("_", " ") for k, ok in db["pass"].items())
        lines += [
            "",
            f"Checkout: {rec['checkouts_201']} × 201 ({rec['shoppers_who_checked_out']} shoppers), "
            f"{rec['checkouts_409']} × 409 sold out, other {rec['checkouts_other'] or 'none'}; "
            f"{rec['orders_in_db']} orders in the database, {rec['units_sold']} units, "
            f"Rp {rec['money_ordered']:,}; hot variants: {rec['hot_units_sold']} units sold. Sellers: "
            f"{rec['stock_updates_2xx']} stock updates (other statuses {rec['stock_updates_other'] or 'none'}).",
            f"Reconciliation: {rec['variants_replayed']} variants replayed, oversold units "
            f"{rec['oversold_units']}, lost orders {rec['lost_orders']}, orders without a 201 "
            f"{rec['orders_without_201']}, problems {rec['problem_counts'] or 'none'}. Server log: "
            f'{log["database_is_locked"]} "database is locked", {log["tracebacks"]} tracebacks, '
            f"{log['access_log_5xx']} × 5xx of {log['access_log_requests']} logged requests, "
            f"{log['worker_timeouts']} worker timeouts.",
            "",
            marks,
            "",
        ]
        if s["error_samples"]:
            lines += ["Errors (first few):", ""] + [
                f"- {e['kind']} `{e['path']}` → {e['status']}: `{e['body'][:200]}`" for e in s["error_samples"][:8]
            ]
            lines.append("")
    return "\n".join(lines)


def _percent(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio * 100:.1f} %"


def page_cache_markdown(db: dict) -> list[str]:
    s = db["summary"]
    cache = s.get("page_cache") or {}
    if not cache:
        return []
    marks = " · ".join(("✅ " if ok else "❌ ") + k.replace("_", " ") for k, ok in (db.get("targets") or {}).items())
    per_type = ", ".join(
        f"{kind} {_percent(r['ratio'])} ({r['hits']}/{r['hits'] + r['misses']})" for kind, r in cache["by_type"].items()
    )
    return [
        "",
        f"Page cache (its `X-Page-Cache` answers): **hit ratio {_percent(cache['ratio'])}** — {cache['hits']} hits "
        f"of {cache['hits'] + cache['misses']} GETs it answered for ({per_type or 'none'}); "
        f"**page p95 {s.get('page_p95_ms')} ms** over {s.get('page_views')} page views "
        f"({', '.join(B.PAGE_TYPES)}). Targets (issue #23, reported, not part of the pass): {marks or '–'}.",
    ]


def uptime() -> str:
    """`uptime`'s line (other people's work on the shared cores shows in its load averages)."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="The expo opening under load (make bench-expo EXPO_ARGS='...').")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--products-per-store", type=int, default=40)
    parser.add_argument("--big", action="store_true", help="the full catalogue of make bench: 500 × 200")
    parser.add_argument("--users", type=int, default=160, help="concurrent visitors at the peak (default 160)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load, ramp included (default 60)")
    parser.add_argument("--ramp", type=float, default=10, help="seconds until every visitor is in (default 10)")
    parser.add_argument("--think", type=float, default=1.0, help="mean think time between requests, s (default 1)")
    parser.add_argument("--shoppers", type=int, default=400, help="shopper accounts for the run (default 400)")
    parser.add_argument("--seller-stores", type=int, default=8, help="stores whose owner sets stock (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_EXPO_PG_URL", "postgresql://postgres@127.0.0.1/bench_expo")
    )
    parser.add_argument("--seed", type=int, default=8, help="random seed of the visitors")
    parser.add_argument("--no-beacons", action="store_true", help="the load without beacons (the before run)")
    parser.add_argument(
        "--no-warm", action="store_true", help="open on a cold page cache (no `flask expo warm` before the load)"
    )
    parser.add_argument(
        "--compare", type=Path, help="an expo.json without beacons: p95 per page type side by side, fail above +10 %%"
    )
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seed-jobs", type=int, default=2)
    parser.add_argument("--app-root", type=Path, default=BENCH.parent)
    parser.add_argument("--output", type=Path, default=R.RESULTS)
    args = parser.parse_args(argv)
    if args.big:
        args.stores, args.products_per_store = 500, 200
    args.images = False
    args.app_root = args.app_root.resolve()
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_setup"]:
        p = argparse.ArgumentParser()
        for flag in ("--database-url", "--upload-folder"):
            p.add_argument(flag, required=True)
        for flag in ("--shoppers", "--seller-stores", "--seed"):
            p.add_argument(flag, type=int, required=True)
        a = p.parse_args(argv[1:])
        print(
            "BENCH_JSON " + json.dumps(setup(a.database_url, a.upload_folder, a.shoppers, a.seller_stores, a.seed)),
            flush=True,
        )
        return 0
    args = parse_args(argv)
    (args.output / "logs").mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="apik-expo-"))
    args.upload_folder = workdir / "uploads"
    args.upload_folder.mkdir()
    results: dict = {
        "meta": {
            "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "app_git": R.git_describe(args.app_root),
            "machine": f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
            "stores": args.stores,
            "products_per_store": args.products_per_store,
            "users": args.users,
            "processes": args.processes,
            "duration": args.duration,
            "ramp": args.ramp,
            "think": args.think,
            "shoppers": args.shoppers,
            "seller_stores": args.seller_stores,
            "workers": args.workers,
            "threads": args.threads,
            "beacons": not args.no_beacons,
            "uptime": uptime(),
        },
        "databases": {},
    }
    before = json.loads(args.compare.read_text()) if args.compare else None
    names = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    try:
        for name in names:
            try:
                results["databases"][name] = run_database(args, name, workdir)
            except Exception as exc:  # noqa: BLE001 - report it and go on with the other database
                R.loud(f"{name} FAILED: {type(exc).__name__}: {exc}")
                results["databases"][name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if before is not None:
        results["compare"] = B.compare_p95(before, results)
        for name, comparison in results["compare"].items():
            results["databases"][name]["pass"]["page_p95_within_10_%"] = comparison["ok"]
    text = markdown(results)
    (args.output / "expo.json").write_text(json.dumps(results, indent=1, default=str))
    (args.output / "expo.md").write_text(text)
    R.say("\n" + text)
    R.say(f"Written: {args.output / 'expo.md'} and {args.output / 'expo.json'}")
    failed = [
        n
        for n, db in results["databases"].items()
        if db.get("error") or (not db.get("skipped") and not all(db["pass"].values()))
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
