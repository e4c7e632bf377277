"""The plugin host: loading, every hook, isolation of events, loud payment hooks, COD on and off."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import func, select

from marketplace import audit, hookspecs, plugin_api
from marketplace.audit import AuditLog
from marketplace.cart import services as carts
from marketplace.checkout import services as checkout
from marketplace.checkout.extras import CheckoutExtra
from marketplace.checkout.models import Checkout
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.orders import services as orders
from marketplace.orders.lifecycle import transition
from marketplace.orders.models import Order
from marketplace.payments.services import PaymentUnavailable
from marketplace.plugin_api import hookimpl
from tests.buying_factories import (
    SHIPPING,
    buy,
    fill_cart,
    gen_listing,
    gen_shopper,
    place,
    stock_of,
)

# fixtures, taken by the tests below as parameters of the same name
from tests.buying_factories import cod_app as cod_app
from tests.buying_factories import plugin_logs as plugin_logs
from tests.buying_factories import prepaid as prepaid
from tests.factories import PASSWORD, gen_product, gen_store, gen_user

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A plugin that writes down every event it hears."""

    def __init__(self):
        self.heard: list[tuple] = []

    @hookimpl
    def order_placed(self, order):
        self.heard.append(("order_placed", order.number))

    @hookimpl
    def order_paid(self, order, payment):
        self.heard.append(("order_paid", order.number, payment.id))

    @hookimpl
    def order_status_changed(self, order, old_status, new_status, actor):
        self.heard.append(("order_status_changed", order.number, old_status, new_status, getattr(actor, "id", None)))

    @hookimpl
    def product_saved(self, product, created):
        self.heard.append(("product_saved", product.id, created))

    @hookimpl
    def store_approved(self, store):
        self.heard.append(("store_approved", store.slug))


def test_plugin_hooks_have_tests():
    """Like datasette's: every hook spec has a test called test_hook_<name>."""
    specs = {name for name in dir(plugin_api.new_manager().hook) if not name.startswith("_")}
    assert specs == set(plugin_api.HOOK_NAMES)
    source = "\n".join(p.read_text() for p in (ROOT / "tests").rglob("test_*.py"))
    tested = set(re.findall(r"def test_hook_([a-z_]+?)(?:__\w+)?\(", source))
    assert specs - tested == set(), f"hooks without a test_hook_<name>: {sorted(specs - tested)}"


def test_every_hook_spec_has_a_docstring():
    for name in plugin_api.HOOK_NAMES:
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name


# --- loading -----------------------------------------------------------------------------


def test_unknown_plugin_name_stops_start_up_with_a_clear_message(make_app):
    with pytest.raises(plugin_api.PluginError) as exc:
        make_app(plugins="cash_on_delivery,no_such_plugin")
    assert "no_such_plugin" in str(exc.value)
    assert "MARKETPLACE_PLUGINS" in str(exc.value)
    assert "cash_on_delivery" in str(exc.value)  # it says what is known


def test_bundled_plugins_are_chosen_by_marketplace_plugins(make_app):
    assert plugin_api.enabled(make_app(plugins="cash_on_delivery")) == ["cash_on_delivery"]
    assert plugin_api.enabled(make_app(plugins="")) == []


OUTSIDE_BP = Blueprint("outside_plugin", __name__)


@OUTSIDE_BP.get("/outside-plugin")
def outside_page():
    return "hello from outside"


class OutsidePlugin:
    @hookimpl
    def init_app(self, app):
        app.register_blueprint(OUTSIDE_BP)
        app.config["OUTSIDE_PLUGIN_READY"] = True


OUTSIDE = OutsidePlugin()


def test_hook_init_app__outside_plugin_from_entry_point(make_app, monkeypatch):
    """An installed plugin is found through the apik_market.plugins entry-point group and can add pages."""
    point = EntryPoint(name="outside", value=f"{__name__}:OUTSIDE", group=plugin_api.ENTRY_POINT_GROUP)
    monkeypatch.setattr(plugin_api, "entry_points", lambda group: [point] if group == point.group else [])
    app = make_app(plugins="outside")
    assert app.config["OUTSIDE_PLUGIN_READY"] is True
    assert app.test_client().get("/outside-plugin").get_data(as_text=True) == "hello from outside"
    assert plugin_api.enabled(app) == ["outside"]


