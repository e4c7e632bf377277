"""Spelling tolerance: what the catalogue's vocabulary says about the words a shopper typed.

The vocabulary is ``search_words`` (migration 0029): every word of the listed products'
names, store names, category and sector slugs and cities, with how many listed products
carry it, kept by triggers. For the words of one query, :func:`lookup` reads, in one
statement, which of them the catalogue knows and which of their splits (``tehpoci`` → teh
poci) and joins (``teh poci`` → tehpoci) it knows; only when a word is unknown or rare, a
second statement reads its candidate corrections:

- every word one edit away (a letter missing, extra, changed, or two swapped), found by the
  vocabulary's primary key: trigrams alone miss ``btaik`` → batik, which share none;
- the words nearest by trigrams (pg_trgm's ``%`` and ``similarity`` over its GIN index of
  ``lower(word)`` on PostgreSQL, the FTS5 trigram table ``search_words_fts`` ranked by bm25 on SQLite), for two
  edits in longer words.

A candidate is kept within 2 edits (1 for a word of 4 letters or fewer), Damerau-Levenshtein
(optimal string alignment), and ranked by :func:`edit_cost`, which weighs the slips people
make in Indonesian: an omitted or changed vowel (``kripik``, ``sambel``), a doubled letter, a
neighbouring key, two swapped letters, or an unfinished word cost less than any other letter
changed (``batk``: batik, not batu); the more frequent word wins a tie. What was read is
remembered per catalogue generation (pagecache.memo), so a query typed again costs nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import text

from marketplace import pagecache, pagecache_tags, reads
from marketplace.extensions import db

VOWELS = frozenset("aeiou")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
MIN_CORRECTED = 3  # shorter words are too ambiguous to correct
MAX_CORRECTED = 20  # longer "words" are pasted text, not typed
MAX_CORRECTED_WORDS = 4  # per query: the key lookup grows with each
RARE = 2  # a known word carried by this few products may still be a slip
NEAREST = 12  # trigram neighbours read per word
MAX_CANDIDATES = 3  # corrections kept per word
NEAR_TIE = 0.15  # candidates this close to the best one are kept beside it
MIN_SPLIT_PART = 3  # "tehpoci" → teh + poci; never a 1- or 2-letter part
_WORD = re.compile(r"[^\W_]+")
_CORRECTABLE = re.compile(r"[a-z]+")

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_AT = {key: (r, c) for r, row in enumerate(_ROWS) for c, key in enumerate(row)}


def _adjacent_keys(a: str, b: str) -> bool:
    if a not in _KEY_AT or b not in _KEY_AT:
        return False
    (ra, ca), (rb, cb) = _KEY_AT[a], _KEY_AT[b]
    if ra == rb:
        return abs(ca - cb) == 1
    if abs(ra - rb) != 1:
        return False
    upper_c, lower_c = (ca, cb) if ra < rb else (cb, ca)
    return lower_c in (upper_c - 1, upper_c)  # each row sits half a key to the right of the one above


# --- the distance and its weights -------------------------------------------------------


def _changed(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in VOWELS and b in VOWELS:
        return 0.6  # telor/telur, sambel/sambal
    if _adjacent_keys(a, b):
        return 0.7  # bstik: s is next to a
    return 1.0


def _extra(typed: str, i: int) -> float:
    """The cost of a letter typed that the word does not have."""
    if i > 0 and typed[i] == typed[i - 1]:
        return 0.4  # batikk, pocii
    return 0.6 if typed[i] in VOWELS else 1.0


def _missing(word: str, j: int, at_end: bool) -> float:
    """The cost of a letter of the word that was not typed."""
    if j > 0 and word[j] == word[j - 1]:
        return 0.4  # a doubled letter typed once
    if word[j] in VOWELS or at_end:
        return 0.5  # kripik, batk; or a word not finished (kerajin)
    return 0.9


def edit_cost(typed: str, word: str) -> float:
    """How unlikely ``word`` is as what was meant by ``typed``: an optimal string alignment
    distance whose edits weigh what people do (see the module's docstring)."""
    n, m = len(typed), len(word)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = cost[i - 1][0] + _extra(typed, i - 1)
    for j in range(1, m + 1):
        cost[0][j] = cost[0][j - 1] + _missing(word, j - 1, n == 0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = min(
                cost[i - 1][j] + _extra(typed, i - 1),
                cost[i][j - 1] + _missing(word, j - 1, i == n),
                cost[i - 1][j - 1] + _changed(typed[i - 1], word[j - 1]),
            )
            if i > 1 and j > 1 and typed[i - 1] == word[j - 2] and typed[i - 2] == word[j - 1]:
                best = min(best, cost[i - 2][j - 2] + 0.6)  # btaik
            cost[i][j] = best
    return round(cost[n][m], 3)


def edit_distance(a: str, b: str, limit: int = MAX_CORRECTED) -> int:
    """The number of edits (a letter inserted, deleted, changed, or two neighbours swapped)
    from ``a`` to ``b``: Damerau-Levenshtein as optimal string alignment. Past ``limit`` it
    stops counting and answers ``limit + 1``."""
    while a and b and a[0] == b[0]:  # what both share at either end costs nothing
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    n, m = len(a), len(b)
    if abs(n - m) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(m + 1))
    for i in range(1, n + 1):
        current = [i] + [0] * m
        for j in range(1, m + 1):
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[m], limit + 1)


