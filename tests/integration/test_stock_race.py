"""40 buyers race for 10 units through real HTTP requests to a running server.

gunicorn with 2 worker processes × 8 threads serves the test database; 40
client threads released together by a barrier each check out one unit. Exactly
10 orders succeed, the other 30 get 409 with a clear message, and the stock
ends at 0 — never below. Five rounds, not one. The results are written to
test-artifacts/race-results-<database>.json.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import func, select

from marketplace.accounts import tokens as api_tokens
from marketplace.cart import services as carts
from marketplace.catalog import services as catalog
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine
from tests.buying_factories import SHIPPING, gen_listing, stock_of
from tests.conftest import ON_POSTGRES
from tests.factories import gen_user
from tests.live_server import LiveServer, live_config

ROUNDS = 5
BUYERS = 40
UNITS = 10
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _refill(buyers, variant_id: int) -> None:
    """Every buyer has exactly one unit in the cart; the shelf has UNITS."""
    catalog.update_variant(catalog.get_variant(variant_id), None, {"stock": UNITS})
    for user in buyers:
        cart = carts.get_or_create_cart(user)
        carts.clear(cart)
        carts.add_item(cart, variant_id, 1)
    db.session.commit()


def _race(url: str, tokens: list[str], round_no: int) -> list[requests.Response]:
    barrier = threading.Barrier(len(tokens))

    def buy(token: str) -> requests.Response:
        barrier.wait()
        return requests.post(
            url + "/api/v1/checkout",
            timeout=60,
            json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"race-{round_no}-{token[-12:]}"},
        )

    with ThreadPoolExecutor(len(tokens)) as pool:
        return list(pool.map(buy, tokens))


def test_forty_buyers_race_for_ten_units_over_http(make_app, tmp_path):
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        variant_id = gen_listing(stock=UNITS, price=15000, name="Batik Tulis Edisi Terbatas").id
        buyers = [gen_user(f"racer{i}@test.id", name=f"Pembeli {i}") for i in range(BUYERS)]
        tokens = [api_tokens.issue_token(user) for user in buyers]
        db.session.commit()
    results = []
    log_path = tmp_path / "server.log"
    with LiveServer(live_config(app), workers=2, threads=8, log_path=log_path) as server:
        for round_no in range(1, ROUNDS + 1):
            with app.app_context():
                _refill([db.session.merge(u) for u in buyers], variant_id)
                before = db.session.scalar(select(func.count()).select_from(Order))
            responses = _race(server.url, tokens, round_no)
            statuses = Counter(r.status_code for r in responses)
            refused = [r.json()["error"] for r in responses if r.status_code == 409]
            with app.app_context():
                final_stock = stock_of(variant_id)
                orders_made = db.session.scalar(select(func.count()).select_from(Order)) - before
                units_sold = db.session.scalar(
                    select(func.coalesce(func.sum(OrderLine.quantity), 0)).where(OrderLine.variant_id == variant_id)
                )
            results.append(
                {
                    "round": round_no,
                    "attempts": len(responses),
                    "successes": statuses.get(201, 0),
                    "refused_409": statuses.get(409, 0),
                    "refusal_codes": dict(Counter(e["code"] for e in refused)),
                    # who said no: the check of the cart inside the transaction, or the atomic UPDATE itself
                    "refused_by_conditional_update": sum("tidak cukup" in e["message"] for e in refused),
                    "other": {k: v for k, v in statuses.items() if k not in (201, 409)},
                    "final_stock": final_stock,
                    "orders_created": orders_made,
                }
            )
            assert statuses == {201: UNITS, 409: BUYERS - UNITS}, (statuses, log_path.read_text()[-3000:])
            assert final_stock == 0 and orders_made == UNITS and units_sold == UNITS * round_no
            assert all(e["code"] in ("out_of_stock", "cart_changed") and "Stok" in e["message"] for e in refused)
    ARTIFACTS.mkdir(exist_ok=True)
    name = "postgresql" if ON_POSTGRES else "sqlite"
    (ARTIFACTS / f"race-results-{name}.json").write_text(json.dumps(results, indent=2))
    print(
        f"\nrace on {name}: "
        + "; ".join(
            f"round {r['round']}: {r['attempts']} attempts, {r['successes']} ok, {r['refused_409']} refused "
            f"({r['refused_by_conditional_update']} by the conditional UPDATE), stock {r['final_stock']}"
            for r in results
        )
    )


def test_the_same_checkout_sent_eight_times_at_once_makes_one_set_of_orders(make_app, tmp_path):
    """A double (or octuple) submit racing on the server: one set of orders, every answer the same."""
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        first, second = gen_listing(stock=5, name="Kopi Tegal"), gen_listing(stock=5, name="Gula Batu")
        shopper = gen_user("double@test.id")
        cart = carts.get_or_create_cart(shopper)
        carts.add_item(cart, first.id, 2)
        carts.add_item(cart, second.id, 1)
        token = api_tokens.issue_token(shopper)
        db.session.commit()
        ids = (first.id, second.id)
    with LiveServer(live_config(app), workers=2, threads=4, log_path=tmp_path / "server.log") as server:
        barrier = threading.Barrier(8)

        def submit(_):
            barrier.wait()
            return requests.post(
                server.url + "/api/v1/checkout",
                timeout=60,
                json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "tap-tap-tap-0001"},
            )

        with ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(submit, range(8)))
    assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
    bodies = [r.json() for r in responses]
    assert all(body == bodies[0] for body in bodies) and len(bodies[0]["orders"]) == 2
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Order)) == 2
        assert (stock_of(ids[0]), stock_of(ids[1])) == (3, 4)
