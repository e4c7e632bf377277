"""Every use of a library's private or undocumented internals, one function per use.

The app reaches past the public API of SQLAlchemy, Flask-Limiter, Flask,
Flask-Login, Werkzeug and Pillow in a few places where the public API has no
answer (or costs too much on a hot path). Those places call the functions here
and nothing else touches the internals, so an upgrade that changes one of them
breaks one function, and ``tests/unit/test_internals.py`` exercises each of
them against the installed library and fails naming it. Each docstring says
what the function relies on.

This module imports only the libraries: anything in the app may use it.
"""

from __future__ import annotations

from typing import Any

from flask.globals import _cv_app, _cv_request  # read on hot paths: imported once, not per call

# --- SQLAlchemy ---------------------------------------------------------------------


def set_loaded(obj: object, name: str, value: Any) -> None:
    """Set attribute ``name`` of a persistent ORM object as if it had been loaded with
    ``value``: no history, nothing to flush, no lazy load of a relationship.

    Relies on ``sqlalchemy.orm.attributes.set_committed_value``, listed among the
    "ORM internals" of SQLAlchemy's documentation rather than its public API."""
    from sqlalchemy.orm.attributes import set_committed_value

    set_committed_value(obj, name, value)


def value_in_hand(obj: object, name: str) -> Any:
    """The value of attribute ``name`` of an ORM object if it is loaded or was set, else
    None, never loading it (a ``raise_on_sql`` relationship does not raise).

    Relies on SQLAlchemy's ``inspect(obj).dict`` (documented: the instance's dict,
    ``__dict__`` under the default instrumentation) holding exactly the loaded and set
    attributes. Cheaper than ``attrs[name].loaded_value``, which builds an
    ``AttributeState`` per attribute on first use: the checkout calls this per order."""
    from sqlalchemy import inspect

    return inspect(obj).dict.get(name)


def dml_columns(statement: Any) -> list[str] | None:
    """The names of the columns an UPDATE/INSERT statement built with ``.values()`` or
    ``.ordered_values()`` sets, or None when they cannot be told (parameters given at
    execution time, a key that is neither a column nor a name).

    Relies on SQLAlchemy keeping those values on the private ``_values`` (a dict) or
    ``_ordered_values`` (a list of pairs) attribute of the statement: no public
    accessor exists."""
    values = getattr(statement, "_values", None) or getattr(statement, "_ordered_values", None)
    if not values:
        return None
    items = values.keys() if isinstance(values, dict) else [key for key, _value in values]
    names = []
    for key in items:
        name = getattr(key, "key", None) or getattr(key, "name", None) or (key if isinstance(key, str) else None)
        if name is None:
            return None
        names.append(name)
    return names


def dml_value(statement: Any, name: str) -> Any:
    """The expression an UPDATE built with ``.values()`` sets column ``name`` to, or None.

    Relies on SQLAlchemy's private ``_values`` / ``_ordered_values``, as :func:`dml_columns`."""
    values = getattr(statement, "_values", None) or getattr(statement, "_ordered_values", None)
    if not values:
        return None
    items = values.items() if isinstance(values, dict) else values
    for key, value in items:
        if (getattr(key, "key", None) or getattr(key, "name", None) or key) == name:
            return value
    return None


def is_decrement(expression: Any, column: str) -> bool:
    """Is ``expression`` (a value of :func:`dml_value`) ``<column> - <something>``?

    Relies on SQLAlchemy's ``BinaryExpression.left`` and ``.operator`` (public attributes,
    undocumented)."""
    from sqlalchemy.sql import operators

    left = getattr(expression, "left", None)
    return getattr(expression, "operator", None) is operators.sub and getattr(left, "name", None) == column


