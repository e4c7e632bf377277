"""The cart API runs a fixed, small number of SQL statements, the same on SQLite and PostgreSQL.

Counted from a request's first statement to its last (SAVEPOINTs aside). Every call
starts with the bearer token: one SELECT of the user joined to the token. Then:

  GET    /api/v1/cart             1 SELECT: the cart with its lines and their variants' facts
  POST   /api/v1/cart/items       1 SELECT: the same, plus the facts of the variant added (UNION ALL)
                                  1 INSERT or UPDATE of the line  (+1 INSERT of the cart, the first time)
  PATCH  /api/v1/cart/items/<id>  1 SELECT of the cart, 1 UPDATE of the line
  DELETE /api/v1/cart/items/<id>  1 SELECT of the cart, 1 DELETE of the line

The answers are built from what was read and written: nothing is read back after a
write. The HTML cart shares the services: its add is the read and the write (the cart
created the first time), its page the read alone. Before this was tuned: GET 4, POST 9
(10 the first time), PATCH 7, DELETE 7.
"""

from __future__ import annotations

import pytest

from marketplace.accounts import services as accounts
from marketplace.accounts import tokens as api_tokens
from marketplace.extensions import db
from tests.buying_factories import fill_cart, gen_listing
from tests.factories import PASSWORD, gen_store, gen_user

TOKEN = 1  # the user of the bearer token
READ = 1  # the cart, its lines, their facts (and the added variant's)
WRITE = 1  # the one row changed


@pytest.fixture
def shop(app):
    """A shopper with a token and a 2-line cart of one store; a third variant not in the cart."""
    shopper = gen_user("siti@test.id")
    store = gen_store(name="Batik Sari")
    kain = gen_listing(store=store, name="Kain Batik", price=100000, stock=10)
    teh = gen_listing(store=store, name="Teh Poci", price=25000, stock=10)
    kopi = gen_listing(store=gen_store(name="Aneka Kopi"), name="Kopi Tegal", price=40000, stock=3)
    fill_cart(shopper, (kain, 2), (teh, 1))
    token = api_tokens.issue_token(shopper)
    db.session.commit()
    return {"token": token, "kain": kain.id, "teh": teh.id, "kopi": kopi.id, "user": shopper}


def call(count_queries, api, method: str, path: str, token: str, **kw):
    with count_queries() as q:
        response = getattr(api, method)(path, token=token, **kw)
    return response, q.statements


def no_read_after_write(statements: list[str]) -> bool:
    first_write = next(
        (i for i, s in enumerate(statements) if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))),
        len(statements),
    )
    return not any(s.lstrip().upper().startswith("SELECT") for s in statements[first_write:])


def listing(statements: list[str]) -> str:
    return "\n".join(" ".join(s.split())[:160] for s in statements)


def test_reading_the_cart_is_two_statements(shop, api, count_queries):
    response, statements = call(count_queries, api, "get", "/cart", shop["token"])
    assert response.status_code == 200
    body = response.get_json()
    assert [(i["product"], i["quantity"]) for i in body["items"]] == [("Kain Batik", 2), ("Teh Poci", 1)]
    assert body["total"] == 225000 and body["count"] == 3
    assert len(statements) == TOKEN + READ, listing(statements)


