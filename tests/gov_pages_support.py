"""Helpers of the government buying page tests (issue #21): sign in as a person of the
tests/gov_support world and submit the meeting's purchase through the office's checkout."""

from __future__ import annotations

import re

from marketplace.extensions import db
from marketplace.gov.models import GovOrder, GovPurchase
from tests.factories import PASSWORD
from tests.gov_support import PURCHASE_FIELDS, GovWorld, delivery_day


def sign_in(client, user) -> None:
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def checkout_form(**changes) -> dict:
    return {**PURCHASE_FIELDS, "delivery_date": delivery_day().isoformat(), **changes}


def submit_meeting(client, world: GovWorld, nasi: int = 120, snack: int = 40) -> GovPurchase:
    """The pejabat pengadaan fills the cart and submits it on /gov/checkout; the purchase."""
    world.fill_meeting_cart(nasi, snack)
    sign_in(client, world.pp)
    response = client.post("/gov/checkout", data=checkout_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    number = re.search(r"/gov/purchases/([^/?]+)$", response.headers["Location"]).group(1)
    db.session.rollback()
    return db.session.query(GovPurchase).filter_by(number=number).one()


def orders_of(purchase: GovPurchase) -> dict[str, GovOrder]:
    """The purchase's orders by store name, read fresh."""
    db.session.expire_all()
    return {o.store_name: o for o in db.session.query(GovOrder).filter_by(purchase_id=purchase.id)}


def post_step(client, number: str, action: str, data: dict | None = None, seller: bool = False):
    base = "/seller/gov" if seller else "/gov/orders"
    fields = {
        f"{action}-{key}" if not key.startswith(f"{action}-") else key: value for key, value in (data or {}).items()
    }
    return client.post(f"{base}/{number}/{action}", data=fields)
