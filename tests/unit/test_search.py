"""Search: Indonesian words as typed, ranking, forgiving fallbacks, filters, sorts, pages."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select

from marketplace.catalog import search as search_module
from marketplace.catalog.search import SearchParams, parse_search_args, search_products, words_of
from marketplace.extensions import db
from tests.catalog_seed import HIDDEN, seed_catalogue


@pytest.fixture
def cat(app):
    return seed_catalogue()


def names(result):
    return [card.name for card in result.items]


def search(q="", **kw):
    return search_products(SearchParams(q=q, **kw))


def test_batik_finds_batik_products_first(cat):
    result = search("batik")
    found = names(result)
    assert set(found[:2]) == {"Kemeja Batik Cap Pria", "Batik Tulis Motif Tegalan"}
    # the store-name-only and description-only matches come after every name match
    assert set(found[2:]) == {"Selendang Sutra Halus", "Tas Kain Perca"}
    assert result.total == 4 and not result.fallback


def test_teh_poci_and_kerajinan_match_as_typed(cat):
    assert names(search("teh poci")) == ["Teh Poci Gula Batu"]
    assert names(search("Teh  POCI!")) == ["Teh Poci Gula Batu"]
    assert "Kerajinan Bambu Anyaman" in names(search("kerajinan"))


def test_search_covers_description_and_store_name(cat):
    assert names(search("melati")) == ["Teh Poci Gula Batu"]
    # both products of "Anyaman Slawi"; the one with "anyaman" in its name first
    assert names(search("anyaman slawi")) == ["Kerajinan Bambu Anyaman", "Tas Kain Perca"]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("bati", "Batik Tulis Motif Tegalan"),
        ("kerajin", "Kerajinan Bambu Anyaman"),
        ("batikk", "Batik Tulis Motif Tegalan"),
        ("teh pocii", "Teh Poci Gula Batu"),
    ],
)
def test_prefix_and_typo_fallback(cat, typed, expected):
    result = search(typed)
    assert expected in names(result)
    assert result.fallback


def test_unknown_word_finds_nothing(cat):
    result = search("zzzqqq")
    assert result.items == [] and result.total == 0


@pytest.mark.parametrize(
    "nasty",
    [
        '"',
        "'",
        "AND OR (",
        "teh*",
        "NEAR(batik teh)",
        "batik -teh",
        "^batik",
        "name:batik",
        "a" * 1000,
        "batik " * 300,
        "%_\\",
        "' OR 1=1 --",
        "(((",
        "*",
        "\x00",
        "ë ü 中文 🙂",
        "teh:* & !batik | poci",
    ],
)
def test_nasty_queries_never_raise(cat, nasty):
    result = search(nasty)
    assert result.total >= 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_is_a_safe_query(cat, text):
    search(text)


def test_hidden_products_never_found(cat):
    for q in ("batik", "toko", "rahasia", "arsip", "menunggu", "dibekukan", ""):
        found = set(names(search(q, per_page=100)))
        for key in HIDDEN:
            assert cat.products[key].name not in found


def test_filters(cat):
    assert set(names(search(sector="kriya"))) == {"Kerajinan Bambu Anyaman", "Tas Kain Perca"}
    assert set(names(search(category="batik"))) == {"Batik Tulis Motif Tegalan", "Kemeja Batik Cap Pria"}
    assert set(names(search(city="kabupaten tegal"))) == {"Kerajinan Bambu Anyaman", "Tas Kain Perca"}
    assert set(names(search(store="teh-poci-mas"))) == {"Teh Poci Gula Batu"}
    assert set(names(search(min_price=60000, max_price=100000))) == {
        "Kerajinan Bambu Anyaman",
        "Tas Kain Perca",
        "Selendang Sutra Halus",
    }
    assert names(search("batik", sector="kriya")) == ["Tas Kain Perca"]


def test_sorts(cat):
    prices = [c.price for c in search(sort="price_asc").items]
    assert prices == sorted(prices)
    prices = [c.price for c in search(sort="price_desc").items]
    assert prices == sorted(prices, reverse=True)
    newest = [c.listing.created_at for c in search().items]
    assert newest == sorted(newest, reverse=True)
    assert names(search("batik", sort="price_asc"))[0] == "Tas Kain Perca"


def test_pages(cat):
    first = search(sort="price_asc", per_page=4)
    second = search(sort="price_asc", per_page=4, page=2)
    assert first.total == second.total == 6
    assert len(first.items) == 4 and len(second.items) == 2
    assert not set(names(first)) & set(names(second))
    beyond = search(sort="price_asc", per_page=4, page=9)
    assert beyond.items == [] and beyond.total == 6 and beyond.pages == 2


def test_a_search_past_its_last_page_counts_the_same_matches(cat):
    assert search("batik", per_page=3).total == 4
    beyond = search("batik", per_page=3, page=5)
    assert beyond.items == [] and beyond.total == 4
    assert search("batik", sector="kriya", per_page=1, page=3).total == 1


@pytest.mark.parametrize("sort", ["relevance", "newest", "price_asc", "price_desc"])
def test_a_common_words_page_ranked_over_its_matches_cte_is_the_same(cat, monkeypatch, sort):
    """Words in COUNT_ALONG_DOCS products or more rank their matches in a CTE, counted once; the
    rarer ones through a window: the same pages and totals."""
    pages = {}
    for docs in (10_000, 0):
        monkeypatch.setattr(search_module, "COUNT_ALONG_DOCS", docs)
        pages[docs] = [
            (names(found), found.total)
            for q in ("batik", "teh poci", "kerajinan")
            for page in (1, 2, 9)
            for found in [search(q, sort=sort, per_page=2, page=page)]
        ]
    assert pages[0] == pages[10_000] and any(total for _names, total in pages[0])


def test_postgresql_reads_a_searchs_listing_rows_by_key(cat, count_queries):
    """Joined alone, PostgreSQL hashed every listed row to join a common word's matches."""
    with count_queries() as q:
        search("batik")
    page = next(s for s in q.statements if "hits" in s)
    by_key = "product_listings.product_id = ANY (array((SELECT hits.product_id" in " ".join(page.split())
    assert by_key == (db.engine.dialect.name == "postgresql")