def test_adding_a_new_line_is_three_statements_and_answers_the_whole_cart(shop, api, count_queries):
    response, statements = call(
        count_queries, api, "post", "/cart/items", shop["token"], json={"variant_id": shop["kopi"], "quantity": 2}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert [(i["product"], i["quantity"], i["line_total"]) for i in body["items"]] == [  # by store, A to Z
        ("Kopi Tegal", 2, 80000),
        ("Kain Batik", 2, 200000),
        ("Teh Poci", 1, 25000),
    ]
    assert [s["name"] for s in body["stores"]] == ["Aneka Kopi", "Batik Sari"]
    assert body["total"] == 305000 and body["count"] == 5
    assert len(statements) == TOKEN + READ + WRITE, listing(statements)
    assert statements[-1].lstrip().upper().startswith("INSERT INTO CART_ITEMS")
    assert no_read_after_write(statements)
    # what was answered is what was stored
    assert api.get("/cart", token=shop["token"]).get_json() == body


def test_adding_to_a_line_already_there_is_three_statements(shop, api, count_queries):
    response, statements = call(
        count_queries, api, "post", "/cart/items", shop["token"], json={"variant_id": shop["kain"], "quantity": 3}
    )
    assert response.status_code == 201
    assert [(i["product"], i["quantity"]) for i in response.get_json()["items"]] == [("Kain Batik", 5), ("Teh Poci", 1)]
    assert len(statements) == TOKEN + READ + WRITE, listing(statements)
    assert statements[-1].lstrip().upper().startswith("UPDATE CART_ITEMS")
    assert no_read_after_write(statements)
    assert api.get("/cart", token=shop["token"]).get_json() == response.get_json()


def test_the_first_add_creates_the_cart_in_one_more_statement(shop, api, count_queries):
    token = api_tokens.issue_token(gen_user("budi@test.id"))
    db.session.commit()
    response, statements = call(
        count_queries, api, "post", "/cart/items", token, json={"variant_id": shop["teh"], "quantity": 1}
    )
    assert response.status_code == 201
    assert [(i["product"], i["quantity"]) for i in response.get_json()["items"]] == [("Teh Poci", 1)]
    assert len(statements) == TOKEN + READ + 1 + WRITE, listing(statements)
    assert no_read_after_write(statements)


def test_a_refused_add_stops_after_the_read(shop, api, count_queries):
    response, statements = call(
        count_queries, api, "post", "/cart/items", shop["token"], json={"variant_id": shop["kopi"], "quantity": 4}
    )  # 3 in stock
    assert response.status_code == 409
    assert "tinggal 3" in response.get_json()["error"]["message"]
    assert len(statements) == TOKEN + READ, listing(statements)
    response, statements = call(
        count_queries, api, "post", "/cart/items", shop["token"], json={"variant_id": shop["kopi"], "quantity": 0}
    )
    assert response.status_code == 422
    assert len(statements) == TOKEN, listing(statements)  # the quantity is refused before any read


def test_changing_a_quantity_is_three_statements(shop, api, count_queries):
    item = api.get("/cart", token=shop["token"]).get_json()["items"][1]
    response, statements = call(
        count_queries, api, "patch", f"/cart/items/{item['id']}", shop["token"], json={"quantity": 4}
    )
    assert response.status_code == 200
    assert [(i["product"], i["quantity"]) for i in response.get_json()["items"]] == [("Kain Batik", 2), ("Teh Poci", 4)]
    assert len(statements) == TOKEN + READ + WRITE, listing(statements)
    assert no_read_after_write(statements)
    assert api.get("/cart", token=shop["token"]).get_json() == response.get_json()


def test_removing_a_line_is_three_statements(shop, api, count_queries):
    item = api.get("/cart", token=shop["token"]).get_json()["items"][0]
    response, statements = call(count_queries, api, "delete", f"/cart/items/{item['id']}", shop["token"])
    assert response.status_code == 200
    assert [i["product"] for i in response.get_json()["items"]] == ["Teh Poci"]
    assert len(statements) == TOKEN + READ + WRITE, listing(statements)
    assert no_read_after_write(statements)
    assert api.get("/cart", token=shop["token"]).get_json() == response.get_json()


def test_a_line_of_another_cart_costs_the_read_and_changes_nothing(shop, api, count_queries):
    item = api.get("/cart", token=shop["token"]).get_json()["items"][0]
    other = api_tokens.issue_token(gen_user("budi@test.id"))
    db.session.commit()
    for method, kw in (("patch", {"json": {"quantity": 1}}), ("delete", {})):
        response, statements = call(count_queries, api, method, f"/cart/items/{item['id']}", other, **kw)
        assert response.status_code == 404
        assert len(statements) == TOKEN + READ, listing(statements)
    assert api.get("/cart", token=shop["token"]).get_json()["items"][0]["quantity"] == 2


def test_the_token_lookup_is_one_statement_and_refuses_revoked_tokens_and_inactive_users(shop, api, count_queries):
    response, statements = call(count_queries, api, "get", "/me", shop["token"])
    assert response.status_code == 200
    assert sum(" api_tokens" in s for s in statements) == 1
    response, statements = call(count_queries, api, "get", "/cart", "apk_palsu")
    assert response.status_code == 401 and len(statements) == 1

    user = shop["user"]
    user.active = False
    db.session.commit()
    assert api.get("/cart", token=shop["token"]).status_code == 401
    user.active = True
    db.session.commit()
    assert api.get("/cart", token=shop["token"]).status_code == 200
    accounts.invalidate_sessions(user)  # revokes every token of the user
    db.session.commit()
    assert api.get("/cart", token=shop["token"]).status_code == 401


def test_the_cart_page_add_shares_the_service_and_its_budget(shop, client, count_queries):
    """The HTML form for an anonymous visitor: the read, the cart the first time, the line."""
    with count_queries() as q:
        response = client.post("/cart/items", data={"variant_id": shop["teh"], "quantity": "2"})
    assert response.status_code == 302
    assert len(q.statements) == READ + 1 + WRITE, listing(q.statements)
    with count_queries() as q:
        client.post("/cart/items", data={"variant_id": shop["teh"], "quantity": "1"})
    assert len(q.statements) == READ + WRITE, listing(q.statements)
    page = client.get("/cart").get_data(as_text=True)
    assert "Teh Poci" in page and 'value="3"' in page


def test_signing_in_still_merges_the_anonymous_cart(shop, client):
    client.post("/cart/items", data={"variant_id": shop["teh"], "quantity": "2"})
    client.post("/cart/items", data={"variant_id": shop["kopi"], "quantity": "1"})
    assert client.post("/login", data={"email": "siti@test.id", "password": PASSWORD}).status_code == 302
    page = client.get("/cart").get_data(as_text=True)
    assert "Kopi Tegal" in page and 'value="3"' in page  # Teh Poci: 1 already in the cart + 2


def test_the_cart_page_is_one_statement(shop, client, count_queries):
    """An anonymous visitor's cart page: the cart read once; the header's count comes from it."""
    client.post("/cart/items", data={"variant_id": shop["teh"], "quantity": "2"})
    with count_queries() as q:
        page = client.get("/cart")
    assert page.status_code == 200 and "Teh Poci" in page.get_data(as_text=True)
    assert len(q.statements) == READ, listing(q.statements)
