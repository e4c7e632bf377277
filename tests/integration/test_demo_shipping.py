"""`flask demo load` sets up every approved demo store's shipping, as its seller would."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.demo_shipping import origin_of
from marketplace.extensions import db
from marketplace.shipping.offers import offers_for
from marketplace.stores.models import Store
from tests.integration.test_demo import load_demo, table_counts


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
