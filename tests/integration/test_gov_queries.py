"""Reading government orders (issue #21), scoped: an official sees its office's orders only, a
seller its stores' only, the agency all; anything else is a 404. Each read loads what the pages
show in a fixed number of statements."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.gov import purchasing, queries
from marketplace.gov.models import GovOrder
from marketplace.stores.models import StoreMember
from tests.buying_factories import fill_cart
from tests.factories import gen_user
from tests.gov_support import PURCHASE_FIELDS, build_gov_world, delivery_day


@pytest.fixture
def world(app):
    world = build_gov_world()
    world.fill_meeting_cart()
    world.purchase = purchasing.submit(world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    db.session.commit()
    orders = {o.store_name: o for o in db.session.scalars(select(GovOrder))}
    world.nasi_order, world.snack_order = orders["Katering Bu Sri"], orders["Kue Bu Tini"]
    purchasing.approve(world.nasi_order, world.ppk)
    db.session.commit()
    world.agency = gen_user(role="agency", name="Petugas Disnakerin")
    return world


def test_an_official_reads_its_offices_orders_only(world):
    number = world.nasi_order.number
    for user in (world.pp, world.ppk, world.bendahara, world.agency):
        assert queries.order_for(user, number).number == number
    for user in (world.other_ppk, world.other_pp, world.bakery_owner, gen_user(), None):
        with pytest.raises(NotFound):
            queries.order_for(user, number)
    for bad in ("", "SP-0000-999999", "x" * 200):
        with pytest.raises(NotFound):
            queries.order_for(world.agency, bad)
    assert [o.number for o in queries.office_orders(world.office.id)] == [
        world.snack_order.number,
        world.nasi_order.number,
    ]
    assert queries.office_orders(world.other_office.id) == []
    assert [o.number for o in queries.office_orders(world.office.id, statuses=("approved",))] == [number]
    assert queries.office_orders(world.office.id, page=2) == []


def test_a_seller_reads_its_stores_orders_only(world):
    assert queries.order_for(world.catering_owner, world.nasi_order.number).store_name == "Katering Bu Sri"
    with pytest.raises(NotFound):
        queries.order_for(world.catering_owner, world.snack_order.number)
    staff = gen_user(role="seller", name="Mas Joko")
    db.session.add(StoreMember(store_id=world.bakery.id, user_id=staff.id, role="staff"))
    db.session.commit()
    assert queries.order_for(staff, world.snack_order.number).number == world.snack_order.number
    assert [o.number for o in queries.store_orders([world.bakery.id])] == [world.snack_order.number]
    assert queries.store_orders([]) == []


def test_purchases_are_the_offices_and_the_agencys(world):
    number = world.purchase.number
    purchase = queries.purchase_for(world.ppk, number)
    assert [o.store_name for o in purchase.orders] == ["Katering Bu Sri", "Kue Bu Tini"]
    assert queries.purchase_for(world.agency, number).office.name == "Sekretariat Daerah Kota Tegal"
    for user in (world.other_ppk, world.catering_owner, None):
        with pytest.raises(NotFound):
            queries.purchase_for(user, number)


def test_documents_follow_their_orders_readers(world):
    (sp,) = queries.documents_of(world.nasi_order)
    assert sp.kind == "sp" and "content" not in sp.__dict__  # the bytes stay deferred
    assert queries.document_for(world.catering_owner, sp.id).id == sp.id
    assert queries.document_for(world.bendahara, str(sp.id)).id == sp.id
    for user, document_id in (
        (world.other_ppk, sp.id),
        (world.bakery_owner, sp.id),
        (world.ppk, 10**12),
        (world.ppk, "x"),
        (world.ppk, "²"),
    ):
        with pytest.raises(NotFound):
            queries.document_for(user, document_id)


def test_history_names_each_actor(world):
    history = queries.events_of(world.nasi_order)
    assert [(h.action, h.from_status, h.to_status, h.actor_name) for h in history] == [
        ("submit", None, "submitted", "Rina Pengadaan"),
        ("approve", "submitted", "approved", "Agus Komitmen"),
    ]


def test_reads_take_a_fixed_number_of_statements(world, count_queries):
    fill_cart(world.pp, (world.nasi, 20), (world.snack, 10))
    purchasing.submit(world.pp, **PURCHASE_FIELDS, delivery_date=delivery_day())
    db.session.commit()
    office_id, store_ids = world.office.id, [world.catering.id, world.bakery.id]
    number, purchase_number = world.nasi_order.number, world.purchase.number
    ppk_id, seller_id = world.ppk.id, world.catering_owner.id

    def fresh(user_id=None):
        """Nothing loaded but the reader (as at the start of a request)."""
        db.session.expunge_all()
        return db.session.get(User, user_id) if user_id else None

    fresh()
    with count_queries() as listing:
        orders = queries.office_orders(office_id)
        shown = [(o.number, o.purchase.delivery_date, [line.product_name for line in o.lines]) for o in orders]
    assert len(shown) == 4 and listing.count == 2
    fresh()
    with count_queries() as seller_listing:
        orders = queries.store_orders(store_ids)
        shown = [(o.purchase.number, len(o.lines)) for o in orders]
    assert len(shown) == 4 and seller_listing.count == 2
    ppk = fresh(ppk_id)
    with count_queries() as official:
        order = queries.order_for(ppk, number)
        shown = (order.purchase.rup_code, [line.quantity for line in order.lines])
    assert official.count == 3
    seller = fresh(seller_id)
    with count_queries() as member:
        order = queries.order_for(seller, number)
        shown = (order.purchase.rup_code, [line.quantity for line in order.lines])
    assert member.count == 3
    ppk = fresh(ppk_id)
    with count_queries() as purchase_reads:
        purchase = queries.purchase_for(ppk, purchase_number)
        shown = (purchase.office.name, [[line.sku for line in o.lines] for o in purchase.orders])
    assert purchase_reads.count == 4