def max_edits(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def one_edit_away(word: str) -> set[str]:
    """Every string one edit from ``word``: deletions, swaps, changes and insertions of a letter."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    found |= {a + c + b for a, b in splits for c in LETTERS}
    found.discard(word)
    return found


def trigram_query(word: str) -> str:
    """An FTS5 query for the words sharing any trigram with ``word`` (letters only: no syntax)."""
    return " OR ".join(f'"{word[i : i + 3]}"' for i in range(len(word) - 2))


# --- what the vocabulary says about a query ------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    word: str
    cost: float
    docs: int


@dataclass
class Vocabulary:
    """What the catalogue knows about one query's words: ``docs`` of every word, split part
    and joined pair it carries, and the ranked ``corrections`` of the words it does not know
    (or hardly knows)."""

    docs: dict[str, int] = field(default_factory=dict)
    corrections: dict[str, list[Candidate]] = field(default_factory=dict)

    def known(self, word: str) -> int:
        return self.docs.get(word, 0)


def correctable(word: str) -> bool:
    return MIN_CORRECTED <= len(word) <= MAX_CORRECTED and _CORRECTABLE.fullmatch(word) is not None


def split_keys(word: str) -> list[tuple[str, str]]:
    """The ways to cut ``word`` into two words of :data:`MIN_SPLIT_PART` letters or more."""
    return [(word[:i], word[i:]) for i in range(MIN_SPLIT_PART, len(word) - MIN_SPLIT_PART + 1)]


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _among(keys: list[str]) -> tuple[str, dict]:
    """A condition on ``word`` for being one of ``keys``, and its parameters: the list is one
    parameter, an array on PostgreSQL (a thousand separate parameters cost more to plan than to
    look up) and a JSON array on SQLite. A word's strings one edit away are about 550: as
    separate parameters SQLAlchemy expanded each into the statement at every execution, 9 % of
    a missing word's page with every cache empty; SQLite looks each up by the index either way."""
    if _postgres():
        return "word = ANY(CAST(:keys AS text[]))", {"keys": keys}
    return "word IN (SELECT value FROM json_each(:keys))", {"keys": json.dumps(keys)}


def _exact(keys: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    condition, params = _among(wanted)
    rows = reads.execute(text(f"SELECT word, docs FROM search_words WHERE {condition}"), params)
    return dict(rows.tuples().all())


def _neighbours(edited: list[str], near: list[str]) -> list[tuple[str, str, int]]:
    """(typed word or '', word, docs): the vocabulary's words among ``edited`` (''), and the
    :data:`NEAREST` words by trigrams of each of ``near``; one statement."""
    condition, params = _among(sorted(set(edited)) or [""])
    branches = [f"SELECT '' AS source, word, docs FROM search_words WHERE {condition}"]
    for i, word in enumerate(near):
        params[f"w{i}"] = word
        if _postgres():
            branches.append(
                f"SELECT * FROM (SELECT CAST(:w{i} AS text) AS source, word, docs FROM search_words "
                f"WHERE lower(word) % CAST(:w{i} AS text) ORDER BY similarity(lower(word), CAST(:w{i} AS text)) DESC "
                f"LIMIT {NEAREST}) AS n{i}"
            )
        else:
            params[f"q{i}"] = trigram_query(word)
            branches.append(
                f"SELECT * FROM (SELECT :w{i} AS source, s.word, s.docs FROM search_words_fts AS f "
                f"JOIN search_words AS s ON s.id = f.rowid WHERE search_words_fts MATCH :q{i} "
                f"ORDER BY f.rank LIMIT {NEAREST})"
            )
    return list(reads.execute(text(" UNION ALL ".join(branches)), params))


def _rank(typed: str, words: dict[str, int]) -> list[Candidate]:
    """The corrections of ``typed`` among ``words`` (word → docs): near enough, best first."""
    limit = max_edits(typed)
    ranked = sorted(
        (
            Candidate(w, edit_cost(typed, w), d)
            for w, d in words.items()
            if w != typed
            and _WORD.fullmatch(w)
            and abs(len(w) - len(typed)) <= limit
            and edit_distance(typed, w) <= limit
        ),
        key=lambda c: (c.cost, -c.docs, c.word),
    )
    if not ranked:
        return []
    return [c for c in ranked if c.cost <= ranked[0].cost + NEAR_TIE][:MAX_CANDIDATES]


def _needs_correction(word: str, vocabulary: Vocabulary, also_known: set[str]) -> bool:
    if not correctable(word) or word in also_known:
        return False
    if vocabulary.known(word) > RARE:
        return False
    split = any(vocabulary.known(a) and vocabulary.known(b) for a, b in split_keys(word))
    return not split


def _read(words: tuple[str, ...], also_known: frozenset[str]) -> Vocabulary:
    keys = set(words)
    for word in words:
        keys.update(part for pair in split_keys(word) for part in pair)
    keys.update(a + b for a, b in zip(words, words[1:], strict=False))
    vocabulary = Vocabulary(docs=_exact(keys))
    wrong = [w for w in dict.fromkeys(words) if _needs_correction(w, vocabulary, set(also_known))]
    wrong = wrong[:MAX_CORRECTED_WORDS]
    if not wrong:
        return vocabulary
    edited: dict[str, list[str]] = {}  # a string one edit away → the words it is one edit from
    for typed in wrong:
        for key in one_edit_away(typed):
            edited.setdefault(key, []).append(typed)
    found: dict[str, dict[str, int]] = {w: {} for w in wrong}
    for source, word, docs in _neighbours(list(edited), [w for w in wrong if max_edits(w) > 1]):
        for typed in [source] if source else edited[word]:
            found[typed][word] = docs
    vocabulary.corrections = {w: _rank(w, found[w]) for w in wrong}
    return vocabulary


def lookup(words: list[str], also_known: frozenset[str] = frozenset()) -> Vocabulary:
    """What the vocabulary says about ``words`` (a query's, lower case); ``also_known``:
    words never corrected (the synonym list's). One or two statements, remembered per
    catalogue generation."""
    # the synonym list is catalogue data too: a change to it starts a new generation. The
    # vocabulary changes when a product enters or leaves the catalogue or its text changes
    depends = pagecache_tags.listing(pagecache_tags.ALL, [pagecache_tags.TEXT])
    return pagecache.memo(("spelling", tuple(words)), lambda: _read(tuple(words), also_known), depends=depends)
