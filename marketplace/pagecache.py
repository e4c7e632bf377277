"""Anonymous catalogue pages served from memory, invalidated the moment the
data behind them changes.

What is kept: the rendered body of a GET answered 200 to a visitor the page
does not know (no user in the session, no remember-me cookie, no flashed
message, no cart in the session for an HTML page, no Authorization header),
keyed by host, path and query string, language and page size. A view opts in
with ``@pagecache.cached()``; everything else is rendered as before.

Invalidation by generations. Two random tokens, ``catalog`` (anything a
listing, storefront, expo hall or the API listing shows: products, prices,
photos, categories, stores and their status, expos, exhibitors, featured
vendors) and ``detail`` (what only product pages show: stock, reviews and their
authors' names), are part of every key — product pages use both. A commit that
wrote one of those tables replaces the token(s), so every page rendered before
is unreachable at once. The writes are found by SQLAlchemy session events,
one rule in one place whatever service, API, CLI command or plugin made them:
``after_flush`` looks at the changed columns of the ORM objects, and
``do_orm_execute`` at UPDATE/INSERT/DELETE statements (a textual one by its
table name); ``after_commit`` then replaces the tokens — after the commit, and
a request reads the tokens before any of its own statements, so a page rendered
from data older than a commit is never stored under a token newer than it.

Where the tokens live: in Redis when ``REDIS_URL`` is set (one round trip per
request, shared by every worker and host); otherwise in two small files next
to the SQLite database (or in the instance folder), shared by the workers of
one host — a deployment of several hosts needs ``REDIS_URL`` anyway (rate
limits). The rendered pages themselves stay in each process (an LRU bounded by
``PAGE_CACHE_MAX_BYTES``): a page is rendered once per worker and generation,
and a hit costs no SQL statement, no unpickling and no network transfer. A
token is random, never a counter, so a restarted Redis cannot bring an old
generation back; when Redis fails, pages are rendered uncached and a lost
invalidation empties the local caches.

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
generations, so a waiting visitor never gets a page older than what it read).
If that render fails, is not cacheable or takes over 10 s, each renders its own.

HTTP: cached pages carry a strong ETag (the body's hash, plus the visitor's
CSRF session token when the page holds a form) and ``Cache-Control:
no-cache`` (``private, no-cache`` with a form), so a browser revalidates every
time and a changed price is seen at once; ``If-None-Match`` answers 304.
Pages rendered for a known visitor are ``private, no-store``.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Callable, Iterable

from flask import Flask, current_app, g, has_app_context, has_request_context, make_response, request, session
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from werkzeug.http import http_date

from marketplace.extensions import db

log = logging.getLogger(__name__)

_EXTENSION = "apik_pagecache"
SCOPES = ("catalog", "detail")
_SESSION_SCOPES = "pagecache_scopes"  # Session.info key: the scopes this transaction wrote

# Tables whose every change shows on listings (and so on every cached page).
CATALOG_TABLES = frozenset({
    "products", "variants", "product_images", "product_search", "product_fts", "categories", "stores",
    "expos", "expo_zones", "exhibitors", "featured_stores",
})
# Columns of a variant that only its product page shows (a grid shows the product's price_min).
DETAIL_ONLY_COLUMNS = {"variants": frozenset({"stock", "updated_at"})}
# Tables only product pages show: the reviews block, with its authors' names.
DETAIL_TABLES = frozenset({"reviews"})
# users: only a rename shows (a review's author); logins and password changes do not.
USER_COLUMNS_SHOWN = frozenset({"name"})
# the tables a textual statement writes, wherever the verb stands (after a WITH, in a trigger-like batch)
_TEXT_DML = re.compile(r"\b(?:update|insert\s+(?:or\s+\w+\s+)?into|delete\s+from|replace\s+into)\s+[\"`]?(\w+)",
                       re.IGNORECASE)


# --- what a write touches ---------------------------------------------------------

def scopes_for(table: str, columns: Iterable[str] | None = None, updating: bool = False,
               inserting: bool = False) -> set[str]:
    """The generations a write to ``table`` invalidates. ``columns`` (an UPDATE's), None when unknown."""
    if table in CATALOG_TABLES:
        detail_only = DETAIL_ONLY_COLUMNS.get(table)
        if updating and detail_only and columns is not None and set(columns) <= detail_only:
            return {"detail"}
        return {"catalog", "detail"}
    if table in DETAIL_TABLES:
        return {"detail"}
    if table == "users" and not inserting:  # a new user has written no review yet
        if not updating or columns is None or set(columns) & USER_COLUMNS_SHOWN:
            return {"detail"}
    return set()


def _note(session: Session, scopes: set[str]) -> None:
    if scopes:
        session.info.setdefault(_SESSION_SCOPES, set()).update(scopes)


def _changed_columns(obj) -> list[str]:
    state = inspect(obj)
    return [attr.key for attr in state.attrs if attr.history.has_changes()]


def _after_flush(session: Session, flush_context) -> None:
    scopes: set[str] = set()
    for objects, inserting in ((session.new, True), (session.deleted, False)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table:
                scopes |= scopes_for(table, inserting=inserting)
    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if table and session.is_modified(obj, include_collections=False):
            scopes |= scopes_for(table, _changed_columns(obj), updating=True)
    _note(session, scopes)


def _statement_columns(statement) -> list[str] | None:
    values = getattr(statement, "_values", None) or getattr(statement, "_ordered_values", None)
    if not values:
        return None
    items = values.keys() if isinstance(values, dict) else [k for k, _v in values]
    names = []
    for key in items:
        name = getattr(key, "key", None) or getattr(key, "name", None) or (key if isinstance(key, str) else None)
        if name is None:
            return None
        names.append(name)
    return names


def _do_orm_execute(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        for match in _TEXT_DML.finditer(statement.text):
            _note(state.session, scopes_for(match.group(1).lower()))
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(statement, "table", None), "name", None)
    if table is None:  # a DML statement we cannot read: assume the worst
        _note(state.session, set(SCOPES))
        return
    updating = bool(state.is_update)
    _note(state.session, scopes_for(table, _statement_columns(statement) if updating else None, updating,
                                    inserting=bool(state.is_insert)))


def _after_commit(session: Session) -> None:
    scopes = session.info.pop(_SESSION_SCOPES, None)
    if scopes and has_app_context():
        invalidate(*scopes)


def _after_rollback(session: Session) -> None:
    session.info.pop(_SESSION_SCOPES, None)


_events_installed = False
_events_lock = threading.Lock()


def _install_session_events() -> None:
    global _events_installed
    with _events_lock:
        if _events_installed:
            return
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _events_installed = True


# --- where the generations live ----------------------------------------------------

def _token() -> str:
    return secrets.token_hex(8)


class FileGenerations:
    """One file per scope holding a random token, replaced atomically (shared by a host's workers)."""

    def __init__(self, folder: Path, stem: str, create: bool = False):
        self.paths = {scope: folder / f"{stem}-{scope}" for scope in SCOPES}
        self._names = [(scope, str(path)) for scope, path in self.paths.items()]
        if create:  # never the database's own folder: making it would make a mistyped DATABASE_URL "work"
            folder.mkdir(parents=True, exist_ok=True)

    def get(self) -> dict[str, str] | None:
        out = {}
        for scope, name in self._names:  # every request: os.open/read, no text wrapper
            try:
                out[scope] = _read_small(name)
            except FileNotFoundError:
                self.bump([scope])
                out[scope] = _read_small(name)
            if not out[scope]:  # read between a writer's create and write: never, with os.replace; be safe
                return None
        return out

    def bump(self, scopes: Iterable[str]) -> None:
        for scope in scopes:
            path = self.paths[scope]
            temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            temporary.write_text(_token())
            os.replace(temporary, path)


def _read_small(name: str) -> str:
    fd = os.open(name, os.O_RDONLY)
    try:
        return os.read(fd, 256).decode()
    finally:
        os.close(fd)


class RedisGenerations:
    """The tokens in Redis: ``<prefix><scope>``, shared by every worker and host."""

    def __init__(self, url: str, prefix: str = "apik:pagecache:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5,
                                           decode_responses=True)
        self.keys = {scope: prefix + scope for scope in SCOPES}

    def get(self) -> dict[str, str] | None:
        values = self.client.mget(list(self.keys.values()))
        if any(v is None for v in values):  # first use, or Redis restarted: set once, keep the winner's
            pipe = self.client.pipeline()
            for key, value in zip(self.keys.values(), values, strict=True):
                if value is None:
                    pipe.set(key, _token(), nx=True)
            pipe.execute()
            values = self.client.mget(list(self.keys.values()))
        return dict(zip(self.keys, values, strict=True))

    def bump(self, scopes: Iterable[str]) -> None:
        pipe = self.client.pipeline()
        for scope in scopes:
            pipe.set(self.keys[scope], _token())
        pipe.execute()


# --- the entries ------------------------------------------------------------------------

@dataclass
class Entry:
    body: bytes
    status: int
    content_type: str
    etag: str
    has_csrf: bool
    rendered_at: float
    valid_until: float

    def fresh(self, at: float) -> bool:
        return self.rendered_at <= at < self.valid_until


class LRU:
    """Rendered pages by key, least recently used dropped first beyond ``max_bytes``."""

    def __init__(self, max_bytes: int, max_items: int = 20_000):
        self.max_bytes, self.max_items = max_bytes, max_items
        self.items: OrderedDict = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value, size: int) -> None:
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self.items[key] = (value, size)
            self.size += size
            while self.items and (self.size > self.max_bytes or len(self.items) > self.max_items):
                _key, (_value, dropped) = self.items.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


class Flights:
    """One render of a page at a time in this process. The first visitor who misses it
    renders it; those who miss the same page (the same key, so the same generations)
    meanwhile wait for that render instead of rendering it too, so a popular page that a
    change invalidated under load is rendered once, not by every thread at once."""

    WAIT_SECONDS = 10.0  # then the waiting visitor renders it itself

    def __init__(self):
        self._lock = threading.Lock()
        self._running: dict[tuple, threading.Event] = {}

    def join(self, key: tuple) -> tuple[bool, threading.Event]:
        """(True, flight) for the visitor who renders; (False, flight) for one who may wait."""
        with self._lock:
            flight = self._running.get(key)
            if flight is not None:
                return False, flight
            flight = self._running[key] = threading.Event()
            return True, flight

    def land(self, key: tuple, flight: threading.Event) -> None:
        with self._lock:
            if self._running.get(key) is flight:
                del self._running[key]
        flight.set()


class PageCache:
    def __init__(self, app: Flask):
        self.ttl = float(app.config.get("PAGE_CACHE_TTL") or 300)
        self.pages = LRU(int(app.config.get("PAGE_CACHE_MAX_BYTES") or 64 * 1024 * 1024))
        self.memos = LRU(1024 * 1024, max_items=4096)  # small values: counts
        self.placeholder = "pagecache-csrf-" + secrets.token_hex(12)  # per process: no text can guess it
        self.pending: set[str] = set()  # invalidations Redis refused: retried, and meanwhile nothing is served
        self.generations = self._generations(app)
        self.limited: dict[str, bool] = {}  # endpoint: may a rate limit apply to it (see serve_hits)
        self.flights = Flights()

    @staticmethod
    def _generations(app: Flask):
        url = app.config.get("REDIS_URL")
        if url:
            return RedisGenerations(url)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        stem = "pagecache-" + hashlib.blake2b(database.encode(), digest_size=6).hexdigest()
        if database.startswith("sqlite:///") and database != "sqlite:///:memory:":
            # beside the database file: every process on that file shares them, and nothing else does
            return FileGenerations(Path(database[len("sqlite:///"):]).resolve().parent, stem)
        return FileGenerations(Path(app.instance_path) / "pagecache", stem, create=True)

    def read_generations(self) -> dict[str, str] | None:
        try:
            if self.pending:
                self.generations.bump(self.pending)
                self.pending.clear()
            return self.generations.get()
        except Exception:  # noqa: BLE001 - Redis down: serve uncached rather than answer 500
            log.warning("page cache: generations unavailable, rendering uncached", exc_info=True)
            self.pages.clear()
            self.memos.clear()
            return None

    def bump(self, scopes: Iterable[str]) -> None:
        scopes = set(scopes)
        if "catalog" in scopes:  # every page of this process is unreachable now: free the memory
            self.pages.clear()
        try:
            self.generations.bump(scopes)
        except Exception:  # noqa: BLE001 - the commit happened: never turn it into an error
            log.error("page cache: invalidation of %s failed; retried on the next request", sorted(scopes),
                      exc_info=True)
            self.pending |= scopes
            self.pages.clear()
            self.memos.clear()


def _cache(app: Flask | None = None) -> PageCache | None:
    app = app or (current_app._get_current_object() if has_app_context() else None)  # type: ignore[attr-defined]
    return app.extensions.get(_EXTENSION) if app is not None else None


# --- the public functions ----------------------------------------------------------------

def invalidate(*scopes: str) -> None:
    """Make every page showing ``scopes`` (default: all) render anew. Called by the session
    events after each commit that wrote catalogue data; call it yourself after changing
    that data outside the ORM session (a restored backup, a raw connection)."""
    cache = _cache()
    if cache is not None:
        cache.bump(scopes or SCOPES)
        if has_request_context():
            g.pop("pagecache_generations", None)


def invalidate_all() -> None:
    invalidate(*SCOPES)


def note_change(table: str, columns: Iterable[str] | None = None) -> None:
    """For a write the session events cannot see (``db.session.connection().execute(...)``,
    a driver-level statement): the pages showing ``table`` (``columns``: an UPDATE's) are
    invalidated when the current transaction commits, and not at all if it rolls back."""
    _note(db.session(), scopes_for(table, columns, updating=columns is not None))


def expires_at(moment: datetime | None) -> None:
    """The page being rendered changes by itself at ``moment`` (an expo opens or closes):
    its cached copy must not outlive it."""
    if moment is None or not has_request_context():
        return
    stamp = moment.timestamp()
    current = g.get("pagecache_valid_until")
    if current is None or stamp < current:
        g.pagecache_valid_until = stamp


def expires_within(seconds: float) -> None:
    """The page shows something relative to now (``opens in 3 minutes``)."""
    if has_request_context():
        stamp = time.time() + seconds
        current = g.get("pagecache_valid_until")
        if current is None or stamp < current:
            g.pagecache_valid_until = stamp


def generations() -> dict[str, str] | None:
    """The current generation tokens, read once per request: what a memo or a page of
    this request is filed under."""
    cache = _cache()
    if cache is None:
        return None
    if not has_request_context():
        return cache.read_generations()
    if "pagecache_generations" not in g:
        # Read before the request's snapshot of the database begins (SQLite keeps one per
        # transaction): then whatever it reads is at least as new as these tokens. Only such
        # a request may file what it computed under them.
        g.pagecache_clean = not _in_transaction()
        g.pagecache_generations = cache.read_generations()
    return g.pagecache_generations


def memo(key: tuple, compute: Callable[[], object], scope: str = "catalog"):
    """``compute()``, remembered in this process until ``scope`` changes (e.g. a listing's total)."""
    cache = _cache()
    gens = generations() if cache is not None else None
    if gens is None:
        return compute()
    full_key = (gens[scope], *key)
    found = cache.memos.get(full_key)
    if found is not None:
        return found[0]
    value = compute()
    if g.get("pagecache_clean"):
        cache.memos.put(full_key, value, 64)
    return value


def clear_local() -> None:
    """Forget this process's pages and memos (tests that count a cold page's statements)."""
    cache = _cache()
    if cache is not None:
        cache.pages.clear()
        cache.memos.clear()


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
        gens["catalog"], gens["detail"] if detail else "",
        request.scheme, request.host, request.root_path, request.path, request.query_string, anonymous_locale(),
        current_app.config.get("PER_PAGE"),
    )


