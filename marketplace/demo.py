"""``flask demo load``: the demo accounts, the Apik Banget Virtual Expo and its IKMs.

Everything is built through the domain services, as a user would build it, and
committed once at the end. Idempotent: an object that exists already (looked up
by its natural key) is left as it is, so a second run writes nothing — and the
agency's later changes (a suspended store, a new featured list) survive the
next ``make run``. Refused when MARKETPLACE_ENV=production.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from marketplace import (
    demo_expo_event,
    demo_gov,
    demo_gov_offers,
    demo_gov_purchases,
    demo_images,
    demo_payouts,
    demo_reviews,
    demo_sales,
    demo_shipping,
)
from marketplace.accounts import services as accounts
from marketplace.catalog import services as catalog
from marketplace.clock import JAKARTA, now
from marketplace.demo_data import (
    ACCOUNTS,
    ASSISTED_STORES,
    BOOTH_PREFIX,
    DEMO_PASSWORD,
    EXPO,
    STORES,
    ZONES,
    DemoProduct,
    DemoStore,
)
from marketplace.demo_data.addresses import SHOPPER_ADDRESSES
from marketplace.errors import NotFound
from marketplace.expo import services as expo_services
from marketplace.extensions import db
from marketplace.shipping import addresses
from marketplace.stores import services as stores


class DemoRefused(click.ClickException):
    """Demo data asked for where it must never go."""


@dataclass
class Summary:
    users: int = 0
    stores: int = 0
    products: int = 0
    images: int = 0
    expos: int = 0
    exhibitors: int = 0
    featured: int = 0
    plugin_objects: int = 0  # created by the plugins (the demo_data hook)
    orders: int = 0  # the expo's first days of sales (marketplace.demo_sales, demo_reviews)
    reviews: int = 0  # buyers' reviews of their completed orders (marketplace.demo_reviews)
    shipping: int = 0  # stores whose shipping the demo set up (marketplace.demo_shipping)
    addresses: int = 0  # the demo shopper's address book
    payout_accounts: int = 0  # stores' bank accounts for payouts (marketplace.demo_payouts)
    offices: int = 0  # government offices (marketplace.demo_gov)
    officials: int = 0  # their pejabat pengadaan, PPK and bendahara
    gov_offers: int = 0  # products offered to offices (marketplace.demo_gov_offers)
    gov_orders: int = 0  # the Sekretariat's store orders (marketplace.demo_gov_purchases)
    sessions: int = 0  # the expo's programme (marketplace.demo_expo_event)
    booth_pages: int = 0  # booths given a tagline, hours and pinned products
    visit_days: int = 0  # days of the expo's visitor figures (visit_daily)

    @property
    def changed(self) -> bool:
        return any(vars(self).values())


def load() -> Summary:
    """Create whatever demo data is missing; the caller commits."""
    if current_app.config.get("MARKETPLACE_ENV") == "production":
        raise DemoRefused(
            "MARKETPLACE_ENV is 'production': demo data is never loaded into a production "
            "database. Unset MARKETPLACE_ENV (or set it to 'development') on a demo machine."
        )
    summary = Summary()
    users = {email: _user(summary, email, name, role, phone, insurer) for email, name, role, phone, insurer in ACCOUNTS}
    agency = users["agency@demo.test"]
    _addresses(summary, users["shopper@demo.test"])
    built = [(data, _store(summary, data, users, agency)) for data in STORES]
    expo = _expo(summary, agency)
    _exhibitors(summary, agency, expo, built)
    _featured(summary, agency, built)
    demo_shipping.load(summary, built)
    demo_sales.load(summary, _user, users, expo)
    demo_reviews.load(summary, _user, expo)
    demo_expo_event.load(summary, expo)
    demo_payouts.load(summary, built, agency)
    demo_gov.load(summary)
    demo_gov_offers.load(summary, built)
    demo_gov_purchases.load(summary)
    _plugin_demo_data(summary)
    return summary


def _plugin_demo_data(summary: Summary) -> None:
    """Enabled plugins add their own demo data through the ``demo_data`` hook, each
    answering how many objects it created; the core commits once."""
    from marketplace import plugin_api

    for created in plugin_api.call_each("demo_data", {"summary": summary}):
        summary.plugin_objects += int(created or 0)


# --- accounts and stores -------------------------------------------------------


def _user(summary: Summary, email: str, name: str, role: str, phone: str | None = None, insurer: str | None = None):
    user = accounts.get_user_by_email(email)
    if user is None:
        user = accounts.create_user(email, DEMO_PASSWORD, name, role=role, insurer=insurer, phone=phone, confirmed=True)
        summary.users += 1
    return user


def _addresses(summary: Summary, shopper) -> None:
    """The shopper's Jakarta home (default) and Tegal office, once: a book they changed is left alone."""
    if addresses.list_for(shopper):
        return
    for raw in SHOPPER_ADDRESSES:
        addresses.create(shopper, raw)
        summary.addresses += 1


def owner_email(data: DemoStore) -> str:
    return data.owner_email or f"pemilik.{stores.slugify(data.name)}@demo.test"


def _store(summary: Summary, data: DemoStore, users: dict, agency):
    email = owner_email(data)
    owner = users.get(email) or _user(summary, email, data.owner_name, "seller", data.whatsapp)
    store = next((s for s in stores.stores_of(owner) if s.name == data.name or s.nib == data.nib), None)
    if store is not None:
        return store  # already there: left as the agency and its owner have made it since
    store = stores.open_store(
        owner,
        {
            "name": data.name,
            "sector": data.sector,
            "city": data.city,
            "address": data.address,
            "nib": data.nib,
            "whatsapp": data.whatsapp,
            "description": data.description,
        },
    )
    stores.set_logo(store, owner, demo_images.logo(data.name, data.sector))
    if data.name in ASSISTED_STORES:
        stores.update_store(store, owner, {"allow_agency_assist": True})
    if data.status == "approved":
        stores.approve_store(store, agency)
    summary.stores += 1
    summary.images += 1
    _products(summary, store, owner, data)
    return store


