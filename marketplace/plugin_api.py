"""The plugin host: hook specifications, declared settings and the plugin manager (pluggy).

A plugin is a Python package with one module-level ``plugin`` object whose class has a
``name`` (its package or entry-point name) and methods marked ``@hookimpl`` (this module's
marker). Bundled plugins live in ``plugins/`` (their default order is ``plugins.BUNDLED``);
others are found through the ``apik_market.plugins`` entry-point group.
``MARKETPLACE_PLUGINS`` chooses which ones run (unset: every bundled plugin); an unknown
name stops start-up. The core's own menu links come from :mod:`marketplace.core_plugin`,
registered first under the name ``core`` in every app (it is not switched off).

Settings: a plugin declares ``settings = (Setting(...), ...)`` on its class. When it is
enabled, each setting gets its default unless the app's config has the name already
(instance/config.py, or the config dict given to ``create_app``); the environment variable of
the same name, coerced by ``kind``, wins over the default and over instance/config.py, as it
does for core settings; a value given to ``create_app`` wins over the environment. Then the
value is validated (``kind``, ``required``, ``check``): in production a problem stops start-up
with :class:`PluginError` naming the plugin and the setting; elsewhere the plugin is recorded
as needing configuration (:func:`needs_configuration`, ``flask plugins list``), a warning is
logged, and the setting keeps its default.

How the core calls hooks (always with keyword arguments that must be exactly the spec's
arguments, or :class:`TypeError`; each implementation gets the ones it names):
- event hooks (marked :func:`event` below: ``order_placed``, ``order_paid``,
  ``order_status_changed``, ``product_saved``, ``store_approved``) go through :func:`notify`:
  every plugin's handler runs in its own savepoint; one that raises is logged with its name
  and the event, its writes are undone, and the core goes on;
- payment and checkout hooks (``payment_methods``, ``checkout_extras``) go through
  :func:`gather` with ``loud=True``: a plugin that raises stops the caller with
  :class:`PluginFailure`, which the payments and checkout services turn into a clear message
  while the caller rolls everything back;
- ``nav_items`` and ``template_panels`` are gathered quietly (a broken menu link or panel
  must not break a page);
- ``init_app`` and ``demo_data`` go through :func:`call_each`: an exception stops start-up or
  the demo load.
Implementations run in registration order: the core first, then the MARKETPLACE_PLUGINS order.
"""
from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import flask
import pluggy
from flask import Flask

from marketplace.config import EXPLICIT_SETTINGS_KEY

PROJECT = "apik_market"
ENTRY_POINT_GROUP = "apik_market.plugins"
PLUGINS_PACKAGE = "plugins"
PLUGINS_DIR = Path(__file__).resolve().parent.parent / PLUGINS_PACKAGE
EXTENSION_KEY = "apik_plugins"
PROBLEMS_KEY = "apik_plugin_problems"
CORE = "core"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

log = logging.getLogger("marketplace.plugins")


_EVENT_SPECS: set[str] = set()


def event(spec: Callable) -> Callable:
    """Marks a hook specification as an event: called through :func:`notify`."""
    _EVENT_SPECS.add(spec.__name__)
    return spec


# --- hook specifications -----------------------------------------------------------

@hookspec
def init_app(app: Flask) -> None:
    """At start-up, after the core blueprints and the plugin's settings: register blueprints, CLI
    groups, template folders. An exception stops start-up."""


@hookspec
def payment_methods() -> list:
    """The payment methods this plugin offers: a list of ``marketplace.payments.methods.PaymentMethod``."""


@hookspec
def checkout_extras(cart) -> list:
    """Paid add-ons offered at checkout for ``cart`` (None: in general): a list of
    ``marketplace.checkout.extras.CheckoutExtra``."""


@event
@hookspec
def order_placed(order) -> None:
    """Event: ``order`` was created at checkout (once per order), inside the checkout transaction.
    That transaction may still roll back (stock is reserved after this event): write only to
    the database here; anything sent outside it belongs after the commit. ``order.lines`` and
    ``order.extras`` are loaded; its other relationships are not (query them)."""


@event
@hookspec
def order_paid(order, payment) -> None:
    """Event: the money of ``order`` was recorded on ``payment`` (prepaid: confirmed; cash on delivery: collected)."""


@event
@hookspec
def order_status_changed(order, old_status: str, new_status: str, actor) -> None:
    """Event: ``order`` moved from ``old_status`` to ``new_status``; ``actor`` is the user, or None for the system."""


@event
@hookspec
def product_saved(product, created: bool) -> None:
    """Event: a product was created (``created`` True) or edited by its store."""


