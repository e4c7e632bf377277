"""The five requests of issue #15 that answered 500, one story each (tests/security/
test_bad_input_classes.py walks every route with every class of them)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.orders.models import Order
from tests.buying_factories import SHIPPING, buy, fill_cart, gen_listing, variant_of
from tests.factories import PASSWORD, gen_product, gen_store, gen_user
from tests.insurance_support import PLUGINS, grant

pytestmark = pytest.mark.security

DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def app(make_app):
    app = make_app(plugins=PLUGINS)
    with app.app_context():
        yield app


def token_of(client, email: str) -> dict:
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


# --- JSON parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/auth/tokens", "/api/v1/products", "/login"])
def test_json_nested_a_thousand_deep_is_a_400_on_any_route(app, path):
    client = app.test_client()
    for method in ("get", "post"):
        response = getattr(client, method)(
            path, data=DEEP, content_type="application/json", headers={"Accept": "application/json"}
        )
        error = error_of(response, 400)
        assert error["code"] == "bad_request" and "body" in error["fields"]


def test_json_nested_deep_is_refused_signed_in_too_and_changes_nothing(app):
    owner = gen_user("sari@test.id", role="seller")
    store = gen_store(owner)
    product = gen_product(store, name="Batik Tulis Tegalan")
    db.session.commit()
    headers = token_of(app.test_client(), "sari@test.id")
    response = app.test_client().patch(
        f"/api/v1/products/{product.id}",
        data='{"name": ' + DEEP + "}",
        content_type="application/json",
        headers=headers,
    )
    error_of(response, 400)
    db.session.expire_all()
    assert product.name == "Batik Tulis Tegalan"


def test_nesting_the_api_takes_is_still_read(app):
    """The bound (64) is far above any body the API takes: a product with variants is 3 deep."""
    owner = gen_user("sari@test.id", role="seller")
    store = gen_store(owner)
    db.session.commit()
    headers = token_of(app.test_client(), "sari@test.id")
    response = app.test_client().post(
        f"/api/v1/stores/{store.slug}/products",
        headers=headers,
        json={
            "name": "Kain Batik",
            "description": "Batik tulis.",
            "variants": [{"name": "Katun", "price": 1000, "stock": 1}],
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_json_numbers_python_reads_but_json_has_not_are_malformed_json(app, number):
    """json.loads takes NaN and Infinity (and reads 1e999 as infinity, which int() refuses with
    OverflowError): the app's JSON refuses them like any malformed body."""
    gen_user("petugas@disnakerin.test", role="agency")
    db.session.commit()
    headers = token_of(app.test_client(), "petugas@disnakerin.test")
    response = app.test_client().put(
        "/api/v1/agency/commission", data=f'{{"percent": {number}}}', content_type="application/json", headers=headers
    )
    assert "body" in error_of(response, 422)["fields"]
    assert app.test_client().get("/api/v1/agency/commission", headers=headers).get_json()["percent"] != float("inf")


