"""The HTTP side of the page cache: a kept entry made into a response, a response
made into an entry, and the headers of a page that is not kept.

marketplace/pagecache.py decides when a page is cached and serves it; this module
says what the stored and the served page look like (see that module's docstring,
"HTTP" and "CSRF").
"""

from __future__ import annotations

import hashlib
import time

from flask import current_app, g, request, session
from werkzeug.http import http_date

from marketplace import security
from marketplace.pagecache_storage import Entry, PageCache


def serve(cache: PageCache, entry: Entry):
    """The entry as this visitor's response: their own CSRF token in its forms, 304 when their copy is current."""
    body = entry.body
    etag = entry.etag
    cache_control = "no-cache"
    if entry.has_csrf:
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        body = body.replace(cache.placeholder.encode(), token.encode())
        raw = str(session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), ""))
        etag += "-" + hashlib.blake2b(raw.encode(), digest_size=5).hexdigest()  # the visitor's own form stays valid
        cache_control = "private, no-cache"
    if entry.csp_sources:
        security.restore_response_sources(entry.csp_sources)  # a video page's frames, as when rendered
    response = current_app.response_class(body, status=entry.status, content_type=entry.content_type)
    response.headers["Cache-Control"] = cache_control
    response.set_etag(etag)
    environ = request.environ
    if any(name in environ for name in _CONDITIONAL):
        return response.make_conditional(request)
    response.headers["Date"] = _http_date_now()  # what make_conditional adds; nothing else applies
    return response


# the request headers make_conditional answers (304, 412, 206); without any, it only adds Date
_CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
_date = (0, "")


def _http_date_now() -> str:
    global _date
    second, text = _date
    current = int(time.time())
    if second != current:
        text = http_date(current)
        _date = (current, text)
    return text


def not_cached(response):
    """A page rendered for this visitor alone: browsers and proxies keep no copy (unless the view said otherwise)."""
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def fill_placeholder(cache: PageCache, response):
    """A page rendered for the cache but not kept: the placeholder becomes this visitor's token."""
    if g.get("pagecache_used_placeholder") and not response.is_streamed:
        from flask_wtf.csrf import generate_csrf

        response.set_data(response.get_data().replace(cache.placeholder.encode(), generate_csrf().encode()))
    return response


def entry_for(
    cache: PageCache, response, started: float, shown: frozenset = frozenset(), position: int = 0, epoch: int = 0
) -> Entry | None:
    """The response as an entry, or None when it must not be kept. ``shown``: its tags;
    ``position``, ``epoch``: where its request read the change log."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if response.status_code != 200 or response.is_streamed or response.headers.get("Set-Cookie"):
        return None
    if field in g or "_flashes" in session or "_user_id" in session:  # a real token, a message, a sign-in
        return None
    body = response.get_data()
    valid_until = min(started + cache.ttl, g.get("pagecache_valid_until") or float("inf"))
    return Entry(
        body=body,
        status=200,
        content_type=response.content_type or "text/html; charset=utf-8",
        etag=hashlib.blake2b(body, digest_size=10).hexdigest(),
        has_csrf=bool(g.get("pagecache_used_placeholder")),
        rendered_at=started,
        valid_until=valid_until,
        csp_sources=security.response_sources(),
        tags=shown,
        position=position,
        epoch=epoch,
    )
