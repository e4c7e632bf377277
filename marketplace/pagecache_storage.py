"""Where the page cache keeps things: the generation tokens, the change log and the rendered pages.

The tokens and the change log (marketplace/pagecache_log.py) live in Redis when
``REDIS_URL`` is set (one round trip per request reads both, shared by every
worker and host); otherwise in small files next to the SQLite database (or in
the instance folder), shared by the workers of one host — a deployment of
several hosts needs ``REDIS_URL`` anyway (rate limits). A token is random, never a
counter, so a restarted Redis cannot bring an old generation back; when Redis
fails, pages are rendered uncached and a lost invalidation empties the local
caches.

The rendered pages live in two places. Each process keeps the pages it served in
memory (an LRU bounded by ``PAGE_CACHE_MAX_BYTES``): a hit there costs no SQL
statement, no decoding and no network transfer. Every page a process renders is
also written where the other workers read it (``FilePages``: files in a folder
beside the generations, bounded by ``PAGE_CACHE_SHARED_MAX_BYTES``; ``RedisPages``:
Redis keys that expire with the page), so a page is rendered once per deployment, not once per
worker, and a worker started after the pages were made (or a warm-up run by the
job worker, marketplace/pagecache_warm.py) finds them. A process takes a shared
page only when it can judge it: the page's request read the change log at a
position this process has read every change after (``ChangeView.adopt``), in the
same numbering (the same log file, or the same Redis); then the page is checked
against its tags like one of its own. Pages in Redis live beside the log they are
numbered by: a Redis that lost the log lost them too (it must not evict keys).
The CSRF placeholder is derived from ``SECRET_KEY``, the same in every worker, so
a shared page's forms are filled in any of them and its ETag is the same whichever
worker answers.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask, current_app, g, has_app_context, has_request_context

from marketplace.pagecache_log import ChangeView, FileLog, RedisLog

log = logging.getLogger(__name__)

EXTENSION = "apik_pagecache"
SCOPES = ("catalog", "detail")  # the generations (marketplace/pagecache_rules.py says what they cover)


# --- where the generations live ----------------------------------------------------


def _token() -> str:
    return secrets.token_hex(8)


class FileGenerations:
    """One file per scope holding a random token, replaced atomically, and the change log beside
    them (shared by a host's workers)."""

    def __init__(self, folder: Path, stem: str, create: bool = False):
        self.paths = {scope: folder / f"{stem}-{scope}" for scope in SCOPES}
        self._names = [(scope, str(path)) for scope, path in self.paths.items()]
        self.log = FileLog(folder / f"{stem}-changes")
        if create:  # never the database's own folder: making it would make a mistyped DATABASE_URL "work"
            folder.mkdir(parents=True, exist_ok=True)

    def read(self, view: ChangeView) -> tuple[dict[str, str] | None, bool]:
        """The tokens, and whether ``view`` started again while catching up with the log."""
        gens = self.get()
        return gens, self.log.sync(view)

    def publish(self, tags: Iterable[str]) -> None:
        if self.log.append(tags):  # a new log file: the shared pages numbered by the old one go
            self.bump(SCOPES)

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

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True)
        self.keys = {scope: prefix + scope for scope in SCOPES}
        self.log = RedisLog(self.client, prefix)

    def get(self) -> dict[str, str] | None:
        return self._get()[0]

    def _get(self) -> tuple[dict[str, str], str | None]:
        names = [*self.keys.values(), self.log.counter]  # the log's head in the same round trip
        *values, head = self.client.mget(names)
        if any(v is None for v in values):  # first use, or Redis restarted: set once, keep the winner's
            pipe = self.client.pipeline()
            for key, value in zip(self.keys.values(), values, strict=True):
                if value is None:
                    pipe.set(key, _token(), nx=True)
            pipe.execute()
            *values, head = self.client.mget(names)
        return dict(zip(self.keys, values, strict=True)), head

    def read(self, view: ChangeView) -> tuple[dict[str, str] | None, bool]:
        """The tokens, and whether ``view`` started again while catching up with the log."""
        gens, head = self._get()
        return gens, self.log.sync(view, head)

    def publish(self, tags: Iterable[str]) -> None:
        self.log.append(tags)

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
    csp_sources: tuple = ()  # origins the page added to its policy (security.response_sources)
    # what it shows (pagecache_tags) and where its request read the change log: see PageCache.usable
    tags: frozenset = frozenset()
    position: int = 0
    epoch: int = 0

    def fresh(self, at: float) -> bool:
        return self.rendered_at <= at < self.valid_until