def dml_where_values(statement: Any, parameters: Any) -> dict[str, set]:
    """The values an UPDATE or DELETE's WHERE pins columns of its own table to: from the terms
    ``column = value`` and ``column IN (values)`` joined by AND at the top, each value a literal
    or a bound parameter given at execution (``parameters``: a dict, or a list of them for an
    executemany). A column whose value cannot be told is left out; so is every term under an OR.

    Relies on SQLAlchemy's ``BooleanClauseList.clauses`` / ``.operator``,
    ``BinaryExpression.left`` / ``.right`` / ``.operator`` and ``BindParameter.key`` /
    ``.value`` (public attributes, undocumented)."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.elements import BindParameter

    where = getattr(statement, "whereclause", None)
    if where is None:
        return {}
    table = getattr(getattr(statement, "table", None), "name", None)
    terms = list(where.clauses) if getattr(where, "operator", None) is operators.and_ else [where]
    sets = list(parameters) if isinstance(parameters, list | tuple) else [parameters or {}]
    found: dict[str, set] = {}
    for term in terms:
        column, value = getattr(term, "left", None), getattr(term, "right", None)
        if getattr(term, "operator", None) not in (operators.eq, operators.in_op):
            continue
        if getattr(getattr(column, "table", None), "name", None) != table or not isinstance(value, BindParameter):
            continue
        values: set = set()
        for given in sets:
            raw = given.get(value.key, value.value) if isinstance(given, dict) else value.value
            if raw is None:
                values = set()
                break
            values.update(raw if isinstance(raw, list | tuple | set | frozenset) else [raw])
        if values:
            found.setdefault(column.name, set()).update(values)
    return found


# --- Flask-Limiter ----------------------------------------------------------------------


def limiter_global_limits(limiter: Any) -> list:
    """The limits that apply to every route: the application-wide and the default ones.

    Relies on Flask-Limiter's ``Limiter.limit_manager`` (undocumented) and its ``application_limits``
    and ``default_limits`` properties."""
    manager = limiter.limit_manager
    return [*manager.application_limits, *manager.default_limits]


def limiter_meta_limits(limiter: Any) -> list:
    """The meta limits (a limit on how often a client may break the others), flattened.

    Relies on Flask-Limiter's private ``Limiter._meta_limits``: a list of limit groups, or None
    before the limiter was initialised."""
    return [limit for group in limiter._meta_limits or [] for limit in group]


def limiter_endpoint_limits(limiter: Any, app: Any, endpoint: str, blueprint: str | None) -> list:
    """The limits Flask-Limiter would check for a request to ``endpoint`` (the defaults
    that apply to it, then those declared on the view or its blueprint).

    Relies on Flask-Limiter's ``Limiter.limit_manager.resolve_limits(app, endpoint, blueprint,
    callable_name, in_middleware, marked_for_limiting)`` returning two lists, and on
    ``flask_limiter.util.get_qualified_name`` naming the view as the decorator did."""
    from flask_limiter.util import get_qualified_name

    defaults, decorated = limiter.limit_manager.resolve_limits(
        app, endpoint, blueprint, get_qualified_name(app.view_functions[endpoint]), False, False
    )
    return [*defaults, *decorated]


def limiter_view_limits(limiter: Any, app: Any, endpoint: str) -> list:
    """The limits declared on the view of ``endpoint`` and on its blueprint (each with
    ``.methods``: the HTTP methods it counts, lower case, or None for all).

    Relies on Flask-Limiter's ``Limiter.limit_manager.decorated_limits(qualified_name)`` and
    ``.blueprint_limits(app, blueprint)``, and on ``get_qualified_name``."""
    from flask_limiter.util import get_qualified_name

    view = app.view_functions.get(endpoint)
    if view is None:
        return []
    manager = limiter.limit_manager
    limits = list(manager.decorated_limits(get_qualified_name(view)))
    blueprint = endpoint.rpartition(".")[0]
    if blueprint:
        limits += manager.blueprint_limits(app, blueprint)
    return limits


# --- Werkzeug, Flask, Flask-Login ---------------------------------------------------------------


def route_count(url_map: Any) -> int:
    """How many endpoints ``url_map`` has, in O(1): a cache keyed by it notices a route
    added later.

    Relies on Werkzeug's private ``Map._rules_by_endpoint`` (a dict by endpoint); when
    it is gone the rules are counted one by one, which is right but slower."""
    by_endpoint = getattr(url_map, "_rules_by_endpoint", None)
    if by_endpoint is None:
        return len({rule.endpoint for rule in url_map.iter_rules()})
    return len(by_endpoint)


def request_url_adapter() -> Any:
    """The URL adapter of the current request, or None when the request matched no host
    (a Host outside ``TRUSTED_HOSTS``): then ``url_for`` cannot build a link.

    Relies on Flask's ``flask.globals.request_ctx`` (not exported by ``flask`` itself) and
    its ``url_adapter`` attribute."""
    from flask.globals import request_ctx

    return getattr(request_ctx, "url_adapter", None)


def request_context() -> Any:
    """The current request's context (its ``app`` and ``request``), or None outside a request,
    in one read: ``has_request_context()``, ``current_app`` and ``request`` are a proxy lookup
    each (~0.7 µs), and a page's templates build dozens of URLs (``urls.remembered_url_for``).

    Relies on Flask's ``flask.globals._cv_request`` (the ContextVar behind ``request_ctx``)
    and the RequestContext's ``app`` and ``request`` attributes."""
    return _cv_request.get(None)


def app_context() -> Any:
    """The current app context (its ``g``), or None outside one, in one read: ``has_app_context()``
    then ``g`` are a proxy lookup each, and the templates' gettext asks for ``g`` per string.

    Relies on Flask's ``flask.globals._cv_app`` (the ContextVar behind ``g`` and ``current_app``)
    and the AppContext's ``g`` attribute."""
    return _cv_app.get(None)


def set_current_user(user: Any) -> None:
    """Make ``user`` Flask-Login's ``current_user`` for this request without calling the
    user loader (which would read the database).

    Relies on Flask-Login keeping the request's user in ``g._login_user`` and reading it
    from there before it loads one."""
    from flask import g

    g._login_user = user


# --- Pillow -------------------------------------------------------------------------------------


def pixels_only(image: Any) -> Any:
    """A new ``Image`` holding only the decoded pixels of a loaded ``image``: no file,
    no decoder, no plugin state (libwebp's canvases go with the original).

    Relies on Pillow's private ``Image._new(im)`` and the ``Image.im`` core object."""
    return image._new(image.im)
