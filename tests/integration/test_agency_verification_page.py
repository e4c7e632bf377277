"""Before approving a store the officer sees what it sells (with photos), its logo and its
documents (the NIB), on the verification page; and the audit history reads as sentences."""

from __future__ import annotations

import pytest

from marketplace.catalog import services as catalog
from marketplace.extensions import db
from tests.agency_support import gen_people, login, text
from tests.factories import gen_product, gen_store, image_bytes


@pytest.fixture
def officer(client, app):
    people = gen_people()
    login(client, people["agency"].email)
    return people


def test_the_page_shows_the_products_with_photos_and_the_nib(client, officer):
    store = gen_store(name="Tahu Aci Bu Tarni", sector="kuliner", approved=False, nib="9120101234599")
    tahu = gen_product(store, "Tahu Aci Frozen isi 10", price=25000, category=None, status="draft")
    gen_product(store, "Sambal Petis", price=15000, category=None, status="draft")
    catalog.add_image(tahu, None, image_bytes())
    db.session.commit()

    page = text(client.get("/agency/stores/tahu-aci-bu-tarni"))

    assert "Produk toko (2)" in page and "Tahu Aci Frozen isi 10" in page and "Sambal Petis" in page
    assert "Rp 25.000" in page and "Draf" in page and "1 foto" in page and "Tanpa foto" in page
    assert 'alt="Tahu Aci Frozen isi 10"' in page and "/media/" in page
    assert "NIB 9120101234599" in page and "cocokkan dengan OSS" in page
    assert "Belum ada logo." in page


def test_a_store_without_products_or_nib_says_what_is_missing(client, officer):
    gen_store(name="Toko Kosong", approved=False, nib=None)
    page = text(client.get("/agency/stores/toko-kosong"))
    assert "Toko ini belum punya produk" in page and "NIB belum diisi" in page


def test_the_history_reads_as_sentences_with_the_store_linked(client, officer):
    gen_store(name="Toko Menunggu", approved=False)
    client.post("/agency/stores/toko-menunggu/approve")
    page = text(client.get("/agency/stores/toko-menunggu"))
    assert "Bambang Sutrisno menyetujui toko" in page and " WIB." in page
    log = text(client.get("/agency/audit"))
    assert 'menyetujui toko <a href="/agency/stores/toko-menunggu">Toko Menunggu</a> pada' in log
