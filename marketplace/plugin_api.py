"""The plugin host: hook specifications and the plugin manager (pluggy).

A plugin is a Python package with a module-level ``plugin`` object whose
methods are hook implementations (``@hookimpl``). Bundled plugins live in
``plugins/``; others are found through the ``apik_market.plugins`` entry-point
group. ``MARKETPLACE_PLUGINS`` chooses which ones run; an unknown name stops
start-up.

How the core calls hooks:
- event hooks (``order_placed``, ``order_paid``, ``order_status_changed``,
  ``product_saved``, ``store_approved``) go through :func:`notify`: every
  plugin's handler runs in its own savepoint; one that raises is logged with its
  name and the event, its writes are undone, and the core goes on;
- payment and checkout hooks (``payment_methods``, ``checkout_extras``) go
  through :func:`gather` with ``loud=True``: a plugin that raises stops the
  caller with :class:`PluginFailure`, which the payments and checkout services
  turn into a clear message while the caller rolls everything back;
- ``nav_items`` is gathered quietly (a broken menu link must not break a page).
"""
from __future__ import annotations

import importlib
import logging
import sys
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import flask
import pluggy
from flask import Flask

from marketplace.config import BUNDLED_PLUGINS, plugin_names

PROJECT = "apik_market"
ENTRY_POINT_GROUP = "apik_market.plugins"
PLUGINS_DIR = Path(__file__).resolve().parent.parent / "plugins"
EXTENSION_KEY = "apik_plugins"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

log = logging.getLogger("marketplace.plugins")


# --- hook specifications -----------------------------------------------------------

@hookspec
def init_app(app: Flask) -> None:
    """At start-up, after the core blueprints: register blueprints, CLI groups, template folders."""


@hookspec
def payment_methods() -> list:
    """The payment methods this plugin offers: a list of ``marketplace.payments.methods.PaymentMethod``."""


@hookspec
def checkout_extras(cart) -> list:
    """Paid add-ons offered at checkout for ``cart`` (None: in general): a list of
    ``marketplace.checkout.extras.CheckoutExtra``."""


@hookspec
def order_placed(order) -> None:
    """Event: ``order`` was created at checkout (once per order), inside the checkout transaction.
    That transaction may still roll back (stock is reserved after this event): write only to
    the database here; anything sent outside it belongs after the commit. ``order.lines`` and
    ``order.extras`` are loaded; its other relationships are not (query them)."""


@hookspec
def order_paid(order, payment) -> None:
    """Event: the money of ``order`` was recorded on ``payment`` (prepaid: confirmed; cash on delivery: collected)."""


@hookspec
def order_status_changed(order, old_status: str, new_status: str, actor) -> None:
    """Event: ``order`` moved from ``old_status`` to ``new_status``; ``actor`` is the user, or None for the system."""


@hookspec
def product_saved(product, created: bool) -> None:
    """Event: a product was created (``created`` True) or edited by its store."""


@hookspec
def store_approved(store) -> None:
    """Event: the agency approved ``store``; it now sells."""


@hookspec
def nav_items(user) -> list:
    """Menu links for ``user``: a list of dicts ``{"url", "label"}`` shown in the header menu."""


@hookspec
def template_panels(slot: str) -> list:
    """Template names a plugin adds to the named slot of a core page (``seller_dashboard``,
    ``agency_report``), included in registration order with the page's context; a plugin that
    raises is logged and its panels are left out. The core never names a plugin's template."""


@hookspec
def openapi_spec() -> dict:
    """The plugin's part of ``/api/v1/openapi.json``: ``{"paths": {...}, "schemas": {...}}``, paths absolute
    (``/api/v1/...``, ``/webhooks/...``), schemas merged under ``components/schemas``. Built with the helpers
    of ``marketplace.api.openapi``; asked for only while the plugin is enabled. A plugin that raises is
    logged and its part left out; a path or schema name already in the document is not replaced."""


HOOK_NAMES = ("init_app", "payment_methods", "checkout_extras", "order_placed", "order_paid",
              "order_status_changed", "product_saved", "store_approved", "nav_items", "template_panels",
              "openapi_spec")
EVENT_HOOKS = ("order_placed", "order_paid", "order_status_changed", "product_saved", "store_approved")


# --- loading -------------------------------------------------------------------------

class PluginError(RuntimeError):
    """A plugin named in MARKETPLACE_PLUGINS cannot be loaded: start-up stops."""


