"""The search's synonym list: groups of words or phrases searched as one (``keripik, kripik``).

The agency keeps the list (its editing services live here too); the search reads it through
:func:`groups`, remembered until the catalogue changes (pagecache.memo), so a search costs no
statement for it. A term is lower case, its words separated by one space, letters and digits only.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from marketplace import pagecache
from marketplace.catalog.models import SearchSynonym
from marketplace.extensions import db

_WORD = re.compile(r"[^\W_]+")


def normalize_term(raw: str) -> str:
    """A term as the search compares it: lower case, letters and digits, single spaces."""
    return " ".join(_WORD.findall((raw or "").lower()))


def normalize_terms(raw: str) -> list[str]:
    """The distinct terms of a comma-separated group, normalized, in the order given."""
    seen: list[str] = []
    for part in (raw or "").split(","):
        term = normalize_term(part)
        if term and term not in seen:
            seen.append(term)
    return seen


def groups() -> list[tuple[str, ...]]:
    """Every group of the list, each a tuple of normalized terms."""

    def compute() -> list[tuple[str, ...]]:
        rows = db.session.scalars(select(SearchSynonym.terms).order_by(SearchSynonym.id))
        return [tuple(terms) for terms in (normalize_terms(r) for r in rows) if len(terms) > 1]

    return pagecache.memo(("search-synonyms",), compute, depends=())  # only its own table: the generation
