"""Spelling tolerance without a database: the distance, its weights, the candidates a word's
edits give, and how readings put synonyms and corrections together."""

from __future__ import annotations

import pytest

from marketplace.catalog import readings
from marketplace.catalog.spelling import (
    Candidate,
    Vocabulary,
    edit_cost,
    edit_distance,
    max_edits,
    one_edit_away,
    split_keys,
    trigram_query,
)


@pytest.mark.parametrize(
    "typed, word, edits",
    [
        ("batik", "batik", 0),
        ("btaik", "batik", 1),  # swapped
        ("bstik", "batik", 1),  # changed
        ("batk", "batik", 1),  # missing
        ("batikk", "batik", 1),  # doubled
        ("kripik", "keripik", 1),
        ("kerajnan", "kerajinan", 1),
        ("sambel", "sambal", 1),
        ("krpik", "keripik", 2),
        ("kerajin", "kerajinan", 2),
        ("batk", "batibul", 4),
    ],
)
def test_edit_distance_counts_swaps_as_one(typed, word, edits):
    assert edit_distance(typed, word) == edits


@pytest.mark.parametrize(
    "typed, meant, rather_than",
    [
        ("batk", "batik", "batu"),  # an omitted vowel, not a changed consonant
        ("bstik", "batik", "stik"),  # a neighbouring key, not a letter too many
        ("btaik", "batik", "baik"),  # two swapped letters, not one dropped
        ("bati", "batik", "batu"),  # a word not finished
        ("telor", "telur", "telon"),  # a vowel for a vowel
        ("pocii", "poci", "pocis"),
    ],
)
def test_the_weights_prefer_the_slips_people_make(typed, meant, rather_than):
    assert edit_cost(typed, meant) < edit_cost(typed, rather_than)


def test_one_edit_away_reaches_every_kind_of_slip():
    for typed in ("btaik", "bstik", "batk", "batikk"):
        assert "batik" in one_edit_away(typed)
    n = len("batik")
    assert len(one_edit_away("batik")) <= n + (n - 1) + 26 * n + 26 * (n + 1)
    assert "batik" not in one_edit_away("batik")


def test_short_words_allow_one_edit_longer_two():
    assert [max_edits(w) for w in ("teh", "batk", "batik", "kerajinan")] == [1, 1, 2, 2]


def test_trigram_query_and_splits():
    assert trigram_query("batik") == '"bat" OR "ati" OR "tik"'
    assert split_keys("tehpoci") == [("teh", "poci"), ("tehp", "oci")]
    assert split_keys("batik") == []


TERMS = {
    ("batik", "tulis"): (("batik", "tulis"), ("batik", "tulisan")),
    ("batik", "tulisan"): (("batik", "tulis"), ("batik", "tulisan")),
    ("kripik",): (("keripik",), ("kripik",)),
    ("keripik",): (("keripik",), ("kripik",)),
}


def test_a_synonym_phrase_joins_the_slots_it_spans():
    slots = readings.with_synonyms([("batik",), ("tulis",), ("murah",)], TERMS)
    assert slots == [(("batik", "tulis"), (("batik", "tulis"), ("batik", "tulisan"))), (("murah",), (("murah",),))]
    # a split word ("batiktulis" → batik tulis) is one slot: the phrase matches it whole
    assert readings.with_synonyms([("batik", "tulis")], TERMS) == [
        (("batik", "tulis"), (("batik", "tulis"), ("batik", "tulisan")))
    ]


def test_what_synonyms_add_asks_only_for_the_other_terms():
    slots = readings.with_synonyms([("batik",), ("tulis",), ("murah",)], TERMS)
    assert readings.only_synonyms(slots) == (((("batik", "tulisan"),), (("murah",),)),)
    two = readings.with_synonyms([("kripik",), ("keripik",)], TERMS)  # one conjunction per slot a synonym changes
    assert readings.only_synonyms(two) == (
        ((("keripik",),), (("keripik",), ("kripik",))),
        ((("keripik",), ("kripik",)), (("kripik",),)),
    )
    assert readings.only_synonyms(readings.with_synonyms([("murah",)], TERMS)) == ()


def test_a_known_word_stands_for_itself_before_its_corrections():
    vocabulary = Vocabulary(
        docs={"kunyit": 1},
        corrections={"kunyit": [Candidate("kunci", 1.5, 9)], "asem": [Candidate("asam", 0.6, 3)]},
    )
    found = readings._corrected_readings(["kunyit", "asem"], vocabulary)
    assert found[0][1] == ["kunyit", "asam"]
    assert found[1][1] == ["kunci", "asam"] and found[1][0] > found[0][0]


def test_corrections_rank_after_synonyms_of_what_they_correct():
    vocabulary = Vocabulary(corrections={"jamuu": [Candidate("jamu", 0.4, 5)]})
    attempt = readings._corrected(["jamuu"], vocabulary, {("jamu",): (("jamu",), ("jamoe",))})
    assert attempt is not None and attempt.corrected == "jamu"
    assert [(b.conjunctions, b.penalty) for b in attempt.branches] == [
        ((((("jamu",),),),), readings.CORRECTED + 0.4),
        ((((("jamoe",),),),), readings.CORRECTED + 0.4 + readings.REWRITE),
    ]
