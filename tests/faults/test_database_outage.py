"""PostgreSQL stops and starts again under a steady stream of requests to a real gunicorn.

A private PostgreSQL server (tests/faults/pg_cluster.py; the machine's shared
one serves the other tests) is migrated with ``flask db upgrade`` and seeded;
gunicorn with 2 workers serves it. Client threads keep requesting pages, the
JSON API (reads and a cart write, signed in by token and by session cookie)
and /healthz. Then ``pg_ctl stop -m fast``: every request during the outage
answers 503 quickly, with Retry-After; ``pg_ctl start``: requests succeed
again with the same gunicorn processes. No 500 at any time, no traceback in
the server's log. A Stripe webhook delivered during the outage is refused with
503, so Stripe retries; delivered again after recovery it is applied once, and
a third delivery is a harmless duplicate.

The figures of each run are printed (``pytest -s`` shows them) and written to
test-artifacts/outage-results.json.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from marketplace.accounts import tokens as api_tokens
from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry
from marketplace.orders.models import Order, OrderEvent
from marketplace.payments.models import Payment
from plugins.stripe_payments.models import StripeEvent
from tests.buying_factories import SHIPPING, fill_cart, gen_listing
from tests.factories import PASSWORD, gen_store, gen_user
from tests.fakes.stripe_server import event
from tests.faults.support import (
    SteadyLoad,
    app_on,
    migrate,
    server_config,
    tracebacks,
)

# fixtures, taken by the tests below as parameters of the same name
from tests.faults.support import private_pg as private_pg
from tests.live_server import LiveServer
from tests.payments_support import SECRET_KEY, fake_stripe  # noqa: F401

pytestmark = pytest.mark.faults

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CONNECT_TIMEOUT = 2  # seconds: how long a request may wait for a server that is not there
SLOWEST_ANSWER = 10  # seconds: no request may hang longer, outage or not
OUTAGE = 4.0  # seconds the server stays down
OK = {200, 201}


def _seed(config: dict) -> dict:
    with app_on(config):
        seller = gen_user("darto@test.id", role="seller", name="Pak Darto")
        store = gen_store(owner=seller, name="Batik Darto")
        variant = gen_listing(price=25000, stock=1_000_000, store=store, name="Batik Tulis Tegalan")
        shopper = gen_user("siti@test.id", name="Siti Aminah")
        token = api_tokens.issue_token(shopper)
        db.session.commit()
        return {"store": store.slug, "product": variant.product_id, "variant": variant.id, "token": token}


def _clients(url: str, seed: dict) -> list[list]:
    """Three clients: an anonymous visitor, a shopper on the API, a signed-in shopper's browser."""
    bearer = {"Authorization": f"Bearer {seed['token']}"}

    fresh = itertools.count(1)  # from 1: "page={n}" must be a page (page=0 is a 422), whichever thread draws first

    def get(path, **kw):
        # "{n}": a query never asked before, so no cache can answer it
        return lambda s, timeout: s.get(url + path.format(n=next(fresh)), timeout=timeout, allow_redirects=False, **kw)

    def post(path, body, **kw):
        return lambda s, timeout: s.post(url + path, json=body, timeout=timeout, **kw)

    visitor = [
        ("cached page /", get("/")),
        ("page search", get("/search?q=batik+{n}")),
        ("cached page store", get(f"/stores/{seed['store']}")),
        ("healthz", get("/healthz")),
    ]
    api = [
        ("api products", get("/api/v1/products?q=batik&page={n}")),
        ("cached api product", get(f"/api/v1/products/{seed['product']}")),
        ("api me", get("/api/v1/me", headers=bearer)),
        ("api cart add", post("/api/v1/cart/items", {"variant_id": seed["variant"], "quantity": 1}, headers=bearer)),
        ("api cart", get("/api/v1/cart", headers=bearer)),
    ]
    browser = [("signed-in orders", get("/orders")), ("signed-in cart", get("/cart")), ("healthz", get("/healthz"))]
    return [visitor, api, browser]


def _sign_in(url: str) -> requests.Session:
    session = requests.Session()
    answer = session.post(
        url + "/login", data={"email": "siti@test.id", "password": PASSWORD}, allow_redirects=False, timeout=20
    )
    assert answer.status_code == 302, answer.text[:300]
    return session


