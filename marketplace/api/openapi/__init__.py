"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the JSON API.

Written by hand from CONTRACT.md as plain dicts: the core's schemas once under
``components`` (``schemas.py`` gathers them from ``schemas_<area>.py``), its
endpoints by area (``paths.py`` gathers them from ``paths_<area>.py``, whose
shared parameters are in ``parameters.py``), built with the helpers of
``builders.py``. Each enabled plugin adds its own paths and schemas through the
``openapi_spec`` hook, so the document describes what this app serves: a plugin
switched off takes its paths with it. Paths are absolute (``/api/v1/...``)
because a plugin may serve outside ``/api/v1`` (a payment provider's webhook).
Operations a plugin adds carry ``x-provided-by`` with its name.
"""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterable
from functools import cache

from flask import Flask, current_app, jsonify

from marketplace import plugin_api
from marketplace.api.base import bp
from marketplace.api.openapi.builders import (
    API,
    BOOLEAN,
    DATE,
    DATETIME,
    EMAIL,
    ERROR_RESPONSES,
    ID,
    INTEGER,
    MAX_ID,
    NULLABLE_STRING,
    PAGE_PARAMS,
    RUPIAH,
    STRING,
    URL,
    answer,
    array,
    body,
    error_response,
    items_of,
    json_content,
    obj,
    operation,
    path_param,
    query,
    ref,
    text,
)
from marketplace.api.openapi.paths import core_paths
from marketplace.api.openapi.schemas import responses, schemas

__all__ = [  # the helpers a plugin's openapi_spec uses, and what builds and serves the document
    "API",
    "BOOLEAN",
    "DATE",
    "DATETIME",
    "EMAIL",
    "ERROR_RESPONSES",
    "ID",
    "INTEGER",
    "MAX_ID",
    "NULLABLE_STRING",
    "PAGE_PARAMS",
    "RUPIAH",
    "STRING",
    "URL",
    "answer",
    "array",
    "body",
    "build_spec",
    "error_response",
    "items_of",
    "json_content",
    "obj",
    "operation",
    "path_param",
    "query",
    "rate_limited_operations",
    "ref",
    "served_spec",
    "text",
]

log = logging.getLogger("marketplace.plugins")

DESCRIPTION = (
    "Money is an integer number of rupiah. A product names its store and category by slug. "
    'Every list answers `{"items": [...]}`, paged ones with `total`, `page`, `per_page`. '
    'Errors are `{"error": {"code", "message", "fields"}}`. Sign in with '
    "`POST /api/v1/auth/tokens` and send `Authorization: Bearer <token>`. Messages are in "
    "Indonesian; add `?lang=en` for English. No text anywhere in a request may hold a NUL "
    "character (U+0000): 422. An empty query parameter counts as absent. Operations that are rate "
    "limited say so with a 429 answer (`Retry-After` tells when to try again)."
)
TAGS = (
    "accounts",
    "stores",
    "catalogue",
    "cart",
    "checkout",
    "orders",
    "seller",
    "agency",
    "gov",
    "expo",
    "plugins",
    "meta",
)


@cache
def core_spec() -> dict:
    """The document of the core alone (built once; :func:`build_spec` copies it)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Apik Market API",
            "version": "1.0.0",
            "summary": "The marketplace of the Apik Banget Virtual Expo, for the IKMs of Kota Tegal.",
            "description": DESCRIPTION,
        },
        "tags": [{"name": name} for name in TAGS],
        "paths": {API + path: item for path, item in core_paths().items()},
        "components": {
            "schemas": schemas(),
            "responses": responses(),
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a token from POST /api/v1/auth/tokens",
                }
            },
        },
    }


def build_spec(contributions: Iterable[dict] = ()) -> dict:
    """The core's document with the plugins' ``contributions`` (answers of ``openapi_spec``) merged in.

    A contribution that is not ``{"paths": {...}, "schemas": {...}}``, and a path or schema name already
    in the document, is logged and left out: a plugin adds to the document, it never replaces a part of it."""
    spec = copy.deepcopy(core_spec())
    for contribution in contributions:
        _merge(spec, contribution)
    return spec


