"""`flask demo load` sets up every approved demo store's shipping, as its seller would."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.demo_shipping import origin_of
from marketplace.extensions import db
from marketplace.shipping.offers import offers_for
from marketplace.stores.models import Store
from tests.conftest import DEMO_ON_SQLITE_ONLY, ON_POSTGRES
from tests.integration.test_demo import load_demo, table_counts

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason=DEMO_ON_SQLITE_ONLY)


def test_every_approved_demo_store_ships_from_its_district_with_booth_pickup_and_local_delivery(app, runner):
    output = load_demo(runner)
    assert "shipping for" in output

    approved = db.session.scalars(select(Store).where(Store.status == "approved")).all()
    offers = offers_for([s.id for s in approved])
    for store in approved:
        offer = offers[store.id]
        regency = "33.76" if store.city == "Kota Tegal" else "33.28"
        assert offer.configured and offer.origin.startswith(regency + "."), store.name
        assert offer.pickup.place == "booth" and offer.pickup.address.startswith("Stand "), store.name
        assert offer.local.free_above == 150_000 and all(
            8_000 <= p <= 15_000 and code.startswith(regency) for code, p in offer.local.prices.items()
        )
        if store.sector == "kuliner":
            assert offer.couriers == {}
        elif store.sector != "minuman-herbal":
            assert offer.couriers == {"jne": ("reg", "yes"), "jnt": ("ez",), "sicepat": ("reg",)}
    batik = next(s for s in approved if s.name == "Batik Tegalan Sari")
    assert offers[batik.id].origin == "33.76.02"  # Jl. Kartini, Tegal Timur
    assert set(offers[batik.id].local.prices) == {"33.76.01", "33.76.02", "33.76.03", "33.76.04"}


def test_loading_again_changes_no_store_shipping(app, runner):
    load_demo(runner)
    before = table_counts()
    assert "nothing changed" in load_demo(runner)
    assert table_counts() == before


def test_the_origin_is_the_district_named_in_the_address():
    assert origin_of("Kota Tegal", "Jl. Gajah Mada No. 60, Tegal Barat") == "33.76.01"
    assert origin_of("Kota Tegal", "Jl. Hang Tuah No. 21, Tegalsari, Tegal Barat") == "33.76.01"
    assert origin_of("Kabupaten Tegal", "Desa Kebasen, Kec. Talang") == "33.28.12"


def test_the_demo_shopper_gets_courier_rates_to_jakarta_and_local_delivery_in_tegal(make_app):
    """The demo's stores, its rate table and its shopper's addresses fit together: every store
    that ships by courier is quoted to the Jakarta address, and Kota Tegal's stores deliver
    themselves to the Tegal one."""
    app = make_app(plugins="cash_on_delivery,shipping_table")
    with app.app_context():
        load_demo(app.test_cli_runner())
        approved = db.session.scalars(select(Store).where(Store.status == "approved")).all()
        offers = offers_for([s.id for s in approved])
        by_slug = {s.slug: offers[s.id] for s in approved}
    client = app.test_client()
    token = client.post("/api/v1/auth/tokens", json={"email": "shopper@demo.test", "password": "demo12345"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    for product in client.get("/api/v1/products?per_page=100", headers=headers).get_json()["items"]:
        variant = client.get(f"/api/v1/products/{product['id']}", headers=headers).get_json()["variants"][0]
        client.post("/api/v1/cart/items", json={"variant_id": variant["id"], "quantity": 1}, headers=headers)
    addresses = {a["label"]: a for a in client.get("/api/v1/me/addresses", headers=headers).get_json()["items"]}

    def quoted(label: str) -> dict[str, set[str]]:
        answer = client.post(
            "/api/v1/checkout/shipping-options", json={"address_id": addresses[label]["id"]}, headers=headers
        )
        assert answer.status_code == 200 and answer.get_json()["notices"] == []
        return {item["store"]: {o["method"] for o in item["options"]} for item in answer.get_json()["items"]}

    jakarta, tegal = quoted("Rumah"), quoted("Kantor")
    couriers = {slug for slug, offer in by_slug.items() if offer.couriers}
    assert couriers and couriers <= set(jakarta)
    assert all("courier" in jakarta[slug] for slug in couriers), jakarta
    kota = {slug for slug, offer in by_slug.items() if offer.origin.startswith("33.76.")}
    assert kota and all("local" in tegal[slug] for slug in kota if slug in tegal), tegal
