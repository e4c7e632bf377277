"""Cart rules: quantities, what can be added, the store-grouped view, the merge at sign-in."""

from __future__ import annotations

import pytest

from marketplace.cart import services as carts
from marketplace.cart.models import MAX_LINE_QUANTITY
from marketplace.catalog import services as catalog
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.buying_factories import cod_app, fill_cart, gen_listing, gen_shopper  # noqa: F401
from tests.factories import gen_product, gen_store


@pytest.mark.parametrize("quantity", [0, -1, -999, 1000, 10**12, "abc", "", " ", "1.5", 1.5, True, None, "1e3", [1]])
def test_bad_quantities_are_refused_clearly(cod_app, quantity):
    cart = carts.get_or_create_cart(gen_shopper())
    variant = gen_listing(stock=50)
    with pytest.raises(ValidationError) as exc:
        carts.add_item(cart, variant.id, quantity)
    assert "quantity" in exc.value.fields and "1 sampai 999" in exc.value.fields["quantity"]
    db.session.rollback()
    assert carts.view(carts.find_cart(gen_shopper())).empty


@pytest.mark.parametrize(
    "quantity,expected", [(1, 1), ("7", 7), (" 3 ", 3), (2.0, 2), (MAX_LINE_QUANTITY, MAX_LINE_QUANTITY)]
)
def test_good_quantities(cod_app, quantity, expected):
    cart = carts.get_or_create_cart(gen_shopper())
    assert carts.add_item(cart, gen_listing(stock=1000).id, quantity).quantity == expected


def test_adding_again_adds_up_but_not_beyond_the_stock(cod_app):
    cart = carts.get_or_create_cart(gen_shopper())
    variant = gen_listing(stock=5)
    carts.add_item(cart, variant.id, 2)
    assert carts.add_item(cart, variant.id, 3).quantity == 5
    with pytest.raises(Conflict) as exc:
        carts.add_item(cart, variant.id, 1)
    assert "tinggal 5" in exc.value.message


def test_a_sold_out_variant_cannot_be_added(cod_app):
    cart = carts.get_or_create_cart(gen_shopper())
    with pytest.raises(Conflict) as exc:
        carts.add_item(cart, gen_listing(stock=0).id, 1)
    assert "habis" in exc.value.message


def test_unknown_variant_is_not_found(cod_app):
    cart = carts.get_or_create_cart(gen_shopper())
    with pytest.raises(NotFound):
        carts.add_item(cart, 987654, 1)
    with pytest.raises(ValidationError):
        carts.add_item(cart, "abc", 1)


def test_variants_of_suspended_stores_archived_or_draft_products_are_not_sold(cod_app):
    cart = carts.get_or_create_cart(gen_shopper())
    store = gen_store()
    of_suspended = gen_listing(store=store)
    stores.set_status(store, None, "suspended", "Dokumen tidak lengkap")
    archived = gen_listing()
    catalog.set_product_status(catalog.get_product(archived.product_id), None, "archived")
    pending = gen_listing(store=gen_store(approved=False))
    draft = gen_product(gen_store(), status="draft", category=None)
    db.session.commit()
    from tests.buying_factories import variant_of

    for variant in (of_suspended, archived, pending, variant_of(draft)):
        with pytest.raises(Conflict) as exc:
            carts.add_item(cart, variant.id, 1)
        assert "tidak dijual" in exc.value.message


def test_the_view_groups_lines_by_store_with_subtotals_and_flags_problems(cod_app):
    shopper = gen_shopper()
    store_a, store_b = gen_store(name="Batik Sari"), gen_store(name="Aneka Logam")
    a1, a2 = (
        gen_listing(price=100000, store=store_a, name="Kain"),
        gen_listing(price=50000, store=store_a, name="Selendang"),
    )
    b1 = gen_listing(price=30000, store=store_b, stock=2, name="Pisau")
    fill_cart(shopper, (a1, 1), (a2, 2), (b1, 2))
    view = carts.view(carts.find_cart(shopper))
    assert [(g.store_name, g.subtotal) for g in view.groups] == [("Aneka Logam", 60000), ("Batik Sari", 200000)]
    assert view.total == 260000 and view.count == 5 and not view.problems
    catalog.update_variant(b1, None, {"stock": 1})
    db.session.commit()
    view = carts.view(carts.find_cart(shopper))
    assert list(view.problems.values()) == ["Stok Pisau tinggal 1; kurangi jumlahnya."]


def test_the_version_moves_with_price_quantity_and_availability(cod_app):
    shopper = gen_shopper()
    variant = gen_listing(price=10000, stock=5)
    fill_cart(shopper, (variant, 2))
    cart = carts.find_cart(shopper)
    first = carts.view(cart).version
    assert carts.view(cart).version == first
    catalog.update_variant(variant, None, {"stock": 4})  # still enough: same version
    assert carts.view(cart).version == first
    catalog.update_variant(variant, None, {"price": 11000})
    assert carts.view(cart).version != first


def test_quantity_can_be_lowered_even_when_stock_fell(cod_app):
    shopper = gen_shopper()
    variant = gen_listing(stock=5)
    fill_cart(shopper, (variant, 5))
    catalog.update_variant(variant, None, {"stock": 2})
    cart = carts.find_cart(shopper)
    item = carts.view(cart).lines[0]
    assert carts.set_quantity(cart, item.item_id, 2).quantity == 2
    with pytest.raises(Conflict):
        carts.set_quantity(cart, item.item_id, 3)


def test_a_line_of_another_cart_is_not_found(cod_app):
    mine, theirs = gen_shopper(), gen_shopper()
    fill_cart(theirs, (gen_listing(), 1))
    their_item = carts.view(carts.find_cart(theirs)).lines[0].item_id
    my_cart = carts.get_or_create_cart(mine)
    with pytest.raises(NotFound):
        carts.set_quantity(my_cart, their_item, 2)
    with pytest.raises(NotFound):
        carts.remove_item(my_cart, their_item)


def test_the_anonymous_cart_merges_into_the_users_at_sign_in(cod_app):
    shopper = gen_shopper()
    tea, batik = gen_listing(stock=20), gen_listing(stock=20, name="Batik")
    fill_cart(shopper, (tea, 2))
    token = carts.new_token()
    anonymous = carts.get_or_create_cart(None, token)
    carts.add_item(anonymous, tea.id, 3)
    carts.add_item(anonymous, batik.id, 1)
    db.session.commit()
    carts.merge_anonymous_cart(token, shopper)
    db.session.commit()
    view = carts.view(carts.find_cart(shopper))
    assert sorted((line.facts.product_name, line.quantity) for line in view.lines) == [
        ("Batik", 1),
        ("Teh Poci Gula Batu", 5),
    ]
    assert carts.find_cart(None, token) is None
    assert carts.item_count(shopper) == 6 and carts.item_count(None, token) == 0