def _merge(spec: dict, contribution: dict) -> None:
    if not isinstance(contribution, dict) or set(contribution) - {"paths", "schemas"}:
        log.error("openapi_spec: a plugin answered %r, not {'paths', 'schemas'}; left out", type(contribution))
        return
    for key, into in (("paths", spec["paths"]), ("schemas", spec["components"]["schemas"])):
        for name, item in (contribution.get(key) or {}).items():
            if name in into:
                log.error("openapi_spec: %s %s is in the document already; the plugin's is left out", key, name)
                continue
            if key == "paths" and not name.startswith("/"):
                log.error("openapi_spec: path %r is not absolute (/api/v1/...); left out", name)
                continue
            into[name] = copy.deepcopy(item)


def plugin_contributions() -> list[dict]:
    """Every enabled plugin's answer to ``openapi_spec``; a plugin that raises is logged and left out."""
    return plugin_api.gather("openapi_spec", loud=False)


# --- what only the running app knows --------------------------------------------------

# Operations that answer 429 from a count of their own rather than a Flask-Limiter limit (METHOD, path).
COUNTED_BY_HAND: set[tuple[str, str]] = set()


def rate_limited_operations(app: Flask) -> set[tuple[str, str]]:
    """(METHOD, OpenAPI path) of every route Flask-Limiter counts, from the limits declared on the views,
    their blueprints and the whole app: what the 429 answers of the document are built from."""
    from marketplace import internals
    from marketplace.extensions import limiter

    everywhere = bool(internals.limiter_global_limits(limiter))
    out: set[tuple[str, str]] = set()
    with app.app_context():  # limits whose value is a setting (the upload budgets) read it from the app
        for rule in app.url_map.iter_rules():
            out |= _limited_methods(app, limiter, rule, everywhere)
    return out


def _limited_methods(app: Flask, limiter, rule, everywhere: bool) -> set[tuple[str, str]]:
    """The (METHOD, OpenAPI path) pairs of ``rule`` that a limit counts."""
    from marketplace import internals

    if rule.endpoint not in app.view_functions:
        return set()
    limits = internals.limiter_view_limits(limiter, app, rule.endpoint)
    path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
    return {
        (method, path)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        if everywhere or any(not limit.methods or method.lower() in limit.methods for limit in limits)
    }


def served_spec(app: Flask) -> dict:
    """The document of ``app``: the core's and its enabled plugins' parts, with what depends on the running
    app: 429 on every rate-limited operation, the category slugs (reference data written by the migrations
    only) as the enum of every ``category`` field, the enabled payment methods as the examples of checkout's
    ``payment_method``. Built once per app."""
    spec = app.extensions.get("openapi_spec")
    if spec is None:
        with app.app_context():
            spec = build_spec(plugin_contributions())
            for method, path in rate_limited_operations(app) | COUNTED_BY_HAND:
                op = spec["paths"].get(path, {}).get(method.lower())
                if op is not None:
                    op["responses"]["429"] = error_response("429")
            _category_enum(spec)
            _payment_method_examples(spec)
        app.extensions["openapi_spec"] = spec
    return spec


def _payment_method_examples(spec: dict) -> None:
    from marketplace.payments import services as payments

    try:
        ids = [method.id for method in payments.available_methods()]
    except payments.PaymentUnavailable:  # a payment plugin failed (logged): the document goes on without
        return
    if ids:
        spec["components"]["schemas"]["CheckoutInput"]["properties"]["payment_method"]["examples"] = ids


def _category_enum(spec: dict) -> None:
    from marketplace.catalog import queries

    slugs = sorted(category.slug for category in queries.categories())
    schemas_ = spec["components"]["schemas"]
    for name in ("ProductInput", "ProductPatch"):
        schemas_[name]["properties"]["category"]["enum"] = [*slugs, "", None]
    for param in spec["paths"][API + "/products"]["get"]["parameters"]:
        if param["name"] == "category":
            param["schema"]["enum"] = [*slugs, ""]


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI 3.1 document of this API (public)."""
    return jsonify(served_spec(current_app._get_current_object()))
