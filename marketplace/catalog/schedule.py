"""The catalogue's periodic work on the job queue (``flask worker``)."""

from __future__ import annotations

from marketplace import jobs


@jobs.periodic("40 19 * * *", name="catalog.search_misses_retention")
def search_misses_retention() -> None:
    """Once a day (02.40 WIB): the searches without results older than 180 days are deleted
    (marketplace/catalog/misses.py)."""
    from marketplace.catalog import misses

    misses.delete_old()


@jobs.periodic("* * * * *", name="catalog.fold_listing_counts")
def fold_listing_counts() -> None:
    """Every minute: the change rows the triggers added to listing_counts and listing_totals are
    folded into one row per group, so a listing's counts sum a few hundred rows, not every change since
    (marketplace/catalog/listing_counts.py)."""
    from marketplace.catalog import listing_counts

    listing_counts.fold()