def test_cards_carry_store_and_first_photo(cat):
    card = next(c for c in search("teh poci").items)
    assert (card.store_slug, card.store_name, card.city) == ("teh-poci-mas", "Teh Poci Mas", "Kota Tegal")
    assert card.image is not None and card.image.path.startswith("products/")
    assert card.image.size(400) == (64, 48)  # thumbnails never upscale
    assert card.image.size(40) == (40, 30)


def test_parse_search_args_keeps_good_values_and_names_bad_ones():
    params, errors = parse_search_args(
        {
            "q": " batik ",
            "sector": "luar-angkasa",
            "min_price": "Rp 10.000",
            "max_price": "abc",
            "sort": "acak",
            "page": "0",
        }
    )
    assert params.q == "batik" and params.min_price == 10000 and params.sector is None
    assert set(errors) == {"sector", "max_price", "sort", "page"}
    params, errors = parse_search_args({"min_price": "500", "max_price": "100"})
    assert "max_price" in errors
    params, errors = parse_search_args({"per_page": "500"}, max_per_page=100)
    assert "per_page" in errors
    params, errors = parse_search_args({"q": "x" * 5000})
    assert len(params.q) == 200 and not errors


def test_words_of_keeps_letters_and_digits_only():
    assert words_of('Teh "Poci" AND (500ml)*') == ["teh", "poci", "and", "500ml"]
    assert words_of('"') == []


def test_sector_name_is_searchable_in_indonesian_whatever_the_editors_language(app):
    from flask_babel import force_locale

    from tests.factories import gen_product, gen_store

    store = gen_store(name="Logam Jaya", sector="logam-furnitur")
    with force_locale("en"):
        gen_product(store, "Wajan Besi", category=None, description="Wajan tempa.")
    assert names(search("logam furnitur")) == ["Wajan Besi"]


def test_statements_kept_by_shape_are_built_once_and_bounded(monkeypatch):
    monkeypatch.setattr(search_module, "_SHAPED", {})
    monkeypatch.setattr(search_module, "SHAPED_MAX", 3)
    built = []

    def build(n):
        def make():
            built.append(n)
            return select(literal(n))

        return make

    first = search_module.shaped(("k", 0), build(0))
    assert search_module.shaped(("k", 0), build(0)) is first and built == [0]
    for n in range(1, 10):
        assert search_module.shaped(("k", n), build(n)) is search_module.shaped(("k", n), build(n))
        assert len(search_module._SHAPED) <= 3
    assert built == list(range(10))
