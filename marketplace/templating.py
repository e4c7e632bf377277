"""The app's Jinja environment: Flask's, with each template's globals in one plain dict.

Jinja keeps a template's globals as a ``ChainMap`` over the environment's (so a global added
later still shows). Every render flattens that map into the context key by key, and every
``{% from ... import ... %}`` subtracts its keys from the importing context's: about 45 µs an
import with our 46 globals, 4–5 % of a warm catalogue page (three imports and a render). Here a
template's globals are a dict made when the template loads, and the environment forgets every
loaded template whenever its own globals change, so a global added after a template loaded
(a plugin's, say) is still seen: the template loads again, with it.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


def _reporting(method: Callable[..., Any]) -> Callable[..., Any]:
    def changed(self: _Globals, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        self.on_change()
        return result

    return changed


class _Globals(dict):
    """The environment's globals: a dict that calls ``on_change`` after each change."""

    def __init__(self, values: dict, on_change: Callable[[], None]) -> None:
        super().__init__(values)
        self.on_change = on_change

    __setitem__ = _reporting(dict.__setitem__)
    __delitem__ = _reporting(dict.__delitem__)
    __ior__ = _reporting(dict.__ior__)
    update = _reporting(dict.update)
    setdefault = _reporting(dict.setdefault)
    pop = _reporting(dict.pop)
    popitem = _reporting(dict.popitem)
    clear = _reporting(dict.clear)


class Environment(FlaskEnvironment):
    """Flask's environment whose templates hold their globals in a plain dict (see above)."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self.globals = _Globals(self.globals, self._forget_templates)

    def _forget_templates(self) -> None:
        if self.cache is not None:
            self.cache.clear()

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}
