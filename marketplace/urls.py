"""Absolute links: every one the app writes (e-mail, pages, payloads for other
services, payment redirects) is built here, from the configured base URL and
never from the request's ``Host`` or ``X-Forwarded-Host``.

A ``Host: evil.example`` on ``/password/forgot`` once mailed the victim a
working reset token at ``http://evil.example/...``; :func:`absolute_url` is
the one way to build such a link, so no request can choose where it points.

The base is ``BASE_URL`` (required in production, see ``production.py``).
Without it, development uses the address the server was started on
(:func:`started_at`) and testing the test client's ``http://localhost``;
``config.load_config`` stores the result back into ``BASE_URL`` and sets
Flask's ``TRUSTED_HOSTS`` from it (:func:`trusted_hosts`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, url_for

from marketplace.errors import ConfigurationError
from marketplace.internals import request_context

DEFAULT_HOST = "127.0.0.1"
FLASK_RUN_PORT = 5000  # `flask run`'s default, what `make run` serves on without PORT
GUNICORN_PORT = 8000  # gunicorn.conf.py's default without PORT
TESTING_BASE = "http://localhost"  # the Flask test client's host
WILDCARD_HOSTS = ("", "0.0.0.0", "::", "[::]")  # nosec B104 - compared with, never bound to
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


class BaseUrlError(ValueError):
    """BASE_URL is not an http(s) URL with a host."""


def normalise_base(url: str) -> str:
    """``url`` without a trailing slash, query or fragment; BaseUrlError unless it is http(s) with a host."""
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BaseUrlError(f"BASE_URL={url!r} is not an absolute http(s) URL such as https://pasar.example.id")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise BaseUrlError(
            f"BASE_URL={url!r} must be scheme, host, optional port and path only "
            "(no user, query or fragment), such as https://pasar.example.id"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def started_at() -> str:
    """The address this process serves on, as a base URL, for development without BASE_URL.

    ``flask run`` (its ``--host``/``--port``, or FLASK_RUN_HOST/FLASK_RUN_PORT):
    the run command builds the app inside its own click context, whose
    parameters say where it listens. gunicorn: ``GUNICORN_BIND`` or ``PORT``
    (gunicorn.conf.py's own defaults). Otherwise ``PORT`` or 5000 on
    127.0.0.1, where ``make run`` serves. A wildcard address (0.0.0.0) becomes
    127.0.0.1: set BASE_URL to be reached from other machines."""
    host, port = None, None
    try:
        import click

        ctx = click.get_current_context(silent=True)
    except ImportError:  # pragma: no cover - click comes with Flask
        ctx = None
    if ctx is not None and ctx.info_name == "run" and "port" in ctx.params:
        host, port = ctx.params.get("host"), ctx.params.get("port")
    elif "gunicorn" in sys.modules:
        bind = (os.environ.get("GUNICORN_BIND") or "").split(",")[0].strip()
        if bind and not bind.startswith(("unix:", "fd://")):
            host, _, port = bind.rpartition(":") if ":" in bind else (bind, "", "")
        port = port or os.environ.get("PORT") or GUNICORN_PORT
    else:
        port = os.environ.get("PORT") or FLASK_RUN_PORT
    host = (host or "").strip()
    if host in WILDCARD_HOSTS:
        host = DEFAULT_HOST
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{int(port)}"


def default_base(config) -> str:
    """The base URL when BASE_URL is unset (never in production: it refuses to start)."""
    if config.get("TESTING"):
        return TESTING_BASE
    return started_at()


def _host_names(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = re.split(r"[,\s]+", value)
    return [str(name).strip().lower() for name in value if str(name).strip()]


def trusted_hosts(config) -> list[str]:
    """Flask's TRUSTED_HOSTS: the base URL's host, the names the operator added in
    TRUSTED_HOSTS, and outside production the loopback names (a developer may
    open http://localhost:5000 as well as http://127.0.0.1:5000; the test
    client sends ``localhost``). Any other Host is answered 400."""
    names = [urlsplit(config["BASE_URL"]).hostname or ""]
    names += _host_names(config.get("TRUSTED_HOSTS"))
    if config.get("MARKETPLACE_ENV") != "production":
        names += LOOPBACK_HOSTS
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return seen


def configure(config) -> None:
    """Set BASE_URL (normalised, or the default) and TRUSTED_HOSTS; called by config.load_config
    after production.check_settings made sure production has a BASE_URL."""
    base = config.get("BASE_URL")
    try:
        config["BASE_URL"] = normalise_base(base) if base else default_base(config)
    except BaseUrlError as exc:
        raise ConfigurationError(str(exc)) from None
    config["TRUSTED_HOSTS"] = trusted_hosts(config)


def base_url() -> str:
    """The configured base, without a trailing slash (``https://pasar.example.id``)."""
    return current_app.config["BASE_URL"].rstrip("/")


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL for ``endpoint`` under BASE_URL, inside or outside a request
    (CLI commands, the mail outbox's thread, job workers). Accepts url_for's values,
    ``_anchor`` included; :raise werkzeug.routing.BuildError: unknown endpoint.

    Remembered per app, BASE_URL, endpoint and arguments, as :func:`remembered_url_for`'s paths
    (and built each time where those are): binding the URL map to BASE_URL and building took
    25-70 µs a link, and a product page's meta tags and share links are nine."""
    app = current_app._get_current_object()
    anchor = values.pop("_anchor", None)
    values.pop("_external", None)
    values.pop("_scheme", None)
    key = (app.config["BASE_URL"], endpoint, *_argument_key(values))

    def build() -> str:
        parts = urlsplit(base_url())
        app.inject_url_defaults(endpoint, values)
        adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        return adapter.build(endpoint, values, force_external=True)

    url = _remember(_remembered_urls(app, "apik_remembered_absolute_urls"), key, build)
    if anchor is not None:
        from urllib.parse import quote

        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")
    return url


def absolute_path(path: str) -> str:
    """``path`` (beginning with /) under BASE_URL, for a path that is not an endpoint."""
    return base_url() + "/" + path.lstrip("/")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site; None for anything that could leave it."""
    if not target:
        return None
    if any(ord(ch) < 32 or ch == "\\" for ch in target):  # browsers drop tabs, turn \ into /
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# A number no URL holds: built into a path once, then cut out of it again (``id_path``).
_ID_MARK = 7_391_046_285


def id_path(endpoint: str, name: str, value: int) -> str:
    """``url_for(endpoint, **{name: value})`` for an integer ``value`` in a request, e.g. a product
    card's ``/products/<id>``: the path around the number is built once per app, endpoint and script
    root, then reused (a grid asks for dozens, and each url_for costs ~7 µs). An int converter
    writes the number as ``str`` does, so the result is byte for byte url_for's."""
    head, tail = id_path_pattern(endpoint, name)
    return f"{head}{int(value)}{tail}"


def id_path_pattern(endpoint: str, name: str) -> tuple[str, str]:
    """The path of ``endpoint`` in this request before and after its integer ``name`` (see
    :func:`id_path`)."""
    patterns = current_app.extensions.setdefault("apik_id_paths", {})
    key = (request.script_root, endpoint, name)
    found = patterns.get(key)
    if found is None:
        values: dict[str, Any] = {name: _ID_MARK}
        head, mark, tail = url_for(endpoint, **values).partition(str(_ID_MARK))
        if not mark:  # a converter that writes numbers its own way: no pattern would be url_for's
            raise ValueError(f"{endpoint}'s {name} is not written as a plain integer")
        found = patterns[key] = (head, tail)
    return found


# what werkzeug's converter for a plain <segment> leaves unquoted (BaseConverter.to_url)
PATH_SEGMENT_SAFE = "!$&'()*+,/:;=@"
_SEGMENT_MARK = "apik0segment0mark"


def segment_path_pattern(endpoint: str, name: str, **values: str) -> tuple[str, str]:
    """The path of ``endpoint`` with ``values`` in this request, before and after its string
    segment ``name``: ``head + quote(segment, safe=PATH_SEGMENT_SAFE) + tail`` is url_for's path
    (``/expo/<slug>/booths/<booth>`` for each of a hall's hundreds of booths)."""
    patterns = current_app.extensions.setdefault("apik_segment_paths", {})
    key = (request.script_root, endpoint, name, *sorted(values.items()))
    found = patterns.get(key)
    if found is None:
        head, mark, tail = url_for(endpoint, **values, **{name: _SEGMENT_MARK}).partition(_SEGMENT_MARK)
        if not mark:  # a converter that writes the segment its own way: no pattern would be url_for's
            raise ValueError(f"{endpoint}'s {name} is not written as a plain path segment")
        found = patterns[key] = (head, tail)
    return found


REMEMBERED_URLS_KEPT = 8192  # then the app's remembered URLs start over


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` in a request (the templates' own, and helpers that build many paths): the same
    path, remembered per app, script root, endpoint and arguments (their order and types too: a
    query string keeps the order it was given, and ``True`` is not ``1``). A page builds dozens
    (the layout's stylesheets, scripts and menu, a store card's link, a hall's booths), each
    ~7 µs in url_for. Built by url_for as before when the URL can depend on more than that:
    outside a request, with ``_external``/``_anchor``/``_scheme``/``_method``, a
    blueprint-relative endpoint, arguments that cannot be a key, or an app with ``url_defaults``
    callbacks (a plugin's may read the request)."""
    ctx = request_context()  # one read instead of three proxies: templates call this dozens of times a page
    urls = _remembered_urls(ctx.app) if ctx is not None else None
    if urls is None or endpoint[:1] == "." or values and any(name[:1] == "_" for name in values):
        return url_for(endpoint, **values)
    key = (ctx.request.script_root, endpoint, *_argument_key(values))
    return _remember(urls, key, lambda: url_for(endpoint, **values))


def _argument_key(values: dict[str, Any]) -> list[tuple]:
    """A URL's arguments as part of its key: their order and types too (a query string keeps
    the order it was given, and ``True`` is not ``1``)."""
    return [(name, type(value), value) for name, value in values.items()]


def _remember(urls: dict | None, key: tuple, build: Callable[[], str]) -> str:
    """``build()``, remembered in ``urls`` under ``key``; built each time without ``urls`` or
    for a key that cannot be one (a list or dict argument)."""
    if urls is None:
        return build()
    try:
        url = urls.get(key)
    except TypeError:
        return build()
    if url is None:
        if len(urls) >= REMEMBERED_URLS_KEPT:
            urls.clear()
        url = urls[key] = build()
    return url


def _remembered_urls(app, name: str = "apik_remembered_urls") -> dict | None:
    """The app's remembered URLs of one kind (``name``); None when the app has ``url_defaults``
    callbacks (decided once: none can be added once the app serves)."""
    urls = app.extensions.get(name)
    if urls is None:
        urls = app.extensions[name] = [] if any(app.url_default_functions.values()) else {}
    return urls if isinstance(urls, dict) else None
