"""Each named checkout step on its own, then the whole: all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.cart import services as carts
from marketplace.catalog import services as catalog
from marketplace.catalog import stock
from marketplace.checkout import services as checkout
from marketplace.checkout.models import Checkout
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from marketplace.orders.models import Order, OrderLine
from marketplace.payments.models import Payment
from marketplace.payments.services import NoPaymentMethod
from marketplace.stores import services as stores
from tests.buying_factories import (
    SHIPPING,
    buy,
    fill_cart,
    gen_listing,
    gen_shopper,
    place,
    stock_of,
)

# fixtures, taken by the tests below as parameters of the same name
from tests.buying_factories import cod_app as cod_app
from tests.factories import gen_store


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- validate shipping ---------------------------------------------------------------------


def test_shipping_address_is_cleaned_and_the_phone_normalised(cod_app):
    address = checkout.validate_shipping({**SHIPPING, "name": "  Siti Aminah "})
    assert address == {
        "name": "Siti Aminah",
        "phone": "+6281234567890",
        "address": SHIPPING["address"],
        "city": "Kota Tegal",
        "postal_code": "52131",
    }


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", ""),
        ("phone", "12"),
        ("phone", "bukan nomor"),
        ("address", "Jl."),
        ("city", " "),
        ("postal_code", "5213"),
        ("postal_code", "05213"),
        ("postal_code", "abcde"),
        ("postal_code", None),
    ],
)
def test_a_bad_shipping_field_is_named(cod_app, field, value):
    with pytest.raises(ValidationError) as exc:
        checkout.validate_shipping({**SHIPPING, field: value})
    assert list(exc.value.fields) == [f"shipping.{field}"]


def test_shipping_must_be_an_object(cod_app):
    with pytest.raises(ValidationError) as exc:
        checkout.validate_shipping("Jl. Mawar 1")
    assert {"shipping.name", "shipping.phone", "shipping.postal_code"} <= set(exc.value.fields)


# --- idempotency key --------------------------------------------------------------------------


def test_idempotency_key_is_checked_or_made_up(cod_app):
    assert checkout.clean_idempotency_key("order-2026-11-27-abc") == "order-2026-11-27-abc"
    assert len(checkout.clean_idempotency_key(None)) >= 16
    for bad in ("short", "x" * 101, "spaces are bad", "<script>alert(1)</script>"):
        with pytest.raises(ValidationError):
            checkout.clean_idempotency_key(bad)


# --- validate cart -----------------------------------------------------------------------------


def test_an_empty_cart_cannot_be_checked_out(cod_app):
    with pytest.raises(Conflict) as exc:
        checkout.validate_cart(gen_shopper())
    assert "kosong" in exc.value.message


def test_a_cart_changed_since_the_shopper_saw_it_is_refused(cod_app):
    shopper = gen_shopper()
    variant = gen_listing(price=25000)
    fill_cart(shopper, (variant, 1))
    seen = carts.view(carts.find_cart(shopper)).version
    assert checkout.validate_cart(shopper, seen)[1].version == seen
    catalog.update_variant(variant, None, {"price": 27000})  # the seller raises the price meanwhile
    db.session.commit()
    with pytest.raises(checkout.CartChanged) as exc:
        checkout.validate_cart(shopper, seen)
    assert "berubah" in exc.value.message


def test_a_cart_with_a_suspended_store_or_archived_product_is_refused(cod_app):
    shopper = gen_shopper()
    store = gen_store()
    suspended = gen_listing(store=store, name="Sambal Roa")
    archived = gen_listing(name="Kerupuk Kulit")
    fill_cart(shopper, (suspended, 1), (archived, 1))
    stores.set_status(store, None, "suspended", "NIB tidak valid")
    catalog.set_product_status(catalog.get_product(archived.product_id), None, "archived")
    db.session.commit()
    with pytest.raises(checkout.CartChanged) as exc:
        checkout.validate_cart(shopper)
    assert "Sambal Roa" in exc.value.message and "Kerupuk Kulit" in exc.value.message
    assert len(exc.value.fields) == 2


# --- price ----------------------------------------------------------------------------------------


def test_prices_come_from_the_database_one_order_per_store(cod_app):
    shopper = gen_shopper()
    a1 = gen_listing(price=15000)
    a2 = gen_listing(price=7000, store=gen_store(name="Toko A"))
    a3 = gen_listing(price=3000, store=db.session.get(type(gen_store()), a2.store_id), name="Tahu Aci")
    fill_cart(shopper, (a1, 2), (a2, 1), (a3, 3))
    _cart, view = checkout.validate_cart(shopper)
    priced = checkout.price(view)
    assert sorted(p.total for p in priced) == [16000, 30000]
    assert all(
        line.price == stock.variant_facts([line.variant_id])[line.variant_id].price
        for p in priced
        for line in p.group.lines
    )


# --- reserve stock ----------------------------------------------------------------------------------


def test_reserving_takes_stock_atomically(cod_app):
    variant = gen_listing(stock=3)
    assert stock.reserve(variant.id, 2) is True
    assert stock.reserve(variant.id, 2) is False  # only 1 left: nothing changes
    assert stock_of(variant.id) == 1
    with pytest.raises(ValueError):
        stock.reserve(variant.id, 0)


def test_one_short_line_reserves_nothing(cod_app):
    shopper = gen_shopper()
    plenty, scarce = gen_listing(stock=10), gen_listing(stock=5, name="Batik Tulis")
    fill_cart(shopper, (plenty, 4), (scarce, 5))
    _cart, view = checkout.validate_cart(shopper)
    stock.reserve(scarce.id, 2)  # someone else buys two meanwhile
    db.session.commit()
    with pytest.raises(checkout.OutOfStock) as exc:
        checkout.reserve_stock(checkout.price(view))
    assert exc.value.status == 409 and "Batik Tulis" in exc.value.message and "tersisa 3" in exc.value.message
    assert stock_of(plenty.id) == 10 and stock_of(scarce.id) == 3  # put back even before the rollback
    db.session.rollback()
    assert stock_of(plenty.id) == 10 and stock_of(scarce.id) == 3


# --- claim ------------------------------------------------------------------------------------------


def test_claiming_the_same_key_twice_fails_on_the_database(cod_app):
    from marketplace.payments import services as payments

    shopper = gen_shopper()
    method = payments.method_for("cash_on_delivery")
    checkout.claim_submission(shopper, "same-key-123", method)
    db.session.commit()
    with pytest.raises(checkout.AlreadySubmitted):
        checkout.claim_submission(shopper, "same-key-123", method)
    db.session.rollback()


# --- the whole --------------------------------------------------------------------------------------


def test_shopper_buys_from_two_stores_in_one_checkout(cod_app):
    shopper = gen_shopper()
    tea, batik = gen_listing(price=25000, stock=5), gen_listing(price=350000, stock=2, name="Batik Tegalan")
    result = buy(shopper, (tea, 2), (batik, 1))
    assert len(result.orders) == 2 and len({o.store_id for o in result.orders}) == 2
    assert result.payment.amount == 400000 == sum(o.total for o in result.orders)
    assert {o.payment_id for o in result.orders} == {result.payment.id}
    assert all(o.number.startswith("APK-") and o.status == "pending_payment" for o in result.orders)
    assert stock_of(tea.id) == 3 and stock_of(batik.id) == 1
    assert carts.view(carts.find_cart(shopper)).empty
    assert result.start.instructions and "Rp 400.000" in result.start.instructions


def test_order_numbers_are_human_friendly_and_unique(cod_app):
    shopper = gen_shopper()
    numbers = [o.number for _ in range(3) for o in buy(shopper, (gen_listing(), 1)).orders]
    assert len(set(numbers)) == 3
    for number in numbers:
        prefix, yymm, serial = number.split("-")
        assert prefix == "APK" and len(yymm) == 4 and yymm.isdigit() and len(serial) == 6 and serial.isdigit()


def test_orders_snapshot_names_and_prices(cod_app):
    shopper = gen_shopper()
    variant = gen_listing(price=25000, name="Teh Poci")
    order = buy(shopper, (variant, 3)).orders[0]
    catalog.update_variant(variant, None, {"price": 99000, "name": "Jumbo", "sku": "NEW-SKU"})
    catalog.update_product(catalog.get_product(variant.product_id), None, {"name": "Teh Poci Baru"})
    db.session.commit()
    line = db.session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    assert (line.product_name, line.variant_name, line.unit_price, line.quantity, line.line_total) == (
        "Teh Poci",
        "Standar",
        25000,
        3,
        75000,
    )
    assert line.sku != "NEW-SKU"
    assert db.session.get(Order, order.id).total == 75000


def test_a_failing_step_leaves_nothing_behind(cod_app, monkeypatch):
    shopper = gen_shopper()
    ok, short = gen_listing(stock=10), gen_listing(stock=1, name="Kain Tenun")
    fill_cart(shopper, (ok, 3), (short, 1))
    validated = checkout.validate_cart(shopper)  # the cart was fine when validated...
    monkeypatch.setattr(checkout, "validate_cart", lambda user, version=None: validated)
    stock.reserve(short.id, 1)  # ...and another buyer took the last unit before the reservation
    db.session.commit()
    with pytest.raises(checkout.OutOfStock):
        checkout.place_orders(shopper, payment_method="cash_on_delivery", shipping=SHIPPING)
    db.session.rollback()
    assert (_count(Order), _count(Payment), _count(Checkout)) == (0, 0, 0)
    assert stock_of(ok.id) == 10
    assert carts.view(carts.find_cart(shopper)).count == 4


def test_the_same_submission_twice_makes_one_set_of_orders(cod_app):
    shopper = gen_shopper()
    variant = gen_listing(stock=5)
    first = buy(shopper, (variant, 2), idempotency_key="checkout-key-0001")
    again = place(shopper, idempotency_key="checkout-key-0001")
    assert again.replayed and [o.number for o in again.orders] == [o.number for o in first.orders]
    assert again.payment.id == first.payment.id
    assert _count(Order) == 1 and stock_of(variant.id) == 3


def test_no_payment_method_means_no_checkout(make_app):
    app = make_app(plugins="")
    with app.app_context():
        shopper = gen_shopper()
        fill_cart(shopper, (gen_listing(), 1))
        with pytest.raises(NoPaymentMethod):
            checkout.place_orders(shopper, payment_method="cash_on_delivery", shipping=SHIPPING)


def test_an_unknown_payment_method_is_a_field_error(cod_app):
    shopper = gen_shopper()
    fill_cart(shopper, (gen_listing(), 1))
    with pytest.raises(ValidationError) as exc:
        place(shopper, method="bitcoin")
    assert "payment_method" in exc.value.fields
