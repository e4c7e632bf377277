"""Facets with counts (issue #23): each facet counted with every other chosen filter applied but
its own, as a count made in Python from the tables the listing rows summarise says, on SQLite
and PostgreSQL alike; a suspended store's products counted and shown nowhere; one statement for
every facet whatever the catalogue; counts remembered between the pages of one listing."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace import pagecache
from marketplace.catalog import listing_counts, queries, search
from marketplace.catalog import services as catalog
from marketplace.catalog.facets import PRICE_BANDS, PagePass, _city_names, facet_counts
from marketplace.catalog.models import Product
from marketplace.catalog.search import SearchParams, search_products
from marketplace.clock import now
from marketplace.extensions import db
from tests.facets_seed import FILTERS, brute_force, counted, seed_facets, suspend, truth
from tests.factories import gen_product, gen_store


@pytest.fixture
def shops(app):
    return seed_facets()


COMBINATIONS = [
    {},
    {"sector": "fesyen"},
    {"sector": "fesyen", "city": "Kota Tegal"},
    {"category": "makanan-ringan", "in_stock": True},
    {"expo": True},
    {"expo": True, "in_stock": True, "min_price": 25_000, "max_price": 49_999},
    {"city": "kabupaten tegal", "min_price": 100_000},
    {"sector": "kuliner", "category": "batik"},  # nothing left, and still counted
    {"max_price": 24_999, "in_stock": True},
    {"sector": "kriya", "category": "batik", "expo": True},
    {"category": "batik", "city": "Kabupaten Brebes", "page": 2, "per_page": 2},
]
WITH_WORDS = [
    {"q": "batik"},
    {"q": "batik", "in_stock": True, "city": "Kota Tegal"},
    {"q": "batik", "expo": True, "max_price": 249_999},
    {"q": "keripik", "sector": "kuliner", "min_price": 50_000},
]


def facets_of(params: SearchParams):
    result = search_products(params)
    return result, facet_counts(params, result.hits)


@pytest.mark.parametrize(
    "combination", COMBINATIONS, ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items()) or "none"
)
@pytest.mark.parametrize("folded", [False, True], ids=["changes", "folded"])
def test_counts_match_a_count_in_python(shops, combination, folded):
    if folded:  # listing_counts' change rows folded into one a group (the worker's minute job)
        listing_counts.fold()
    params = SearchParams(**combination)
    result, facets = facets_of(params)
    expected = brute_force(truth(), params)
    assert result.total == expected.pop("total")
    assert counted(facets) == expected


# listings of one shape (the same filters set, other values): one statement each for their page,
# total and facets, kept by the shape (search.shaped), with each listing's values as parameters
SAME_SHAPES = [
    [{"sector": "fesyen"}, {"sector": "kuliner"}, {"sector": "kriya"}],
    [{"category": "batik", "in_stock": True}, {"category": "makanan-ringan", "in_stock": True}],
    [{"city": "Kota Tegal", "min_price": 100_000}, {"city": "kabupaten tegal", "min_price": 25_000}],
    [{"min_price": 25_000, "max_price": 49_999}, {"min_price": 100_000, "max_price": 999_999}],  # whole bands
    [{"min_price": 30_000, "max_price": 60_000}, {"min_price": 10_000, "max_price": 20_000}],  # cut bands
    [{"sector": "fesyen", "sort": "price_asc"}, {"sector": "kriya", "sort": "price_asc"}],
    [{"expo": True, "sector": "fesyen"}, {"expo": True, "sector": "kriya"}],
]


@pytest.mark.parametrize("group", SAME_SHAPES, ids=lambda g: "&".join(g[0]))
def test_listings_of_one_shape_share_statements_with_their_own_values(shops, group):
    search._SHAPED.clear()
    rows = truth()
    kept_shapes = None
    for combination in [*group, *reversed(group)]:
        for page in (1, 2, 3):
            params = SearchParams(**combination, page=page, per_page=3)
            result, facets = facets_of(params)
            expected = brute_force(rows, params)
            assert result.total == expected.pop("total"), combination
            assert counted(facets) == expected, combination
            kept = [r for r in rows if r.listed and all(test(r, params) for test in FILTERS.values())]
            by_order = {
                "price_asc": sorted(kept, key=lambda r: (r.price, -r.id)),
                "newest": sorted(kept, key=lambda r: -r.id),  # seeded one after another
            }[params.effective_sort]
            shown = [card.id for card in result.items]
            assert shown == [r.id for r in by_order[(page - 1) * 3 : page * 3]], combination
        if kept_shapes is None:
            kept_shapes = set(search._SHAPED)
        assert set(search._SHAPED) == kept_shapes  # no statement of its own for another value


# searches of one shape (the same filters set, words whose readings have the same branches): one
# statement each for their page, its count and facets, the words and values given as parameters
SAME_SHAPE_SEARCHES = [
    [{"q": "kopi"}, {"q": "anyaman"}, {"q": "batik"}],
    [
        {"q": "kopi", "in_stock": True, "city": "Kota Tegal"},
        {"q": "batik", "in_stock": True, "city": "kabupaten brebes"},
    ],
    [{"q": "batik", "expo": True, "max_price": 249_999}, {"q": "sari", "expo": True, "max_price": 99_000}],
    [
        {"q": "anyaman", "sector": "kriya", "sort": "price_asc"},
        {"q": "batik", "sector": "fesyen", "sort": "price_asc"},
    ],
]


@pytest.mark.parametrize("group", SAME_SHAPE_SEARCHES, ids=lambda g: "&".join(g[0]))
def test_searches_of_one_shape_share_statements_with_their_own_words(shops, group):
    search._SHAPED.clear()
    rows = truth()
    kept_shapes = None
    shapes = set()
    for combination in [*group, *reversed(group)]:
        every = search_products(SearchParams(**combination, per_page=1000))
        hits = {card.id for card in search_products(SearchParams(q=combination["q"], per_page=1000)).items}
        shown = []
        last = -(-every.total // 3)
        for page in (*range(1, last + 1), last + 3):  # every match, and past the last page
            params = SearchParams(**combination, page=page, per_page=3)
            pagecache.clear_local()  # each page ranked and counted by its statements, not remembered
            result, facets = facets_of(params)
            assert result.hits is not None and not result.fallback, combination
            shapes.add(result.hits.shape)
            expected = brute_force(rows, params, hits)
            assert result.total == expected.pop("total") == every.total, combination
            assert counted(facets) == expected, combination
            shown += [card.id for card in result.items]
        assert shown == [card.id for card in every.items] and len(set(shown)) == every.total, combination
        if kept_shapes is None:
            kept_shapes = set(search._SHAPED)
    assert len(shapes) == 1, shapes  # the group's words read alike
    assert set(search._SHAPED) == kept_shapes  # no statement of its own for other words or values
    assert sum(key[0] == "search-page" for key in kept_shapes) <= 2, kept_shapes  # 1000 a page, and 2


def test_searches_of_other_shapes_never_share_a_statement(shops):
    """Words read in other ways (a synonym's branch, a typo's loose attempts and their probes, a
    split word) find what each finds alone, whichever statements the ones before them left."""
    gen_product(shops["keripik"], "Kripik Singkong Pedas")  # found for "keripik" by its synonym only
    gen_product(shops["kopi"], "Teh Poci Wangi")
    db.session.commit()
    queries_ = ["batik", "keripik", "btaik", "tehpoci", "kripik", "teh poci", "kopi", "anyaman batik"]
    queries_ += [{"q": "keripik", "in_stock": True}, {"q": "batik", "in_stock": True}]

    def found(q):
        pagecache.clear_local()
        params = SearchParams(**q) if isinstance(q, dict) else SearchParams(q=q)
        result, facets = facets_of(params)
        return [card.id for card in result.items], result.total, result.fallback, counted(facets)

    alone = {}
    for q in queries_:
        search._SHAPED.clear()
        alone[repr(q)] = found(q)
    assert "Kripik Singkong Pedas" in {c.name for c in search_products(SearchParams(q="keripik")).items}
    search._SHAPED.clear()
    for q in [*queries_, *reversed(queries_), *queries_[::2], *queries_[1::2]]:
        assert found(q) == alone[repr(q)], q


def test_counts_with_search_words_are_over_the_same_matches(shops):
    rows = truth()
    for combination in WITH_WORDS:
        params = SearchParams(**combination)
        result, facets = facets_of(params)
        assert result.total and not result.fallback, combination  # words as typed: the matches are known
        hits = {card.id for card in search_products(SearchParams(q=params.q, per_page=1000)).items}
        expected = brute_force(rows, params, hits)
        assert result.total == expected.pop("total"), combination
        assert counted(facets) == expected, combination


COUNTED_WITH_THE_PAGE = [
    *WITH_WORDS,
    {"q": "batik", "sector": "fesyen", "min_price": 25_000, "max_price": 49_999},  # own branches, none left
    {"q": "batik", "min_price": 25_000, "category": "batik"},  # own branches besides
    {"q": "batik", "per_page": 2, "page": 2},
    {"q": "batik", "expo": True, "in_stock": True},
]


@pytest.mark.parametrize("combination", COUNTED_WITH_THE_PAGE, ids=lambda c: "&".join(f"{k}={v}" for k, v in c.items()))
def test_counts_counted_with_a_searchs_page_are_the_same(shops, count_queries, monkeypatch, combination):
    """The page's statement counts the grouped pass and the cities (facets.PagePass): the same
    counts as the facets' own statement, which then reads only a chosen facet's own branch."""
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 0)  # a few products make every word rare here
    params = SearchParams(**combination)
    result = search_products(params, counted=PagePass(params))
    categories = queries.categories()
    with count_queries() as q:
        facets = facet_counts(params, result.hits, categories)
    assert result.hits is not None and (result.hits.groups is not None) == bool(result.items)
    hits = {card.id for card in search_products(SearchParams(q=params.q, per_page=1000)).items}
    expected = brute_force(truth(), params, hits)
    assert result.total == expected.pop("total")
    assert counted(facets) == expected
    alone = search_products(params)
    assert alone.hits is not None and alone.hits.groups is None
    pagecache.clear_local()
    assert counted(facet_counts(params, alone.hits)) == expected
    own = {"sector", "category", "city", "min_price", "max_price"} & set(combination)  # their own branches
    assert q.count == (1 if own or not result.items else 0), q.statements


def test_a_page_past_the_last_counts_its_facets_apart(shops, monkeypatch):
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 0)
    params = SearchParams(q="batik", page=99)
    result = search_products(params, counted=PagePass(params))
    assert result.items == [] and result.total and result.hits is not None and result.hits.groups is None
    hits = {card.id for card in search_products(SearchParams(q="batik", per_page=1000)).items}
    expected = brute_force(truth(), params, hits)
    expected.pop("total")
    assert counted(facet_counts(params, result.hits)) == expected


def test_a_rare_words_page_leaves_the_counts_to_the_facets(shops, monkeypatch):
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 10_000)
    params = SearchParams(q="batik")
    result = search_products(params, counted=PagePass(params))
    assert result.items and result.hits is not None and result.hits.groups is None


def test_choosing_one_keeps_the_others(shops):
    everything = counted(facets_of(SearchParams())[1])
    _result, facets = facets_of(SearchParams(sector="fesyen"))
    chosen = counted(facets)
    # the sector facet ignores its own choice: every other sector still offered, same counts
    assert chosen["sector"] == everything["sector"] and len(chosen["sector"]) >= 3
    assert [c.value for c in facets.sector if c.chosen] == ["fesyen"]
    # the others count within the chosen sector only
    assert sum(chosen["city"].values()) == everything["sector"]["fesyen"] < sum(everything["city"].values())
    assert set(chosen["category"]) <= {"batik", "pakaian"}
    # a second choice keeps the first: the city facet still counts within fesyen, the sector
    # facet within the city
    _result, both = facets_of(SearchParams(sector="fesyen", city="Kabupaten Tegal"))
    assert counted(both)["city"] == chosen["city"]
    assert counted(both)["sector"] == counted(facets_of(SearchParams(city="Kabupaten Tegal"))[1])["sector"]


def test_a_chosen_value_that_counts_nothing_is_still_shown_chosen(shops):
    _result, facets = facets_of(SearchParams(sector="perhiasan", category="kopi", city="Kota Entah"))
    assert [(c.value, c.count, c.chosen) for c in facets.sector if c.chosen] == [("perhiasan", 0, True)]
    assert [(c.value, c.count) for c in facets.category if c.chosen] == [("kopi", 0)]
    assert [(c.value, c.count) for c in facets.city if c.chosen] == [("Kota Entah", 0)]


def test_price_bands_are_fixed_and_chosen_by_min_and_max(shops):
    _result, facets = facets_of(SearchParams(min_price=25_000, max_price=49_999))
    assert [c.band for c in facets.price] == list(PRICE_BANDS)
    assert [c.chosen for c in facets.price] == [False, True, False, False, False, False]
    assert [c.label for c in facets.price] == [
        "< Rp 25 rb",
        "Rp 25–50 rb",
        "Rp 50–100 rb",
        "Rp 100–250 rb",
        "Rp 250 rb–1 jt",
        "> Rp 1 jt",
    ]
    _result, facets = facets_of(SearchParams(max_price=24_999))
    assert facets.price[0].chosen  # the lowest band: no min_price at all


def test_a_page_that_fixes_a_facet_neither_counts_nor_drops_it(shops):
    params = SearchParams(sector="fesyen")
    facets = facet_counts(params, None, fixed=("sector",))
    assert "sector" not in facets.offered and facets.sector == []
    expected = brute_force(truth(), params)
    assert counted(facets)["city"] == expected["city"]


# --- a suspended store ----------------------------------------------------------------------------

LISTINGS = (
    "/search",
    "/search?q=batik",
    "/search?q=beku",
    "/search?expo=1",
    "/search?city=Kota+Beku",
    "/sectors/fesyen",
    "/sectors/fesyen?expo=1&in_stock=1",
    "/categories/batik",
)


def test_a_suspended_stores_products_never_show_in_listings_search_or_counts(app, client):
    shops = seed_facets(suspended=False)
    db.session.remove()
    before = client.get("/search?q=beku").get_data(as_text=True)
    assert "Batik Beku 0" in before and "Kota Beku" in before  # the city facet offers it
    api = client.get("/api/v1/products?facets=1&sector=fesyen").get_json()
    assert "Kota Beku" in [c["value"] for c in api["facets"]["city"]]

    suspend(db.session.merge(shops["beku"]))
    db.session.remove()
    for url in LISTINGS:
        html = client.get(url).get_data(as_text=True)
        assert "Batik Beku" not in html, url
        if "Kota+Beku" in url:  # chosen, so shown, counting nothing
            assert 'Kota Beku <span class="n">0</span>' in html and "Belum ada produk di sini." in html
        else:
            assert "Kota Beku" not in html, url
    for query in ("facets=1", "facets=1&q=batik", "facets=1&expo=1", "facets=1&q=beku", "facets=1&city=Kota%20Beku"):
        body = client.get(f"/api/v1/products?{query}").get_json()
        assert all("Beku" not in item["name"] for item in body["items"]), query
        assert all(c["value"] != "Kota Beku" or c["count"] == 0 for c in body["facets"]["city"]), query
    rows = truth()
    for params in (SearchParams(), SearchParams(expo=True), SearchParams(q="batik"), SearchParams(sector="fesyen")):
        result, facets = facets_of(params)
        hits = {c.id for c in search_products(SearchParams(q=params.q, per_page=1000)).items} if params.q else None
        expected = brute_force(rows, params, hits)
        assert result.total == expected.pop("total") and counted(facets) == expected
        assert "Kota Beku" not in counted(facets)["city"]
    # the suspended store exhibits in the running expo: its products are not in the expo count
    exhibiting_listed = sum(r.expo and r.listed for r in rows)
    assert (
        facets_of(SearchParams())[1].expo
        == exhibiting_listed
        < sum(r.expo for r in rows if r.name != "Batik Draf Rahasia")
    )


# --- statements -----------------------------------------------------------------------------------

PAGES = (
    "/search",
    "/search?q=batik&in_stock=1",
    "/search?sector=fesyen&city=Kota+Tegal&expo=1&min_price=25000&max_price=49999",
    "/sectors/fesyen?city=Kota+Tegal&expo=1",
    "/categories/batik?min_price=25000&max_price=49999&in_stock=1",
    "/api/v1/products?facets=1&sector=fesyen&in_stock=1",
    "/api/v1/products?facets=1&q=batik&expo=1",
)


def statements(client, count_queries, url):
    db.session.remove()
    pagecache.clear_local()
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return q.statements


def test_every_facet_is_one_statement_whatever_the_catalogue(app, client, count_queries, shops):
    app.config["PAGE_CACHE"] = False  # what rendering costs
    small = {url: statements(client, count_queries, url) for url in PAGES}
    for i in range(6):  # more stores, cities, categories and products
        store = gen_store(name=f"Toko Tambahan {i}", sector=("kriya", "fesyen", "kuliner")[i % 3], city=f"Kota {i}")
        for j in range(5):
            gen_product(store, f"Batik Tambahan {i}-{j}", price=10_000 * (j + 1) * (i + 1), category="batik")
    large = {url: statements(client, count_queries, url) for url in PAGES}
    for url in PAGES:
        assert len(small[url]) == len(large[url]), (url, len(small[url]), len(large[url]))
        assert sum(" AS facet" in s for s in large[url]) == 1, url


def test_counts_are_remembered_across_the_pages_and_sorts_of_a_listing(app, client, count_queries, shops):
    app.config["PER_PAGE"] = 2
    db.session.remove()

    def facet_statements(url):
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return sum(" AS facet" in s for s in q.statements)

    assert facet_statements("/search?q=batik&in_stock=1") == 1
    assert facet_statements("/search?q=batik&in_stock=1&page=2") == 0
    assert facet_statements("/search?q=batik&in_stock=1&sort=price_asc") == 0
    assert facet_statements("/search?q=batik&in_stock=1&sort=price_asc&page=2") == 0
    assert facet_statements("/search?in_stock=1") == 1  # other words (none): other counts
    product = db.session.scalars(select(Product).where(Product.name == "Batik 0")).one()
    catalog.update_product(product, None, {"name": "Batik Nol"})
    db.session.commit()
    assert facet_statements("/search?q=batik&in_stock=1&page=2") == 1  # the catalogue changed


def test_a_page_counts_no_facets_along_when_they_are_remembered(app, client, count_queries, shops, monkeypatch):
    """A common word's page counts the facets in its own statement (facets.PagePass) only when
    they are not remembered (pagecache.remembered): the pages and sorts of a search share one."""
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 0)  # a few products make every word rare here
    app.config["PER_PAGE"] = 2
    db.session.remove()

    def statements(url):
        with count_queries() as q:
            assert client.get(url).status_code == 200
        return [s for s in q.statements if " AS facet" in s]

    first = statements("/search?q=batik&in_stock=1")
    assert len(first) == 1 and "hits" in first[0] and "json" in first[0].lower()  # the page's own
    assert statements("/search?q=batik&in_stock=1&page=2") == []
    assert statements("/search?q=batik&in_stock=1&sort=price_asc") == []


def test_the_expo_count_follows_the_expo_clock(app, client, shops):
    db.session.remove()
    body = client.get("/api/v1/products?facets=1").get_json()
    assert body["facets"]["expo"]["count"] > 0
    assert client.get("/api/v1/products?expo=1").get_json()["total"] == body["facets"]["expo"]["count"]
    with time_machine.travel(now() + timedelta(days=30)):
        body = client.get("/api/v1/products?facets=1").get_json()
        assert body["facets"]["expo"]["count"] == 0
        assert client.get("/api/v1/products?expo=1").get_json()["total"] == 0


def test_the_city_labels_are_read_from_their_index_alone(shops):
    """The city facet's labels (every approved store's city, grouped by its lower case) are in
    every page with facets: migration 0036's index on (status, lower(city), city) must match the
    statement's expression, or each render reads and groups every store (0.3-0.4 ms at 500)."""
    statement = _city_names()
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "COVERING INDEX ix_stores_city_names" in plan
            assert "TEMP B-TREE" not in plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a test's few stores fit one page
            plan = " ".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "Index Only Scan using ix_stores_city_names" in plan
    rows = db.session.execute(statement).all()
    assert rows and all(row.city == row.label.lower() for row in rows)