class PluginFailure(Exception):
    """A payment or checkout hook raised; the caller turns it into a clear message."""

    def __init__(self, plugin: str, hook: str, original: BaseException):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {original!r}")
        self.plugin = plugin
        self.hook = hook
        self.original = original


# (no Flask proxies at module level: pluggy reads every module attribute looking for specs)
def new_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(sys.modules[__name__])
    return pm


def _installed_entry_points() -> dict:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def find_plugin(name: str) -> Any | None:
    """The ``plugin`` object called ``name``; None for a bundled plugin not shipped yet; PluginError if unknown."""
    if name in BUNDLED_PLUGINS or (PLUGINS_DIR / name / "__init__.py").exists():
        try:
            module = importlib.import_module(f"plugins.{name}")
        except ModuleNotFoundError as exc:
            if exc.name in (f"plugins.{name}", "plugins"):
                log.warning("bundled plugin %s is not in this release; skipped", name)
                return None
            raise
        return _plugin_object(name, module)
    installed = _installed_entry_points()
    if name in installed:
        return _plugin_object(name, installed[name].load())
    known = sorted(set(BUNDLED_PLUGINS) | set(installed))
    raise PluginError(
        f"Unknown plugin {name!r} in MARKETPLACE_PLUGINS. Known plugins: {', '.join(known) or 'none'}. "
        f"Fix MARKETPLACE_PLUGINS (a comma-separated list) or install the plugin "
        f"(entry-point group {ENTRY_POINT_GROUP!r})."
    )


def _plugin_object(name: str, loaded: Any) -> Any:
    plugin = getattr(loaded, "plugin", loaded)
    if plugin is None:
        raise PluginError(f"Plugin {name!r} has no module-level `plugin` object.")
    return plugin


def load_plugins(app: Flask) -> pluggy.PluginManager:
    """Register the plugins MARKETPLACE_PLUGINS names, then let each one ``init_app``."""
    pm = new_manager()
    for name in plugin_names(app):
        plugin = find_plugin(name)
        if plugin is not None and not pm.is_registered(plugin):
            pm.register(plugin, name=name)
    app.extensions[EXTENSION_KEY] = pm
    pm.hook.init_app(app=app)
    log.info("plugins enabled: %s", ", ".join(enabled(app)) or "none")
    return pm


def register(app: Flask, plugin: Any, name: str) -> None:
    """Add a plugin object to a running app (tests and embedding code); calls its ``init_app``."""
    pm = manager(app)
    pm.register(plugin, name=name)
    hook = getattr(plugin, "init_app", None)
    if hook is not None:
        hook(app)


def manager(app: Flask | None = None) -> pluggy.PluginManager:
    app = app or flask.current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy typed as Flask
    pm = app.extensions.get(EXTENSION_KEY)
    if pm is None:  # an app built without load_plugins: no plugins
        pm = app.extensions[EXTENSION_KEY] = new_manager()
    return pm


def enabled(app: Flask | None = None) -> list[str]:
    return [name for name, plugin in manager(app).list_name_plugin() if plugin is not None]


# --- calling hooks -------------------------------------------------------------------

def _impls(hook_name: str) -> list:
    """The hook's implementations in registration order (the MARKETPLACE_PLUGINS order)."""
    return getattr(manager().hook, hook_name).get_hookimpls()


def _call(impl, kwargs: dict) -> Any:
    return impl.function(**{arg: kwargs.get(arg) for arg in impl.argnames})


def notify(event: str, **kwargs) -> None:
    """Fire an event hook. Each handler runs in a savepoint; one that raises is
    logged (plugin and event), its writes are undone, and the rest go on."""
    from marketplace.extensions import db

    if event not in EVENT_HOOKS:
        raise ValueError(f"not an event hook: {event}")
    for impl in _impls(event):
        try:
            with db.session.begin_nested():
                _call(impl, kwargs)
        except Exception:  # a plugin's bug must not break the core
            log.exception("plugin %s failed on event %s; ignored", impl.plugin_name, event)


def gather(hook_name: str, *, loud: bool, **kwargs) -> list:
    """Every plugin's answer to a list hook, flattened, in registration order.

    ``loud``: a plugin that raises stops the call with PluginFailure; otherwise
    it is logged and skipped."""
    results: list = []
    for impl in _impls(hook_name):
        try:
            answer = _call(impl, kwargs)
        except Exception as exc:
            log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
            if loud:
                raise PluginFailure(impl.plugin_name, hook_name, exc) from exc
            continue
        if answer:
            results.extend(answer if isinstance(answer, (list, tuple)) else [answer])
    return results
