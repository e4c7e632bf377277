"""Settings a plugin declares (``settings = (Setting(...), ...)`` on its class), read like a
core setting: the default, then instance/config.py, then the environment variable of the same
name (coerced by ``kind``), then the config given to ``create_app``. In production a missing or
invalid value stops start-up with :class:`PluginError`; elsewhere the plugin is recorded as
needing configuration and the setting keeps its default."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask
from flask import Flask

from marketplace.config import EXPLICIT_SETTINGS_KEY
from marketplace.inputs import truthy

PROBLEMS_KEY = "apik_plugin_problems"

log = logging.getLogger("marketplace.plugins")


class PluginError(RuntimeError):
    """A plugin named in MARKETPLACE_PLUGINS cannot be loaded or configured: start-up stops."""


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
        return truthy(raw)
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
            raise PluginError(
                f"Plugin {name or plugin!r} declares {setting!r}: each of its `settings` must be a "
                f"marketplace.plugin_api.Setting whose kind is one of str, int, float, bool, tuple."
            )
    return found


def configure(app: Flask, name: str, plugin: Any) -> None:
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
        raise PluginError(
            f"Plugin {name!r} needs configuration: {'; '.join(problems)}. Set it in the environment "
            f"or instance/config.py, or leave {name!r} out of MARKETPLACE_PLUGINS."
        )
    registry[name] = problems
    log.warning("plugin %s needs configuration: %s", name, "; ".join(problems))


def needs_configuration(app: Flask | None = None) -> dict[str, list[str]]:
    """The enabled plugins whose settings are missing or invalid (development and tests), with the messages."""
    app = app or flask.current_app
    return dict(app.extensions.get(PROBLEMS_KEY, {}))
