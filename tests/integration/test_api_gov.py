"""Government buying through the JSON API (issue #21 "Done means"): the Sekretariat's meeting
purchase from two culinary IKM from the cart to both stores' ledgers with bearer tokens only, the
refusals (over the limit, another office's PPK, a seller of another store) in the error shape and
changing nothing, the PDFs, and malformed bodies answered 4xx."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from marketplace.cart import services as carts
from marketplace.catalog.models import Variant
from marketplace.clock import now, to_jakarta
from marketplace.extensions import db
from marketplace.gov.models import GovEvent, GovOrder, GovPurchase
from marketplace.i18n import rupiah
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day


@pytest.fixture
def world(app):
    return build_gov_world()


@pytest.fixture
def tokens(api, world):
    people = {
        "pp": world.pp,
        "ppk": world.ppk,
        "bendahara": world.bendahara,
        "other_ppk": world.other_ppk,
        "catering": world.catering_owner,
        "bakery": world.bakery_owner,
    }
    return {name: api.token(user.email) for name, user in people.items()}


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()["error"]


def _submit(api, tokens, **extra) -> object:
    body = {**PURCHASE_FIELDS, "delivery_date": delivery_day().isoformat(), **extra}
    return api.post("/gov/purchases", body, token=tokens["pp"])


def _step(api, token: str, number: str, action: str, body: dict | None = None) -> object:
    return api.post(f"/gov/orders/{number}/{action}", body or {}, token=token)


def _state() -> tuple:
    """What a refusal must leave as it was: orders and their statuses, history, stock."""
    return (
        db.session.scalar(select(func.count(GovPurchase.id))),
        tuple(db.session.execute(select(GovOrder.number, GovOrder.status).order_by(GovOrder.id)).all()),
        db.session.scalar(select(func.count(GovEvent.id))),
        tuple(db.session.scalars(select(Variant.stock).order_by(Variant.id))),
    )


def _pdf_text(api, token: str, url: str) -> str:
    response = api.client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.mimetype == "application/pdf", response.status_code
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)


def test_the_meeting_purchase_runs_from_cart_to_both_ledgers(api, tokens, world):
    # the pejabat pengadaan fills the office's cart through the cart API, as any client would
    for variant, quantity in ((world.nasi, 120), (world.snack, 40)):
        _ok(api.post("/cart/items", {"variant_id": variant.id, "quantity": quantity}, token=tokens["pp"]), 201)
    assert len(_ok(api.get("/cart", token=tokens["pp"]))["items"]) == 2
    purchase = _ok(_submit(api, tokens), 201)
    assert purchase["number"].startswith("PBJ-") and purchase["total"] == 3_500_000
    by_store = {order["store"]: order for order in purchase["orders"]}
    catering, bakery = by_store[world.catering.slug], by_store[world.bakery.slug]
    assert (catering["total"], bakery["total"]) == (3_000_000, 500_000)
    assert {order["status"] for order in purchase["orders"]} == {"submitted"}

    waiting = _ok(api.get("/gov/orders?status=submitted", token=tokens["ppk"]))
    assert {o["number"] for o in waiting["items"]} == {catering["number"], bakery["number"]}
    assert waiting["total"] == 2
    seen = _ok(api.get(f"/gov/orders/{catering['number']}", token=tokens["ppk"]))
    assert seen["allowed_actions"] == ["approve", "reject"] and seen["lines"][0]["quantity"] == 120

    # the PPK of another office neither sees nor approves office A's order
    before = _state()
    assert _error(api.get(f"/gov/orders/{catering['number']}", token=tokens["other_ppk"]), 404)["code"] == "not_found"
    assert _error(_step(api, tokens["other_ppk"], catering["number"], "approve"), 404)
    assert _ok(api.get("/gov/orders", token=tokens["other_ppk"]))["items"] == []
    assert _error(api.get(f"/gov/purchases/{purchase['number']}", token=tokens["other_ppk"]), 404)
    assert _error(_step(api, tokens["pp"], catering["number"], "approve"), 403)
    assert _state() == before

    for order, seller in ((catering, "catering"), (bakery, "bakery")):
        number = order["number"]
        approved = _ok(_step(api, tokens["ppk"], number, "approve"))
        assert approved["status"] == "approved" and [d["kind"] for d in approved["documents"]] == ["sp"]
        assert _error(_step(api, tokens["bakery" if seller == "catering" else "catering"], number, "accept"), 404)
        assert _ok(_step(api, tokens[seller], number, "accept"))["status"] == "accepted"
        assert _ok(_step(api, tokens[seller], number, "ship", {"method": "pickup"}))["status"] == "shipped"
        # CONTRACT.md's names of the receipt and the payment (bast, payment) for the bakery's order
        receive, pay = ("receive", "pay") if seller == "catering" else ("bast", "payment")
        received = _ok(_step(api, tokens["ppk"], number, receive, {"note": "Lengkap"}))
        assert received["status"] == "received" and received["lines"][0]["received_quantity"] == order_quantity(
            received
        )
        invoiced = _ok(_step(api, tokens[seller], number, "invoice"))
        assert [d["kind"] for d in invoiced["documents"]] == ["sp", "bast", "invoice", "kuitansi"]
        assert _error(
            _step(api, tokens["bendahara"], number, pay, pay_body(order["total"] - 1)), 422
        )  # not the invoice's total
        paid = _ok(_step(api, tokens["bendahara"], number, pay, pay_body(order["total"])))
        assert paid["status"] == "paid" and paid["payment"]["amount"] == order["total"]
        assert [e["action"] for e in paid["events"]] == [
            "submit", "approve", "accept", "ship", "receive", "invoice", "pay"
        ]  # fmt: skip
        assert paid["events"][1]["actor"] == "Agus Komitmen" and paid["allowed_actions"] == []

    for store, owner, total in ((world.catering, "catering", 3_000_000), (world.bakery, "bakery", 500_000)):
        ledger = _ok(api.get(f"/seller/ledger?store={store.slug}", token=tokens[owner]))
        assert ledger["balance"] == total  # no commission on government orders until the agency sets one

    # the PDFs open, and their text holds the order's number and total
    final = _ok(api.get(f"/gov/orders/{catering['number']}", token=tokens["catering"]))
    documents = {d["kind"]: d for d in final["documents"]}
    for kind in ("sp", "bast", "invoice"):
        text = _pdf_text(api, tokens["ppk"], documents[kind]["url"])
        assert catering["number"].split("-", 1)[1] in text and rupiah(3_000_000) in text, (kind, text[:400])
    assert _error(api.get(f"/gov/documents/{documents['sp']['id']}", token=tokens["other_ppk"]), 404)
    assert _error(api.get(f"/gov/documents/{documents['sp']['id']}", token=tokens["bakery"]), 404)


def order_quantity(order: dict) -> int:
    return order["lines"][0]["quantity"]


def pay_body(amount: int) -> dict:
    return {"paid_on": to_jakarta(now()).date().isoformat(), "reference": "SP2D 00123/LS/2026", "amount": amount}


def test_a_purchase_over_the_limit_is_refused_with_its_reason(api, tokens, world, app):
    app.config["GOV_DIRECT_PURCHASE_LIMIT"] = 2_000_000
    world.fill_meeting_cart()
    before = _state()
    error = _error(_submit(api, tokens), 422)
    assert "Katering Bu Sri" in error["message"] and rupiah(2_000_000) in error["message"], error
    assert _state() == before
    assert len(carts.load(world.pp).lines) == 2  # the cart is kept to be split or changed


def test_negotiation_quote_then_accept_through_the_api(api, tokens, world):
    world.fill_meeting_cart()
    body = {**PURCHASE_FIELDS, "delivery_date": delivery_day().isoformat()}
    purchase = _ok(api.post("/gov/orders", body, token=tokens["pp"]), 201)  # CONTRACT.md's name of the submit
    number = next(o["number"] for o in purchase["orders"] if o["store"] == world.bakery.slug)
    line_id = _ok(api.get(f"/gov/orders/{number}", token=tokens["bakery"]))["lines"][0]["id"]
    quoted = _ok(_step(api, tokens["bakery"], number, "quote", {"prices": {str(line_id): 12_000}, "lead_days": 2}))
    assert quoted["status"] == "negotiating" and quoted["quote"]["prices"] == {str(line_id): 12_000}
    as_pp = _ok(api.get(f"/gov/orders/{number}", token=tokens["pp"]))
    assert set(as_pp["allowed_actions"]) == {"accept_quote", "withdraw"}
    taken = _ok(_step(api, tokens["pp"], number, "accept_quote"))
    assert (taken["status"], taken["subtotal"], taken["quote"]) == ("submitted", 480_000, None)


def test_lists_are_scoped_and_offices_are_the_agency_s(api, tokens, world):
    from tests.factories import gen_user

    world.fill_meeting_cart()
    purchase = _ok(_submit(api, tokens), 201)
    catering_list = _ok(api.get("/gov/orders", token=tokens["catering"]))
    assert [o["store"] for o in catering_list["items"]] == [world.catering.slug]
    assert catering_list["items"][0]["office"]["name"] == "Sekretariat Daerah Kota Tegal"
    assert _ok(api.get("/gov/purchases", token=tokens["bendahara"]))["items"][0]["number"] == purchase["number"]
    assert _ok(api.get("/gov/purchases", token=tokens["other_ppk"]))["items"] == []
    assert _error(api.get("/gov/purchases", token=tokens["catering"]), 403)
    shopper = api.token(gen_user().email)
    assert _error(api.get("/gov/orders", token=shopper), 403)
    assert _error(api.get("/gov/offices", token=tokens["ppk"]), 403)
    officer = api.token(gen_user(role="agency").email)
    offices = _ok(api.get("/gov/offices", token=officer))
    assert {(o["name"], o["officials"]) for o in offices["items"]} == {
        ("Sekretariat Daerah Kota Tegal", 3),
        ("Dinas Kesehatan Kota Tegal", 2),
    }
    assert _ok(api.get("/gov/orders?per_page=1&page=2", token=officer))["total"] == 2
    assert _error(api.get("/gov/orders", token=None), 401)


MALFORMED = [
    ("approve", "not json"),
    ("approve", [1, 2]),
    ("reject", {"reason": 7}),
    ("amend", {"reason": "x", "quantities": [1]}),
    ("amend", {"reason": "x", "quantities": {"abc": 1}}),
    ("amend", {"reason": "x", "quantities": {"1": "dua"}}),
    ("amend", {"reason": "x", "delivery_date": "31-12-2026"}),
    ("quote", {"prices": {"1": 10**30}}),
    ("quote", {"lead_days": -1}),
    ("ship", {"method": 3}),
    ("receive", {"received": {"1": -5}}),
    ("pay", {"paid_on": "kemarin", "reference": "SP2D", "amount": 1}),
    ("pay", {"paid_on": "2026-01-01", "reference": ["a"], "amount": 1.5}),
]


def test_malformed_bodies_are_refused_never_a_server_error(api, tokens, world, app):
    world.fill_meeting_cart()
    number = _ok(_submit(api, tokens), 201)["orders"][0]["number"]
    before = _state()
    for action, body in MALFORMED:
        token = tokens["ppk"] if action in ("approve", "reject", "amend", "receive") else tokens["bendahara"]
        token = tokens["catering"] if action in ("quote", "ship") else token
        raw = body if isinstance(body, str) else None
        response = api.client.post(
            f"/api/v1/gov/orders/{number}/{action}",
            data=raw,
            json=None if raw else body,
            headers={"Authorization": f"Bearer {token}", **({"Content-Type": "application/json"} if raw else {})},
        )
        assert 400 <= response.status_code < 500, (action, body, response.status_code)
        assert set(response.get_json()["error"]) == {"code", "message", "fields"}
    assert _state() == before
    for query in ("status=bogus", "page=0", "per_page=1000"):
        assert _error(api.get(f"/gov/orders?{query}", token=tokens["ppk"]), 422)
    for body in ({}, {"rup_code": 1}, {**PURCHASE_FIELDS, "delivery_date": "besok"}, {**PURCHASE_FIELDS}):
        assert _error(api.post("/gov/purchases", body, token=tokens["pp"]), 422)
    assert _error(api.post("/gov/purchases", {}, token=tokens["ppk"]), 403)
    assert _error(api.get("/gov/documents/99999", token=tokens["ppk"]), 404)
    assert _error(api.get("/gov/orders/SP-0000-999999", token=tokens["ppk"]), 404)


def test_lists_cost_the_same_statements_however_many_orders(api, tokens, world, count_queries):
    counts = []
    for _round in range(2):
        world.fill_meeting_cart()
        _ok(_submit(api, tokens), 201)
        with count_queries() as orders_list:
            assert len(_ok(api.get("/gov/orders", token=tokens["ppk"]))["items"]) == 2 * (_round + 1)
        with count_queries() as purchases_list:
            assert len(_ok(api.get("/gov/purchases", token=tokens["ppk"]))["items"]) == _round + 1
        counts.append((orders_list.count, purchases_list.count))
    assert counts[0] == counts[1], counts


def _approved(api, tokens, world, store) -> dict:
    world.fill_meeting_cart()
    purchase = _ok(_submit(api, tokens), 201)
    number = next(o["number"] for o in purchase["orders"] if o["store"] == store.slug)
    return _ok(_step(api, tokens["ppk"], number, "approve"))


def test_a_shortfall_is_sent_again_before_the_bast(api, tokens, world):
    order = _approved(api, tokens, world, world.bakery)
    number, line_id = order["number"], order["lines"][0]["id"]
    _ok(_step(api, tokens["bakery"], number, "accept"))
    _ok(_step(api, tokens["bakery"], number, "ship", {"method": "pickup"}))
    assert _error(_step(api, tokens["ppk"], number, "receive", {"received": {str(line_id): 30}}), 422)["fields"]
    short = _ok(_step(api, tokens["ppk"], number, "receive", {"received": {str(line_id): 30}, "note": "Kurang 10"}))
    assert (short["status"], short["lines"][0]["received_quantity"]) == ("shortfall", 30)
    assert short["allowed_actions"] == [] and "bast" not in {d["kind"] for d in short["documents"]}
    _ok(_step(api, tokens["bakery"], number, "ship", {"method": "pickup"}))
    done = _ok(_step(api, tokens["ppk"], number, "receive"))
    assert done["status"] == "received" and [d["kind"] for d in done["documents"]] == ["sp", "bast"]


def test_an_addendum_then_a_cancel_give_the_stock_back(api, tokens, world):
    order = _approved(api, tokens, world, world.catering)
    number, line_id = order["number"], order["lines"][0]["id"]
    assert db.session.get(Variant, world.nasi.id).stock == 500 - 120
    amended = _ok(
        _step(
            api,
            tokens["ppk"],
            number,
            "amend",
            {"quantities": {str(line_id): 100}, "reason": "Peserta rapat berkurang"},
        )
    )
    assert (amended["status"], amended["total"]) == ("approved", 2_500_000)
    assert [d["kind"] for d in amended["documents"]] == ["sp", "sp_addendum"]
    db.session.expire_all()
    assert db.session.get(Variant, world.nasi.id).stock == 500 - 100
    assert _error(_step(api, tokens["ppk"], number, "cancel"), 422)["fields"]["reason"]
    cancelled = _ok(_step(api, tokens["ppk"], number, "cancel", {"reason": "Rapat ditunda"}))
    assert cancelled["status"] == "cancelled" and cancelled["close_reason"] == "Rapat ditunda"
    db.session.expire_all()
    assert db.session.get(Variant, world.nasi.id).stock == 500
