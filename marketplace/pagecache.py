"""Anonymous catalogue pages served from memory, invalidated the moment the
data behind them changes.

What is kept: the rendered body of a GET answered 200 to a visitor the page
does not know (no user in the session, no remember-me cookie, no flashed
message, no cart in the session for an HTML page, no Authorization header),
keyed by host, path and query string, language and page size. A view opts in
with ``@pagecache.cached()``; everything else is rendered as before.

Invalidation, narrow first. A page carries the tags of what it shows
(marketplace/pagecache_tags.py): a product page ``p:<id>`` and ``d:<id>``, a
listing ``p:<id>`` of each product it shows and the dimension it draws from
(``store:<id>``, ``category:<id>``, ``sector:``, ``city:``, or ``all``), with
``price@``/``stock@``/``text@`` that dimension when its choice or order depends
on prices, stock or words. The catalogue's queries declare them
(``depends_on``) for the views that say so (``cached(narrow=True)``); any other
page depends on every product change. A commit's writes to a product's own
rows become the tags of what they changed (marketplace/pagecache_products.py:
a price ``p:<id>`` and ``price@`` its dimensions, a sale that leaves stock only
``d:<id>``), appended after the commit to a change log every process reads at
the start of each request, in the same round trip (or file read) as the
generations (marketplace/pagecache_log.py). A page is served only if none of
its tags changed after the position in the log its request read before its
first statement: a page rendered from data older than a commit is never served
as newer than it. A process that cannot tell what it missed (the log was
trimmed past it) forgets every page. A lagging tag (``~stock@all``, the facets'
counts that every sale changes) is the exception: its change drops a page only
once the page is ``LAG_SECONDS`` old, and a memo that is late already makes the
page that reads it live no longer than the memo may.

The generations stay the safe default. Two random tokens, ``catalog`` and
``detail``, are part of every key — product pages use both. A commit that
wrote a table whose model declares it shows on them (``__page_cache__``, see
marketplace/pagecache_rules.py) and that cannot be narrowed to products (a
store, a category, an expo, raw SQL, a statement naming no ids, a table nobody
declared) replaces the token(s), so every page rendered before is unreachable
at once. The writes are found by SQLAlchemy session events, one rule in one
place whatever service, API, CLI command or plugin made them; ``after_commit``
of the outermost transaction then replaces the tokens and appends the tags —
after the commit, and a request reads both before any of its own statements.
Memos (``memo``: a listing's total) follow the same rules, by their own tags.
Where the tokens, the log and the pages live (each process's memory, and a store every worker
reads, so a page is rendered once for all of them): marketplace/pagecache_storage.py;
what a kept page and its response look like: marketplace/pagecache_http.py.

Time: an entry is also bounded by ``PAGE_CACHE_TTL`` and by the next moment
the page's expo state or "Peserta Expo" badges change (``expires_at``,
reported by the queries that decide them), so an expo opens on the minute.

CSRF: a cached page never holds a visitor's token. While a page is rendered
for the cache, ``csrf_token()`` writes a placeholder, replaced at serving time
by the current visitor's own token; a page that made a real token any other
way is not stored.

The hit path. A hit is answered by the first ``before_request`` hook after the
request id (``serve_hits``), so the hooks after it — the rate limiter's check,
the user loader behind ``current_user``, the agency menu, the NUL check (a URL
it refuses is never stored) — do not run for it; the ``after_request`` hooks
(request id and log line, security headers) and the session's save do. It
takes that path only when no rate limit can apply to the page (decided once
per endpoint from the limiter's own tables; otherwise the limiter counts the
request as before and the view's decorator serves the hit). The language in
the key is ``i18n.anonymous_locale()``: the visitor is known to be signed out,
so no user is loaded, and the rendering path computes the same answer. A hook
that must run for every page must be registered before this one.

Misses. Visitors who miss the same page at the same time (a popular page just
invalidated under load) do not all render it: the first renders, the others
wait for that render and are served its entry (``Flights``; the key holds the
generations and the entry is checked against the log as the waiting visitor
read it, so a waiting visitor never gets a page older than what it read).
If that render fails, is not cacheable or takes over 10 s, each renders its own.

``X-Page-Cache: hit`` or ``miss`` tells which way an anonymous visitor's page went (a
visitor who waited for another's render is served its entry: a hit), so a load test
can count the hit ratio (bench/expo_load.py); pages the cache is not for carry none.

HTTP: cached pages carry a strong ETag (the body's hash, plus the visitor's
CSRF session token when the page holds a form) and ``Cache-Control:
no-cache`` (``private, no-cache`` with a form), so a browser revalidates every
time and a changed price is seen at once; ``If-None-Match`` answers 304.
Pages rendered for a known visitor are ``private, no-store``.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sized
from datetime import datetime
from functools import partial, wraps
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, make_response, request, session

from marketplace import internals
from marketplace import pagecache_tags as tags
from marketplace.extensions import db
from marketplace.pagecache_http import entry_for as _entry
from marketplace.pagecache_http import fill_placeholder as _fill_placeholder
from marketplace.pagecache_http import not_cached as _not_cached
from marketplace.pagecache_http import serve as _serve
from marketplace.pagecache_rules import install_session_events
from marketplace.pagecache_rules import note_change as note_change
from marketplace.pagecache_rules import scopes_for as scopes_for
from marketplace.pagecache_storage import EXTENSION as _EXTENSION
from marketplace.pagecache_storage import SCOPES as SCOPES
from marketplace.pagecache_storage import Entry, Flights, Memo, PageCache
from marketplace.pagecache_storage import FileGenerations as FileGenerations
from marketplace.pagecache_storage import RedisGenerations as RedisGenerations
from marketplace.pagecache_storage import current as _cache
from marketplace.pagecache_storage import invalidate as invalidate
from marketplace.pagecache_storage import invalidate_all as invalidate_all

T = TypeVar("T")
log = logging.getLogger(__name__)


# --- the public functions ----------------------------------------------------------------


def expires_at(moment: datetime | None) -> None:
    """The page being rendered changes by itself at ``moment`` (an expo opens or closes):
    its cached copy must not outlive it."""
    if moment is None or not has_request_context():
        return
    _valid_until(moment.timestamp())


def expires_within(seconds: float) -> None:
    """The page shows something relative to now (``opens in 3 minutes``)."""
    if has_request_context():
        _valid_until(time.time() + seconds)


def generations() -> dict[str, str] | None:
    """The current generation tokens, read once per request with the change log: what a memo
    or a page of this request is filed under."""
    cache = _cache()
    if cache is None:
        return None
    if not has_request_context():
        return cache.read_generations()
    if "pagecache_generations" not in g:
        # Read before the request's snapshot of the database begins (SQLite keeps one per
        # transaction): then whatever it reads is at least as new as these tokens and this
        # position in the log. Only such a request may file what it computed under them.
        g.pagecache_clean = not _in_transaction()
        g.pagecache_generations = cache.read_generations()
        g.pagecache_mark = cache.changes.mark()
    return g.pagecache_generations


def depends_on(*names: str) -> None:
    """The page being rendered for the cache shows what these tags name (marketplace/pagecache_tags.py):
    a commit changing one of them drops it. Nothing outside such a render."""
    found = g.get("pagecache_tags") if has_request_context() else None
    if found is not None:
        found.update(names)


def collecting() -> bool:
    """Is a page being rendered for the cache (worth building its tags)?"""
    return has_request_context() and g.get("pagecache_tags") is not None


# what a memo depends on when it says nothing narrower: any change of its scope, as before
_MEMO_TAGS = {
    "catalog": frozenset({tags.ANY_CATALOG}),
    "detail": frozenset({tags.ANY_CATALOG, tags.ANY_DETAIL}),
}


def memo(
    key: tuple,
    compute: Callable[[], T],
    scope: str = "catalog",
    size: Callable[[T], int] | None = None,
    depends: tuple[str, ...] | frozenset[str] | None = None,
) -> T:
    """``compute()``, remembered in this process until ``scope`` changes (e.g. a listing's total).

    ``depends``: the tags of what it reads (marketplace/pagecache_tags.py), e.g. a listing's
    dimension; by default any product change of ``scope``. ``()`` for a value that no product
    change alters (only a replaced generation drops it). A page rendered with the memo
    depends on the same tags. ``size(value)``: about how many bytes a bigger value holds.
    A value that changes by itself at some moment (``compute`` reported it to
    :func:`expires_at`, e.g. when an expo opens) is remembered until then, and bounds the
    page that shows it as the computation did."""
    cache = _cache()
    gens = generations() if cache is not None else None
    if gens is None:
        return compute()
    depends = _MEMO_TAGS[scope] if depends is None else frozenset(depends)
    depends_on(*depends)
    full_key = (gens[scope], *key)
    found = cache.memos.get(full_key)
    at = time.time()
    if found is not None and found[0].fresh(at) and cache.usable(found[0]):
        kept = found[0]
        if cache.changes.lagging_behind(kept.tags, kept.position):
            # late already: the page read after the change would not see it, so it lives no
            # longer than the memo may
            expires_within(kept.made_at + tags.LAG_SECONDS - at)
        if kept.valid_until != math.inf:
            _valid_until(kept.valid_until)  # a page showing it changes when it does
        return kept.value
    epoch, position = g.get("pagecache_mark", (-1, 0))
    value, valid_until = _with_expiry(compute)
    if g.get("pagecache_clean"):
        made = Memo(value, depends, position, epoch, at, valid_until)
        cache.memos.put(full_key, made, size(value) if size else 64)
    return value


def sized(per_item: int) -> Callable[[Sized], int]:
    """A :func:`memo`'s ``size`` for a collection: about ``per_item`` bytes for each item it holds."""
    return lambda items: 64 + per_item * len(items)


def _valid_until(stamp: float) -> None:
    current = g.get("pagecache_valid_until")
    if current is None or stamp < current:
        g.pagecache_valid_until = stamp


def _with_expiry(compute: Callable[[], T]) -> tuple[T, float]:
    """``compute()`` and the moment its value changes by itself: the earliest that it reported
    to :func:`expires_at` or :func:`expires_within` (an expo's opening), ``inf`` when none.
    The page being rendered is bounded by it as before."""
    if not has_request_context():
        return compute(), math.inf
    outer = g.pop("pagecache_valid_until", None)
    try:
        value = compute()
    finally:
        own = g.pop("pagecache_valid_until", None)
        for stamp in (outer, own):
            if stamp is not None:
                _valid_until(stamp)
    return value, math.inf if own is None else own


def remembered(key: tuple, scope: str = "catalog") -> bool:
    """Whether :func:`memo` would answer ``key`` without computing it (for a caller that can
    compute it more cheaply along with other work, but only needs it when it is not)."""
    cache = _cache()
    gens = generations() if cache is not None else None
    if cache is None or gens is None:
        return False
    found = cache.memos.get((gens[scope], *key))
    return found is not None and found[0].fresh(time.time()) and cache.usable(found[0])


def clear_local() -> None:
    """Forget every page and memo this process could serve: its own, and the pages shared by
    the other workers (tests and benchmarks that count a cold page's statements)."""
    cache = _cache()
    if cache is not None:
        cache.pages.clear()
        cache.memos.clear()
        if cache.shared is not None:
            cache.shared.clear()


# --- who may get a cached page -------------------------------------------------------------


def _visitor_is_anonymous(html: bool) -> bool:
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers:
        return False
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        return False
    if "_user_id" in session or "_flashes" in session:
        return False
    if html and "cart_token" in session:  # the header counts the cart's items
        return False
    return True


def _key(detail: bool, gens: dict[str, str]) -> tuple:
    from marketplace.i18n import anonymous_locale

    # only for anonymous visitors: their language is select_locale()'s, found without a user
    return (
        gens["catalog"],
        gens["detail"] if detail else "",
        request.scheme,
        request.host,
        request.root_path,
        request.path,
        request.query_string,
        anonymous_locale(),
        current_app.config.get("PER_PAGE"),
    )


def _csrf_token():
    """``csrf_token()`` in templates: a placeholder while a page renders for the cache."""
    if g.get("pagecache_rendering"):
        g.pagecache_used_placeholder = True
        return _cache().placeholder  # type: ignore[union-attr]
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def cached(detail: bool = False, html: bool = True, narrow: bool = False) -> Callable:
    """Serve the view's 200 answers to anonymous visitors from the cache.

    ``detail``: the page also shows what only product pages show (stock, reviews).
    ``html``: the page has the site header (its cart count rules out a session with a cart).
    ``narrow``: every product the page shows, and every listing it draws from, is declared
    by what the view calls (``depends_on``: the catalogue's queries do it); a product's change
    then drops the page only if it shows that product or could list it. Without it, any
    product change drops the page, as any change did before.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            return _cached_response(partial(view, *args, **kwargs), detail, html, narrow)

        wrapped.pagecache = True  # type: ignore[attr-defined]
        wrapped.pagecache_options = (detail, html)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def _cached_response(view: Callable, detail: bool, html: bool, narrow: bool = False):
    """The page from the cache, or rendered by ``view`` (a call with its arguments bound)
    and kept when it may be; rendered as usual for a visitor the cache is not for."""
    cache = _cache()
    if cache is None or not current_app.config.get("PAGE_CACHE") or not _visitor_is_anonymous(html):
        return _not_cached(make_response(view()))
    _end_read_transaction()
    gens = generations()  # before any statement of this request: see the module's docstring
    if gens is None or not g.get("pagecache_clean"):
        return _way(_not_cached(make_response(view())), "miss")
    key = _key(detail, gens)
    started = time.time()
    entry = _find(cache, key, started)
    if entry is not None:
        return _way(_serve(cache, entry), "hit")
    render = partial(_render_and_keep, cache, key, view, started, _default_tags(detail, narrow))
    leader, flight = cache.flights.join(key)
    if leader:
        try:
            return _way(render(), "miss")
        finally:
            cache.flights.land(key, flight)
    flight.wait(Flights.WAIT_SECONDS)
    entry = _find(cache, key, started)
    if entry is not None:
        return _way(_serve(cache, entry), "hit")
    return _way(render(), "miss")  # that render failed, was not cacheable, is still running or was already stale


def _find(cache: PageCache, key: tuple, at: float) -> Entry | None:
    """The page under ``key`` that may be served at ``at``: this process's own, else one another
    worker rendered (kept here from then on)."""
    found = cache.pages.get(key)
    if found is not None and _servable(cache, found[0], at):
        return found[0]
    entry = cache.shared_get(key)
    if entry is None or not _servable(cache, entry, at):
        return None
    cache.pages.put(key, entry, len(entry.body) + 512)
    return entry


def _way(response, way: str):
    response.headers["X-Page-Cache"] = way
    return response


def _servable(cache: PageCache, entry, at: float) -> bool:
    """Within its time, and nothing it shows changed since its request read the log."""
    return entry.fresh(at) and cache.usable(entry)


def _default_tags(detail: bool, narrow: bool) -> set[str]:
    """What a page depends on before its view says more: nothing for a narrow page, else any
    product change (of the catalogue; and of the details for a page that shows them)."""
    if narrow:
        return set()
    return {tags.ANY_CATALOG, tags.ANY_DETAIL} if detail else {tags.ANY_CATALOG}


def _render_and_keep(cache: PageCache, key: tuple, view: Callable, started: float, shown: set[str]):
    """Render the page with the CSRF placeholder and keep it under ``key`` if it may be kept,
    with the tags of what it showed (``shown``, and whatever the view declared)."""
    g.pagecache_rendering = True
    g.pagecache_tags = shown
    try:
        response = make_response(view())
    finally:
        g.pagecache_rendering = False
        g.pagecache_tags = None
    epoch, position = g.pagecache_mark
    made = _entry(cache, response, started, frozenset(shown), position, epoch)
    if made is None:
        return _not_cached(_fill_placeholder(cache, response))
    cache.pages.put(key, made, len(made.body) + 512)
    cache.shared_put(key, made)
    return _serve(cache, made)


def serve_hit():
    """The ``before_request`` hook right after the request id's: an anonymous visitor's page
    found in the cache is answered here, before the hooks that load a user, count rate limits
    or build menus (see the module's docstring). None lets the request go on as before."""
    if request.method not in ("GET", "HEAD"):
        return None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    endpoint = request.endpoint
    options = getattr(app.view_functions.get(endpoint), "pagecache_options", None) if endpoint else None
    if options is None:
        return None
    cache = app.extensions.get(_EXTENSION)
    if cache is None:
        return None
    # Read before any statement of this request, as in cached(), for every visitor: a memo (a
    # listing's total, its facets' counts) is kept only by a request that read the generations
    # before its first statement. A page the cache does not keep (a signed-in visitor's, or any
    # with PAGE_CACHE off) read them only at its first memo, after loading the user or the expo,
    # and so counted its facets anew at every request (7 ms of a sector page's 11 at 100,000
    # products).
    gens = generations()
    if not app.config.get("PAGE_CACHE"):
        return None
    detail, html = options
    if not _visitor_is_anonymous(html) or _limits_may_apply(cache, app, endpoint):
        return None
    if gens is None or not g.get("pagecache_clean"):
        return None
    found = _find(cache, _key(detail, gens), time.time())
    if found is None:
        return None
    return _way(_serve(cache, found), "hit")


def _limits_may_apply(cache: PageCache, app: Flask, endpoint: str) -> bool:
    """May the rate limiter count this endpoint's GETs? Decided once per endpoint (limits are
    declared before the first request); when unsure, yes: the request takes the usual path."""
    known = cache.limited.get(endpoint)
    if known is None:
        known = cache.limited[endpoint] = _endpoint_limited(app, endpoint)
    return known


def _endpoint_limited(app: Flask, endpoint: str) -> bool:
    if not app.config.get("RATELIMIT_ENABLED", True):
        return False
    try:
        from marketplace.extensions import limiter

        return bool(
            internals.limiter_endpoint_limits(limiter, app, endpoint, request.blueprint)
            or internals.limiter_global_limits(limiter)
            or internals.limiter_meta_limits(limiter)
        )
    except Exception:  # noqa: BLE001 - a limiter we cannot read: it checks the request as usual
        log.warning(
            "page cache: cannot tell whether %s is rate limited; hits take the usual path", endpoint, exc_info=True
        )
        return True


def serve_hits(app: Flask) -> None:
    """Put ``serve_hit`` first among the ``before_request`` hooks (observability's request id,
    inserted afterwards, goes before it): a hook registered later does not run for a hit."""
    app.before_request_funcs.setdefault(None, []).insert(0, serve_hit)


def _end_read_transaction() -> None:
    """A hook before the view may have read the database: start the page's snapshot afresh."""
    if "pagecache_generations" in g or not _in_transaction():
        return
    session_ = db.session()
    if not (session_.new or session_.dirty or session_.deleted):
        session_.rollback()


def _in_transaction() -> bool:
    # without a session of this context yet, there is no transaction (and none is made to ask)
    return db.session.registry.has() and db.session().in_transaction()


def init_app(app: Flask) -> None:
    """After CSRFProtect: the templates' ``csrf_token()`` becomes the placeholder-aware one."""
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_TTL", 300)
    app.config.setdefault("PAGE_CACHE_SHARED_MAX_BYTES", 256 * 1024 * 1024)
    app.extensions[_EXTENSION] = PageCache(app)
    install_session_events()
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.context_processor(lambda: {"csrf_token": _csrf_token})
