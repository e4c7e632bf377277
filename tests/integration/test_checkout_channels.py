"""Issue #19: the shopper picks the bank or wallet of a method with channels, by the API and on
the checkout page; the payment keeps it and the method's start() reads it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.checkout.models import Checkout
from marketplace.extensions import db
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from tests.buying_factories import SHIPPING, cod_app, fill_cart, gen_listing, stock_of  # noqa: F401
from tests.channels_support import METHOD_ID, va  # noqa: F401
from tests.conftest import ApiClient
from tests.factories import gen_user

CHOICES = "BCA, BNI, BRI, Mandiri, Permata"


@pytest.fixture
def api(cod_app, va):
    return ApiClient(cod_app.test_client())


@pytest.fixture
def shopper(api):
    user = gen_user("siti@test.id", name="Siti Aminah")
    token = api.token("siti@test.id")
    return user, token


@pytest.fixture
def tea(shopper):
    variant = gen_listing(price=25000, stock=5)
    fill_cart(shopper[0], (variant, 2))
    return variant


def _checkout(api, token, **body):
    body.setdefault("shipping", SHIPPING)
    return api.post("/checkout", body, token=token)


def _nothing_written(variant) -> None:
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 0
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 0
    assert stock_of(variant.id) == 5


def test_the_payment_methods_api_lists_each_methods_channels(api):
    items = {item["id"]: item for item in api.get("/payment-methods").get_json()["items"]}
    assert items[METHOD_ID]["channels"] == [
        {"id": "BCA", "name": "BCA"},
        {"id": "BNI", "name": "BNI"},
        {"id": "BRI", "name": "BRI"},
        {"id": "MANDIRI", "name": "Mandiri"},
        {"id": "PERMATA", "name": "Permata"},
    ]
    assert items["cash_on_delivery"]["channels"] == []
    assert (items[METHOD_ID]["group"], items["cash_on_delivery"]["group"]) == ("virtual_account", "cod")


def test_the_chosen_bank_is_stored_and_start_reads_it(api, shopper, tea, va):
    response = _checkout(api, shopper[1], payment_method=METHOD_ID, payment_channel="BRI")
    assert response.status_code == 201, response.get_json()
    payment = response.get_json()["payment"]
    assert (payment["method"], payment["channel"]) == (METHOD_ID, "BRI")
    assert payment["redirect_url"] == f"/fake-va/{payment['id']}"
    assert va.method.started == [(payment["id"], "BRI")]
    db.session.rollback()
    assert db.session.get(Payment, payment["id"]).channel == "BRI"
    assert stock_of(tea.id) == 3


@pytest.mark.parametrize("channel", [None, "", "XYZ", "bca", "OVO"])
def test_a_method_with_channels_needs_one_of_them_and_nothing_is_reserved(api, shopper, tea, va, channel):
    body = {"payment_method": METHOD_ID}
    if channel is not None:
        body["payment_channel"] = channel
    response = _checkout(api, shopper[1], **body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert CHOICES in error["fields"]["payment_channel"]
    assert error["fields"]["payment_channel"].startswith("Pilih salah satu untuk Virtual Account uji")
    assert va.method.started == []
    _nothing_written(tea)


def test_a_channel_for_a_method_without_channels_is_refused(api, shopper, tea):
    response = _checkout(api, shopper[1], payment_method="cash_on_delivery", payment_channel="BCA")
    assert response.status_code == 422
    assert "tidak memakai pilihan bank" in response.get_json()["error"]["fields"]["payment_channel"]
    _nothing_written(tea)


def test_a_channel_that_is_not_text_is_refused(api, shopper, tea):
    response = _checkout(api, shopper[1], payment_method=METHOD_ID, payment_channel=14)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"payment_channel": "Harus teks."}
    _nothing_written(tea)


def test_methods_without_channels_check_out_as_before(api, shopper, tea):
    response = _checkout(api, shopper[1], payment_method="cash_on_delivery")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["payment"]["channel"] is None


def test_the_openapi_document_describes_the_channel(api):
    schemas = api.get("/openapi.json").get_json()["components"]["schemas"]
    assert "payment_channel" in schemas["CheckoutInput"]["properties"]
    assert "payment_channel" not in schemas["CheckoutInput"].get("required", [])
    assert "channel" in schemas["Payment"]["properties"]
    channels = schemas["Offer"]["properties"]["channels"]
    assert channels["items"]["required"] == ["id", "name"]


def test_a_repeated_submission_answers_with_the_first_channel(api, shopper, tea, va):
    headers = {"Idempotency-Key": "channels-key-0001"}
    first = api.post(
        "/checkout",
        {"payment_method": METHOD_ID, "payment_channel": "BCA", "shipping": SHIPPING},
        token=shopper[1],
        headers=headers,
    )
    again = api.post(
        "/checkout",
        {"payment_method": METHOD_ID, "payment_channel": "BCA", "shipping": SHIPPING},
        token=shopper[1],
        headers=dict(headers),
    )
    assert first.status_code == again.status_code == 201
    assert again.get_json()["payment"]["channel"] == "BCA" and again.headers.get("Idempotent-Replayed") == "true"
    assert len(va.method.started) == 1
