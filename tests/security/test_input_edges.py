"""Inputs PostgreSQL refuses with an error must be answered as client errors, never 500:
ids beyond an INTEGER column and text with NUL characters (found by schemathesis)."""

from __future__ import annotations

import pytest

from tests.factories import gen_product, gen_store, gen_user

pytestmark = pytest.mark.security

HUGE = 2**31  # one more than an INTEGER column holds


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", f"/api/v1/products/{HUGE}"),
        ("patch", f"/api/v1/products/{HUGE}"),
        ("delete", f"/api/v1/variants/{HUGE}"),
        ("patch", f"/api/v1/variants/{HUGE}"),
        ("delete", f"/api/v1/cart/items/{HUGE}"),
        ("get", f"/api/v1/products/{10**30}"),
    ],
)
def test_an_id_beyond_integer_is_404_whatever_the_method(api, method, path):
    gen_user("siti@test.id")
    token = api.token("siti@test.id")
    response = getattr(api.client, method)(path, json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_cart_line_id_no_line_can_have_is_404(api):
    gen_user("siti@test.id")
    token = api.token("siti@test.id")
    assert api.delete(f"/cart/items/{HUGE - 1}", token=token).status_code == 404


def test_nul_in_a_query_parameter_is_422(api):
    response = api.get("/products?q=batik%00")
    assert response.status_code == 422
    assert "q" in response.get_json()["error"]["fields"]


def test_nul_in_a_json_body_is_422_and_nothing_is_written(api):
    response = api.post("/auth/register", json={"email": "a@test.id", "password": "rahasia123", "name": "Bu\x00di"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"body": "Tidak boleh berisi karakter NUL."}
    assert api.post("/auth/tokens", json={"email": "a@test.id", "password": "rahasia123"}).status_code == 401


def test_nul_in_a_json_key_is_422(api):
    gen_store(gen_user("sari@test.id", role="seller"))
    token = api.token("sari@test.id")
    response = api.post("/stores", json={"name\x00": "x", "sector": "kuliner"}, token=token)
    assert response.status_code == 422


def test_nul_in_a_form_field_is_422(client):
    response = client.post("/login", data={"email": "siti@test.id\x00", "password": "rahasia123"})
    assert response.status_code == 422
    assert "Isian ini berisi karakter yang tidak dapat disimpan: email." in response.get_data(as_text=True)


def test_nul_in_a_path_is_404(api):
    store = gen_store()
    gen_product(store)
    assert api.get("/stores/abc%00def").status_code == 404
    assert api.get(f"/stores/{store.slug}").status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"name": "Toko", "sector": "kuliner", "address": True},
        {"name": 5, "sector": "kuliner"},
        {"name": "Toko", "sector": ["kuliner"]},
        {"name": "Toko", "sector": "kuliner", "whatsapp": 812345},
    ],
)
def test_a_store_field_that_is_not_text_is_422(api, body):
    gen_user("sari@test.id", role="seller")
    token = api.token("sari@test.id")
    response = api.post("/stores", json=body, token=token)
    assert response.status_code == 422, response.get_data(as_text=True)


@pytest.mark.parametrize(
    "body",
    [
        {"email": 5, "password": "rahasia123", "name": "Budi"},
        {"email": "b@test.id", "password": 12345678, "name": "Budi"},
        {"email": "b@test.id", "password": "rahasia123", "name": ["Budi"]},
    ],
)
def test_registration_fields_that_are_not_text_are_422(api, body):
    assert api.post("/auth/register", json=body).status_code == 422


def test_credentials_that_are_not_text_are_refused(api, client):
    gen_user("siti@test.id")
    assert api.post("/auth/tokens", json={"email": ["siti@test.id"], "password": "rahasia123"}).status_code in (
        401,
        422,
    )
    assert api.post("/auth/tokens", json={"email": "siti@test.id", "password": 12345678}).status_code in (401, 422)
    from marketplace.accounts import services
    from marketplace.errors import Unauthorized

    for email, password in ((["siti@test.id"], "rahasia123"), ("siti@test.id", 12345678)):
        with pytest.raises(Unauthorized):
            services.authenticate(email, password)
