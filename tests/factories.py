"""gen_* helpers that build test data through the services, as users would."""

from __future__ import annotations

import itertools
from io import BytesIO

from PIL import Image

from marketplace.accounts import services as accounts
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category
from marketplace.extensions import db
from marketplace.stores import services as stores

PASSWORD = "rahasia123"
_seq = itertools.count(1)


def gen_user(email: str | None = None, role: str = "shopper", name: str = "Budi Santoso", confirmed: bool = True, **kw):
    """A user whose e-mail address is confirmed unless ``confirmed=False`` (as after signing up)."""
    user = accounts.create_user(
        email or f"user{next(_seq)}@test.id", PASSWORD, name, role=role, confirmed=confirmed, **kw
    )
    db.session.commit()
    return user


def gen_category(slug: str = "batik", name: str = "Batik", sector: str = "fesyen"):
    category = db.session.query(Category).filter_by(slug=slug).one_or_none()
    if category is None:
        category = Category(slug=slug, name=name, name_en=name, sector=sector)
        db.session.add(category)
        db.session.commit()
    return category


def gen_store(owner=None, name: str | None = None, approved: bool = True, sector: str = "fesyen", **fields):
    owner = owner or gen_user(role="seller")
    data = {
        "name": name or f"Toko Uji {next(_seq)}",
        "sector": sector,
        "city": "Kota Tegal",
        "nib": None,
        "whatsapp": "081234567890",
        **fields,
    }
    store = stores.open_store(owner, data)
    if approved:
        stores.approve_store(store, None)
    db.session.commit()
    return store


def gen_product(
    store,
    name: str = "Batik Tulis Motif Tegalan",
    price: int = 350000,
    stock: int = 10,
    category: str | None = "batik",
    status: str = "active",
    variants=None,
    **fields,
):
    if category:
        gen_category(category)
    data = {
        "name": name,
        "description": fields.pop("description", "Batik tulis khas Tegal."),
        "category": category,
        "status": status,
        "variants": variants or [{"name": "Standar", "sku": None, "price": price, "stock": stock}],
        **fields,
    }
    product = catalog.create_product(store, None, data)
    db.session.commit()
    return product


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 80, 40)) -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    buffer.seek(0)
    return buffer


def gen_staff(store, user=None, role: str = "staff"):
    """``user`` (a new one by default) joins ``store`` through an accepted staff invite."""
    user = user or gen_user(role="seller")
    invite, _token = stores.invite_staff(store, None, user.email, role=role)
    stores.accept_invite(invite, user)
    db.session.commit()
    return user
