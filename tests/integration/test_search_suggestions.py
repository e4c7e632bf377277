"""A misspelt search says what it shows ("Maksud Anda: batik") on the page and in the API, and
costs a fixed number of statements, fewer once the catalogue's generation has seen the words."""

from __future__ import annotations

import pytest

from marketplace import pagecache
from marketplace.catalog.search import SearchParams, search_products
from marketplace.extensions import db
from tests.catalog_seed import seed_catalogue
from tests.factories import gen_product, gen_store


@pytest.fixture
def cat(app):
    return seed_catalogue()


def test_the_search_page_shows_the_corrected_words_and_links_them(client, cat):
    html = client.get("/search?q=btaik").get_data(as_text=True)
    assert "Batik Tulis Motif Tegalan" in html
    assert "Menampilkan hasil untuk “batik”." in html
    assert 'Maksud Anda: <a href="/search?q=batik">batik</a>' in html
    assert "mirip" not in html  # the sentence above says it better
    english = client.get("/search?q=btaik&lang=en").get_data(as_text=True)
    assert "Showing results for “batik”." in english and "Did you mean:" in english


def test_words_found_as_typed_offer_nothing(client, cat):
    html = client.get("/search?q=batik").get_data(as_text=True)
    assert "Maksud Anda" not in html and "Menampilkan hasil untuk" not in html


def test_the_suggestion_keeps_the_page_and_its_filters(client, cat):
    html = client.get("/sectors/fesyen?q=btaik&sort=price_asc&page=1").get_data(as_text=True)
    assert 'href="/sectors/fesyen?q=batik&amp;sort=price_asc"' in html


def test_the_api_listing_carries_the_suggestion(client, cat):
    body = client.get("/api/v1/products?q=btaik").get_json()
    assert body["suggestion"] == "batik" and body["total"] >= 2
    assert {item["name"] for item in body["items"]} >= {"Batik Tulis Motif Tegalan", "Kemeja Batik Cap Pria"}
    for q in ("batik", "zzzqqq", ""):
        body = client.get("/api/v1/products", query_string={"q": q}).get_json()
        assert body["suggestion"] is None
    assert client.get("/api/v1/products?q=zzzqqq").get_json()["items"] == []


@pytest.mark.parametrize(
    "q, statements",
    [
        ("batik", 3),  # the synonym list, the words in the vocabulary, the page
        ("btaik", 5),  # ... the corrections' candidates, the words as typed, the corrected words
        ("teh pocii", 5),
        # ... no correction: as typed, asking in the same statement whether the prefixes or the
        # shortened words match anything at all (they do not: their statements are skipped)
        ("zzzqqq", 4),
        ("zzzqqq xyzzy kkkk wwww", 4),  # as many words: the same statements
    ],
)
def test_a_search_runs_a_fixed_number_of_statements(app, cat, count_queries, q, statements):
    db.session.remove()
    pagecache.clear_local()
    with count_queries() as counted:
        search_products(SearchParams(q=q))
    assert counted.count == statements, counted.statements


def test_the_vocabulary_is_read_once_per_catalogue_generation(client, cat, count_queries):
    client.get("/api/v1/products?q=btaik&per_page=5")  # another page size: another page, the same words
    with count_queries() as counted:
        body = client.get("/api/v1/products?q=btaik&per_page=6").get_json()
    assert body["suggestion"] == "batik"
    assert not any("search_words" in s or "search_synonyms" in s for s in counted.statements)


def test_a_rare_spelling_found_offers_the_common_one_without_replacing_it(app):
    store = gen_store(name="Toko Kain Pesisir")
    for n in range(10):
        gen_product(store, f"Batik Pesisir Motif {n}", price=100_000 + n, category=None)
    gen_product(store, "Kain Bastik Lawasan", price=90_000, category=None)  # a seller's slip
    result = search_products(SearchParams(q="bastik"))
    assert [c.name for c in result.items] == ["Kain Bastik Lawasan"]  # what was asked for
    assert result.suggestion == "batik" and not result.corrected and not result.fallback


def test_a_product_nobody_may_see_lends_no_word_to_a_suggestion(app):
    store = gen_store(name="Toko Rahasia")
    gen_product(store, "Kopi Luwak Istimewa", status="draft", category=None)
    gen_product(store, "Kopi Tubruk", category=None)
    result = search_products(SearchParams(q="luwk"))
    assert result.items == [] and result.suggestion is None


def test_a_rare_word_is_not_taken_for_a_slip_of_a_common_one_two_edits_away(app):
    store = gen_store(name="Toko Kunci Jaya")
    for n in range(12):
        gen_product(store, f"Gembok dan Kunci {n}", price=10_000 + n, category=None)
    gen_product(store, "Jamu Kunyit", price=9_000, category=None)
    result = search_products(SearchParams(q="kunyit"))
    assert [c.name for c in result.items] == ["Jamu Kunyit"] and result.suggestion is None
