"""listing_counts (migration 0034) stays the listed products' counts per store, sector, category and
city, and listing_totals (migration 0035) the same without the store, whatever writes the listing
rows, folded or not; folding keeps every sum, and a writer's changes made while a fold runs are
neither lost nor counted twice. The facets and totals read from
it are checked against counts made in Python in test_facets.py (folded and not)."""

from __future__ import annotations

import importlib.util
import threading
from collections import Counter
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from marketplace import jobs, pagecache
from marketplace.catalog import listing_counts
from marketplace.catalog.facets import PRICE_BANDS, facet_counts
from marketplace.catalog.models import ListingCount, ListingTotal, ProductListing, Variant
from marketplace.catalog.search import SearchParams, search_products
from marketplace.expo import services as expo_services
from marketplace.expo.models import Expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.conftest import ON_POSTGRES
from tests.facets_seed import counted, seed_facets
from tests.factories import gen_product, gen_store

KEYS = listing_counts.KEYS


def _migration(name: str = "0034_listing_counts"):
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"migration_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _band(price: int) -> int:
    return next(i for i, b in enumerate(PRICE_BANDS) if price >= b.min and (b.max is None or price <= b.max))


def expected_groups(keys: tuple[str, ...] = KEYS) -> dict[tuple, int]:
    """Each group's count, computed in Python from the listed rows (``keys``: a table's)."""
    groups: Counter = Counter()
    for row in db.session.scalars(select(ProductListing).where(ProductListing.listed)):
        values = {name: getattr(row, name) for name in keys if name != "band"}
        groups[tuple({**values, "band": _band(row.price_min)}[name] for name in keys)] += 1
    return dict(groups)


def actual_groups(model: type = ListingCount, names: tuple[str, ...] = KEYS) -> dict[tuple, int]:
    """Each group's count, summed over its rows; groups that sum to nothing left out."""
    table = model.__table__
    keys = [table.c[k] for k in names]
    rows = db.session.execute(select(*keys, func.sum(table.c.n)).group_by(*keys))
    return {tuple(r[: len(names)]): int(r[-1]) for r in rows if r[-1]}


def assert_groups_exact() -> None:
    """The groups of both tables are exact, and still are once folded (the next write then adds
    to folded rows)."""
    db.session.commit()
    db.session.expire_all()
    for folded in (False, True):
        if folded:
            listing_counts.fold()
        assert actual_groups() == expected_groups()
        assert actual_groups(ListingTotal, listing_counts.TOTAL_KEYS) == expected_groups(listing_counts.TOTAL_KEYS)


def test_the_migrations_bands_are_the_price_facets():
    assert _migration().BANDS == listing_counts.BAND_LIMITS == tuple((b.min, b.max) for b in PRICE_BANDS)
    assert _migration("0035_listing_totals").BANDS == listing_counts.BAND_LIMITS
    assert _migration("0035_listing_totals").TOTAL_KEYS == listing_counts.TOTAL_KEYS
    assert _migration().KEYS == KEYS


def test_a_price_range_is_read_from_the_groups_only_when_it_is_whole_bands():
    assert listing_counts.bands_between(None, 24_999) == range(1)
    assert listing_counts.bands_between(25_000, 99_999) == range(1, 3)
    assert listing_counts.bands_between(1_000_000, None) == range(5, 6)
    assert listing_counts.bands_between(0, None) == range(6)
    assert listing_counts.bands_between(30_000, 99_999) is None  # cuts the second band
    assert listing_counts.bands_between(25_000, 60_000) is None
    assert listing_counts.bands_between(100_000, 49_999) is None


def test_fold_leaves_one_row_per_group_with_the_same_sums(app):
    batik = gen_store(name="Batik Lipat", city="Kota Tegal")
    kopi = gen_store(name="Kopi Lipat", sector="minuman-herbal", city="Brebes")
    products = [gen_product(batik, f"Batik {i}", price=20_000 * (i + 1), stock=i % 2) for i in range(5)]
    gen_product(kopi, "Kopi Tubruk", price=30_000, stock=4, category="kopi")
    db.session.execute(update(Variant).where(Variant.product_id == products[0].id).values(stock=9))
    stores.set_status(kopi, None, "suspended", "uji")  # the whole group goes: its sums cancel out
    db.session.commit()
    assert actual_groups() == expected_groups()
    tables = ((ListingCount, KEYS), (ListingTotal, listing_counts.TOTAL_KEYS))
    rows_before = _rows()
    assert rows_before[ListingCount] > len(expected_groups())  # change rows, not yet folded
    assert rows_before[ListingTotal] > len(expected_groups(listing_counts.TOTAL_KEYS))

    assert listing_counts.fold() == sum(rows_before.values())
    assert_groups_exact()
    for model, names in tables:
        keys = [model.__table__.c[k] for k in names]
        assert _rows()[model] == len(expected_groups(names))  # one row a group
        assert db.session.execute(select(*keys).group_by(*keys).having(func.count() > 1)).first() is None
    assert listing_counts.fold() == 0  # nothing to fold: nothing written

    gen_product(batik, "Batik Baru", price=1_500_000)
    db.session.commit()
    rows_now = _rows()
    assert rows_now[ListingCount] > len(expected_groups())  # the folded rows and the new product's changes
    assert rows_now[ListingTotal] > len(expected_groups(listing_counts.TOTAL_KEYS))
    assert listing_counts.fold() == sum(rows_now.values())
    assert_groups_exact()


