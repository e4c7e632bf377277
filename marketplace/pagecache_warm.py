"""Rendering pages into the page cache before visitors ask for them (marketplace/pagecache.py).

Each path is requested from the app as an anonymous visitor at ``BASE_URL`` would request
it, through the whole stack: the cache decides, as for any visitor, whether the page is
kept, under which key and tags. A page already cached and unchanged costs a hit (well under
a millisecond); a missing or dropped one is rendered and kept, here and in the pages every
worker reads (marketplace/pagecache_storage.py), so the first visitor of each page is
served from the cache. Pages are kept for the default language, the one a visitor who
chose none gets.

Which paths, and when: marketplace/expo/warming.py (an expo's pages, by the job worker).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable

from flask import current_app

from marketplace.observability import WARM_ENVIRON_KEY

USER_AGENT = "ApikMarket-warm/1"


def warm(paths: Iterable[str], seconds: float | None = None) -> Counter:
    """Request each of ``paths`` as an anonymous visitor; stop after ``seconds``. Counts:
    ``rendered`` (missed, rendered and kept), ``cached`` (already there), ``refused`` (not
    cacheable or not 200: left alone), ``left`` (not reached in time)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    counts: Counter = Counter()
    if not app.config.get("PAGE_CACHE"):
        return counts
    base = app.config["BASE_URL"].rstrip("/")
    client = app.test_client(use_cookies=False)
    deadline = None if seconds is None else time.monotonic() + seconds
    pending = list(paths)
    for n, path in enumerate(pending):
        if deadline is not None and time.monotonic() > deadline:
            counts["left"] += len(pending) - n
            break
        # its own app context: nothing on ``g`` or in the database session is carried from one
        # page to the next (a page must read the change log as of its own request)
        with app.app_context():
            response = client.get(
                path, base_url=base, headers={"User-Agent": USER_AGENT}, environ_overrides={WARM_ENVIRON_KEY: True}
            )
        way = response.headers.get("X-Page-Cache")
        if response.status_code != 200 or way is None:
            counts["refused"] += 1
        else:
            counts["rendered" if way == "miss" else "cached"] += 1
        response.close()
    return counts