@event
@hookspec
def store_approved(store) -> None:
    """Event: the agency approved ``store``; it now sells."""


@hookspec
def nav_items(user) -> list:
    """Menu links for ``user`` (signed in): a list of dicts ``{"url", "label"}`` shown in the header
    menu, the core's first. A plugin that raises is logged and its links are left out."""


@hookspec
def template_panels(slot: str) -> list:
    """Template names a plugin adds to the named slot of a core page (one of ``SLOTS``), included
    in registration order with the page's context; a plugin that raises is logged and its
    panels are left out. The core never names a plugin's template. The slots and what their
    pages give the template:

    - ``seller_dashboard``: ``store``, ``member``, ``sales``; ``agency_report``: ``report``, ``args``;
    - ``order_detail`` (the buyer's order page): ``order``, ``history``;
    - ``product_detail``: ``product``, ``store``, ``variants`` (shown to anonymous visitors from
      the page cache: no per-user content);
    - ``checkout_summary`` (the summary beside the checkout form): ``cart``, ``methods``, ``extras``."""


@hookspec
def openapi_spec() -> dict:
    """The plugin's part of ``/api/v1/openapi.json``: ``{"paths": {...}, "schemas": {...}}``, paths absolute
    (``/api/v1/...``, ``/webhooks/...``), schemas merged under ``components/schemas``. Built with the helpers
    of ``marketplace.api.openapi``; asked for only while the plugin is enabled. A plugin that raises is
    logged and its part left out; a path or schema name already in the document is not replaced."""


@hookspec
def demo_data(summary) -> int | None:
    """For ``flask demo load``, after the core's demo data (accounts, the expo, its stores,
    products and sales): create this plugin's demo objects that are missing (idempotent) and
    return how many were created. ``summary`` is the run's ``marketplace.demo.Summary`` (its
    counts so far; read only). The core commits once at the end; an exception stops the load
    and nothing is written."""


SLOTS = ("seller_dashboard", "agency_report", "order_detail", "product_detail", "checkout_summary")


def _spec_names() -> tuple[str, ...]:
    module = sys.modules[__name__]
    parser = pluggy.PluginManager(PROJECT)
    return tuple(name for name in list(vars(module)) if parser.parse_hookspec_opts(module, name) is not None)


HOOK_NAMES = _spec_names()
EVENT_HOOKS = tuple(name for name in HOOK_NAMES if name in _EVENT_SPECS)


# --- declared settings ---------------------------------------------------------------

TRUTHY = ("1", "true", "yes", "on")
KINDS = (str, int, float, bool, tuple)


@dataclass(frozen=True)
class Setting:
    """A setting a plugin declares (class attribute ``settings``), read like a core setting.

    ``kind`` is str, int, float, bool or tuple (a tuple of numbers; from the environment
    ``"5,30"``); a text value of another kind is coerced as the environment's would be.
    ``check(value)`` returns an error message or None; it is not called while the value is
    unset (None or ""), which ``required`` refuses and otherwise allows. ``secret`` values are
    shown as ``***``."""

    name: str
    default: Any = None
    secret: bool = False
    required: bool = False
    kind: type = str
    help: str = ""
    check: Callable[[Any], str | None] | None = None


def coerce(setting: Setting, raw: str) -> Any:
    """A text value (environment, instance config) as ``setting.kind``; ValueError if it is not one."""
    if setting.kind is bool:
        return raw.strip().lower() in TRUTHY
    if setting.kind is int:
        return int(raw)
    if setting.kind is float:
        return float(raw)
    if setting.kind is tuple:
        return tuple(float(part) if "." in part else int(part) for part in (p.strip() for p in raw.split(",")))
    return raw


def _is_kind(value: Any, kind: type) -> bool:
    if kind is bool or isinstance(value, bool):
        return kind is bool and isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float))
    if kind is tuple:
        return isinstance(value, (tuple, list))
    return isinstance(value, kind)


def resolve(app: Flask, setting: Setting) -> tuple[Any, str | None]:
    """The setting's value in ``app`` and what is wrong with it (None: nothing). Writes nothing."""
    explicit = app.extensions.get(EXPLICIT_SETTINGS_KEY, frozenset())
    if setting.name in os.environ and setting.name not in explicit:
        value: Any = os.environ[setting.name]
    else:
        value = app.config.get(setting.name, setting.default)
    if value is None or value == "":
        return value, (f"{setting.name} is required" if setting.required else None)
    if isinstance(value, str) and setting.kind is not str:
        try:
            value = coerce(setting, value)
        except ValueError:
            return value, f"{setting.name}={value!r} is not a {setting.kind.__name__}"
    if not _is_kind(value, setting.kind):
        return value, f"{setting.name} must be a {setting.kind.__name__}, not {type(value).__name__}"
    problem = setting.check(value) if setting.check else None
    return value, (f"{setting.name}: {problem}" if problem else None)