def test_requests_answer_503_while_postgresql_is_down_and_succeed_again_after(private_pg, tmp_path):
    url = private_pg.create_database("outage")
    uploads = str(tmp_path / "uploads")
    migrate(url, uploads)
    config = server_config(private_pg.url("outage", connect_timeout=str(CONNECT_TIMEOUT)), uploads)
    seed = _seed(config)
    log_path = tmp_path / "server.log"
    with LiveServer(config, workers=2, threads=4, log_path=log_path) as server:
        clients = _clients(server.url, seed)
        browser = _sign_in(server.url)
        clients[2] = [(name, lambda s, timeout, call=call: call(browser, timeout)) for name, call in clients[2]]
        with SteadyLoad(clients) as load:
            time.sleep(2.0)
            stopping = time.monotonic()
            private_pg.stop("fast")
            down = time.monotonic()
            time.sleep(OUTAGE)
            starting = time.monotonic()
            private_pg.start()
            up = time.monotonic()
            time.sleep(3.0)
        # A restart while nobody is asking: the pooled connections are all dead, and the next
        # request of every kind must still succeed the first time (pool_pre_ping replaces them).
        private_pg.stop("fast")
        private_pg.start()
        quiet = {
            name: call(browser if kind == 2 else requests.Session(), 20).status_code
            for kind, calls in enumerate(clients)
            for name, call in calls
        }
        gunicorn_pid = server.process.pid
        assert server.process.poll() is None  # the same gunicorn served before, during and after
    log = log_path.read_text(errors="replace")

    hits = load.hits
    before, during, after = load.between(0, stopping), load.between(down, starting), load.after(up)
    recovered = [h for h in after if h.status in OK]
    first_ok = min(h.ended for h in recovered) - up if recovered else None
    still_failing = [h for h in after if h.status not in OK]
    all_ok_after = max((h.ended for h in still_failing), default=up) - up
    figures = {
        "requests": len(hits),
        "before": dict(Counter(h.status for h in before)),
        "during_outage": dict(Counter(h.status for h in during)),
        "during_outage_by_kind": {
            name: dict(Counter(h.status for h in during if h.name == name)) for name in sorted({h.name for h in during})
        },
        "after_restart": dict(Counter(h.status for h in after)),
        "all_statuses": dict(Counter(h.status for h in hits)),
        "slowest_answer_s": round(max(h.seconds for h in hits), 3),
        "slowest_during_outage_s": round(max((h.seconds for h in during), default=0), 3),
        "pg_stop_s": round(down - stopping, 3),
        "pg_start_s": round(up - starting, 3),
        "first_success_after_start_s": None if first_ok is None else round(first_ok, 3),
        "all_succeeding_after_start_s": round(all_ok_after, 3),
        "gunicorn_pid": gunicorn_pid,
        "after_quiet_restart": quiet,
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "outage-results.json").write_text(json.dumps(figures, indent=2, default=str))
    print("\ndatabase outage:", json.dumps(figures, default=str))

    assert not [h for h in hits if h.error], [h for h in hits if h.error][:5]  # no hang, no dropped connection
    assert figures["slowest_answer_s"] < SLOWEST_ANSWER
    assert {h.status for h in hits} <= OK | {503}, figures["all_statuses"]  # never a 500
    assert before and {h.status for h in before} <= OK
    assert len(during) >= 20, figures
    # what needs the database is refused; an anonymous page the page cache holds may still be served
    assert {h.status for h in during if not h.name.startswith("cached")} == {503}, figures["during_outage_by_kind"]
    assert {h.status for h in during if h.name.startswith("cached")} <= {200, 503}
    for hit in during:
        if hit.name == "healthz" or hit.status != 503:
            continue  # /healthz says what is down in its own body
        assert hit.retry_after and int(hit.retry_after) > 0, hit
        if "api" in hit.name:
            assert hit.json_code == "unavailable", hit
        else:
            assert hit.content_type.startswith("text/html"), hit
    assert recovered and first_ok < 2.0, figures  # no restart: the pool's dead connections are replaced
    assert [h for h in after if h.started > up + 1.0 and h.status not in OK] == [], figures["after_restart"]
    assert set(quiet.values()) <= OK, quiet
    assert tracebacks(log) == [], "\n".join(tracebacks(log)[:10])
    assert "database unavailable on" in log  # each refusal is logged, on one line


