"""The search's vocabulary (search_words) stays exactly the words of the listed products, with
how many carry each, whatever writes them: services, bulk statements, raw SQL, cascades. Each
step is followed by a comparison with the vocabulary computed afresh in Python."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import delete, select, text, update

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Category, Product, ProductListing, SearchWord
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store
from tests.conftest import ON_POSTGRES
from tests.factories import gen_product, gen_store

_WORD = re.compile(r"[^\W_]+")


def expected() -> Counter:
    """Each word of a listed product's name, store name, category and sector slugs and city, and
    how many listed products carry it (words of 2 to 40 letters: shorter ones correct nothing)."""
    docs: Counter = Counter()
    for row in db.session.scalars(select(ProductListing).where(ProductListing.listed)):
        source = " ".join([row.name, row.store_name, row.category_slug or "", row.sector, row.city])
        docs.update({w for w in _WORD.findall(source.lower()) if 2 <= len(w) <= 40})
    return docs


def actual() -> Counter:
    db.session.expire_all()
    return Counter(dict(db.session.execute(select(SearchWord.word, SearchWord.docs)).all()))


def assert_exact():
    db.session.commit()
    assert actual() == expected()


def trigram_index() -> set[str]:
    """The words the SQLite trigram index holds (PostgreSQL's GiST index is the table's own)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return set(actual())
    rows = db.session.execute(text("SELECT rowid FROM search_words_fts WHERE search_words_fts MATCH 'tik'"))
    ids = {r[0] for r in rows}
    return {w for i, w in db.session.execute(select(SearchWord.id, SearchWord.word)) if i in ids}


def test_the_vocabulary_follows_every_write(app):
    store = gen_store(name="Batik Pesisir (Cabang 2)")
    other = gen_store(name="Warung Poci & Teh", sector="kuliner")
    batik = gen_product(store, "Batik Tulis Tegalan", price=350_000)
    poci = gen_product(other, "Teh Poci 'Wasgitel' - Gula Batu", price=25_000, category="minuman")
    draft = gen_product(other, "Kopi Rahasia Draf", status="draft", category="minuman")
    assert_exact()
    words = actual()
    assert words["batik"] == 1 and words["poci"] == 1 and words["tegal"] == 2  # the city counts too
    assert "rahasia" not in words  # a draft is nobody's word yet

    catalog.update_product(batik, None, {"name": "Batik Cap Tegalan"})
    assert_exact()
    assert "tulis" not in actual()
    catalog.update_product(draft, None, {"status": "active"})
    assert_exact()
    db.session.execute(update(Store).where(Store.id == store.id).values(name="Batik Pesisir Baru", city="Brebes"))
    assert_exact()
    stores.set_status(other, None, "suspended", "uji")
    assert_exact()
    assert "poci" not in actual()
    stores.set_status(other, None, "approved")
    assert_exact()

    db.session.execute(update(Category).where(Category.slug == "minuman").values(slug="minuman-khas"))
    assert_exact()
    db.session.execute(delete(Category).where(Category.slug == "minuman-khas"))
    assert_exact()
    db.session.execute(text("UPDATE products SET status = 'archived' WHERE id = :id"), {"id": batik.id})
    assert_exact()
    db.session.execute(delete(Product).where(Product.id == poci.id))  # cascades to the listing row
    assert_exact()
    db.session.execute(delete(Store).where(Store.id.in_([store.id, other.id])))
    assert_exact()
    assert actual() == Counter()


def test_the_trigram_index_holds_the_words_of_the_table(app):
    store = gen_store(name="Toko Cantik")
    product = gen_product(store, "Batik Plastik", price=10_000, category=None)
    db.session.commit()
    assert {"batik", "plastik", "cantik"} <= trigram_index()
    catalog.update_product(product, None, {"name": "Kain Polos"})
    db.session.commit()
    assert trigram_index() & {"batik", "plastik"} == set() and "cantik" in trigram_index()


def test_an_odd_name_adds_what_it_can_and_never_fails_the_write(app):
    store = gen_store(name="Toko Uji")
    gen_product(store, 'Kain "Sutra"\\Halus — ½ meter™', price=10_000)
    db.session.commit()
    words = actual()
    assert words["toko"] == 1 and words["uji"] == 1  # whatever became of the name, the rest is there


@pytest.mark.skipif(not ON_POSTGRES, reason="SQLite lets one transaction write at a time: no cycle can form")
def test_two_transactions_writing_shared_words_in_opposite_orders_both_commit(app):
    """Two imports that share words used to take the words' rows in different orders and
    PostgreSQL killed one ("deadlock detected"); the vocabulary's writers now take turns."""
    store = gen_store(name="Toko Giliran")
    first, second, third, fourth = (gen_product(store, f"Barang {n}", price=10_000) for n in "abcd")
    db.session.commit()
    started, waiting = threading.Event(), threading.Event()
    failures: list[Exception] = []
    rename = text("UPDATE products SET name = :name WHERE id = :id")
    engine = db.engine  # the threads have no app context

    def writer(steps, before_first=None, after_first=None, before_second=None):
        try:
            with engine.begin() as connection:
                if before_first is not None:
                    before_first()
                connection.execute(rename, steps[0])
                if after_first is not None:
                    after_first()
                if before_second is not None:
                    before_second()
                connection.execute(rename, steps[1])
        except Exception as error:  # noqa: BLE001 - the thread's failure is the test's
            failures.append(error)

    def let_the_other_start():
        waiting.wait(10)
        time.sleep(0.5)  # the other transaction's first write is under way (or waiting)

    one = threading.Thread(
        target=writer,
        args=([{"id": first.id, "name": "Gelas Alpaka"}, {"id": third.id, "name": "Gelas Bambu"}],),
        kwargs={"after_first": started.set, "before_second": let_the_other_start},
    )
    two = threading.Thread(
        target=writer,
        args=([{"id": second.id, "name": "Piring Bambu"}, {"id": fourth.id, "name": "Piring Alpaka"}],),
        kwargs={"before_first": lambda: (started.wait(10), waiting.set())},
    )
    one.start()
    two.start()
    one.join(30)
    two.join(30)
    assert not failures, failures
    assert_exact()
    assert actual()["alpaka"] == 2 and actual()["bambu"] == 2