@dataclass
class Memo:
    """A remembered value (pagecache.memo), stale like a page once one of its tags changed."""

    value: object
    tags: frozenset
    position: int
    epoch: int
    made_at: float = 0.0  # time.time() when computed: how late its lagging tags may be
    # when it changes by itself (an expo opens): what its computation reported to expires_at
    valid_until: float = math.inf

    def fresh(self, at: float) -> bool:
        return self.made_at <= at < self.valid_until


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


# --- the pages every worker reads ---------------------------------------------------------


def _pack(entry: Entry, origin: object) -> bytes:
    """An entry as bytes: a line of JSON (everything but the body), then the body."""
    head = {
        "status": entry.status,
        "type": entry.content_type,
        "etag": entry.etag,
        "csrf": entry.has_csrf,
        "at": entry.rendered_at,
        "until": entry.valid_until,
        "csp": entry.csp_sources,
        "tags": sorted(entry.tags),
        "position": entry.position,
        "origin": origin,
    }
    return json.dumps(head, separators=(",", ":")).encode() + b"\n" + entry.body


def _unpack(blob: bytes) -> tuple[Entry, object]:
    """(the entry, the numbering of its position); its epoch is the reader's to set."""
    end = blob.index(b"\n")
    head = json.loads(blob[:end])
    origin = head["origin"]
    entry = Entry(
        body=blob[end + 1 :],
        status=head["status"],
        content_type=head["type"],
        etag=head["etag"],
        has_csrf=head["csrf"],
        rendered_at=head["at"],
        valid_until=head["until"],
        csp_sources=tuple((directive, tuple(origins)) for directive, origins in head["csp"]),
        tags=frozenset(head["tags"]),
        position=head["position"],
    )
    return entry, tuple(origin) if isinstance(origin, list) else origin