def declared_settings(plugin: Any, name: str = "") -> tuple[Setting, ...]:
    found = tuple(getattr(plugin, "settings", ()) or ())
    for setting in found:
        if not isinstance(setting, Setting) or setting.kind not in KINDS:
            raise PluginError(f"Plugin {name or plugin!r} declares {setting!r}: each of its `settings` must be a "
                              f"marketplace.plugin_api.Setting whose kind is one of str, int, float, bool, tuple.")
    return found


def _configure(app: Flask, name: str, plugin: Any) -> None:
    """Put the plugin's settings into app.config; a problem stops production, is recorded elsewhere."""
    problems = []
    for setting in declared_settings(plugin, name):
        value, problem = resolve(app, setting)
        # development goes on with the default rather than a value the plugin cannot use
        app.config[setting.name] = setting.default if problem else value
        if problem:
            problems.append(problem)
    registry = app.extensions.setdefault(PROBLEMS_KEY, {})
    registry.pop(name, None)
    if not problems:
        return
    if app.config.get("MARKETPLACE_ENV") == "production":
        raise PluginError(f"Plugin {name!r} needs configuration: {'; '.join(problems)}. Set it in the environment "
                          f"or instance/config.py, or leave {name!r} out of MARKETPLACE_PLUGINS.")
    registry[name] = problems
    log.warning("plugin %s needs configuration: %s", name, "; ".join(problems))


def needs_configuration(app: Flask | None = None) -> dict[str, list[str]]:
    """The enabled plugins whose settings are missing or invalid (development and tests), with the messages."""
    app = app or flask.current_app._get_current_object()
    return dict(app.extensions.get(PROBLEMS_KEY, {}))


# --- loading -------------------------------------------------------------------------

class PluginError(RuntimeError):
    """A plugin named in MARKETPLACE_PLUGINS cannot be loaded or configured: start-up stops."""


class PluginFailure(Exception):
    """A payment or checkout hook raised; the caller turns it into a clear message."""

    def __init__(self, plugin: str, hook: str, original: BaseException):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {original!r}")
        self.plugin = plugin
        self.hook = hook
        self.original = original


# (no Flask proxies at module level: pluggy reads every module attribute looking for specs)
def new_manager() -> pluggy.PluginManager:
    """A plugin manager with the specs and the core's own implementation registered."""
    from marketplace import core_plugin

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(sys.modules[__name__])
    pm.register(core_plugin.plugin, name=CORE)
    return pm


def bundled_plugins() -> tuple[str, ...]:
    """The bundled plugins in their default order: ``BUNDLED`` of the ``plugins`` package
    (imported by name: the core imports no plugin code)."""
    try:
        package = importlib.import_module(PLUGINS_PACKAGE)
    except ModuleNotFoundError:
        return ()
    return tuple(getattr(package, "BUNDLED", ()))


def plugin_names(app: Flask) -> list[str]:
    """The plugins MARKETPLACE_PLUGINS names (a comma-separated list; unset: every bundled plugin)."""
    raw = app.config.get("MARKETPLACE_PLUGINS")
    if raw is None:
        return list(bundled_plugins())
    if isinstance(raw, (list, tuple)):
        return [name for name in raw if name]
    return [name.strip() for name in raw.split(",") if name.strip()]


def installed_entry_points() -> dict:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def _is_bundled(name: str) -> bool:
    return name in bundled_plugins() or (PLUGINS_DIR / name / "__init__.py").exists()