# --- payment methods and checkout extras -------------------------------------------------------


def test_hook_payment_methods__cash_on_delivery_is_offered(cod_app):
    items = cod_app.test_client().get("/api/v1/payment-methods").get_json()["items"]
    assert [m["id"] for m in items] == ["cash_on_delivery"]
    assert items[0]["pay_on_delivery"] is True and items[0]["reservation_minutes"] is None


def test_switching_cod_off_removes_it_everywhere_and_checkout_says_so(make_app):
    app = make_app(plugins="")
    client = app.test_client()
    with app.app_context():
        shopper = gen_shopper("siti@test.id")
        variant = gen_listing(stock=4)
        fill_cart(shopper, (variant, 1))
        assert client.get("/api/v1/payment-methods").get_json() == {"items": []}
        token = client.post("/api/v1/auth/tokens", json={"email": "siti@test.id", "password": PASSWORD}).get_json()[
            "token"
        ]
        response = client.post(
            "/api/v1/checkout",
            headers={"Authorization": f"Bearer {token}"},
            json={"payment_method": "cash_on_delivery", "shipping": SHIPPING},
        )
        assert response.status_code == 409
        assert response.get_json()["error"]["code"] == "no_payment_method"
        assert "metode pembayaran" in response.get_json()["error"]["message"]
        client.post("/login", data={"email": "siti@test.id", "password": PASSWORD})
        page = client.get("/checkout")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "cash_on_delivery" not in html and "Belum ada metode pembayaran" in html
        assert 'id="place-order"' not in html
        assert client.get("/cart").status_code == 200  # the core still works
        assert stock_of(variant.id) == 4
        assert db.session.scalar(select(func.count()).select_from(Order)) == 0
        assert db.session.scalar(select(func.count()).select_from(Checkout)) == 0


class BrokenPaymentPlugin:
    @hookimpl
    def payment_methods(self):
        raise RuntimeError("provider SDK exploded")


def _nothing_written(variant_id: int, stock: int, user) -> None:
    db.session.rollback()
    assert stock_of(variant_id) == stock
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.scalar(select(func.count()).select_from(Checkout)) == 0
    assert carts.view(carts.find_cart(user)).count > 0  # the cart is kept


def test_a_raising_payment_hook_fails_loudly_and_nothing_is_written(cod_app, plugin_logs):
    plugin_api.register(cod_app, BrokenPaymentPlugin(), "broken_pay")
    shopper = gen_shopper()
    variant = gen_listing(stock=3)
    fill_cart(shopper, (variant, 2))
    with pytest.raises(PaymentUnavailable) as exc:
        checkout.place_orders(shopper, payment_method="cash_on_delivery", shipping=SHIPPING)
    assert exc.value.status == 503 and "Tidak ada yang dicatat" in exc.value.message
    assert "broken_pay" in plugin_logs.text
    _nothing_written(variant.id, 3, shopper)


def test_a_payment_method_failing_to_start_rolls_everything_back(cod_app, prepaid):
    prepaid.method.fail_start = True
    shopper = gen_shopper()
    variant = gen_listing(stock=3)
    fill_cart(shopper, (variant, 2))
    with pytest.raises(PaymentUnavailable):
        checkout.place_orders(shopper, payment_method="fake_transfer", shipping=SHIPPING)
    _nothing_written(variant.id, 3, shopper)


class GiftWrap(CheckoutExtra):
    id = "gift_wrap"
    name = "Bungkus kado"

    def price(self, group):
        return 5000 if group.subtotal >= 20000 else 0


class GiftWrapPlugin:
    def __init__(self, broken: bool = False):
        self.broken = broken
        self.carts_seen = []

    @hookimpl
    def checkout_extras(self, cart):
        self.carts_seen.append(cart)
        if self.broken:
            raise RuntimeError("extras service down")
        return [GiftWrap()]


def test_hook_checkout_extras__priced_per_store_and_added_to_the_payment(cod_app):
    plugin = GiftWrapPlugin()
    plugin_api.register(cod_app, plugin, "gift")
    assert cod_app.test_client().get("/api/v1/checkout/extras").get_json()["items"][0]["id"] == "gift_wrap"
    shopper = gen_shopper()
    big, small = gen_listing(price=30000), gen_listing(price=10000)
    result = buy(shopper, (big, 1), (small, 1), extras=["gift_wrap"])
    totals = sorted((o.subtotal, o.extras_total, o.total) for o in result.orders)
    assert totals == [(10000, 0, 10000), (30000, 5000, 35000)]
    assert result.payment.amount == 45000
    assert plugin.carts_seen[-1] is not None  # asked about this very cart


