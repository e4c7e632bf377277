"""Secrets in URLs stay out of the logs.

Some links carry a secret in their path: the password reset
(``/password/reset/<token>``), store invitations and claim links
(``/invites/<token>``), and any route a plugin or a later feature adds with a
variable named like ``token`` or ``secret``. Whoever reads the logs must not
be able to use them, so:

* the app's own log lines (the request line of ``LOG_REQUESTS``, the ``path``
  of every record, error lines) carry :func:`request_path`, with the secret
  replaced by ``[redacted]``;
* after the response, the WSGI environ's ``RAW_URI``, ``REQUEST_URI``,
  ``PATH_INFO`` and ``HTTP_REFERER`` are redacted the same way, because the
  server's access log (gunicorn's ``%(r)s``, ``%(U)s``, ``%(f)s``) is written
  from them once the app is done; the form on a reset page posts to its own
  URL, so the Referer carries the token too.

The routes are found from the URL map, once per app: a variable whose name
contains one of :data:`SECRET_NAMES`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from flask import Flask, current_app, has_request_context, request

from marketplace import internals

REDACTED = "[redacted]"
SECRET_NAMES = ("token", "secret")
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _is_secret(name: str) -> bool:
    """``token``, ``confirm_token``, ``webhook_secret``; not ``token_id`` (a row's number, not a secret)."""
    name = name.lower()
    return any(word in name for word in SECRET_NAMES) and not name.endswith("_id")


def secret_pattern(app: Flask) -> re.Pattern | None:
    """One regex matching the path of every route with a secret variable; the secrets are its groups."""
    cached = app.extensions.get("logsafe")
    # an endpoint added later (tests and plugins do) rebuilds the pattern; counting them is O(1)
    rules = internals.route_count(app.url_map)
    if cached is not None and cached[0] == rules:
        return cached[1]
    routes, groups = [], 0
    for rule in app.url_map.iter_rules():
        if not any(_is_secret(name) for name in rule.arguments):
            continue
        parts, position = [], 0
        for match in _VARIABLE.finditer(rule.rule):
            parts.append(re.escape(rule.rule[position : match.start()]))
            if _is_secret(match.group(1)):
                parts.append(f"(?P<s{groups}>[^/?#]+)")  # one named group per secret, across all routes
                groups += 1
            else:
                parts.append("[^/?#]+")
            position = match.end()
        parts.append(re.escape(rule.rule[position:]))
        routes.append("".join(parts))
    pattern = re.compile("(?:" + "|".join(routes) + r")(?=$|[?#&\s\"'])") if routes else None
    app.extensions["logsafe"] = (rules, pattern)
    return pattern


def redact(text: str | None, app: Flask | None = None) -> str | None:
    """``text`` (a path, a request line's URI, a full URL) with the secrets of secret routes replaced."""
    if not text:
        return text
    pattern = secret_pattern(app or current_app._get_current_object())
    if pattern is None:
        return text
    cleaned = pattern.sub(_redact_match, text)
    if "%" in cleaned:  # a secret link inside a query (/login?next=%2Finvites%2F...): read it decoded
        decoded = unquote(cleaned)
        redacted = pattern.sub(_redact_match, decoded)
        if redacted != decoded:
            return redacted
    return cleaned


def _redact_match(match: re.Match) -> str:
    text, start = match.group(0), match.start()
    pieces, position = [], 0
    for name, value in match.groupdict().items():
        if value is None:
            continue
        begin, end = match.start(name) - start, match.end(name) - start
        pieces.append(text[position:begin] + REDACTED)
        position = end
    return "".join(pieces) + text[position:]


def request_path() -> str:
    """The request's path for a log line: the secret of a secret route replaced."""
    if not has_request_context():
        return "-"
    path = request.path
    if request.view_args is not None and not any(_is_secret(name) for name in request.view_args):
        return path  # a matched route without a secret: nothing to look for
    return redact(path) or path


def init_app(app: Flask) -> None:
    @app.after_request
    def redact_environ(response):
        """The server writes its access log from the environ once the app is done."""
        environ = request.environ
        for key in ("RAW_URI", "REQUEST_URI", "PATH_INFO", "HTTP_REFERER"):
            value = environ.get(key)
            if value:
                cleaned = redact(value, app)
                if cleaned != value:
                    environ[key] = cleaned
        return response
