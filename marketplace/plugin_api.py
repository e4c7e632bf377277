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
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import flask
import pluggy
from flask import Flask

from marketplace import hookspecs
from marketplace.hookspecs import EVENT_HOOKS, HOOK_NAMES, PROJECT, SLOTS, hookimpl, hookspec
from marketplace.plugin_settings import (
    PROBLEMS_KEY,
    PluginError,
    Setting,
    coerce,
    configure,
    declared_settings,
    needs_configuration,
    resolve,
)

# What plugins import from here (``hookimpl``, ``Setting``) lives in hookspecs.py and
# plugin_settings.py; this module is the one name they need.
__all__ = [
    "CORE",
    "ENTRY_POINT_GROUP",
    "EVENT_HOOKS",
    "HOOK_NAMES",
    "PROJECT",
    "SLOTS",
    "PluginError",
    "PluginFailure",
    "Setting",
    "bundled_plugins",
    "call_each",
    "coerce",
    "each_call",
    "declared_settings",
    "enabled",
    "find_plugin",
    "gather",
    "hookimpl",
    "hookspec",
    "implemented",
    "implemented_hooks",
    "load_plugins",
    "manager",
    "needs_configuration",
    "new_manager",
    "notify",
    "plugin_names",
    "register",
    "resolve",
]

ENTRY_POINT_GROUP = "apik_market.plugins"
PLUGINS_PACKAGE = "plugins"
PLUGINS_DIR = Path(__file__).resolve().parent.parent / PLUGINS_PACKAGE
EXTENSION_KEY = "apik_plugins"
CORE = "core"

log = logging.getLogger("marketplace.plugins")


# --- loading -------------------------------------------------------------------------


class PluginFailure(Exception):
    """A payment or checkout hook raised; the caller turns it into a clear message."""

    def __init__(self, plugin: str, hook: str, original: BaseException):
        super().__init__(f"plugin {plugin!r} failed in {hook}: {original!r}")
        self.plugin = plugin
        self.hook = hook
        self.original = original


def new_manager() -> pluggy.PluginManager:
    """A plugin manager with the specs and the core's own implementation registered."""
    from marketplace import core_plugin

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
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
            configure(app, name, plugin)
            pm.register(plugin, name=name)
    call_each("init_app", {"app": app}, app=app)
    log.info("plugins enabled: %s", ", ".join(enabled(app)) or "none")
    return pm


def register(app: Flask, plugin: Any, name: str) -> None:
    """Add a plugin object to a running app (tests and embedding code): its settings, then its ``init_app``."""
    configure(app, name, plugin)
    manager(app).register(plugin, name=name)
    call_each("init_app", {"app": app}, app=app, only=plugin)


def manager(app: Flask | None = None) -> pluggy.PluginManager:
    app = app or flask.current_app  # the proxy reads extensions as the app does
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
    return [
        name for name in HOOK_NAMES if hasattr(plugin, name) and parser.parse_hookimpl_opts(plugin, name) is not None
    ]


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


def each_call(hook_name: str, **kwargs) -> Iterator[tuple[str, Callable]]:
    """Each implementation of ``hook_name`` as (plugin name, a call taking no arguments), in
    registration order, for callers that decide themselves which answer wins and what an
    exception means (the shipping hooks: the first plugin answering non-None)."""
    return _calls(hook_name, kwargs)


def implemented(hook_name: str, app: Flask | None = None) -> bool:
    """Whether any running plugin (or the core) implements ``hook_name``."""
    hook = getattr(manager(app).hook, hook_name, None)
    return bool(hook is not None and hook.get_hookimpls())


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


def gather_each(hook_name: str, **kwargs) -> tuple[list, list[tuple[str, Exception]]]:
    """Like a quiet :func:`gather`, but also says who failed: (the answers flattened, [(plugin
    name, its exception)]), so the caller can tell the user that some answers are missing."""
    results: list = []
    failures: list[tuple[str, Exception]] = []
    for plugin_name, call in _calls(hook_name, kwargs):
        try:
            answer = call()
        except Exception as exc:
            failures.append((plugin_name, exc))
            continue
        if answer:
            results.extend(answer if isinstance(answer, (list, tuple)) else [answer])
    return results, failures