def test_an_unknown_extra_is_refused(cod_app):
    plugin_api.register(cod_app, GiftWrapPlugin(), "gift")
    shopper = gen_shopper()
    fill_cart(shopper, (gen_listing(), 1))
    with pytest.raises(ServiceError) as exc:
        place(shopper, extras=["free_money"])
    assert exc.value.status == 422 and "extras" in exc.value.fields


def test_a_raising_checkout_extras_hook_fails_loudly(cod_app):
    plugin_api.register(cod_app, GiftWrapPlugin(broken=True), "gift")
    shopper = gen_shopper()
    variant = gen_listing(stock=2)
    fill_cart(shopper, (variant, 1))
    with pytest.raises(PaymentUnavailable):
        checkout.place_orders(shopper, payment_method="cash_on_delivery", shipping=SHIPPING, extras=["gift_wrap"])
    _nothing_written(variant.id, 2, shopper)


# --- events ---------------------------------------------------------------------------------


def test_hook_order_placed__once_per_order(cod_app):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    result = buy(gen_shopper(), (gen_listing(), 1), (gen_listing(), 2))
    assert sorted(e for e in recorder.heard if e[0] == "order_placed") == sorted(
        ("order_placed", o.number) for o in result.orders
    )


def test_hook_order_status_changed__with_old_and_new_status_and_actor(cod_app):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    shopper = gen_shopper()
    order = buy(shopper, (gen_listing(), 1)).orders[0]
    transition(order, "cancelled", shopper)
    db.session.commit()
    assert ("order_status_changed", order.number, "pending_payment", "cancelled", shopper.id) in recorder.heard


def test_hook_order_paid__when_a_prepaid_payment_is_confirmed(cod_app, prepaid):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    result = buy(gen_shopper(), (gen_listing(price=12000), 2), method="fake_transfer")
    orders.apply_payment(result.payment.id, 24000, "IDR", "bank-ref-1")
    db.session.commit()
    assert ("order_paid", result.orders[0].number, result.payment.id) in recorder.heard


def test_hook_product_saved__reaches_plugins(cod_app):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    product = gen_product(gen_store(), category=None)
    plugin_api.notify("product_saved", product=product, created=True)
    assert ("product_saved", product.id, True) in recorder.heard


def test_hook_store_approved__reaches_plugins(cod_app):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    store = gen_store()
    plugin_api.notify("store_approved", store=store)
    assert ("store_approved", store.slug) in recorder.heard


class ExplodingListener:
    """Writes something, then raises: its write must be undone, the core must go on."""

    @hookimpl
    def order_placed(self, order):
        audit.record(None, "plugin.wrote_before_failing", "order", order.id)
        db.session.flush()
        raise ValueError("listener bug")


def test_a_raising_event_hook_is_logged_with_its_name_and_isolated(cod_app, plugin_logs):
    plugin_api.register(cod_app, ExplodingListener(), "exploding")
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")  # after the broken one: still hears the event
    variant = gen_listing(stock=5)
    result = buy(gen_shopper(), (variant, 2))
    assert result.orders[0].status == "pending_payment"
    assert stock_of(variant.id) == 3
    assert ("order_placed", result.orders[0].number) in recorder.heard
    assert "plugin exploding failed on event order_placed" in plugin_logs.text
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "plugin.wrote_before_failing")
        )
        == 0
    )
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "order.placed")) == 1


class MenuPlugin:
    @hookimpl
    def nav_items(self, user):
        return [{"url": "/plugin-menu", "label": f"Menu {user.name}"}]


class BrokenMenuPlugin:
    @hookimpl
    def nav_items(self, user):
        raise RuntimeError("menu bug")


