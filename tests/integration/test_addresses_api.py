"""GET /api/v1/regions and the address book under /api/v1/me/addresses."""

from __future__ import annotations

import pytest

from marketplace.shipping import addresses
from tests.factories import gen_user
from tests.integration.test_addresses import JAKARTA, TEGAL


@pytest.fixture
def shopper(app, api):
    user = gen_user("siti@test.id", name="Siti Aminah")
    return user, api.token("siti@test.id")


def error_fields(response) -> dict:
    body = response.get_json()
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]["fields"]


# --- regions ------------------------------------------------------------------------------


def test_anyone_searches_regions_and_may_cache_the_answer(api):
    response = api.get("/regions?q=tegal+barat")
    assert response.status_code == 200
    first = response.get_json()["items"][0]
    assert first == {
        "code": "33.76.01",
        "name": "Tegal Barat",
        "level": "district",
        "parent": "33.76",
        "label": "Tegal Barat, Kota Tegal, Jawa Tengah",
    }
    assert "max-age=86400" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]


def test_a_parent_lists_its_children_and_level_province_the_provinces(api):
    districts = api.get("/regions?parent=33.76").get_json()["items"]
    assert [d["name"] for d in districts] == ["Tegal Barat", "Tegal Timur", "Tegal Selatan", "Margadana"]
    villages = api.get("/regions?parent=33.76.02").get_json()["items"]
    assert villages and {v["level"] for v in villages} == {"village"}
    provinces = api.get("/regions?level=province").get_json()["items"]
    assert len(provinces) == 38
    assert [r["code"] for r in api.get("/regions?q=tegal&parent=33&level=regency").get_json()["items"]] == [
        "33.28",
        "33.76",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "q"),
        ("?q=t", "q"),
        ("?q=+", "q"),
        ("?q=" + "a" * 101, "q"),
        ("?q=tegal&level=kota", "level"),
        ("?parent=99.99", "parent"),
        ("?parent=x", "parent"),
        ("?q=tegal&limit=0", "limit"),
    ],
)
def test_bad_region_queries_are_422_with_the_error_shape(api, query, field):
    response = api.get("/regions" + query)
    assert response.status_code == 422
    assert field in error_fields(response)


# --- the address book -------------------------------------------------------------------


def test_the_address_book_needs_a_token(api):
    assert api.get("/me/addresses").status_code == 401
    assert api.post("/me/addresses", JAKARTA).status_code == 401


def test_a_shopper_adds_lists_reads_changes_and_deletes_addresses(api, shopper):
    _user, token = shopper
    created = api.post("/me/addresses", JAKARTA, token=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    home = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/me/addresses/{home['id']}")
    assert home["is_default"] is True and home["default"] is True
    assert (home["province_code"], home["regency_code"], home["village_code"]) == ("31", "31.74", None)
    assert home["region"] == {
        "province": "Daerah Khusus Ibukota Jakarta",
        "regency": "Kota Administrasi Jakarta Selatan",
        "district": "Kebayoran Baru",
        "village": None,
    }
    assert home["phone"] == "+6281234567890" and home["recipient"] == home["name"] == "Siti Aminah"

    office = api.post("/me/addresses", TEGAL, token=token).get_json()
    assert office["is_default"] is False and office["region"]["village"] == "Kejambon"
    listed = api.get("/me/addresses", token=token).get_json()["items"]
    assert [a["id"] for a in listed] == [home["id"], office["id"]]
    assert api.get(f"/me/addresses/{office['id']}", token=token).get_json() == office

    changed = api.patch(f"/me/addresses/{office['id']}", {"label": "Toko", "is_default": True}, token=token)
    assert changed.status_code == 200
    assert changed.get_json()["label"] == "Toko" and changed.get_json()["is_default"] is True
    listed = api.get("/me/addresses", token=token).get_json()["items"]
    assert [(a["id"], a["is_default"]) for a in listed] == [(office["id"], True), (home["id"], False)]

    assert api.delete(f"/me/addresses/{office['id']}", token=token).status_code == 204
    listed = api.get("/me/addresses", token=token).get_json()["items"]
    assert [(a["id"], a["is_default"]) for a in listed] == [(home["id"], True)]


def test_another_users_address_is_404_for_every_verb(api, shopper):
    owner, _token = shopper
    home = addresses.create(owner, JAKARTA)
    from marketplace.extensions import db

    db.session.commit()
    gen_user("rudi@test.id")
    other = api.token("rudi@test.id")
    path = f"/me/addresses/{home.id}"
    for response in (
        api.get(path, token=other),
        api.patch(path, {"label": "Punyaku"}, token=other),
        api.delete(path, token=other),
        api.get("/me/addresses/999999", token=other),
    ):
        assert response.status_code == 404
        error_fields(response)
    assert api.get("/me/addresses", token=other).get_json() == {"items": []}
    db.session.expire_all()
    assert addresses.get_for(owner, home.id).label == "Rumah"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"district_code": "33.76.09"}, "district_code"),
        ({"province_code": "33"}, "province_code"),
        ({"district_code": "31.74.07", "village_code": "33.76.02.1001"}, "village_code"),
        ({"phone": "123"}, "phone"),
        ({"postal_code": 1217}, "postal_code"),
        ({"street": 42}, "street"),
        ({"recipient": None, "name": None}, "recipient"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_changes_nothing(api, shopper, change, field):
    _user, token = shopper
    response = api.post("/me/addresses", {**JAKARTA, **change}, token=token)
    assert response.status_code == 422
    assert field in error_fields(response)
    home = api.post("/me/addresses", JAKARTA, token=token).get_json()
    response = api.patch(f"/me/addresses/{home['id']}", change, token=token)
    assert response.status_code == 422 and field in error_fields(response)
    assert api.get(f"/me/addresses/{home['id']}", token=token).get_json() == home


def test_a_body_that_is_not_an_object_or_unsetting_the_default_is_refused(api, shopper):
    _user, token = shopper
    assert api.post("/me/addresses", ["x"], token=token).status_code == 422
    home = api.post("/me/addresses", JAKARTA, token=token).get_json()
    response = api.patch(f"/me/addresses/{home['id']}", {"is_default": False}, token=token)
    assert response.status_code == 422 and "is_default" in error_fields(response)
    response = api.patch(f"/me/addresses/{home['id']}", {"is_default": "ya"}, token=token)
    assert response.status_code == 422 and "is_default" in error_fields(response)


def test_the_twenty_first_address_is_a_409(api, shopper):
    user, token = shopper
    from marketplace.extensions import db

    for n in range(addresses.MAX_ADDRESSES):
        addresses.create(user, {**JAKARTA, "label": f"A{n}"})
    db.session.commit()
    response = api.post("/me/addresses", JAKARTA, token=token)
    assert response.status_code == 409
    assert "20" in response.get_json()["error"]["message"]


def test_the_list_costs_the_same_statements_for_one_or_many_addresses(api, shopper, count_queries):
    user, token = shopper
    from marketplace.extensions import db

    addresses.create(user, JAKARTA)
    db.session.commit()
    with count_queries() as one:
        api.get("/me/addresses", token=token)
    for n in range(5):
        addresses.create(user, {**TEGAL, "label": f"T{n}"})
    db.session.commit()
    with count_queries() as six:
        assert len(api.get("/me/addresses", token=token).get_json()["items"]) == 6
    assert six.count == one.count