def _csrf_token():
    """``csrf_token()`` in templates: a placeholder while a page renders for the cache."""
    if g.get("pagecache_rendering"):
        g.pagecache_used_placeholder = True
        return _cache().placeholder  # type: ignore[union-attr]
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def _serve(cache: PageCache, entry: Entry):
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
    response = current_app.response_class(body, status=entry.status, content_type=entry.content_type)
    response.headers["Cache-Control"] = cache_control
    response.set_etag(etag)
    environ = request.environ
    if any(name in environ for name in _CONDITIONAL):
        return response.make_conditional(request)
    response.headers["Date"] = _http_date_now()  # what make_conditional adds; nothing else applies
    return response


# the request headers make_conditional answers (304, 412, 206); without any, it only adds Date
_CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
                "HTTP_IF_RANGE", "HTTP_RANGE")
_date = (0, "")


def _http_date_now() -> str:
    global _date
    second, text = _date
    current = int(time.time())
    if second != current:
        text = http_date(current)
        _date = (current, text)
    return text


def _not_cached(response):
    response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def cached(detail: bool = False, html: bool = True) -> Callable:
    """Serve the view's 200 answers to anonymous visitors from the cache.

    ``detail``: the page also shows what only product pages show (stock, reviews).
    ``html``: the page has the site header (its cart count rules out a session with a cart).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            cache = _cache()
            if cache is None or not current_app.config.get("PAGE_CACHE") or not _visitor_is_anonymous(html):
                return _not_cached(make_response(view(*args, **kwargs)))
            _end_read_transaction()
            gens = generations()  # before any statement of this request: see the module's docstring
            if gens is None or not g.get("pagecache_clean"):
                return _not_cached(make_response(view(*args, **kwargs)))
            key = _key(detail, gens)
            started = time.time()
            entry = cache.pages.get(key)
            if entry is not None and entry[0].fresh(started):
                return _serve(cache, entry[0])

            def render():
                g.pagecache_rendering = True
                try:
                    response = make_response(view(*args, **kwargs))
                finally:
                    g.pagecache_rendering = False
                made = _entry(cache, response, started)
                if made is None:
                    return _not_cached(_fill_placeholder(cache, response))
                cache.pages.put(key, made, len(made.body) + 512)
                return _serve(cache, made)

            leader, flight = cache.flights.join(key)
            if leader:
                try:
                    return render()
                finally:
                    cache.flights.land(key, flight)
            flight.wait(Flights.WAIT_SECONDS)
            entry = cache.pages.get(key)
            if entry is not None and entry[0].fresh(started):
                return _serve(cache, entry[0])
            return render()  # that render failed, was not cacheable or is still running

        wrapped.pagecache = True  # type: ignore[attr-defined]
        wrapped.pagecache_options = (detail, html)  # type: ignore[attr-defined]
        return wrapped

    return decorator


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
    if cache is None or not app.config.get("PAGE_CACHE"):
        return None
    detail, html = options
    if not _visitor_is_anonymous(html) or _limits_may_apply(cache, app, endpoint):
        return None
    gens = generations()  # read before any statement of this request, as in cached()
    if gens is None or not g.get("pagecache_clean"):
        return None
    found = cache.pages.get(_key(detail, gens))
    if found is None or not found[0].fresh(time.time()):
        return None
    return _serve(cache, found[0])


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
        from flask_limiter.util import get_qualified_name

        from marketplace.extensions import limiter

        manager = limiter.limit_manager
        defaults, decorated = manager.resolve_limits(app, endpoint, request.blueprint,
                                                     get_qualified_name(app.view_functions[endpoint]), False, False)
        meta = [limit for group in getattr(limiter, "_meta_limits", None) or [] for limit in group]
        return bool(defaults or decorated or manager.application_limits or manager.default_limits or meta)
    except Exception:  # noqa: BLE001 - a limiter we cannot read: it checks the request as usual
        log.warning("page cache: cannot tell whether %s is rate limited; hits take the usual path", endpoint,
                    exc_info=True)
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


def _fill_placeholder(cache: PageCache, response):
    if g.get("pagecache_used_placeholder") and not response.is_streamed:
        from flask_wtf.csrf import generate_csrf

        response.set_data(response.get_data().replace(cache.placeholder.encode(), generate_csrf().encode()))
    return response


def _entry(cache: PageCache, response, started: float) -> Entry | None:
    """The response as an entry, or None when it must not be kept."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if response.status_code != 200 or response.is_streamed or response.headers.get("Set-Cookie"):
        return None
    if field in g or "_flashes" in session or "_user_id" in session:  # a real token, a message, a sign-in
        return None
    body = response.get_data()
    valid_until = min(started + cache.ttl, g.get("pagecache_valid_until") or float("inf"))
    return Entry(body=body, status=200, content_type=response.content_type or "text/html; charset=utf-8",
                 etag=hashlib.blake2b(body, digest_size=10).hexdigest(), has_csrf=bool(g.get("pagecache_used_placeholder")),
                 rendered_at=started, valid_until=valid_until)


def init_app(app: Flask) -> None:
    """After CSRFProtect: the templates' ``csrf_token()`` becomes the placeholder-aware one."""
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_TTL", 300)
    app.extensions[_EXTENSION] = PageCache(app)
    _install_session_events()
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.context_processor(lambda: {"csrf_token": _csrf_token})