def test_hook_nav_items__shown_to_signed_in_users_and_a_broken_one_is_skipped(cod_app):
    plugin_api.register(cod_app, BrokenMenuPlugin(), "broken_menu")
    plugin_api.register(cod_app, MenuPlugin(), "menu")
    gen_user("menu@test.id", name="Rina")
    client = cod_app.test_client()
    assert "/plugin-menu" not in client.get("/cart").get_data(as_text=True)
    client.post("/login", data={"email": "menu@test.id", "password": PASSWORD})
    html = client.get("/cart").get_data(as_text=True)
    assert 'href="/plugin-menu"' in html and "Menu Rina" in html


class PanelPlugin:
    @hookimpl
    def template_panels(self, slot):
        return ["test/_panel.html"] if slot == "seller_dashboard" else []


class BrokenPanelPlugin:
    @hookimpl
    def template_panels(self, slot):
        raise RuntimeError("panel bug")


def test_hook_template_panels__included_in_their_slot_with_the_page_context(cod_app):
    from jinja2 import ChoiceLoader, DictLoader

    cod_app.jinja_env.loader = ChoiceLoader(
        [
            DictLoader({"test/_panel.html": '<section id="plugin-panel">Panel {{ store.name }}</section>'}),
            cod_app.jinja_env.loader,
        ]
    )
    plugin_api.register(cod_app, BrokenPanelPlugin(), "broken_panel")
    plugin_api.register(cod_app, PanelPlugin(), "panel")
    gen_store(gen_user("panel@test.id", role="seller"), name="Batik Panel")
    client = cod_app.test_client()
    client.post("/login", data={"email": "panel@test.id", "password": PASSWORD})
    html = client.get("/seller/", follow_redirects=True).get_data(as_text=True)
    assert '<section id="plugin-panel">Panel Batik Panel</section>' in html
    assert "plugin-panel" not in client.get("/cart").get_data(as_text=True)  # another page, no such slot


# The English catalogue (its msgids are Indonesian text, never an identifier; .mo is binary) and
# binary assets are not code that could include or call a plugin.
SKIPPED_DIRS = ("marketplace/translations/",)
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".mo", ".pdf", ".pyc", ".gz"}


# Package names that are also the core's own words: "whatsapp" is a store's and a user's number
# (CONTRACT.md's POST /stores) and a channel id, older than the plugin; its endpoints are still checked.
CORE_WORDS = {"whatsapp"}


def _bundled_names() -> tuple[set[str], set[str]]:
    """(the words: package names and template folders; the blueprint names) of every bundled plugin."""
    words, blueprints = set(plugin_api.bundled_plugins()) - CORE_WORDS, set()
    for name in plugin_api.bundled_plugins():
        folder = ROOT / "plugins" / name
        words |= {child.name for child in (folder / "templates").glob("*") if child.is_dir()}
        for module in folder.rglob("*.py"):
            blueprints |= set(re.findall(r"""Blueprint\(\s*["']([\w.-]+)["']""", module.read_text()))
    return words, blueprints