def _products(summary: Summary, store, owner, data: DemoStore) -> None:
    """The products of a store just opened (a store that exists keeps the ones its owner kept)."""
    code = _sku_prefix(data.name)
    for number, item in enumerate(data.products, start=1):
        product = catalog.create_product(store, owner, _product_fields(item, code, number))
        kind = item.kind or demo_images.kind_for(item.name, item.unit, item.category)
        for photo in demo_images.product_photos(item.name, kind, data.sector):
            catalog.add_image(product, owner, photo)
            summary.images += 1
        summary.products += 1


def _product_fields(item: DemoProduct, code: str, number: int) -> dict:
    many = len(item.variants) > 1
    return {
        "name": item.name,
        "description": item.description,
        "category": item.category,
        "unit": item.unit,
        "weight_grams": item.weight_grams,
        "status": "active",
        "variants": [
            {
                "name": name,
                "price": price,
                "stock": stock,
                "sku": f"{code}-{number:02d}" + (f"-{index}" if many else ""),
            }
            for index, (name, price, stock) in enumerate(item.variants, start=1)
        ],
    }


def _sku_prefix(name: str) -> str:
    return "".join(word[0] for word in stores.slugify(name).split("-"))[:5].upper()


# --- the expo ----------------------------------------------------------------


def _expo(summary: Summary, agency):
    try:
        expo = expo_services.get_expo(EXPO["slug"])
    except NotFound:
        today = now().astimezone(JAKARTA)
        starts = (today - timedelta(days=EXPO["days_before"])).replace(hour=8, minute=0, second=0, microsecond=0)
        ends = (today + timedelta(days=EXPO["days_after"])).replace(hour=21, minute=0, second=0, microsecond=0)
        summary.expos += 1
        expo = expo_services.create_expo(agency, EXPO["slug"], EXPO["name"], starts, ends, EXPO["description"])
    if not expo_services.zones_of(expo):  # a new expo (an older demo got its zones from migration 0005)
        for slug, name in ZONES:
            expo_services.add_zone(agency, expo, name, slug=slug)
    if not expo.banner:
        expo_services.set_banner(agency, expo, demo_images.banner(EXPO["name"], [name for _slug, name in ZONES]))
        summary.images += 1
    return expo


def _exhibitors(summary: Summary, agency, expo, built) -> None:
    present = set(expo_services.exhibitor_store_ids(expo.slug))
    booths: dict[str, int] = {}
    for data, store in built:
        if data.status != "approved":
            continue
        booths[data.sector] = booths.get(data.sector, 0) + 1
        if store.id in present:
            continue
        booth = f"{BOOTH_PREFIX.get(data.sector, 'X')}-{booths[data.sector]:02d}"
        expo_services.add_exhibitor(agency, expo, store, booth=booth, zone=data.sector)
        summary.exhibitors += 1


def _featured(summary: Summary, agency, built) -> None:
    """The first demo's featured vendors; once the agency has any, they are its choice."""
    if expo_services.featured_store_ids():
        return
    chosen = [store for data, store in built if data.featured and store.status == "approved"]
    expo_services.set_featured(agency, chosen)
    summary.featured = len(chosen)


# --- the command -----------------------------------------------------------------


def register_cli(app: Flask) -> None:
    group = AppGroup("demo", help="Demo data for trying Apik Market.")

    @group.command("load")
    def load_command():
        """Load the demo accounts, expo, stores and products (idempotent)."""
        try:
            summary = load()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if not summary.changed:
            click.echo("Demo data is already loaded; nothing changed.")
            return
        click.echo(
            f"Demo data loaded: {summary.users} users, {summary.stores} stores, "
            f"{summary.products} products, {summary.images} images, {summary.exhibitors} exhibitors, "
            f"{summary.featured} featured vendors{', the expo' if summary.expos else ''}"
            f"{f', {summary.orders} orders' if summary.orders else ''}"
            f"{f', {summary.sessions} programme sessions' if summary.sessions else ''}"
            f"{f', {summary.booth_pages} booth pages' if summary.booth_pages else ''}"
            f"{f', {summary.visit_days} days of visitor figures' if summary.visit_days else ''}"
            f"{f', {summary.reviews} reviews' if summary.reviews else ''}"
            f"{f', shipping for {summary.shipping} stores' if summary.shipping else ''}"
            f"{f', {summary.addresses} addresses' if summary.addresses else ''}"
            f"{f', {summary.payout_accounts} payout accounts' if summary.payout_accounts else ''}"
            f"{f', {summary.offices} government offices' if summary.offices else ''}"
            f"{f', {summary.officials} officials' if summary.officials else ''}"
            f"{f', {summary.gov_offers} offers to offices' if summary.gov_offers else ''}"
            f"{f', {summary.gov_orders} government orders' if summary.gov_orders else ''}"
            f"{f', {summary.plugin_objects} plugin objects' if summary.plugin_objects else ''}."
        )
        click.echo(
            f"Sign in as shopper@demo.test, seller@demo.test, agency@demo.test, insurer@demo.test, "
            f"insurer2@demo.test, pp@demo.test, ppk@demo.test, bendahara@demo.test "
            f"or admin@demo.test with the password {DEMO_PASSWORD}."
        )

    app.cli.add_command(group)
