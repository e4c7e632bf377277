"""The expo's periodic work on the job queue (``flask worker``)."""

from __future__ import annotations

import logging

from marketplace import jobs

log = logging.getLogger(__name__)


@jobs.periodic("* * * * *", name="expo.warm_pages")
def warm_pages() -> None:
    """Every minute while an expo is open (and in the quarter hour before it opens): its pages
    that are not in the page cache are rendered into it (marketplace/expo/warming.py)."""
    from marketplace.expo import warming

    for slug, counts in warming.warm_expos().items():
        if counts.get("rendered") or counts.get("left") or counts.get("refused"):
            log.info("expo %s: pages warmed %s", slug, dict(counts))