def _rows() -> dict[type, int]:
    """How many rows each table holds."""
    return {model: db.session.scalar(select(func.count()).select_from(model)) for model in (ListingCount, ListingTotal)}


def test_the_worker_folds_every_minute(app):
    scheduled = {task.name: task for task in jobs.periodic_tasks(app)}
    assert scheduled["catalog.fold_listing_counts"].schedule == "* * * * *"


def test_totals_read_the_groups_folded_or_not(app):
    store = gen_store(name="Toko Hitung")
    for i in range(30):
        gen_product(store, f"Barang {i}", price=10_000 + i)
    db.session.commit()
    for folded in (False, True):
        if folded:
            listing_counts.fold()
        assert search_products(SearchParams(sector=store.sector, per_page=7, page=2)).total == 30
        assert search_products(SearchParams(store=store.slug, per_page=7, page=2)).total == 30
        assert search_products(SearchParams(store=store.slug, city="Atlantis", per_page=7)).total == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite lets one transaction write at a time: a fold waits for it")
def test_a_fold_while_a_writer_is_open_loses_and_doubles_nothing(app):
    """A writer's change rows are invisible to a fold running meanwhile: the fold neither waits
    for them (its DELETE takes only committed rows) nor takes them; the next fold does."""
    store = gen_store(name="Toko Serentak")
    product = gen_product(store, "Barang Serentak", price=40_000, stock=1)
    other = gen_product(store, "Barang Lain", price=60_000, stock=2)
    third = gen_product(store, "Barang Ketiga", price=70_000, stock=0)
    db.session.commit()
    listing_counts.fold()
    sold_out, repriced = product.id, other.id  # read here: the thread has no app context
    written, release = threading.Event(), threading.Event()
    failures: list = []
    engine = db.engine  # the thread has no app context

    def writer():
        try:
            with engine.begin() as connection:
                connection.execute(text("UPDATE variants SET stock = 0 WHERE product_id = :id"), {"id": sold_out})
                connection.execute(text("UPDATE products SET price_min = 300000 WHERE id = :id"), {"id": repriced})
                written.set()
                if not release.wait(10):  # the fold waited for this transaction
                    failures.append("the fold waited for the open writer")
        except SQLAlchemyError as error:  # the thread's failure is the test's
            failures.append(error)

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    db.session.execute(text("UPDATE variants SET stock = 5 WHERE product_id = :id"), {"id": third.id})
    db.session.commit()
    listing_counts.fold()  # must not wait for the open writer
    release.set()
    thread.join(10)
    assert not failures, failures
    assert_groups_exact()
    listing_counts.fold()
    assert_groups_exact()


def test_facets_and_totals_from_groups_equal_those_counted_row_by_row(app, monkeypatch):
    """Every listing the groups answer, with and without a fold, against the same listing counted
    product by product (catalog.listing_counts.covers forced off): store, sector, category, city,
    price band and stock filters, chosen facets with branches of their own, the expo switch,
    the pages."""
    made = seed_facets()
    values = {
        "sector": ["fesyen", "kuliner", "kriya", "minuman-herbal"],
        "category": ["batik", "kopi", "makanan-ringan", "anyaman"],
        "city": ["Kota Tegal", "kabupaten tegal", "Kabupaten Brebes"],
        "store": [made["batik"].slug, made["anyaman"].slug, made["beku"].slug],  # beku: suspended
        "expo": [True],
        "in_stock": [True],
    }
    cases = [{}] + [{name: value} for name, choices in values.items() for value in choices]
    cases += [{"min_price": band.min, "max_price": band.max} for band in PRICE_BANDS]
    cases += [
        {"sector": "fesyen", "city": "Kota Tegal"},
        {"sector": "fesyen", "category": "batik", "expo": True},
        {"category": "batik", "city": "Kabupaten Brebes"},
        {"store": made["batik"].slug, "category": "batik"},
        {"city": "kota tegal", "expo": True},
        {"sector": "kuliner", "category": "batik"},  # nothing left, and still counted
        {"sector": "fesyen", "in_stock": True, "min_price": 25_000, "max_price": 249_999},
        {"city": "Kota Tegal", "in_stock": True, "expo": True},
        {"category": "batik", "min_price": 250_000},
        {"sector": "kuliner", "min_price": 30_000, "max_price": 99_999},  # not whole bands: rows
    ]
    cases += [{**case, "page": 2} for case in cases]
    for folded in (False, True):
        if folded:
            listing_counts.fold()
        for case in cases:
            params = SearchParams(**case, per_page=3)
            from_groups = _listing(params)
            with monkeypatch.context() as patched:
                patched.setattr(listing_counts, "covers", lambda _params: False)
                by_rows = _listing(params)
            assert from_groups == by_rows, case


