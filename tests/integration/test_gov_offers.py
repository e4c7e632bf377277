"""What stores offer to offices (issue #21): the services' rules and the seller's page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import audit_text
from marketplace.audit import AuditLog
from marketplace.errors import NotFound, ValidationError
from marketplace.extensions import db
from marketplace.gov import offers
from marketplace.gov.models import GovOffer
from tests.factories import gen_product, gen_store, gen_user


@pytest.fixture
def shop(app):
    owner = gen_user(email="sari@test.id", role="seller", name="Bu Sari")
    store = gen_store(owner, name="Katering Bu Sari", sector="kuliner")
    product = gen_product(store, name="Nasi Kotak Ayam Bakar", price=25000, stock=500, category=None, unit="kotak")
    other_owner = gen_user(email="joko@test.id", role="seller", name="Pak Joko")
    other = gen_store(other_owner, name="Kue Pak Joko", sector="kuliner")
    return owner, store, product, other_owner, other


def _rows() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(GovOffer)),
        db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action.like("gov_offer.%"))),
    )


def test_a_member_offers_a_product_with_terms_and_it_is_audited(shop):
    owner, store, product, *_ = shop
    offer = offers.set_offer(owner, product, " kotak  besar ", "20", "1")
    db.session.commit()
    assert (offer.unit, offer.min_quantity, offer.lead_days, offer.store_id) == ("kotak besar", 20, 1, store.id)
    assert offers.offered([product.id, None, 999999]) == {product.id: offer}
    assert offers.offers_of_store(store.id) == {product.id: offer}
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "gov_offer.saved"))
    assert (row.actor_id, row.object_type, row.object_id) == (owner.id, "product", str(product.id))
    assert "gov_offer.saved" in audit_text.SENTENCES and "gov_offer.withdrawn" in audit_text.SENTENCES

    offers.set_offer(owner, product, "", 30, 2)  # a blank unit: the product's own
    db.session.commit()
    assert (offer.unit, offer.min_quantity, offer.lead_days) == ("kotak", 30, 2)
    assert _rows() == (1, 2)


@pytest.mark.parametrize(
    ("unit", "minimum", "lead", "field"),
    [
        ("x" * 31, 1, 1, "unit"),
        ("kotak", 0, 1, "min_quantity"),
        ("kotak", 100001, 1, "min_quantity"),
        ("kotak", "dua", 1, "min_quantity"),
        ("kotak", 1, -1, "lead_days"),
        ("kotak", 1, 91, "lead_days"),
        ("kotak", 1, "", "lead_days"),
    ],
)
def test_terms_out_of_range_are_refused_beside_their_field_and_change_nothing(shop, unit, minimum, lead, field):
    owner, _store, product, *_ = shop
    offers.set_offer(owner, product, "kotak", 20, 1)
    db.session.commit()
    before = _rows()
    with pytest.raises(ValidationError) as refused:
        offers.set_offer(owner, product, unit, minimum, lead)
    db.session.rollback()
    assert field in refused.value.fields
    assert _rows() == before
    kept = db.session.get(GovOffer, product.id)
    assert (kept.unit, kept.min_quantity, kept.lead_days) == ("kotak", 20, 1)


def test_limits_themselves_are_accepted(shop):
    owner, _store, product, *_ = shop
    offer = offers.set_offer(owner, product, "k" * 30, 100000, 0)
    assert (offer.min_quantity, offer.lead_days) == (100000, 0)
    offers.set_offer(owner, product, "kotak", 1, 90)


def test_seller_b_cannot_offer_or_withdraw_store_a_product(shop):
    owner, _store, product, other_owner, _other = shop
    offers.set_offer(owner, product, "kotak", 20, 1)
    db.session.commit()
    before = _rows()
    for attempt in (
        lambda: offers.set_offer(other_owner, product, "kotak", 1, 0),
        lambda: offers.withdraw_offer(other_owner, product),
        lambda: offers.set_offer(gen_user(email="pembeli@test.id"), product, "kotak", 1, 0),
    ):
        with pytest.raises(NotFound):
            attempt()
        db.session.rollback()
    assert _rows() == before
    assert db.session.get(GovOffer, product.id).min_quantity == 20


def test_only_an_active_product_of_an_approved_store_is_offered(shop):
    owner, store, product, *_ = shop
    draft = gen_product(store, name="Tumpeng Mini", price=150000, category=None, status="draft")
    with pytest.raises(ValidationError):
        offers.set_offer(owner, draft, "buah", 1, 1)
    db.session.rollback()
    pending = gen_store(owner, name="Toko Baru Bu Sari", approved=False, sector="kuliner")
    fresh = gen_product(pending, name="Risol Mayo", price=3000, category=None)
    with pytest.raises(ValidationError):
        offers.set_offer(owner, fresh, "pcs", 1, 1)
    db.session.rollback()
    assert _rows() == (0, 0)


def test_withdrawn_offers_and_suspended_stores_are_not_offered(shop):
    owner, store, product, *_ = shop
    offers.set_offer(owner, product, "kotak", 20, 1)
    db.session.commit()
    offers.withdraw_offer(owner, product)
    db.session.commit()
    assert offers.offered([product.id]) == {}
    assert offers.offers_of_store(store.id)[product.id].active is False
    with pytest.raises(NotFound):  # withdrawing twice is an error, not a silent no-op
        offers.withdraw_offer(owner, product)
    db.session.rollback()
    offers.set_offer(owner, product, "kotak", 20, 1)
    db.session.commit()
    assert list(offers.offered([product.id])) == [product.id]
    from marketplace.stores import services as stores

    stores.set_status(store, None, "suspended", "uji")
    db.session.commit()
    assert offers.offered([product.id]) == {}


def test_offered_is_one_statement(shop, count_queries):
    owner, store, product, *_ = shop
    second = gen_product(store, name="Nasi Kuning", price=20000, category=None)
    offers.set_offer(owner, product, "kotak", 20, 1)
    offers.set_offer(owner, second, "kotak", 10, 1)
    db.session.commit()
    ids = {product.id, second.id}
    db.session.expunge_all()
    with count_queries() as q:
        found = offers.offered(ids)
    assert set(found) == ids and q.count == 1
    with count_queries() as q:
        assert offers.offered([]) == {}
    assert q.count == 0


# --- the seller's page ------------------------------------------------------------------------


def test_the_seller_page_lists_products_and_explains(shop, client, auth):
    owner, store, product, *_ = shop
    auth.login("sari@test.id")
    page = client.get("/seller/gov-offers")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nasi Kotak Ayam Bakar" in html and "Tawarkan ke instansi" in html and "BAST" in html
    assert f'id="offer-{product.id}"' in html


def test_the_seller_offers_changes_and_withdraws_from_the_page(shop, client, auth):
    owner, store, product, *_ = shop
    auth.login("sari@test.id")
    saved = client.post(
        f"/seller/gov-offers/{product.id}", data={"unit": "kotak", "min_quantity": "20", "lead_days": "1"}
    )
    assert saved.status_code == 302 and f"store={store.slug}" in saved.location
    db.session.expire_all()
    assert db.session.get(GovOffer, product.id).min_quantity == 20
    html = client.get(saved.location).get_data(as_text=True)
    assert "Ditawarkan ke instansi" in html and "Hentikan penawaran" in html

    bad = client.post(
        f"/seller/gov-offers/{product.id}", data={"unit": "kotak", "min_quantity": "0", "lead_days": "99"}
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert f'id="min_quantity-{product.id}-error"' in html and f'id="lead_days-{product.id}-error"' in html
    assert 'value="99"' in html  # what was typed stays
    db.session.expire_all()
    assert db.session.get(GovOffer, product.id).lead_days == 1

    gone = client.post(f"/seller/gov-offers/{product.id}/withdraw")
    assert gone.status_code == 302
    db.session.expire_all()
    assert db.session.get(GovOffer, product.id).active is False
    assert client.post(f"/seller/gov-offers/{product.id}/withdraw").status_code == 404


def test_another_store_page_and_product_are_not_found(shop, client, auth):
    _owner, store, product, _other_owner, other = shop
    auth.login("joko@test.id")
    assert client.get(f"/seller/gov-offers?store={store.slug}").status_code == 404
    assert client.post(f"/seller/gov-offers/{product.id}", data={"min_quantity": "1"}).status_code == 404
    html = client.get("/seller/gov-offers").get_data(as_text=True)
    assert other.name in html and "Nasi Kotak" not in html
    assert _rows() == (0, 0)


def test_a_user_with_several_stores_chooses(shop, client, auth):
    owner, store, _product, *_ = shop
    second = gen_store(owner, name="Batik Bu Sari", sector="fesyen")
    gen_product(second, name="Seragam Batik Dinas", price=185000, category=None)
    auth.login("sari@test.id")
    html = client.get(f"/seller/gov-offers?store={second.slug}").get_data(as_text=True)
    assert 'aria-label="Pilih toko"' in html and "Seragam Batik Dinas" in html and "Nasi Kotak" not in html


def test_a_user_without_a_store_is_invited_to_open_one(shop, client, auth):
    gen_user(email="pembeli@test.id")
    auth.login("pembeli@test.id")
    page = client.get("/seller/gov-offers")
    assert page.status_code == 302 and page.location.endswith("/seller/")


def test_the_seller_menu_links_the_page(shop, client, auth):
    auth.login("sari@test.id")
    assert "/seller/gov-offers" in client.get("/").get_data(as_text=True)


# --- the demo -----------------------------------------------------------------------------------


def test_the_demo_offers_meeting_meals_and_a_second_load_changes_nothing(app):
    from types import SimpleNamespace

    from marketplace import demo_gov_offers
    from marketplace.demo import Summary

    owner = gen_user(email="pemilik@demo.test", role="seller")
    built = []
    for name, product_names in (
        ("Sate Kambing Batibul", ["Nasi Kotak Ayam Bakar"]),
        ("Kue Khas Bu Ningsih", ["Snack Box Rapat", "Kamir Tegal isi 10"]),
    ):
        store = gen_store(owner, name=name, sector="kuliner")
        for product_name in product_names:
            gen_product(store, name=product_name, price=12500, category=None)
        built.append((SimpleNamespace(name=name), store))
    summary = Summary()
    demo_gov_offers.load(summary, built)
    db.session.commit()
    assert summary.gov_offers == 3
    terms = {(o.unit, o.min_quantity, o.lead_days) for o in db.session.scalars(select(GovOffer))}
    assert terms == {("kotak", 20, 1), ("kotak", 10, 1)}
    again = Summary()
    demo_gov_offers.load(again, built)
    assert again.gov_offers == 0 and not again.changed and _rows() == (3, 3)
