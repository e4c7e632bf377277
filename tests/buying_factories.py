"""gen_* helpers and fixtures for buying: carts, checkouts, orders, a fake prepaid method.

Everything goes through the services, as a shopper and a seller would.
Import the fixtures you use into the test module (``from tests.buying_factories import cod_app``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace import plugin_api
from marketplace.cart import services as carts
from marketplace.catalog.models import Variant
from marketplace.checkout import services as checkout
from marketplace.extensions import db
from marketplace.payments.methods import PaymentMethod, PaymentStart, RefundResult
from marketplace.plugin_api import hookimpl
from tests.factories import gen_product, gen_store, gen_user

SHIPPING = {
    "name": "Siti Aminah",
    "phone": "0812-3456-7890",
    "address": "Jl. Kapten Sudibyo No. 12, RT 02/RW 03",
    "city": "Kota Tegal",
    "postal_code": "52131",
}


# --- a prepaid method for tests: a transfer confirmed by apply_payment ------------------


class FakeTransfer(PaymentMethod):
    id = "fake_transfer"
    name = "Transfer uji"
    provider = "fake"
    reservation_window = timedelta(minutes=30)

    def __init__(self):
        self.refunds: list[tuple[int, int]] = []
        self.fail_start = False
        self.fail_refund = False

    def start(self, payment) -> PaymentStart:
        if self.fail_start:
            raise RuntimeError("bank is down")
        return PaymentStart(
            instructions=f"Transfer {payment.amount} ke rekening 123", provider_reference=f"ft-{payment.id}"
        )

    def refund(self, payment, amount: int) -> RefundResult:
        if self.fail_refund:
            raise RuntimeError("bank is down")
        self.refunds.append((payment.id, amount))
        return RefundResult(reference=f"ft-refund-{len(self.refunds)}")


@dataclass
class FakePrepaidPlugin:
    method: FakeTransfer = field(default_factory=FakeTransfer)

    @hookimpl
    def payment_methods(self):
        return [self.method]


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def plugin_logs(caplog):
    """caplog for the plugin host (Alembic's fileConfig disables loggers that existed before it ran)."""
    import logging

    for name in (
        "marketplace.plugins",
        "marketplace.checkout.services",
        "marketplace.payments.services",
        "marketplace.orders.notifications",
        "marketplace.orders.services",
        "marketplace.mail",
    ):
        logging.getLogger(name).disabled = False
    caplog.set_level(logging.INFO)
    return caplog


@pytest.fixture
def cod_app(make_app):
    """An app with the bundled cash-on-delivery plugin on, in an app context."""
    app = make_app(plugins="cash_on_delivery")
    with app.app_context():
        yield app


@pytest.fixture
def prepaid(cod_app):
    """The COD app plus a fake prepaid transfer method (``prepaid.method`` records refunds)."""
    plugin = FakePrepaidPlugin()
    plugin_api.register(cod_app, plugin, "fake_prepaid")
    return plugin


# --- data ---------------------------------------------------------------------------------


def gen_shopper(email: str | None = None, name: str = "Siti Aminah"):
    return gen_user(email=email, name=name)


def variant_of(product, index: int = 0) -> Variant:
    return db.session.scalars(select(Variant).where(Variant.product_id == product.id).order_by(Variant.id)).all()[index]


def gen_listing(price: int = 25000, stock: int = 10, store=None, name: str = "Teh Poci Gula Batu", **kw):
    """A sellable variant of a new product of ``store`` (a new approved store by default)."""
    store = store or gen_store()
    product = gen_product(store, name=name, price=price, stock=stock, category=None, **kw)
    return variant_of(product)


def fill_cart(user, *lines: tuple) -> None:
    """``fill_cart(user, (variant, 2), (other_variant, 1))``"""
    cart = carts.get_or_create_cart(user)
    for variant, quantity in lines:
        carts.add_item(cart, variant.id, quantity)
    db.session.commit()


def place(user, method: str = "cash_on_delivery", **kw) -> checkout.CheckoutResult:
    """Check out the user's cart and commit."""
    kw.setdefault("shipping", SHIPPING)
    result = checkout.place_orders(user, payment_method=method, **kw)
    db.session.commit()
    return result


def buy(user, *lines: tuple, method: str = "cash_on_delivery", **kw) -> checkout.CheckoutResult:
    fill_cart(user, *lines)
    return place(user, method, **kw)


def stock_of(variant_id: int) -> int:
    return db.session.scalar(
        select(Variant.stock).where(Variant.id == variant_id).execution_options(populate_existing=True)
    )