def test_no_core_file_names_a_bundled_plugin():
    """Plugins reach the core through hooks: a core file that names one (``plugins.insurance``, a template
    ``insurance/...``, a setting default, a docstring, an endpoint ``"insurer.index"``) is a coupling that
    breaks or lies when that plugin is off. Package names and template folders may not appear as a word
    (case-sensitive: they are identifiers); blueprint names may not appear as an endpoint (``"name.``),
    since some (``insurer``) are also ordinary words of the core, like the role."""
    words, blueprints = _bundled_names()
    assert {"insurance", "esmart", "stripe_payments", "insurer"} <= words | blueprints  # the scan sees them
    word = re.compile(r"\b(" + "|".join(sorted(words)) + r")\b")
    endpoint = re.compile(r"""["'](""" + "|".join(sorted(blueprints)) + r""")\.\w""")
    offenders = []
    for path in sorted((ROOT / "marketplace").rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        skipped = relative.startswith(SKIPPED_DIRS)
        if not path.is_file() or path.suffix in BINARY or skipped:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = word.search(line) or endpoint.search(line)
            if found:
                offenders.append(f"{relative}:{number}: {found.group(0)}")
    assert offenders == []


# --- calling hooks through pluggy's specs ----------------------------------------------------


def test_hook_and_event_names_come_from_the_specs():
    pm = plugin_api.new_manager()
    assert set(plugin_api.HOOK_NAMES) == {name for name in dir(pm.hook) if not name.startswith("_")}
    assert plugin_api.EVENT_HOOKS == (
        "order_placed",
        "order_paid",
        "order_status_changed",
        "product_saved",
        "store_approved",
    )


def test_a_hook_called_with_a_missing_or_unexpected_argument_fails_loudly(cod_app):
    recorder = Recorder()
    plugin_api.register(cod_app, recorder, "recorder")
    store = gen_store()
    product = gen_product(store, category=None)
    heard = list(recorder.heard)  # making them fired the events rightly
    with pytest.raises(TypeError, match="missing \\['created'\\]"):
        plugin_api.notify("product_saved", product=product)
    with pytest.raises(TypeError, match="unexpected \\['shop'\\]"):
        plugin_api.notify("store_approved", store=store, shop=store)
    with pytest.raises(TypeError, match="missing \\['user'\\]"):
        plugin_api.gather("nav_items", loud=False)  # quiet hooks too: a wrong call is the caller's bug
    with pytest.raises(TypeError):
        plugin_api.gather("payment_methods", loud=True, cart=None)
    with pytest.raises(ValueError):
        plugin_api.gather("no_such_hook", loud=False)
    assert recorder.heard == heard  # nothing was called with a None for the missing argument


class LateArguments:
    """An implementation may name fewer arguments than the spec; it gets those it names."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def order_status_changed(self, order, new_status):
        self.seen.append((order.number, new_status))


def test_an_implementation_gets_only_the_arguments_it_names(cod_app):
    plugin = LateArguments()
    plugin_api.register(cod_app, plugin, "late")
    shopper = gen_shopper()
    order = buy(shopper, (gen_listing(), 1)).orders[0]
    transition(order, "cancelled", shopper)
    assert plugin.seen == [(order.number, "cancelled")]


def test_every_bundled_plugin_has_the_same_shape():
    """One module-level ``plugin`` whose class has ``name`` = its package, ``plugin_api.hookimpl``
    as the only marker, and declared settings that are ``Setting``s."""
    import importlib

    assert plugin_api.bundled_plugins() == (
        "stripe_payments",
        "bank_transfer",
        "cash_on_delivery",
        "esmart_sync",
        "insurance",
        "shipping_table",
        "biteship",
        "xendit",
        "whatsapp",
    )
    for name in plugin_api.bundled_plugins():
        module = importlib.import_module(f"plugins.{name}")
        plugin = module.plugin
        assert type(plugin).name == name
        assert module.hookimpl is plugin_api.hookimpl, name
        hooks = plugin_api.implemented_hooks(plugin)
        assert hooks and set(hooks) <= set(plugin_api.HOOK_NAMES), name
        settings = plugin_api.declared_settings(plugin, name)
        assert all(isinstance(setting, plugin_api.Setting) for setting in settings), name
        others = [
            attr
            for attr, value in vars(module).items()  # objects of the plugin's own classes
            if attr != "plugin"
            and type(value).__module__.startswith(module.__name__)
            and plugin_api.implemented_hooks(value)
        ]
        assert others == [], f"{name}: more than one plugin object: {others}"
    sources = "\n".join(path.read_text() for path in (ROOT / "plugins").rglob("*.py"))
    assert "HookimplMarker" not in sources and "HookspecMarker" not in sources


# --- the core's own implementation -----------------------------------------------------------


def test_the_core_registers_its_own_implementation_first_and_is_not_a_plugin(make_app):
    app = make_app(plugins="cash_on_delivery")
    assert [name for name, _p in plugin_api.manager(app).list_name_plugin()] == ["core", "cash_on_delivery"]
    assert plugin_api.enabled(app) == ["cash_on_delivery"]
    assert plugin_api.enabled(make_app(plugins="")) == []
    from flask import Flask

    bare = Flask(__name__)  # built without load_plugins: the core's links still come through the hook
    assert "core" in dict(plugin_api.manager(bare).list_name_plugin())


def _menu(client, email) -> str:
    client.post("/login", data={"email": email, "password": PASSWORD})
    html = client.get("/cart").get_data(as_text=True)
    client.get("/logout")
    return html[html.index("<header") : html.index("</header>")]


def test_hook_nav_items__the_core_links_come_from_the_core_implementation(make_app):
    """With every plugin off: the agency console and the payouts page for agency and admin
    finance, the incoming orders for sellers; none of them for a shopper."""
    app = make_app(plugins="")
    with app.app_context():
        gen_user("dinas@test.id", role="agency")
        gen_user("admin@test.id", role="admin")
        gen_user("penjual@test.id", role="seller")
        gen_user("pembeli@test.id")
    client = app.test_client()
    for email in ("dinas@test.id", "admin@test.id"):
        menu = _menu(client, email)
        assert 'href="/agency/"' in menu and "Konsol Dinas" in menu, email
        assert 'href="/finance/payouts"' in menu and "Pencairan dana" in menu, email
    menu = _menu(client, "penjual@test.id")
    assert "Pesanan Masuk" in menu and "Pencairan dana" not in menu and "Konsol Dinas" not in menu
    menu = _menu(client, "pembeli@test.id")
    assert not any(label in menu for label in ("Pesanan Masuk", "Pencairan dana", "Konsol Dinas"))


# --- demo data -----------------------------------------------------------------------------


class DemoPlugin:
    def __init__(self):
        self.stores_seen = None

    @hookimpl
    def demo_data(self, summary):
        self.stores_seen = summary.stores
        audit.record(None, "plugin.demo_object", "store", 1)
        return 1


def test_hook_demo_data__runs_after_the_core_demo_and_is_counted(make_app):
    app = make_app(plugins="")
    with app.app_context():
        plugin = DemoPlugin()
        plugin_api.register(app, plugin, "demo_plugin")
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        assert "1 plugin objects" in result.output
        assert plugin.stores_seen >= 12  # the core's stores were made first
        assert (
            db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "plugin.demo_object"))
            == 1
        )  # committed with the rest


# --- template slots ------------------------------------------------------------------------


class SlotPlugin:
    """One panel per slot, showing a piece of the page's context."""

    @hookimpl
    def template_panels(self, slot):
        return [f"test/_{slot}.html"]


SLOT_TEMPLATES = {
    "order_detail": '<section id="slot-order">Pesanan {{ order.number }}</section>',
    "product_detail": '<section id="slot-product">Produk {{ product.name }} dari {{ store.name }}</section>',
    "checkout_summary": '<section id="slot-checkout">Total {{ cart.total | rupiah }}</section>',
    "seller_dashboard": '<section id="slot-seller">Toko {{ store.name }}</section>',
    "agency_report": '<section id="slot-report">Laporan</section>',
}


@pytest.fixture
def slotted(cod_app):
    from jinja2 import ChoiceLoader, DictLoader

    assert set(SLOT_TEMPLATES) == set(plugin_api.SLOTS)
    cod_app.jinja_env.loader = ChoiceLoader(
        [DictLoader({f"test/_{slot}.html": body for slot, body in SLOT_TEMPLATES.items()}), cod_app.jinja_env.loader]
    )
    plugin_api.register(cod_app, BrokenPanelPlugin(), "broken_panel")
    plugin_api.register(cod_app, SlotPlugin(), "slots")
    return cod_app


def test_hook_template_panels__order_product_and_checkout_slots(slotted):
    seller = gen_user("toko@test.id", role="seller")
    store = gen_store(seller, name="Batik Slot")
    variant = gen_listing(price=30000, store=store, name="Kain Slot")
    shopper = gen_shopper("slot@test.id")
    client = slotted.test_client()
    html = client.get(f"/products/{variant.product_id}").get_data(as_text=True)
    assert '<section id="slot-product">Produk Kain Slot dari Batik Slot</section>' in html
    client.post("/login", data={"email": "slot@test.id", "password": PASSWORD})
    fill_cart(shopper, (variant, 1))
    html = client.get("/checkout").get_data(as_text=True)
    assert '<section id="slot-checkout">Total Rp 30.000</section>' in html
    html = html[html.index('<aside class="summary"') :]
    assert html.index('id="slot-checkout"') < html.index("</aside>")  # in the summary
    order = buy(shopper, (gen_listing(store=store), 1)).orders[0]
    db.session.commit()
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    assert f'<section id="slot-order">Pesanan {order.number}</section>' in html
    assert "slot-product" not in html and "slot-checkout" not in html  # each page shows its own slot


def test_hook_template_panels__an_unknown_slot_is_a_programming_error(cod_app):
    from marketplace import web

    with cod_app.test_request_context("/"), pytest.raises(ValueError, match="no template slot"):
        web._panels("sidebar")
