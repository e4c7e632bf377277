"""Checkout runs a fixed, small number of SQL statements.

A 1-store, 2-line cash-on-delivery checkout through POST /api/v1/checkout,
counted from the request's first statement to its last (SAVEPOINTs aside).
The budget, statement by statement (it was 29 before the checkout was tuned,
then 15):

   1  the API token with its user
   2  INSERT the checkout row (its unique key claims the submission; a key sent by
      the client costs one SELECT more: was it used already?)
   3  the cart with its lines, their variants' facts (price, stock, product, store, weight)
      and each store's owner (whom the new-order mail goes to)
  3a  every store's shipping offer, in one statement (issue #18: this older address shape,
      which names no district, gets each store's pickup)
   4  INSERT the payment
   5  INSERT the orders (the commission rate is read inside it, as a subquery),
   6  their lines (one statement on PostgreSQL; SQLite inserts the lines one by one),
   7  their first events, 8 the orders' numbers (made from the ids), 9 the audit rows
  10  UPDATE the checkout (total, payment instructions)
  11  empty the cart
  12  INSERT the mails (the shopper's and the seller's) into the outbox, in one statement
13-14 last, one conditional UPDATE per variant: take the stock, or fail (its row
      stays locked until the COMMIT that follows, so nothing else comes between)

Counted as in production: the job that sends the mail is queued (a SQLite file here), not run
in the request.

The 201 answer is built from the rows in hand: nothing is read back.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from marketplace.accounts import tokens as api_tokens
from marketplace.extensions import db
from tests.buying_factories import SHIPPING, fill_cart, gen_listing
from tests.conftest import ON_POSTGRES
from tests.factories import gen_store, gen_user
from tests.sql_count import counting

BUDGET = 15 if ON_POSTGRES else 16  # SQLite: one INSERT per order line
# Shipping (issue #18) may cost at most 2 statements more per store than the 14/15 before it.
BEFORE_SHIPPING = BUDGET - 1


@pytest.fixture
def shop(make_app, tmp_path):
    app = make_app(plugins="cash_on_delivery", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    app.test_client_class = FlaskClient  # the plain client: mail stays queued, as in production
    with app.app_context():
        shopper = gen_user("siti@test.id")
        store = gen_store()
        fill_cart(
            shopper, (gen_listing(store=store, name="Kain Batik"), 2), (gen_listing(store=store, name="Teh Poci"), 1)
        )
        token = api_tokens.issue_token(shopper)
        db.session.commit()
        db.session.remove()
        yield app, token


def statements_of(app, call) -> tuple[object, list[str]]:
    """``call()``'s result and the statements it sent on ``app``'s engine (SAVEPOINTs aside)."""
    with counting(app) as sent:
        result = call()
    return result, [" ".join(statement.split()) for statement in sent]


@pytest.mark.parametrize("key", [None, "bench-key-0001"])
def test_a_one_store_two_line_checkout_stays_within_budget(shop, key):
    app, token = shop
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    response, statements = statements_of(
        app,
        lambda: client.post(
            "/api/v1/checkout", headers=headers, json={"payment_method": "cash_on_delivery", "shipping": SHIPPING}
        ),
    )
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["orders"]) == 1
    assert len(statements) <= BUDGET + bool(key), "\n".join(s[:160] for s in statements)
    reads = [s for s in statements if s.startswith("SELECT")]
    assert not [s for s in reads if " FROM orders" in s or " FROM order_lines" in s or " FROM payments" in s], (
        "the answer is built from the rows in hand"
    )
    offers = [s for s in reads if "store_shipping" in s]
    assert len(offers) == 1, "every store's offer in one statement"
    assert [s for s in reads if (" FROM users" in s or " FROM stores" in s) and s not in offers] == statements[:1], (
        "one read of users, the token's: the store owners come with the cart"
    )
    assert not [s for s in reads if s.startswith("SELECT site_settings")], "the commission is read by the INSERT"
    assert [s.startswith("UPDATE variants") for s in statements[-2:]] == [True, True]  # one per variant, last
    assert sum(s.startswith("UPDATE variants") for s in statements) == 2


@pytest.fixture
def couriers_shop(make_app, tmp_path):
    """Two Tegal stores shipping by courier (cash on delivery taken) and a shopper in Jakarta
    with an address book entry, the rate table on."""
    from plugins.shipping_table import tables
    from plugins.shipping_table.demo import DEFAULT_TABLE
    from tests.shipping_factories import KEBAYORAN_BARU, gen_address, ship_from_tegal

    app = make_app(
        plugins="cash_on_delivery,shipping_table", JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite")
    )
    app.test_client_class = FlaskClient
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        shopper = gen_user("rina@test.id")
        stores = [gen_store(name="Batik Sari"), gen_store(name="Telur Asin Bu Tin")]
        for store in stores:
            ship_from_tegal(store, courier_cod=True)
        fill_cart(
            shopper,
            (gen_listing(store=stores[0], name="Kain Batik", weight_grams=400), 2),
            (gen_listing(store=stores[1], name="Telur Asin", weight_grams=700), 1),
        )
        address = gen_address(shopper, KEBAYORAN_BARU, "12110")
        shipping = {"address_id": address.id, "options": {store.slug: "courier:jne:reg" for store in stores}}
        token = api_tokens.issue_token(shopper)
        db.session.commit()
        db.session.remove()
        yield app, token, shipping


def test_a_two_store_courier_checkout_costs_at_most_two_statements_more_per_store(couriers_shop):
    """The address book entry read and marked used in one UPDATE ... RETURNING, every store's
    offer in one SELECT, the rate table's rows for every parcel in one SELECT: 3 more for the
    whole checkout (budget: 2 per store). One store more adds no statement for shipping."""
    app, token, shipping = couriers_shop
    client = app.test_client()
    response, statements = statements_of(
        app,
        lambda: client.post(
            "/api/v1/checkout",
            headers={"Authorization": f"Bearer {token}"},
            json={"payment_method": "cash_on_delivery", "shipping": shipping},
        ),
    )
    assert response.status_code == 201, response.get_json()
    assert [o["shipping_cost"] for o in response.get_json()["orders"]] == [12000, 12000]
    # before shipping this cart took 14 statements (PostgreSQL) or 16 (SQLite: one INSERT per order
    # and per line); shipping may add 2 per store
    before = 14 if ON_POSTGRES else 16
    assert len(statements) <= before + 2 * 2, "\n".join(s[:160] for s in statements)
    assert len(statements) == before + 3, "\n".join(s[:160] for s in statements)
    shipping_reads = [s for s in statements if "store_shipping" in s or "shipping_table_rates" in s]
    assert len(shipping_reads) == 2, shipping_reads
