"""The quote cache: Redis when REDIS_URL is set (shared by every process), else a bounded
in-process cache. Values are JSON; a cache that fails is a miss, never an error."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict

log = logging.getLogger(__name__)


class MemoryCache:
    """Least recently used entries dropped beyond ``max_items``; each expires after ``seconds``."""

    def __init__(self, seconds: int, max_items: int = 2_000):
        self.seconds, self.max_items = seconds, max_items
        self.items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.items.get(key)
            if found is None or found[0] < time.monotonic():
                self.items.pop(key, None)
                return None
            self.items.move_to_end(key)
        return json.loads(found[1])

    def set(self, key: str, value) -> None:
        if self.seconds <= 0:
            return
        with self.lock:
            self.items[key] = (time.monotonic() + self.seconds, json.dumps(value))
            self.items.move_to_end(key)
            while len(self.items) > self.max_items:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


class RedisCache:
    """Entries under ``apik:biteship:rates:<hash>`` with Redis' own expiry."""

    def __init__(self, url: str, seconds: int):
        import redis

        self.seconds = seconds
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5, decode_responses=True)

    def get(self, key: str):
        try:
            raw = self.client.get(key)
        except Exception:  # Redis down: ask Biteship instead
            log.warning("biteship: quote cache unavailable", exc_info=True)
            return None
        return json.loads(str(raw)) if raw else None

    def set(self, key: str, value) -> None:
        if self.seconds <= 0:
            return
        try:
            self.client.set(key, json.dumps(value), ex=self.seconds)
        except Exception:
            log.warning("biteship: quote cache unavailable", exc_info=True)


def cache_for(config) -> MemoryCache | RedisCache:
    seconds = int(config.get("BITESHIP_CACHE_SECONDS") or 0)
    url = config.get("REDIS_URL")
    return RedisCache(url, seconds) if url else MemoryCache(seconds)
