"""What a search looks for: the readings of the words typed, attempt by attempt.

A reading is a list of slots that must all match; a slot holds one or more phrases (words
side by side) any of which may match it. :func:`plan` lays out, for the query's words:

1. as typed: the words themselves (penalty 0), then the same with the synonym list's other
   terms (``kripik`` → keripik; ``batik tulis`` → "batik tulisan"), a word split in two when
   the catalogue knows both halves (``tehpoci`` → "teh poci") and two words joined when it
   knows the whole (``teh poci`` → tehpoci), each at a penalty, so what was typed ranks first;
2. corrected (only if 1 finds nothing): each word the catalogue does not know replaced by its
   best corrections (catalog.spelling), at a penalty of what the corrections cost;
3. each word as a prefix (``kerajin`` → kerajinan);
4. any word or any of its corrections; then any word, shortened, as a prefix (``batik xyzzy``).

The results of 2 are the corrected query's, which the page says ("Menampilkan hasil untuk
batik") and offers (``suggestion``); the words as typed finding :data:`FEW` products or fewer
offer a spelling :data:`COMMONER` times commoner in the catalogue, if there is one.

The search (catalog.search) runs them in turn until one finds something. Within one, the
branches are ranked by penalty, then by full-text rank; each finds only what no cheaper branch
found, and a synonym branch asks only for the other terms (``sambel``, not "sambal or
sambel"), so a common word is matched once, not once a branch.
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.catalog import spelling, synonyms

Phrase = tuple[str, ...]
Slot = tuple[Phrase, ...]

REWRITE = 0.5  # a synonym, a split or a join: after what was typed, before any correction
CORRECTED = 1.0  # a correction's base penalty, plus what it costs (spelling.edit_cost)
FEW = 3  # a search finding this few products offers a much commoner spelling ("Maksud Anda")
COMMONER = 10  # ... carried by this many times more products
SLIP = 1.0  # ... and one slip away at most (spelling.edit_cost): kunyit is no misspelt kunci
MAX_BRANCHES = 6  # per attempt: each is one more full-text match


Conjunction = tuple[Slot, ...]  # every slot, each by any of its phrases


@dataclass(frozen=True)
class Branch:
    """One reading to match: any of ``conjunctions``; ``prefix``: each phrase's last word as a prefix."""

    conjunctions: tuple[Conjunction, ...]
    penalty: float = 0.0
    prefix: bool = False


@dataclass
class Attempt:
    branches: list[Branch]
    loose: bool = False  # what is found only resembles the words
    corrected: str | None = None  # the corrected query the results are for
    # worth asking first whether it matches anything at all (search.search_products): not the
    # corrections, which the vocabulary just found in the catalogue (often thousands of matches)
    probed: bool = True


@dataclass
class Plan:
    attempts: list[Attempt]
    suggestion: str | None = None  # a better spelling to offer if the words as typed find little
    # a word the vocabulary does not know (or hardly): the words as typed may well find nothing
    doubtful: bool = False
    docs: int = 0  # the listed products of the commonest word as typed (the vocabulary's count)


def _terms() -> dict[Phrase, tuple[Phrase, ...]]:
    """Each term of the synonym list → every term of its group (itself included)."""
    found: dict[Phrase, tuple[Phrase, ...]] = {}
    for group in synonyms.groups():
        phrases = tuple(tuple(term.split()) for term in group)
        for phrase in phrases:
            found.setdefault(phrase, phrases)
    return found


def with_synonyms(reading: list[Phrase], terms: dict[Phrase, tuple[Phrase, ...]]) -> list[tuple[Phrase, Slot]]:
    """The slots of ``reading`` (one phrase a slot) as (the phrase read, what may match it): a
    run of whole slots that spells a term of the synonym list becomes one slot that any term of
    its group matches; longest run first."""
    slots: list[tuple[Phrase, Slot]] = []
    i = 0
    while i < len(reading):
        for j in range(len(reading), i, -1):
            run = tuple(word for phrase in reading[i:j] for word in phrase)
            if run in terms:
                slots.append((run, terms[run]))
                i = j
                break
        else:
            slots.append((reading[i], (reading[i],)))
            i += 1
    return slots


def only_synonyms(slots: list[tuple[Phrase, Slot]]) -> tuple[Conjunction, ...]:
    """What the synonyms add to a reading: one slot by another term than the one read, the
    others by any term. Empty when no synonym applies."""
    return tuple(
        tuple(
            tuple(term for term in terms if term != read) if k == i else terms for k, (_read, terms) in enumerate(slots)
        )
        for i, (read, terms) in enumerate(slots)
        if len(terms) > 1
    )


def _one_each(words: list[str]) -> list[Phrase]:
    """A reading of single words."""
    return [(w,) for w in words]


def _plain(reading: list[Phrase]) -> tuple[Conjunction]:
    return (tuple((phrase,) for phrase in reading),)


def _splits(words: list[str], vocabulary: spelling.Vocabulary, known) -> list[list[Phrase]]:
    """Readings with one word cut in two known words, for a word rarer than both halves."""
    readings: list[list[Phrase]] = []
    for i, word in enumerate(words):
        parts = [(a, b) for a, b in spelling.split_keys(word) if known(a) and known(b)]
        parts = [(a, b) for a, b in parts if vocabulary.known(word) < min(known(a), known(b))]
        if parts:
            a, b = max(parts, key=lambda p: (min(known(p[0]), known(p[1])), p))
            readings.append(_one_each(words[:i]) + [(a, b)] + _one_each(words[i + 1 :]))
    return readings