# --- a payment webhook during the outage ---------------------------------------------------------


def _deliver(url: str, fake, evt: dict) -> requests.Response:
    body, header = fake.signed(evt)  # a fresh signature each time, as Stripe signs each retry
    return requests.post(
        url + "/webhooks/stripe",
        data=body,
        timeout=20,
        headers={"Content-Type": "application/json", "Stripe-Signature": header},
    )


def _payment_state(config: dict, payment_id: int) -> dict:
    with app_on(config):
        orders = db.session.scalars(select(Order).where(Order.payment_id == payment_id)).all()
        ids = [o.id for o in orders]
        payment = db.session.get(Payment, payment_id)
        return {
            "orders": sorted(o.status for o in orders),
            "payment": (payment.status, payment.captured_amount, payment.amount),
            "paid_events": db.session.scalar(
                select(func.count())
                .select_from(OrderEvent)
                .where(OrderEvent.order_id.in_(ids), OrderEvent.to_status == "paid")
            ),
            "ledger": db.session.scalar(
                select(func.count()).select_from(LedgerEntry).where(LedgerEntry.order_id.in_(ids))
            ),
            "stripe_events": db.session.scalars(select(StripeEvent.result)).all(),
        }


def test_a_stripe_webhook_during_the_outage_is_refused_then_applied_once(private_pg, fake_stripe, tmp_path):
    url = private_pg.create_database("webhook")
    uploads = str(tmp_path / "uploads")
    migrate(url, uploads)
    config = server_config(
        private_pg.url("webhook", connect_timeout=str(CONNECT_TIMEOUT)),
        uploads,
        plugins="stripe_payments,cash_on_delivery",
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_WEBHOOK_SECRET=fake_stripe.webhook_secret,
        STRIPE_API_BASE=fake_stripe.url,
    )
    with app_on(config):
        shopper = gen_user("siti@test.id")
        fill_cart(shopper, (gen_listing(price=25000, stock=5), 2), (gen_listing(price=40000, stock=5), 1))
        token = api_tokens.issue_token(shopper)
        db.session.commit()
    log_path = tmp_path / "server.log"
    with LiveServer(config, workers=2, threads=4, log_path=log_path) as server:
        placed = requests.post(
            server.url + "/api/v1/checkout",
            timeout=20,
            headers={"Authorization": f"Bearer {token}"},
            json={"payment_method": "stripe", "shipping": SHIPPING},
        )
        assert placed.status_code == 201, placed.text
        payment_id = placed.json()["payment"]["id"]
        [session_id] = [sid for sid, s in fake_stripe.sessions.items() if s["client_reference_id"] == str(payment_id)]
        paid = event("checkout.session.completed", fake_stripe.pay(session_id))
        before = _payment_state(config, payment_id)
        assert before["orders"] == ["pending_payment", "pending_payment"] and before["payment"][0] == "pending"

        private_pg.stop("fast")
        try:
            refused = [_deliver(server.url, fake_stripe, paid) for _attempt in range(3)]  # Stripe retries
        finally:
            private_pg.start()
        applied = _deliver(server.url, fake_stripe, paid)
        duplicate = _deliver(server.url, fake_stripe, paid)
    after = _payment_state(config, payment_id)

    for answer in refused:
        assert answer.status_code == 503, answer.text  # non-2xx: Stripe delivers it again later
        assert answer.headers["Retry-After"] and answer.json()["error"]["code"] == "unavailable"
    assert (applied.status_code, applied.json()) == (200, {"result": "paid"})
    assert (duplicate.status_code, duplicate.json()) == (200, {"result": "duplicate"})
    assert after["orders"] == ["paid", "paid"]
    assert after["payment"] == ("paid", 90000, 90000)  # captured once, not three times
    assert after["paid_events"] == 2  # one "paid" step per order
    assert after["ledger"] == before["ledger"]  # the ledger credits a sale at completion, not at payment
    assert after["stripe_events"] == ["paid"]
    assert tracebacks(log_path.read_text(errors="replace")) == []
