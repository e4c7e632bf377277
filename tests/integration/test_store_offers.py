"""What a store offers for shipping: its settings' rules, and offers_for as checkout reads it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from marketplace.audit import AuditLog
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.shipping import offer_settings
from marketplace.shipping.offers import LocalOffer, offers_for
from marketplace.shipping.store_models import StoreLocalRate, StoreShipping
from tests.factories import gen_store, gen_user
from tests.sql_count import counting

TEGAL = {"33.76.01": 10_000, "33.76.02": 8_000, "33.76.03": 12_000, "33.76.04": 15_000}

SETTINGS = {
    "origin": {"district_code": "33.76.03", "postal_code": "52111", "address": "Jl. Kapten Sudibyo 12"},
    "pickup": {
        "enabled": True,
        "place": "booth",
        "address": "Stand B-07, GOR Wisanggeni",
        "hours": "Setiap hari 09.00–21.00",
        "instructions": "Sebutkan nomor pesanan.",
    },
    "local": {
        "enabled": True,
        "prices": [{"district_code": c, "price": p} for c, p in TEGAL.items()],
        "free_above": 150_000,
        "etd_days": [0, 1],
    },
    "couriers": {"enabled": True, "services": {"jne": ["yes", "reg"], "jnt": ["ez"]}},
}


@pytest.fixture
def seller(app):
    owner = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    return owner, gen_store(owner, name="Batik Sari", city="Kota Tegal", address="Jl. Kapten Sudibyo 12")


def statements(call):
    with counting() as seen:
        return call(), seen


def save(store, actor, raw=SETTINGS):
    answer = offer_settings.update_settings(store, raw, actor)
    db.session.commit()
    return answer


def test_a_store_sets_origin_pickup_local_delivery_and_couriers_and_reads_them_back(seller):
    owner, store = seller
    answer = save(store, owner)

    assert answer == offer_settings.get_settings(store)
    assert answer["origin"] == {
        "district_code": "33.76.03",
        "postal_code": "52111",
        "address": "Jl. Kapten Sudibyo 12",
        "label": "Tegal Selatan, Kota Tegal, Jawa Tengah",
    }
    assert answer["pickup"]["cod"] is True and answer["local"]["cod"] is True and answer["couriers"]["cod"] is False
    assert [(p["district_code"], p["name"], p["price"]) for p in answer["local"]["prices"]] == [
        ("33.76.01", "Tegal Barat", 10_000),
        ("33.76.02", "Tegal Timur", 8_000),
        ("33.76.03", "Tegal Selatan", 12_000),
        ("33.76.04", "Margadana", 15_000),
    ]
    assert answer["couriers"]["services"] == {"jne": ["reg", "yes"], "jnt": ["ez"]}  # the catalogue's order
    assert answer["configured"] is True
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "store.shipping_updated"))
    assert (row.actor_id, row.on_behalf_of_store_id, json.loads(row.data)["sections"]) == (
        owner.id,
        store.id,
        ["couriers", "local", "origin", "pickup"],
    )


def test_a_section_left_out_keeps_its_values_and_prices_given_replace_the_list(seller):
    owner, store = seller
    save(store, owner)
    answer = save(store, owner, {"local": {"prices": [{"district_code": "33.76.02", "price": 5000}]}})

    assert [(p["district_code"], p["price"]) for p in answer["local"]["prices"]] == [("33.76.02", 5000)]
    assert answer["pickup"]["address"] == "Stand B-07, GOR Wisanggeni"
    assert answer["local"]["free_above"] == 150_000


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"origin": {"district_code": "33.76"}}, "origin_district_code"),  # a city, not a district
        ({"origin": {"district_code": "99.99.99"}}, "origin_district_code"),
        ({"origin": {"postal_code": "5211"}}, "origin_postal_code"),
        ({"local": {"prices": [{"district_code": "31.71.01", "price": 9000}]}}, "local.prices.31.71.01"),
        ({"local": {"prices": [{"district_code": "33.76.01", "price": -1}]}}, "local.prices.33.76.01"),
        ({"local": {"prices": {"33.76.01": "sepuluh"}}}, "local.prices.33.76.01"),
        ({"local": {"prices": "33.76.01"}}, "local.prices"),
        ({"local": {"free_above": 0}}, "local.free_above"),
        ({"local": {"etd_days": [3, 1]}}, "local.etd_days"),
        ({"local": {"enabled": "ya"}}, "local.enabled"),
        ({"couriers": {"services": {"tiki": ["reg"]}}}, "couriers.tiki"),
        ({"couriers": {"services": {"jne": ["kilat"]}}}, "couriers.jne"),
        ({"couriers": {"services": {}}}, "couriers.services"),
        ({"pickup": {"place": "rumah"}}, "pickup.place"),
        ({"pickup": {"address": "  "}}, "pickup.address"),
        ({"pickup": {"hours": "x" * 121}}, "pickup.hours"),
        ({"pickup": {"enabled": False}, "local": {"enabled": False}, "couriers": {"enabled": False}}, "methods"),
        ({"courier": {}}, "courier"),
    ],
)
def test_bad_settings_name_the_field_and_change_nothing(seller, raw, field):
    owner, store = seller
    save(store, owner)
    before = offer_settings.get_settings(store)

    with pytest.raises(ValidationError) as caught:
        offer_settings.update_settings(store, raw, owner)
    db.session.rollback()

    assert field in caught.value.fields
    assert offer_settings.get_settings(store) == before
    shipping_rows = select(func.count()).where(AuditLog.action == "store.shipping_updated")
    assert db.session.scalar(shipping_rows) == 1  # the first save only


def test_local_delivery_and_couriers_need_an_origin_and_every_bad_field_is_named_at_once(seller):
    owner, store = seller
    raw = {
        "local": {"enabled": True, "prices": [{"district_code": "33.76.01", "price": 8000}]},
        "couriers": {"enabled": True, "services": {"jne": ["reg"], "tiki": ["reg"]}},
        "pickup": {"place": "rumah"},
    }
    with pytest.raises(ValidationError) as caught:
        offer_settings.update_settings(store, raw, owner)

    assert set(caught.value.fields) == {
        "origin_district_code",
        "local.prices.33.76.01",
        "couriers.tiki",
        "pickup.place",
    }


def test_a_store_that_never_saved_is_offered_for_pickup_at_its_shop_only(seller):
    _owner, store = seller
    offer = offers_for([store.id])[store.id]

    assert (offer.configured, offer.origin, offer.local, offer.couriers, offer.courier_codes) == (
        False,
        None,
        None,
        {},
        (),
    )
    assert offer.pickup is not None and offer.pickup.address == "Jl. Kapten Sudibyo 12, Kota Tegal"
    assert offer.pickup.cod is True and offer.ships
    assert offer_settings.get_settings(store)["configured"] is False


def test_offers_for_reads_any_number_of_stores_in_one_statement(seller):
    owner, store = seller
    save(store, owner)
    others = [gen_store(gen_user(f"s{i}@test.id", role="seller"), name=f"Toko {i}") for i in range(4)]
    for other in others[:2]:
        save(other, owner, {**SETTINGS, "couriers": {"enabled": False}})
    ids = [store.id, *(o.id for o in others)]
    db.session.expire_all()

    one, one_seen = statements(lambda: offers_for(ids[:1]))
    five, five_seen = statements(lambda: offers_for([*ids, 999_999]))

    assert len(one_seen) == len(five_seen) == 1
    assert set(five) == set(ids)  # an unknown id is left out
    offer = one[store.id]
    assert (offer.origin, offer.origin_postal_code, offer.origin_label) == (
        "33.76.03",
        "52111",
        "Tegal Selatan, Kota Tegal, Jawa Tengah",
    )
    assert offer.pickup.place == "booth" and offer.pickup.hours == "Setiap hari 09.00–21.00"
    assert offer.local.prices == TEGAL and offer.local.etd_days == (0, 1)
    assert offer.couriers == {"jne": ("reg", "yes"), "jnt": ("ez",)} and offer.courier_codes == ("jne", "jnt")
    assert five[others[0].id].couriers == {} and five[others[0].id].local.prices == TEGAL
    assert five[others[3].id].configured is False


def test_local_delivery_is_free_above_the_amount_and_absent_outside_the_districts():
    local = LocalOffer({"33.76.01": 10_000}, 150_000, (0, 1), True)

    assert local.price_for("33.76.01", 149_999) == 10_000
    assert local.price_for("33.76.01", 150_000) == 0
    assert local.price_for("33.76.02", 10_000) is None


def test_a_deleted_store_takes_its_shipping_with_it(seller):
    owner, store = seller
    save(store, owner)
    db.session.delete(store)
    db.session.commit()

    assert db.session.scalar(select(func.count()).select_from(StoreShipping)) == 0
    assert db.session.scalar(select(func.count()).select_from(StoreLocalRate)) == 0


def test_moving_to_another_city_drops_the_former_city_s_prices(seller):
    owner, store = seller
    save(store, owner)

    with pytest.raises(ValidationError) as caught:
        offer_settings.update_settings(store, {"origin": {"district_code": "33.28.11"}}, owner)
    assert caught.value.fields == {"local.prices": "Isi ongkir untuk setidaknya satu kecamatan."}
    db.session.rollback()

    answer = save(store, owner, {"origin": {"district_code": "33.28.11"}, "local": {"enabled": False}})
    assert answer["local"]["prices"] == [] and answer["origin"]["district_code"] == "33.28.11"
