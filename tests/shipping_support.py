"""A shipping plugin of the tests' own (tracking and booking answered from what a test sets),
orders walked to "processing", signed-in clients and a statement counter.

Import the fixtures you use into the test module (``from tests.shipping_support import courier``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from marketplace import plugin_api
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.plugin_api import hookimpl
from marketplace.shipping.quotes import Booking, BookingFailed, Tracking, TrackingEvent
from tests.buying_factories import fill_cart, gen_listing, place
from tests.clock_support import gen_order, reload
from tests.shipping_factories import TEGAL_TIMUR, address_fields, ship_from_tegal

PASSWORD = "rahasia123"


@dataclass
class FakeCourierPlugin:
    """Answers ``shipping_tracking`` from ``journeys`` (waybill → Tracking) and ``shipping_book``
    with ``booking`` (or raises ``refusal`` as BookingFailed, or ``crash`` as a bug)."""

    journeys: dict[str, Tracking] = field(default_factory=dict)
    booking: Booking | None = None
    refusal: str | None = None
    crash: bool = False
    tracked: list[tuple[str, str]] = field(default_factory=list)
    booked: list[str] = field(default_factory=list)

    @hookimpl
    def shipping_tracking(self, courier: str, waybill: str):
        self.tracked.append((courier, waybill))
        if self.crash:
            raise RuntimeError("courier API is down")
        return self.journeys.get(waybill)

    @hookimpl
    def shipping_book(self, order):
        self.booked.append(order.number)
        if self.crash:
            raise RuntimeError("courier API is down")
        if self.refusal:
            raise BookingFailed(self.refusal)
        return self.booking


@pytest.fixture
def cod_app(make_app):
    """An app with cash on delivery and the bundled rate table on, in an app context: its
    stores can ship by courier (use instead of tests.buying_factories.cod_app)."""
    from plugins.shipping_table import tables
    from plugins.shipping_table.demo import DEFAULT_TABLE

    app = make_app(plugins="cash_on_delivery,shipping_table")
    with app.app_context():
        tables.import_csv(DEFAULT_TABLE.read_text(encoding="utf-8"))
        db.session.commit()
        yield app


@pytest.fixture
def courier(cod_app):
    """The test courier plugin, registered on the app as "kurir_uji"."""
    plugin = FakeCourierPlugin()
    plugin_api.register(cod_app, plugin, "kurir_uji")
    return plugin


def journey(waybill: str, *steps: tuple[str, str, str], courier: str = "jne", link: str | None = None) -> Tracking:
    """A Tracking of ``steps`` ("2026-12-02T03:00:00+00:00", status, description), oldest first."""
    events = [TrackingEvent(datetime.fromisoformat(at), status, text, "Jakarta") for at, status, text in steps]
    return Tracking(courier, waybill, events[-1].status if events else "pending", events, link, "kurir_uji")


SERVICE = {"jne": "reg", "jnt": "ez", "sicepat": "reg", "anteraja": "reg", "pos": "reg"}  # the rate table's


def gen_courier_order(people, courier: str = "jne", service: str | None = None):
    """An unpaid order the shopper placed from the people's store to Jakarta by ``courier``
    (the store ships by that courier only, priced by the rate table)."""
    store, service = people["store"], service or SERVICE[courier]
    ship_from_tegal(store, couriers={courier: [service]}, pickup=False, local={})
    variant = gen_listing(store=store, stock=10, price=50000, weight_grams=250)
    fill_cart(people["shopper"], (variant, 2))
    shipping = {**address_fields(), "options": {store.slug: f"courier:{courier}:{service}"}}
    order = place(people["shopper"], method="fake_transfer", shipping=shipping).orders[0]
    assert (order.shipping_method, order.shipping_courier) == ("courier", courier)
    return order


def gen_handed_order(people, method: str):
    """An unpaid order the shopper placed for ``method`` "pickup" or "local" (to Tegal Timur)."""
    ship_from_tegal(people["store"], couriers={})
    variant = gen_listing(store=people["store"], stock=10, price=50000)
    fill_cart(people["shopper"], (variant, 1))
    shipping = {**address_fields(TEGAL_TIMUR, "52124"), "options": {people["store"].slug: method}}
    order = place(people["shopper"], method="fake_transfer", shipping=shipping).orders[0]
    assert order.shipping_method == method
    return order


def processing(people, by: str = "courier", **kw):
    """A paid order of the people's store, accepted by the seller: by courier (JNE REG, or
    ``courier=``), "pickup", "local", or "legacy" (the older address: pickup at checkout)."""
    if by == "courier":
        order = gen_courier_order(people, **kw)
    elif by == "legacy":
        order, _variant = gen_order(people)
    else:
        order = gen_handed_order(people, by)
    orders.apply_payment(order.payment_id, order.total, "IDR", f"ref-{order.id}")
    transition(reload(order), "processing", people["seller"])
    db.session.commit()
    return reload(order)


def shipped(people, waybill: str = "CGK1234567890", courier: str = "jne"):
    order = processing(people, courier=courier)
    transition(order, "shipped", people["seller"], courier=courier, tracking_number=waybill)
    db.session.commit()
    return reload(order)


def signed_in(app, email: str):
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def token_for(app, email: str) -> dict:
    answer = app.test_client().post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}