class FilePages:
    """Shared pages as files in one folder (the workers of one host): one file per page, named
    by its key's hash, written whole and renamed into place. Pruned as it grows: files older
    than the cache's TTL (no page lives longer), then the oldest, down to 3/4 of ``max_bytes``."""

    def __init__(self, folder: Path, max_bytes: int, ttl: float):
        self.folder, self.max_bytes, self.ttl = folder, max_bytes, ttl
        self._written = 0  # bytes written since the last pruning (this process)
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        try:
            with open(self.folder / name, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            return None

    def put(self, name: str, blob: bytes, seconds: float) -> None:
        path = self.folder / name
        temporary = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        try:
            temporary.write_bytes(blob)
        except FileNotFoundError:
            # made on first use, never its parents: the folder beside a database file that does
            # not exist must not be made (a mistyped DATABASE_URL would then "work")
            self.folder.mkdir(exist_ok=True)
            temporary.write_bytes(blob)
        os.replace(temporary, path)
        with self._lock:
            self._written += len(blob)
            due = self._written > self.max_bytes // 8
            if due:
                self._written = 0
        if due:
            self.prune()

    def prune(self) -> None:
        now = time.time()
        kept, total = [], 0
        for item in self._items():
            try:
                found = item.stat()
            except FileNotFoundError:
                continue
            if found.st_mtime < now - self.ttl or item.name.startswith(".") and found.st_mtime < now - 60:
                _unlink(item.path)
            else:
                kept.append((found.st_mtime, found.st_size, item.path))
                total += found.st_size
        if total > self.max_bytes:
            for _mtime, size, path in sorted(kept):
                _unlink(path)
                total -= size
                if total <= self.max_bytes * 3 // 4:
                    break

    def clear(self) -> None:
        for item in self._items():
            _unlink(item.path)

    def _items(self) -> list[os.DirEntry]:
        try:
            return list(os.scandir(self.folder))
        except FileNotFoundError:  # nothing shared yet
            return []


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class RedisPages:
    """Shared pages as Redis keys that expire when the page does (every worker and host)."""

    def __init__(self, url: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix

    def get(self, name: str) -> bytes | None:
        return self.client.get(self.prefix + name)

    def put(self, name: str, blob: bytes, seconds: float) -> None:
        self.client.set(self.prefix + name, blob, px=max(1, int(seconds * 1000)))

    def clear(self) -> None:
        for key in self.client.scan_iter(self.prefix + "*", count=500):
            self.client.delete(key)


def _shared_name(key: tuple) -> str:
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


class PageCache:
    """One app's page cache: its generations' store, its pages and memos, its render flights."""

    def __init__(self, app: Flask):
        self.ttl = float(app.config.get("PAGE_CACHE_TTL") or 300)
        self.pages = LRU(int(app.config.get("PAGE_CACHE_MAX_BYTES") or 64 * 1024 * 1024))
        # small values: counts, a search page's ids (about 1 KB), the categories and exhibitors;
        # room for some thousands of distinct searches beside the counts they share
        self.memos = LRU(4 * 1024 * 1024, max_items=16_384)
        self.placeholder = self._placeholder(app)
        self.pending: set[str] = set()  # invalidations Redis refused: retried, and meanwhile nothing is served
        self.generations, self.shared = self._stores(app)
        self.limited: dict[str, bool] = {}  # endpoint: may a rate limit apply to it (see serve_hits)
        self.flights = Flights()
        self.changes = ChangeView()  # how far this process has read the change log

    @staticmethod
    def _placeholder(app: Flask) -> str:
        """The same in every worker of a deployment (a shared page is filled by any of them);
        no text can guess it without ``SECRET_KEY``."""
        secret = app.config.get("SECRET_KEY")
        if not secret:
            return "pagecache-csrf-" + secrets.token_hex(12)
        key = secret.encode() if isinstance(secret, str) else bytes(secret)
        return "pagecache-csrf-" + hmac.new(key, b"apik page cache placeholder", "sha256").hexdigest()[:24]

    def _stores(self, app: Flask) -> tuple[FileGenerations | RedisGenerations, FilePages | RedisPages | None]:
        """Where the generations, the change log and the shared pages live."""
        shared_bytes = int(app.config.get("PAGE_CACHE_SHARED_MAX_BYTES") or 0)
        database = app.config["SQLALCHEMY_DATABASE_URI"]
        stem = "pagecache-" + hashlib.blake2b(database.encode(), digest_size=6).hexdigest()
        url = app.config.get("REDIS_URL")
        if url:
            # the pages under the database's name: a Redis shared by two databases never mixes them
            pages = RedisPages(url, f"apik:pagecache:page:{stem}:") if shared_bytes else None
            return RedisGenerations(url), pages
        if database.startswith("sqlite:///") and database != "sqlite:///:memory:":
            # beside the database file: every process on that file shares them, and nothing else does
            folder = Path(database[len("sqlite:///") :]).resolve().parent
            generations = FileGenerations(folder, stem)
        else:
            folder = Path(app.instance_path) / "pagecache"
            generations = FileGenerations(folder, stem, create=True)
        if not shared_bytes or database == "sqlite:///:memory:":  # an in-memory database is one process's
            return generations, None
        return generations, FilePages(folder / f"{stem}-pages", shared_bytes, self.ttl)

    def shared_get(self, key: tuple) -> Entry | None:
        """The page another process kept under ``key``, when this process can judge it (its
        epoch set to this view's); None otherwise, or when the store cannot be read."""
        if self.shared is None:
            return None
        try:
            blob = self.shared.get(_shared_name(key))
            if blob is None:
                return None
            entry, origin = _unpack(blob)
        except Exception:  # noqa: BLE001 - an unreadable shared page is a miss, never a 500
            log.warning("page cache: a shared page could not be read", exc_info=True)
            return None
        epoch = self.changes.adopt(entry.position, origin)
        return None if epoch is None else replace(entry, epoch=epoch)

    def shared_put(self, key: tuple, entry: Entry) -> None:
        """Offer a page this process rendered to the others (skipped when its reading of the
        log is already over: no other process could judge it)."""
        if self.shared is None:
            return
        origin = self.changes.origin_of(entry.epoch)
        seconds = entry.valid_until - time.time()
        if origin is None or seconds <= 0:
            return
        try:
            self.shared.put(_shared_name(key), _pack(entry, origin), seconds)
        except Exception:  # noqa: BLE001 - the page was served; the others render their own
            log.warning("page cache: a page could not be shared", exc_info=True)

    def read_generations(self) -> dict[str, str] | None:
        """The tokens, after catching up with the change log (a process that missed part of
        it forgets its pages and memos)."""
        try:
            if self.pending:
                self.generations.bump(self.pending)
                self.pending.clear()
            gens, restarted = self.generations.read(self.changes)
        except Exception:  # noqa: BLE001 - Redis down: serve uncached rather than answer 500
            log.warning("page cache: generations unavailable, rendering uncached", exc_info=True)
            self.pages.clear()
            self.memos.clear()
            return None
        if restarted:
            self.pages.clear()
            self.memos.clear()
        return gens

    def usable(self, entry: Entry | Memo) -> bool:
        """Not changed since its request read the log: none of its tags was published after
        (a lagging tag's change counts once the entry is ``LAG_SECONDS`` old)."""
        made = entry.rendered_at if isinstance(entry, Entry) else entry.made_at
        return not self.changes.stale(entry.tags, entry.position, entry.epoch, time.time() - made)

    def publish(self, tags: Iterable[str]) -> None:
        """The tags a commit changed, for every process; when they cannot be written, every
        page is dropped instead (both generations)."""
        try:
            self.generations.publish(tags)
        except Exception:  # noqa: BLE001 - the commit happened: never turn it into an error
            log.error("page cache: publishing a change failed; every page is dropped instead", exc_info=True)
            self.bump(SCOPES)

    def bump(self, scopes: Iterable[str]) -> None:
        scopes = set(scopes)
        if "catalog" in scopes:  # every page of this process is unreachable now: free the memory
            self.pages.clear()
        try:
            self.generations.bump(scopes)
        except Exception:  # noqa: BLE001 - the commit happened: never turn it into an error
            log.error(
                "page cache: invalidation of %s failed; retried on the next request", sorted(scopes), exc_info=True
            )
            self.pending |= scopes
            self.pages.clear()
            self.memos.clear()


def current(app: Flask | None = None) -> PageCache | None:
    """The page cache of ``app`` (default: the current app), None when it has none."""
    app = app or (current_app._get_current_object() if has_app_context() else None)  # type: ignore[attr-defined]
    return app.extensions.get(EXTENSION) if app is not None else None


def invalidate(*scopes: str) -> None:
    """Make every page showing ``scopes`` (default: all) render anew. Called by the session
    events after each commit that wrote catalogue data; call it yourself after changing
    that data outside the ORM session (a restored backup, a raw connection)."""
    cache = current()
    if cache is not None:
        cache.bump(scopes or SCOPES)
        if has_request_context():
            g.pop("pagecache_generations", None)


def invalidate_all() -> None:
    invalidate(*SCOPES)
