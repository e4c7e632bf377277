"""Self-dealing (issue #15): nobody acts on a store as its counterparty while belonging to it.

The finding: a seller bought from its own store with cash on delivery, completed the
order itself, reviewed it 5★, saw its balance rise and had it paid out; a self-ordered
protected order then claimed Rp 50 juta with no premium ever collected. Each way in is
closed here — buying, completing, reviewing, claiming, and the officers, insurers and
finance acting on their own store — and each answer is the error shape (API) or a
message on the page (HTML), with nothing written.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.cart import services as carts
from marketplace.clock import to_jakarta
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import allowed_moves, transition
from marketplace.orders.models import Order
from marketplace.reviews.models import Review
from marketplace.stores import interest
from plugins.insurance.models import Claim
from tests.buying_factories import SHIPPING, buy, gen_listing, stock_of
from tests.factories import gen_staff, gen_user
from tests.selfdeal_support import error as _error
from tests.selfdeal_support import login as _login
from tests.selfdeal_support import orders_count as _orders
from tests.selfdeal_support import shipped as _shipped
from tests.selfdeal_support import world  # noqa: F401

# --- buying -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_the_store_s_people_cannot_put_its_products_in_their_cart(world, who):
    api, variant = world["api"], gen_listing(store=world["store"], price=50_000_000, stock=3)
    token = api.token(world[who].email)
    error = _error(api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=token), 409, "own_store")
    assert "Batik Darto" in error["fields"]["variant_id"] and "toko sendiri" in error["message"]
    assert api.get("/cart", token=token).get_json()["items"] == []
    # a shopper of the marketplace buys it as usual
    assert (
        api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=api.token("siti@test.id")).status_code
        == 201
    )


def test_the_add_to_cart_form_says_why_on_the_page(world):
    client, variant = world["app"].test_client(), gen_listing(store=world["store"])
    _login(client, "darto@test.id")
    response = client.post(
        "/cart/items", data={"variant_id": variant.id, "quantity": 1, "next": "/cart"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Anda anggota toko Batik Darto; Anda tidak bisa membeli dari toko sendiri." in page
    assert carts.load(world["owner"]).empty


@pytest.mark.parametrize(
    "who,offered", [("darto@test.id", False), ("wati@test.id", False), ("siti@test.id", True), (None, True)]
)
def test_the_product_page_offers_no_purchase_to_the_store_s_people(world, who, offered):
    variant = gen_listing(store=world["store"])
    client = world["app"].test_client()
    if who:
        _login(client, who)
    page = client.get(f"/products/{variant.product_id}").get_data(as_text=True)
    assert ('class="add-to-cart"' in page) is offered
    assert ("Ini produk toko Anda" in page) is not offered


def test_an_own_line_brought_by_the_anonymous_cart_is_refused_at_checkout(world):
    variant, other = gen_listing(store=world["store"], stock=4), gen_listing(stock=4)
    token = carts.new_token()
    carts.add(None, token, variant.id, 2)  # added before signing in: nobody to check yet
    carts.add(None, token, other.id, 1)
    carts.merge_anonymous_cart(token, world["owner"])
    db.session.commit()
    client = world["app"].test_client()
    _login(client, "darto@test.id")
    cart_page = client.get("/cart").get_data(as_text=True)
    assert 'class="cart-line has-problem"' in cart_page and "tidak bisa membeli dari toko sendiri" in cart_page
    api = world["api"]
    error = _error(
        api.post(
            "/checkout", {"payment_method": "cash_on_delivery", "shipping": SHIPPING}, token=api.token("darto@test.id")
        ),
        409,
        "own_store",
    )
    assert list(error["fields"].values()) == [error["message"]]
    form = {
        "payment_method": "cash_on_delivery",
        "cart_version": carts.load(world["owner"]).version,
        "idempotency_key": "selfdeal-1",
        **SHIPPING,
    }
    page = client.post("/checkout", data=form)
    assert page.status_code == 409 and "tidak bisa membeli dari toko sendiri" in page.get_data(as_text=True)
    assert _orders() == 0 and stock_of(variant.id) == 4 and stock_of(other.id) == 4


# --- completing: the buyer's confirmation, never the store's ------------------------------------


def test_the_seller_cannot_complete_a_cod_order_the_buyer_confirms_it(world):
    order, api = _shipped(world), world["api"]
    assert "completed" not in allowed_moves(order, world["owner"])
    _error(
        api.post(f"/seller/orders/{order.number}/status", {"status": "completed"}, token=api.token("darto@test.id")),
        403,
        "conflict_of_interest",
    )
    client = world["app"].test_client()
    _login(client, "darto@test.id")
    page = client.get(f"/seller/orders/{order.number}").get_data(as_text=True)
    assert 'value="completed"' not in page and 'id="awaiting-buyer"' in page
    assert ledger.balance(world["store"].id) == 0 and db.session.get(Order, order.id).paid_at is None
    # the buyer paid the courier and confirms: the cash is recorded, the store credited the sale
    # and debited the cash its seller holds (the balance moves by minus the commission only)
    done = api.post(f"/orders/{order.number}/complete", token=api.token("siti@test.id"))
    assert done.status_code == 200 and done.get_json()["status"] == "completed"
    assert ledger.balance(world["store"].id) == -ledger.commission_of(order.subtotal, order.commission_bps)
    assert ledger.summary(world["store"].id).earnings == order.subtotal


def test_someone_who_bought_and_then_joined_the_store_cannot_complete_review_or_claim(world):
    order = _shipped(world, method="fake_transfer", extras=["order_protection"])
    gen_staff(world["store"], world["shopper"])  # the buyer now works for the store
    api = world["api"]
    token = api.token("siti@test.id")
    assert "completed" not in allowed_moves(order, world["shopper"])
    _error(api.post(f"/orders/{order.number}/complete", token=token), 403, "conflict_of_interest")
    transition(db.session.get(Order, order.id), "completed", world["admin"])
    db.session.commit()
    _error(
        api.post(f"/orders/{order.number}/reviews", {"rating": 5, "comment": "Mantap!"}, token=token),
        403,
        "conflict_of_interest",
    )
    claim = {
        "order": order.number,
        "incident_date": to_jakarta(order.placed_at).date().isoformat(),
        "cause": "tidak_sampai",
        "description": "Paket tidak pernah sampai ke rumah.",
        "amount": 300_000,
    }
    _error(api.post("/insurance/claims", claim, token=token), 403, "conflict_of_interest")
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0


def test_the_order_page_offers_no_review_to_the_store_s_people(world):
    order = _shipped(world, method="fake_transfer")
    transition(order, "completed", world["shopper"])
    db.session.commit()
    client = world["app"].test_client()
    _login(client, "siti@test.id")
    assert 'name="rating"' in client.get(f"/orders/{order.number}").get_data(as_text=True)
    gen_staff(world["store"], world["shopper"])
    assert 'name="rating"' not in client.get(f"/orders/{order.number}").get_data(as_text=True)
    response = client.post(
        f"/orders/{order.number}/reviews", data={"rating": 5, "comment": "Bagus"}, follow_redirects=True
    )
    assert "ulasan toko hanya dari pembelinya" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Review)) == 0


# --- order protection: the premium must have been collected -------------------------------------


def test_a_protection_claim_waits_for_the_premium_to_be_collected(world):
    order, api = _shipped(world, extras=["order_protection"]), world["api"]
    token = api.token("siti@test.id")
    claim = {
        "order": order.number,
        "incident_date": to_jakarta(order.placed_at).date().isoformat(),
        "cause": "barang_rusak",
        "description": "Kemasan pecah dan isinya rusak.",
        "amount": 300_000,
    }
    error = _error(api.post("/insurance/claims", claim, token=token), 422, "validation_error")
    assert "belum dibayar" in error["fields"]["order"]
    client = world["app"].test_client()
    _login(client, "siti@test.id")
    page = client.post(f"/orders/{order.number}/protection-claim", data={**claim, "order": None})
    assert page.status_code == 422 and "belum dibayar" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
    # paid at the door and confirmed: the premium came with the cash, the claim is taken
    assert api.post(f"/orders/{order.number}/complete", token=token).status_code == 200
    assert api.post("/insurance/claims", claim, token=token).status_code == 201


def test_the_issue_s_story_makes_no_money(world):
    """Buy own product by COD, complete, review, claim, get paid: every step is refused."""
    api = world["api"]
    token = api.token("darto@test.id")
    variant = gen_listing(store=world["store"], price=50_000_000, stock=1)
    _error(api.post("/cart/items", {"variant_id": variant.id, "quantity": 1}, token=token), 409, "own_store")
    _error(
        api.post(
            "/checkout",
            {"payment_method": "cash_on_delivery", "shipping": SHIPPING, "extras": ["order_protection"]},
            token=token,
        ),
        409,
        "cart_changed",
    )
    assert _orders() == 0 and ledger.balance(world["store"].id) == 0
    with pytest.raises(ValidationError):
        ledger.record_payout(gen_user("keuangan@test.id", role="agency"), world["store"], 1, "BRI-9", None)


def test_an_admin_moves_no_money_for_its_own_purchase_but_completes_for_an_assisted_store(world):
    admin, owner = world["admin"], world["owner"]
    order = buy(admin, (gen_listing(store=world["store"], price=20_000), 1), method="fake_transfer").orders[0]
    assert "paid" not in allowed_moves(order, admin)
    with pytest.raises(interest.ConflictOfInterest):  # marking its own order paid by hand: no money came
        transition(order, "paid", admin)
    db.session.rollback()
    order = db.session.get(Order, order.id)
    orders.apply_payment(order.payment_id, order.total, "IDR", "ref-admin")
    transition(order, "processing", owner)
    transition(order, "shipped", owner, tracking_number="JNE9")
    transition(order, "completed", admin)  # as its buyer
    db.session.commit()
    with pytest.raises(interest.ConflictOfInterest):  # refunding itself
        transition(order, "refunded", admin, reason="uji")
    db.session.rollback()
    # a store that lets the agency assist makes an admin an assistant, not one of its people
    world["store"].allow_agency_assist = True
    db.session.commit()
    shipped = _shipped(world, method="fake_transfer")
    assert "completed" in allowed_moves(shipped, admin)
    transition(shipped, "completed", admin)
    db.session.commit()
    assert db.session.get(Order, shipped.id).status == "completed"
