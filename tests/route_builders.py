"""One compiled URL builder per route for the whole test session.

Every test builds its own app (``make_app``), and every app binds its ~255 routes to a new
URL map. Binding a rule makes werkzeug generate the rule's URL-building function (an AST,
then ``compile``) twice: 96 % of ``create_app``'s time, the same functions each time. The
generated code depends only on the rule's text, its trace (static and dynamic parts), the
names of its defaults and the URL form of the defaults that fill a placeholder; it reaches
the rule itself (its converters, its query encoding) through the ``self`` it is bound to.
So one function per such key serves every app: each rule still binds it to itself, and the
URLs it builds are the same.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_BUILDERS: dict[tuple, Callable[..., tuple[str, str]]] = {}


def _builder_key(rule: Rule, append_unknown: bool) -> tuple:
    defaults = rule.defaults or {}
    filled = tuple(
        (name, rule._converters[name].to_url(defaults[name]))
        for is_dynamic, name in rule._trace
        if is_dynamic and name in defaults
    )
    return (rule.rule, tuple(rule._trace), tuple(str(k) for k in defaults), filled, append_unknown)


def _cached_compile_builder(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
    key = _builder_key(self, append_unknown)
    builder = _BUILDERS.get(key)
    if builder is None:
        builder = _BUILDERS[key] = _compile_builder(self, append_unknown)
    return builder


def install() -> None:
    """Share the builders from now on in this process (idempotent)."""
    Rule._compile_builder = _cached_compile_builder