def find_plugin(name: str) -> Any | None:
    """The ``plugin`` object called ``name``; None for a bundled plugin not shipped yet; PluginError if unknown."""
    if _is_bundled(name):
        try:
            module = importlib.import_module(f"{PLUGINS_PACKAGE}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name in (f"{PLUGINS_PACKAGE}.{name}", PLUGINS_PACKAGE):
                log.warning("bundled plugin %s is not in this release; skipped", name)
                return None
            raise
        return _plugin_object(name, module)
    installed = installed_entry_points()
    if name in installed:
        return _plugin_object(name, installed[name].load())
    known = sorted(set(bundled_plugins()) | set(installed))
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
    """Register the core and the plugins MARKETPLACE_PLUGINS names (each with its settings), then
    let each one ``init_app``."""
    pm = app.extensions[EXTENSION_KEY] = new_manager()
    app.extensions[PROBLEMS_KEY] = {}
    for name in plugin_names(app):
        plugin = find_plugin(name)
        if plugin is not None and not pm.is_registered(plugin):
            _configure(app, name, plugin)
            pm.register(plugin, name=name)
    call_each("init_app", {"app": app}, app=app)
    log.info("plugins enabled: %s", ", ".join(enabled(app)) or "none")
    return pm


def register(app: Flask, plugin: Any, name: str) -> None:
    """Add a plugin object to a running app (tests and embedding code): its settings, then its ``init_app``."""
    _configure(app, name, plugin)
    manager(app).register(plugin, name=name)
    call_each("init_app", {"app": app}, app=app, only=plugin)


def manager(app: Flask | None = None) -> pluggy.PluginManager:
    app = app or flask.current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy typed as Flask
    pm = app.extensions.get(EXTENSION_KEY)
    if pm is None:  # an app built without load_plugins: the core's implementation only
        pm = app.extensions[EXTENSION_KEY] = new_manager()
    return pm


def enabled(app: Flask | None = None) -> list[str]:
    """The names of the plugins that run, in order (the core is not one)."""
    return [name for name, plugin in manager(app).list_name_plugin() if plugin is not None and name != CORE]


def implemented_hooks(plugin: Any) -> list[str]:
    """The hooks ``plugin`` implements (registered or not), in the specs' order."""
    parser = pluggy.PluginManager(PROJECT)
    return [name for name in HOOK_NAMES
            if hasattr(plugin, name) and parser.parse_hookimpl_opts(plugin, name) is not None]


# --- calling hooks -------------------------------------------------------------------

def _calls(hook_name: str, kwargs: dict, app: Flask | None = None, only: Any = None) -> Iterator[tuple[str, Callable]]:
    """Each implementation of ``hook_name`` (registration order) as (plugin name, a call taking no
    arguments). ``kwargs`` must be exactly the spec's arguments: pluggy checked at registration
    that an implementation names no other, so each gets the ones it names."""
    hook = getattr(manager(app).hook, hook_name, None)
    if hook is None or hook.spec is None:
        raise ValueError(f"no hook specification called {hook_name!r}")
    expected = set(hook.spec.argnames)
    if set(kwargs) != expected:
        missing, unexpected = sorted(expected - set(kwargs)), sorted(set(kwargs) - expected)
        raise TypeError(f"hook {hook_name} takes {sorted(expected)}: missing {missing}, unexpected {unexpected}")
    for impl in hook.get_hookimpls():
        if only is not None and impl.plugin is not only:
            continue
        if impl.hookwrapper or impl.wrapper:
            raise PluginError(f"plugin {impl.plugin_name!r}: hook wrappers are not supported ({hook_name})")
        arguments = {name: kwargs[name] for name in impl.argnames}
        yield impl.plugin_name, (lambda function=impl.function, arguments=arguments: function(**arguments))


def call_each(hook_name: str, arguments: dict, *, app: Flask | None = None, only: Any = None) -> list:
    """Every implementation's answer (None included), in registration order; an exception propagates.
    ``app``: the app when outside its context; ``only``: that plugin object's implementation alone."""
    return [call() for _name, call in _calls(hook_name, arguments, app, only)]


def notify(event_name: str, **kwargs) -> None:
    """Fire an event hook. Each handler runs in a savepoint; one that raises is
    logged (plugin and event), its writes are undone, and the rest go on."""
    from marketplace.extensions import db

    if event_name not in EVENT_HOOKS:
        raise ValueError(f"not an event hook: {event_name}")
    for plugin_name, call in _calls(event_name, kwargs):
        try:
            with db.session.begin_nested():
                call()
        except Exception:  # a plugin's bug must not break the core
            log.exception("plugin %s failed on event %s; ignored", plugin_name, event_name)


def gather(hook_name: str, *, loud: bool, **kwargs) -> list:
    """Every plugin's answer to a list hook, flattened, in registration order.

    ``loud``: a plugin that raises stops the call with PluginFailure; otherwise
    it is logged and skipped. Wrong arguments are a TypeError either way."""
    results: list = []
    for plugin_name, call in _calls(hook_name, kwargs):
        try:
            answer = call()
        except Exception as exc:
            log.exception("plugin %s failed in %s", plugin_name, hook_name)
            if loud:
                raise PluginFailure(plugin_name, hook_name, exc) from exc
            continue
        if answer:
            results.extend(answer if isinstance(answer, (list, tuple)) else [answer])
    return results
