"""The search's synonym list: groups of words or phrases searched as one (``keripik, kripik``).

The agency keeps the list (its editing services live here too); the search reads it through
:func:`groups`, remembered until the catalogue changes (pagecache.memo), so a search costs no
statement for it. A term is lower case, its words separated by one space, letters and digits only.
"""

from __future__ import annotations

import re
from typing import NoReturn

from sqlalchemy import select

from marketplace import audit, pagecache, reads
from marketplace.catalog.models import SearchSynonym
from marketplace.errors import Conflict, NotFound, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _

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
        rows = reads.execute(select(SearchSynonym.terms).order_by(SearchSynonym.id)).scalars()
        return [tuple(terms) for terms in (normalize_terms(r) for r in rows) if len(terms) > 1]

    return pagecache.memo(("search-synonyms",), compute, depends=())  # only its own table: the generation


# --- the agency's editing ------------------------------------------------------------------------

MIN_TERMS, MAX_TERMS = 2, 20
MIN_TERM_CHARS, MAX_TERM_CHARS = 2, 60
MAX_INPUT_CHARS = 2000  # what may be typed or sent, before normalizing
STORED_CHARS = 500  # the column: the group as stored, "keripik, kripik"
SEPARATOR = ", "


def list_groups(q: str = "") -> list[SearchSynonym]:
    """The groups, alphabetically by their text; with ``q``, those with a term containing it."""
    query = select(SearchSynonym).order_by(SearchSynonym.terms, SearchSynonym.id)
    needle = normalize_term(q[:MAX_TERM_CHARS])
    if needle:  # letters, digits and spaces only: nothing LIKE would read as a wildcard
        query = query.where(SearchSynonym.terms.contains(needle))
    return list(db.session.scalars(query))


def get_group(group_id: int) -> SearchSynonym:
    """:raise NotFound: no such group."""
    row = db.session.get(SearchSynonym, group_id)
    if row is None:
        raise NotFound(_("Grup sinonim tidak ditemukan."))
    return row


def parse_terms(raw: str | list[str] | None) -> list[str]:
    """The group's terms as stored: normalized, distinct, in the order given. ``raw`` is what an
    officer types (terms separated by commas) or a list of terms, each at most 60 characters as
    sent. :raise ValidationError: on ``terms``: fewer than two distinct terms, more than 20, a
    term shorter than 2 or longer than 60 characters, the group longer than the column holds."""
    if isinstance(raw, list):
        if len(raw) > MAX_TERMS:
            _refuse(_("Paling banyak %(n)d kata dalam satu grup.", n=MAX_TERMS))
        _check_lengths([item for item in raw if len(item) > MAX_TERM_CHARS], [])
        terms = list(dict.fromkeys(t for t in (normalize_term(item) for item in raw) if t))
    else:
        if len(raw or "") > MAX_INPUT_CHARS:
            _refuse(_("Terlalu panjang: paling banyak %(n)d karakter.", n=MAX_INPUT_CHARS))
        terms = normalize_terms(raw or "")
    if len(terms) < MIN_TERMS:
        _refuse(_("Tulis paling sedikit dua kata yang berbeda, dipisah koma (mis. keripik, kripik)."))
    if len(terms) > MAX_TERMS:
        _refuse(_("Paling banyak %(n)d kata dalam satu grup.", n=MAX_TERMS))
    _check_lengths([t for t in terms if len(t) > MAX_TERM_CHARS], [t for t in terms if len(t) < MIN_TERM_CHARS])
    if len(SEPARATOR.join(terms)) > STORED_CHARS:
        _refuse(_("Grup terlalu panjang: paling banyak %(n)d karakter. Bagi menjadi dua grup.", n=STORED_CHARS))
    return terms


def _check_lengths(long: list[str], short: list[str]) -> None:
    if long:
        _refuse(_("“%(term)s…” terlalu panjang: paling banyak %(n)d karakter.", term=long[0][:20], n=MAX_TERM_CHARS))
    if short:
        _refuse(_("“%(term)s” terlalu pendek: paling sedikit %(n)d huruf.", term=short[0], n=MIN_TERM_CHARS))


def check_terms(raw: str | list[str] | None, own_id: int | None = None) -> list[str]:
    """:func:`parse_terms`, and no term in another group than ``own_id``.
    :raise ValidationError: see parse_terms. :raise Conflict: on ``terms``, naming each term
    another group already holds and that group."""
    terms = parse_terms(raw)
    clashes = _clashes(terms, own_id)
    if clashes:
        message = "; ".join(_("“%(term)s” sudah ada di grup lain: %(group)s", term=t, group=g) for t, g in clashes)
        raise Conflict(message + ".", fields={"terms": message + "."})
    return terms


def _refuse(message: str) -> NoReturn:
    raise ValidationError(fields={"terms": message})


def _clashes(terms: list[str], own_id: int | None) -> list[tuple[str, str]]:
    """(term, the other group's text) for each term another group already holds (one statement)."""
    rows = db.session.execute(select(SearchSynonym.id, SearchSynonym.terms).where(SearchSynonym.id != (own_id or 0)))
    taken: dict[str, str] = {}
    for _id, stored in rows:
        for term in normalize_terms(stored):
            taken.setdefault(term, SEPARATOR.join(normalize_terms(stored)))
    return [(t, taken[t]) for t in terms if t in taken]


def add_group(actor, raw: str | list[str] | None) -> SearchSynonym:
    """A new group of the list, audited. :raise ValidationError, Conflict: see :func:`check_terms`."""
    terms = check_terms(raw)
    row = SearchSynonym(terms=SEPARATOR.join(terms))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "search.synonyms_added", "search_synonym", row.id, terms=terms)
    return row


def update_group(actor, row: SearchSynonym, raw: str | list[str] | None) -> SearchSynonym:
    """The group's terms replaced, audited (old -> new); nothing written when they are the same.
    :raise ValidationError, Conflict: see :func:`check_terms`."""
    stored = SEPARATOR.join(check_terms(raw, own_id=row.id))
    if stored != row.terms:
        changed = audit.changes(row, {"terms": stored}, width=STORED_CHARS)
        row.terms = stored
        audit.record(actor, "search.synonyms_updated", "search_synonym", row.id, changes=changed)
    return row


def delete_group(actor, row: SearchSynonym) -> None:
    """Remove a group from the list, audited with its terms."""
    audit.record(actor, "search.synonyms_deleted", "search_synonym", row.id, terms=row.term_list)
    db.session.delete(row)
