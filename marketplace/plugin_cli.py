"""``flask plugins list [--json]``: every plugin found (bundled and by entry point), enabled or
not, its declared settings (secrets masked), whether it needs configuration, its hooks.

The core's own hook implementation (``core``) is not listed: it is part of the host and
cannot be switched off."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from marketplace import plugin_api

MASK = "***"


def _shown(setting: plugin_api.Setting, value):
    if value is None or value == "":
        return None
    if setting.secret:
        return MASK
    return list(value) if isinstance(value, tuple) else value


def describe(app: Flask) -> list[dict]:
    """One dict per plugin found: bundled ones in their order, then entry points, then any other
    registered in this app (``plugin_api.register``)."""
    running = dict(plugin_api.manager(app).list_name_plugin())
    running.pop(plugin_api.CORE, None)
    items = []
    for name, source in _found(running):
        plugin = running.get(name) or plugin_api.find_plugin(name)
        if plugin is None:  # a bundled plugin not in this release
            continue
        settings, problems = _settings(app, plugin, name)
        if name in running:  # what start-up found (the app then runs on the defaults)
            problems = plugin_api.needs_configuration(app).get(name, [])
        items.append(
            {
                "name": name,
                "enabled": name in running,
                "source": source,
                "needs_configuration": bool(problems),
                "problems": problems,
                "settings": settings,
                "hooks": plugin_api.implemented_hooks(plugin),
            }
        )
    return items


def _found(running: dict) -> list[tuple[str, str]]:
    """``(name, source)`` of every plugin: bundled, then by entry point, then registered by hand."""
    found: list[tuple[str, str]] = [(name, "bundled") for name in plugin_api.bundled_plugins()]
    found += [(name, "entry point") for name in sorted(plugin_api.installed_entry_points()) if name not in dict(found)]
    found += [(name, "registered") for name in running if name not in dict(found)]
    return found


def _settings(app: Flask, plugin, name: str) -> tuple[list[dict], list[str]]:
    """The plugin's declared settings as shown (secrets masked), and what is wrong with their values."""
    settings, problems = [], []
    for setting in plugin_api.declared_settings(plugin, name):
        value, problem = plugin_api.resolve(app, setting)
        shown = _shown(setting, value)
        settings.append(
            {
                "name": setting.name,
                "value": shown,
                "set": shown is not None,
                "default": _shown(setting, setting.default),
                "secret": setting.secret,
                "required": setting.required,
                "kind": setting.kind.__name__,
                "help": setting.help,
            }
        )
        if problem:
            problems.append(problem)
    return settings, problems


def _text(item: dict) -> str:
    state = "enabled" if item["enabled"] else "disabled"
    lines = [
        f"{item['name']}  {state}  ({item['source']})"
        + ("  NEEDS CONFIGURATION" if item["needs_configuration"] else "")
    ]
    lines.append(f"  hooks: {', '.join(item['hooks']) or 'none'}")
    if item["settings"]:
        lines.append("  settings:")
    for setting in item["settings"]:
        value = "(unset)" if setting["value"] is None else setting["value"]
        flags = [flag for flag in ("secret", "required") if setting[flag]]
        lines.append(f"    {setting['name']} = {value}" + (f"  [{', '.join(flags)}]" if flags else ""))
    for problem in item["problems"]:
        lines.append(f"  ! {problem}")
    return "\n".join(lines)


def register_cli(app: Flask) -> None:
    group = AppGroup("plugins", help="The plugins found, their settings and hooks.")

    @group.command("list")
    @click.option("--json", "as_json", is_flag=True, help='{"items": [{"name", "enabled", "settings", "hooks", ...}]}')
    def list_command(as_json: bool) -> None:
        """Every plugin found, enabled or not, its settings (secrets masked) and hooks."""
        items = describe(current_app._get_current_object())
        if as_json:
            click.echo(json.dumps({"items": items}, ensure_ascii=False, indent=2))
            return
        click.echo("\n\n".join(_text(item) for item in items) or "No plugins found.")

    app.cli.add_command(group)