def _listing(params: SearchParams) -> tuple:
    pagecache.clear_local()  # the memos would answer the second reading
    result = search_products(params)
    facets = facet_counts(params, result.hits)
    return result.total, [card.id for card in result.items], counted(facets)


def test_listings_without_a_store_or_the_expo_sum_the_groups_without_the_store(app, count_queries):
    """A sector or category page, a city or a price band: total and facets read listing_totals,
    the exhibitors' count alone reads listing_counts (by the live exhibitors' stores); a store's
    listing and the expo's read listing_counts only. Their counts equal those made in Python in
    test_facets_and_totals_from_groups_equal_those_counted_row_by_row."""
    made = seed_facets()
    cases = [
        ({"sector": "fesyen"}, True),
        ({"category": "batik", "city": "Kota Tegal"}, True),
        ({"min_price": 25_000, "max_price": 49_999, "in_stock": True}, True),
        ({}, True),
        ({"store": made["batik"].slug}, False),
        ({"sector": "fesyen", "expo": True}, False),
    ]
    counted_totals: list[str] = []
    for case, without_store in cases:
        pagecache.clear_local()
        params = SearchParams(**case, per_page=3)
        with count_queries() as q:
            result = search_products(params)
            facet_counts(params, result.hits)
        facets = [s for s in q.statements if "'all' AS facet" in s]
        totals = [s for s in q.statements if "sum(listing_" in s and s not in facets]  # none: a short page's
        assert len(facets) == 1 and len(totals) <= 1, (case, q.statements)
        counted_totals += totals
        if without_store:
            assert all("listing_totals" in s and "listing_counts" not in s for s in totals), case
            # the exhibitors' count: one branch of the facets' statement reads listing_counts
            assert "listing_totals" in facets[0] and facets[0].count("FROM listing_counts") == 1, case
        else:
            assert "listing_totals" not in "".join(facets + totals), case
            assert "listing_counts" in facets[0], case
    assert counted_totals, "no case read its total from the groups"


def test_the_exhibitors_count_follows_the_expos_programme(app):
    """Read from listing_counts by the live exhibitors' stores: an expo that has not opened or has
    ended counts none, whatever the groups of listing_totals say."""
    seed_facets()
    params = SearchParams(sector="fesyen", per_page=3)
    pagecache.clear_local()
    live = facet_counts(params, search_products(params).hits).expo
    assert live > 0
    db.session.execute(text("UPDATE expos SET ends_at = starts_at"))  # every expo over
    db.session.commit()
    pagecache.clear_local()
    g.pop("expo_live_store_ids", None)  # a request's own memo of them
    assert facet_counts(params, search_products(params).hits).expo == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite keeps an expanding IN: a JSON list was slower there (reads.one_of)")
def test_the_exhibitors_are_one_parameter_however_many_they_are(app, count_queries):
    """PostgreSQL gets the live exhibitors as one integer[]: the facets' statement of the whole
    catalogue is the same text with three exhibitors as with four, and its count follows."""
    made = seed_facets()
    params = SearchParams(per_page=3)

    def read() -> tuple[str, int]:
        pagecache.clear_local()
        g.pop("expo_live_store_ids", None)
        with count_queries() as q:
            expo = facet_counts(params, search_products(params).hits).expo
        (facets,) = [s for s in q.statements if "'all' AS facet" in s]
        return facets, expo

    before, counted_before = read()
    running = db.session.scalar(select(Expo).where(Expo.slug == "apik-banget"))
    expo_services.add_exhibitor(None, running, made["anyaman"], booth="A9")
    db.session.commit()
    after, counted_after = read()
    assert "= ANY (" in before and before == after
    assert counted_after > counted_before


@pytest.mark.skipif(not ON_POSTGRES, reason="the parameter's type on PostgreSQL (reads.one_of)")
def test_the_exhibitors_are_prepared_as_one_integer_array(app):
    """The facets' statement, once the connection has prepared it, takes the live exhibitors as
    integer[] (pgconnection.IntegerIds): as smallint[] its generic plan cast them again for every
    row it counted."""
    seed_facets()
    params = SearchParams(category="batik", per_page=3)
    for _ in range(7):
        pagecache.clear_local()
        g.pop("expo_live_store_ids", None)
        facet_counts(params, search_products(params).hits)
    kinds = (
        db.session.execute(
            text("SELECT parameter_types::text FROM pg_prepared_statements WHERE statement LIKE '%''expo'' AS facet%'")
        )
        .scalars()
        .all()
    )
    assert kinds and all("integer[]" in k and "smallint[]" not in k for k in kinds)