def _joins(words: list[str], vocabulary: spelling.Vocabulary) -> list[list[Phrase]]:
    """Readings with two neighbouring words joined into one the catalogue knows."""
    return [
        _one_each(words[:i]) + [(words[i] + words[i + 1],)] + _one_each(words[i + 2 :])
        for i in range(len(words) - 1)
        if vocabulary.known(words[i] + words[i + 1])
    ]


def _branches(reading: list[Phrase], penalty: float, terms) -> list[Branch]:
    """A reading as it is, then what the synonym list's other terms add, a little after it."""
    synonymous = only_synonyms(with_synonyms(reading, terms))
    plain = Branch(_plain(reading), penalty)
    return [plain, Branch(synonymous, penalty + REWRITE)] if synonymous else [plain]


def _distinct(branches: list[Branch]) -> list[Branch]:
    """The branches asking different things, cheapest first, at most :data:`MAX_BRANCHES`."""
    kept: dict[tuple[Conjunction, ...], Branch] = {}
    for branch in sorted(branches, key=lambda b: b.penalty):
        kept.setdefault(branch.conjunctions, branch)
    return list(kept.values())[:MAX_BRANCHES]


def _as_typed(words: list[str], vocabulary: spelling.Vocabulary, terms, known) -> Attempt:
    rewritten = _joins(words, vocabulary) + _splits(words, vocabulary, known)
    branches = _branches(_one_each(words), 0.0, terms)
    for reading in rewritten:
        branches += _branches(reading, REWRITE, terms)
    return Attempt(_distinct(branches))


def _choices(word: str, vocabulary: spelling.Vocabulary) -> list[spelling.Candidate]:
    """What ``word`` may stand for, likeliest first: a word the catalogue knows stands for
    itself first (its corrections only as runners-up), one it does not know for its corrections."""
    fixes = vocabulary.corrections.get(word) or []
    if vocabulary.known(word) or not fixes:
        return [spelling.Candidate(word, 0.0, vocabulary.known(word)), *fixes]
    return fixes


def _corrected_readings(words: list[str], vocabulary: spelling.Vocabulary) -> list[tuple[float, list[str]]]:
    """(penalty, words): each word replaced by its likeliest choice; then, one word at a time,
    by its runners-up. Cheapest first; none when no word has a correction."""
    if not any(vocabulary.corrections.get(w) for w in words):
        return []
    choices = [_choices(w, vocabulary) for w in words]
    base = CORRECTED + sum(c[0].cost for c in choices)
    best = [c[0].word for c in choices]
    readings = [(base, best)]
    for i, options in enumerate(choices):
        for other in options[1:]:
            readings.append((base - options[0].cost + other.cost, [*best[:i], other.word, *best[i + 1 :]]))
    return sorted(readings, key=lambda r: r[0])[:MAX_BRANCHES]


def _corrected(words: list[str], vocabulary: spelling.Vocabulary, terms) -> Attempt | None:
    readings = _corrected_readings(words, vocabulary)
    if not readings:
        return None
    branches = [b for penalty, reading in readings for b in _branches(_one_each(reading), penalty, terms)]
    best = readings[0][1]
    corrected = " ".join(best) if best != words else None
    return Attempt(_distinct(branches), loose=True, corrected=corrected, probed=False)


def _loosened(word: str) -> str:
    """The word without its last letters, to forgive a slip at the end (batikk, pocii)."""
    return word[: max(3, len(word) - 2)] if len(word) > 3 else word


def _loose(words: list[str], vocabulary: spelling.Vocabulary) -> Attempt | None:
    """Any word or any of its corrections; then any word, shortened, as a prefix. Without what
    the attempts before asked already (one word: itself, its corrections, itself as a prefix)."""
    whole: list[str] = []
    for word in words:
        whole += [word, *(c.word for c in vocabulary.corrections.get(word, []))]
    shortened = [_loosened(w) for w in words]
    branches = []
    if len(words) > 1:
        branches.append(Branch(_any(whole)))
    if len(words) > 1 or shortened != words:
        branches.append(Branch(_any(shortened), REWRITE, prefix=True))
    return Attempt(branches, loose=True) if branches else None


def _any(words: list[str]) -> tuple[Conjunction, ...]:
    return tuple((((w,),),) for w in dict.fromkeys(words))


def _commoner(words: list[str], vocabulary: spelling.Vocabulary) -> str | None:
    """The query with each rare word spelled as many more products spell it, if any is."""
    better = []
    for word in words:
        fixes = vocabulary.corrections.get(word) or []
        if fixes and fixes[0].cost <= SLIP and fixes[0].docs >= COMMONER * max(1, vocabulary.known(word)):
            better.append(fixes[0].word)
        else:
            better.append(word)
    return " ".join(better) if better != words else None


def plan(words: list[str]) -> Plan:
    """The attempts for a query's words (lower case, as ``search.words_of`` cuts them)."""
    terms = _terms()
    also_known = frozenset(word for phrase in terms for word in phrase)
    vocabulary = spelling.lookup(words, also_known)

    def known(word: str) -> int:
        return vocabulary.known(word) or (1 if word in also_known else 0)

    attempts = [_as_typed(words, vocabulary, terms, known)]
    corrected = _corrected(words, vocabulary, terms)
    if corrected:
        attempts.append(corrected)
    attempts.append(Attempt([Branch(_plain(_one_each(words)), prefix=True)], loose=True))
    loose = _loose(words, vocabulary)
    if loose:
        attempts.append(loose)
    docs = max((vocabulary.known(word) for word in words), default=0)
    return Plan(attempts, _commoner(words, vocabulary), doubtful=bool(vocabulary.corrections), docs=docs)
