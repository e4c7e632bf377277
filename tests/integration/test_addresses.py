"""The address book's rules: validation of Indonesian addresses, one default, the cap, snapshots."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.shipping import addresses
from marketplace.shipping.addresses import Address
from tests.factories import gen_user

JAKARTA = {
    "label": "Rumah",
    "recipient": "Siti Aminah",
    "phone": "0812-3456-7890",
    "district_code": "31.74.07",
    "street": "Jl. Wijaya I No. 12, RT 03/RW 04",
    "postal_code": "12170",
}
TEGAL = {
    "label": "Kantor",
    "recipient": "Siti Aminah",
    "phone": "081234567891",
    "province_code": "33",
    "regency_code": "33.76",
    "district_code": "33.76.02",
    "village_code": "33.76.02.1001",
    "street": "Jl. Kapten Sudibyo No. 5",
    "postal_code": "52131",
}


def test_a_district_alone_fills_the_province_and_regency():
    values = addresses.validate(JAKARTA)
    assert values["province_code"] == "31" and values["regency_code"] == "31.74"
    assert values["village_code"] is None
    assert values["phone"] == "+6281234567890"
    assert values["street"] == "Jl. Wijaya I No. 12, RT 03/RW 04"


def test_a_village_alone_is_enough_to_place_the_address():
    values = addresses.validate({**JAKARTA, "district_code": None, "village_code": "33.76.02.1001"})
    assert (values["district_code"], values["village_code"]) == ("33.76.02", "33.76.02.1001")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"province_code": "32"}, "province_code"),
        ({"regency_code": "31.71"}, "regency_code"),
        ({"district_code": "31.74.99"}, "district_code"),
        ({"district_code": "31.74"}, "district_code"),
        ({"district_code": None}, "district_code"),
        ({"district_code": 317407}, "district_code"),
        ({"village_code": "33.76.02.1001"}, "village_code"),
        ({"village_code": "31.74.07.9999"}, "village_code"),
        ({"recipient": "  "}, "recipient"),
        ({"recipient": "x" * 121}, "recipient"),
        ({"phone": "12"}, "phone"),
        ({"phone": 812345}, "phone"),
        ({"street": "Jl. A"}, "street"),
        ({"street": ["Jl. Wijaya"]}, "street"),
        ({"postal_code": "1217"}, "postal_code"),
        ({"postal_code": "02170"}, "postal_code"),
        ({"postal_code": True}, "postal_code"),
        ({"label": "x" * 41}, "label"),
    ],
)
def test_bad_or_inconsistent_fields_are_named(change, field):
    with pytest.raises(ValidationError) as caught:
        addresses.validate({**JAKARTA, **change})
    assert field in caught.value.fields


def test_nothing_valid_names_every_required_field():
    with pytest.raises(ValidationError) as caught:
        addresses.validate("not a dict")
    assert set(caught.value.fields) == {"recipient", "phone", "district_code", "street", "postal_code"}


def test_the_first_address_is_the_default_and_the_book_lists_default_then_last_used(app):
    user = gen_user()
    home = addresses.create(user, JAKARTA)
    office = addresses.create(user, TEGAL)
    third = addresses.create(user, {**TEGAL, "label": "Gudang"})
    db.session.commit()
    assert home.is_default and not office.is_default
    assert [a.id for a in addresses.list_for(user)] == [home.id, third.id, office.id]

    addresses.mark_used(office)
    db.session.commit()
    assert [a.id for a in addresses.list_for(user)] == [home.id, office.id, third.id]


def test_making_another_default_leaves_exactly_one(app):
    user = gen_user()
    home = addresses.create(user, JAKARTA)
    office = addresses.create(user, TEGAL)
    addresses.set_default(user, office.id)
    db.session.commit()
    db.session.expire_all()
    assert [a.id for a in db.session.scalars(select(Address).where(Address.is_default))] == [office.id]
    assert addresses.default_for(user).id == office.id
    assert not db.session.get(Address, home.id).is_default


def test_a_new_address_sent_as_default_becomes_it(app):
    user = gen_user()
    addresses.create(user, JAKARTA)
    office = addresses.create(user, {**TEGAL, "is_default": True})
    db.session.commit()
    assert addresses.default_for(user).id == office.id


def test_deleting_the_default_promotes_the_next(app):
    user = gen_user()
    home = addresses.create(user, JAKARTA)
    office = addresses.create(user, TEGAL)
    addresses.delete(user, home.id)
    db.session.commit()
    assert addresses.default_for(user).id == office.id
    addresses.delete(user, office.id)
    db.session.commit()
    assert addresses.default_for(user) is None and addresses.list_for(user) == []


def test_the_book_holds_twenty_addresses(app):
    user = gen_user()
    for n in range(addresses.MAX_ADDRESSES):
        addresses.create(user, {**JAKARTA, "label": f"Alamat {n}"})
    db.session.commit()
    with pytest.raises(Conflict) as caught:
        addresses.create(user, JAKARTA)
    assert "20" in caught.value.message


def test_another_users_address_is_not_found(app):
    owner, other = gen_user(), gen_user()
    home = addresses.create(owner, JAKARTA)
    db.session.commit()
    for call in (
        lambda: addresses.get_for(other, home.id),
        lambda: addresses.update(other, home.id, {"label": "Punyaku"}),
        lambda: addresses.delete(other, home.id),
        lambda: addresses.set_default(other, home.id),
        lambda: addresses.get_for(owner, "1"),
        lambda: addresses.get_for(owner, 2**40),
    ):
        with pytest.raises(NotFound):
            call()


def test_a_partial_update_keeps_the_rest_and_a_new_district_drops_the_old_village(app):
    user = gen_user()
    office = addresses.create(user, TEGAL)
    addresses.update(user, office.id, {"label": "Toko"})
    assert (office.label, office.village_code) == ("Toko", "33.76.02.1001")
    addresses.update(user, office.id, {"district_code": "33.76.01", "postal_code": "52111"})
    db.session.commit()
    assert (office.regency_code, office.district_code, office.village_code) == ("33.76", "33.76.01", None)
    with pytest.raises(ValidationError) as caught:
        addresses.update(user, office.id, {"is_default": False})
    assert "is_default" in caught.value.fields


def test_default_for_is_one_statement(app, count_queries):
    user = gen_user()
    addresses.create(user, JAKARTA)
    db.session.commit()
    db.session.expire_all()
    assert user.id  # the signed-in user is loaded before the page asks
    with count_queries() as q:
        assert addresses.default_for(user).district_code == "31.74.07"
    assert q.count == 1


def test_the_snapshot_is_what_an_order_keeps(app):
    user = gen_user()
    office = addresses.create(user, TEGAL)
    expected = {
        "name": "Siti Aminah",
        "phone": "+6281234567891",
        "address": "Jl. Kapten Sudibyo No. 5, Kejambon",
        "city": "Kota Tegal",
        "postal_code": "52131",
        "region_code": "33.76.02",
        "province": "Jawa Tengah",
        "district": "Tegal Timur",
        "village": "Kejambon",
    }
    assert addresses.snapshot(office) == expected
    assert addresses.snapshot(addresses.validate(TEGAL)) == expected
    assert addresses.snapshot(addresses.validate(JAKARTA))["address"] == JAKARTA["street"]