def test_an_html_page_answers_deep_json_with_a_page(app):
    response = app.test_client().post("/login", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "text/html" in response.content_type


# --- text that cannot be encoded -------------------------------------------------------------------


def test_a_lone_surrogate_in_registration_and_sign_in_is_a_422(app):
    client = app.test_client()
    error = error_of(
        client.post(
            "/api/v1/auth/register", json={"email": "budi@test.id", "password": "rahasia123", "name": "Bu\ud800di"}
        ),
        422,
    )
    assert error["fields"] == {"body": "Berisi karakter yang tidak valid."}
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    error_of(client.post("/api/v1/auth/tokens", json={"email": "a\ud800b@test.id", "password": "rahasia123"}), 422)


def test_a_lone_surrogate_in_a_product_variant_or_store_is_a_422_and_changes_nothing(app):
    owner = gen_user("sari@test.id", role="seller")
    store = gen_store(owner)
    product = gen_product(store, name="Batik Tulis Tegalan")
    db.session.commit()
    variant_id = variant_of(product).id
    client = app.test_client()
    headers = token_of(client, "sari@test.id")
    error_of(client.patch(f"/api/v1/products/{product.id}", json={"name": "Batik \udc80"}, headers=headers), 422)
    error_of(client.patch(f"/api/v1/variants/{variant_id}", json={"sku": "\ud800"}, headers=headers), 422)
    error_of(client.post("/api/v1/stores", json={"name": "Toko \ud83d", "sector": "kuliner"}, headers=headers), 422)
    error_of(client.post("/api/v1/stores", json={"name\udfff": "Toko", "sector": "kuliner"}, headers=headers), 422)
    db.session.expire_all()
    assert product.name == "Batik Tulis Tegalan"


def test_invalid_utf8_in_a_query_or_form_is_answered_not_a_500(app):
    client = app.test_client()
    for url in ("/search?q=%ED%A0%80", "/search?q=%FF%FE", "/api/v1/products?q=%ED%A0%80&city=%FF"):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/login", data=b"email=%ED%A0%80&password=%FF", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (401, 422) and "text/html" in response.content_type


def test_a_nul_or_surrogate_in_a_form_field_gets_a_message(app):
    client = app.test_client()
    response = client.post("/login", data=b"email=a%00b&password=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and "text/html" in response.content_type
    assert "Isian ini berisi karakter yang tidak dapat disimpan: email." in response.get_data(as_text=True)
    # a surrogate's bytes in a form are not UTF-8: read as U+FFFD, the sign-in simply fails
    body = "email=a\ud800b&password=x".encode("utf-8", "surrogatepass")
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (401, 422) and "text/html" in response.content_type


def test_a_nul_in_the_bearer_token_is_refused(app):
    response = app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer \x00abc"})
    assert response.status_code in (401, 422)
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


# --- ids outside the database's integer range ---------------------------------------------------------


@pytest.fixture
def insured(app):
    owner = gen_user("sari@test.id", role="seller")
    agency = gen_user("petugas@disnakerin.test", role="agency")
    store = gen_store(owner, name="Batik Sari")
    policy = grant(agency, store, "warungku")
    return {
        "policy": policy,
        "seller": token_of(app.test_client(), "sari@test.id"),
        "agency": token_of(app.test_client(), "petugas@disnakerin.test"),
    }


@pytest.mark.parametrize("ref", ["99999999999999999999999", str(2**31), str(2**63), "9" * 5000])
def test_a_policy_id_beyond_the_column_is_a_404(app, insured, ref):
    response = app.test_client().get(f"/api/v1/insurance/policies/{ref}", headers=insured["agency"])
    assert error_of(response, 404)["code"] == "not_found"


def test_the_policy_is_still_found_by_id_and_number(app, insured):
    policy = insured["policy"]
    for ref in (str(policy.id), policy.number):
        assert app.test_client().get(f"/api/v1/insurance/policies/{ref}", headers=insured["agency"]).status_code == 200


@pytest.mark.parametrize("policy", ["9" * 30, 10**30, 2**31, -1, True, 1.5, ["1"]])
def test_a_claim_on_a_policy_id_no_column_holds_is_a_422(app, insured, policy):
    response = app.test_client().post(
        "/api/v1/insurance/claims",
        headers=insured["seller"],
        json={
            "policy": policy,
            "incident_date": "2026-12-01",
            "cause": "petir",
            "description": "Petir menyambar etalase toko.",
            "amount": 100_000,
        },
    )
    assert "policy" in error_of(response, 422)["fields"]


@pytest.mark.parametrize("variant_id", [2**31, 10**30, "9" * 30, "\u00b2", True, 1.5])
def test_a_cart_line_for_a_variant_id_no_column_holds_is_a_422(app, variant_id):
    gen_user("siti@test.id")
    db.session.commit()
    response = app.test_client().post(
        "/api/v1/cart/items",
        json={"variant_id": variant_id, "quantity": 1},
        headers=token_of(app.test_client(), "siti@test.id"),
    )
    assert "variant_id" in error_of(response, 422)["fields"]


# --- values of the wrong JSON type --------------------------------------------------------------------


@pytest.mark.parametrize(
    "field,value",
    [
        ("payment_method", ["cash_on_delivery"]),
        ("payment_method", {"id": "cash_on_delivery"}),
        ("payment_method", True),
        ("shipping", ["Siti"]),
        ("shipping", "Jl. Merdeka"),
        ("extras", "order_protection"),
        ("extras", [["order_protection"]]),
        ("idempotency_key", 12345),
        ("cart_version", {"v": 1}),
    ],
)
def test_a_checkout_field_of_the_wrong_type_is_a_422_naming_it_and_reserves_nothing(app, field, value):
    shopper = gen_user("siti@test.id")
    variant = gen_listing(stock=5)
    fill_cart(shopper, (variant, 2))
    body = {"payment_method": "cash_on_delivery", "shipping": SHIPPING, field: value}
    response = app.test_client().post(
        "/api/v1/checkout", json=body, headers=token_of(app.test_client(), "siti@test.id")
    )
    assert field in error_of(response, 422)["fields"]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    db.session.expire_all()
    assert variant.stock == 5


@pytest.mark.parametrize(
    "body",
    [{"status": "processing", "tracking_number": {}}, {"status": ["processing"]}, {"status": "shipped", "courier": 7}],
)
def test_an_order_status_field_of_the_wrong_type_is_a_422(app, body):
    shopper = gen_user("siti@test.id")
    owner = gen_user("sari@test.id", role="seller")
    variant = gen_listing(store=gen_store(owner))
    order = buy(shopper, (variant, 1)).orders[0]
    before = order.status
    response = app.test_client().post(
        f"/api/v1/seller/orders/{order.number}/status", json=body, headers=token_of(app.test_client(), "sari@test.id")
    )
    error_of(response, 422)
    db.session.expire_all()
    assert order.status == before


# --- dates at the edges ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,field",
    [
        ("from=0001-01-01&to=9999-12-31", "from"),
        ("to=9999-12-31", "to"),
        ("from=0001-01-01", "from"),
        ("from=1999-12-31", "from"),
        ("to=2101-01-01", "to"),
    ],
)
def test_a_sales_report_at_the_edges_of_the_calendar_is_a_422(app, query, field):
    gen_user("petugas@disnakerin.test", role="agency")
    db.session.commit()
    headers = token_of(app.test_client(), "petugas@disnakerin.test")
    response = app.test_client().get(f"/api/v1/agency/reports/sales?{query}", headers=headers)
    assert field in error_of(response, 422)["fields"]
    page = app.test_client()
    page.post("/login", data={"email": "petugas@disnakerin.test", "password": PASSWORD})
    assert page.get(f"/agency/reports?{query}").status_code in (200, 422)
    assert page.get(f"/agency/reports/sales.csv?{query}").status_code in (200, 422)


def test_a_sales_report_of_ordinary_dates_still_works(app):
    gen_user("petugas@disnakerin.test", role="agency")
    db.session.commit()
    headers = token_of(app.test_client(), "petugas@disnakerin.test")
    response = app.test_client().get("/api/v1/agency/reports/sales?from=2026-01-01&to=2026-12-31", headers=headers)
    assert response.status_code == 200 and response.get_json()["from"] == "2026-01-01"


@pytest.mark.parametrize(
    "starts,ends", [("0001-01-01", "2026-12-31"), ("2026-12-01", "9999-12-31T23:59:59"), ("2026-12-01", "9999-12-31")]
)
def test_an_expo_at_the_edges_of_the_calendar_is_a_422(app, starts, ends):
    gen_user("petugas@disnakerin.test", role="agency")
    db.session.commit()
    response = app.test_client().post(
        "/api/v1/expos",
        headers=token_of(app.test_client(), "petugas@disnakerin.test"),
        json={"slug": "ujung", "name": "Expo Ujung", "starts_at": starts, "ends_at": ends},
    )
    error_of(response, 422)


def test_an_upload_named_with_a_nul_is_a_422_and_with_bytes_not_utf8_is_no_500(app):
    from io import BytesIO

    from tests.factories import image_bytes

    owner = gen_user("sari@test.id", role="seller")
    product = gen_product(gen_store(owner), name="Batik Tulis Tegalan")
    db.session.commit()
    client = app.test_client()
    headers = token_of(client, "sari@test.id")
    url = f"/api/v1/products/{product.id}/images"
    response = client.post(
        url,
        headers=headers,
        content_type="multipart/form-data",
        data={"photo": (BytesIO(image_bytes().getvalue()), "foto\x00.jpg")},
    )
    assert error_of(response, 422)["fields"] == {"photo": "Tidak boleh berisi karakter NUL."}
    # a surrogate's UTF-8 bytes (ED A0 80) in the file name: taken (as U+FFFD) or refused, never a 500
    body = (
        b'--b\r\nContent-Disposition: form-data; name="photo"; filename="foto\xed\xa0\x80.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + image_bytes().getvalue() + b"\r\n--b--\r\n"
    )
    response = client.post(url, headers=headers, data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:200]


def test_the_payout_form_refuses_a_store_no_column_holds_and_a_year_one_transfer(app):
    agency = gen_user("petugas@disnakerin.test", role="agency")
    store = gen_store(gen_user("sari@test.id", role="seller"))
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": agency.email, "password": PASSWORD})
    form = {"store": str(store.id), "amount": "1000", "bank_reference": "BRI-1", "paid_on": "2026-11-28"}
    for bad in ({"store": "9" * 30}, {"store": "-" + "9" * 30}, {"paid_on": "0001-01-01"}, {"paid_on": "9999-12-31"}):
        response = client.post("/finance/payouts", data={**form, **bad})
        assert response.status_code == 422, (bad, response.status_code)
    assert "Tahun harus antara 2000 dan 2100." in response.get_data(as_text=True)
