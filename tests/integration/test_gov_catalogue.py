"""What offices see in the catalogue (issue #21): "Untuk instansi" on offered products, their
terms on the product page, the ``?instansi=1`` filter; nothing of it for anyone else, and one
statement more at most for an official's listing."""

from __future__ import annotations

import pytest

from marketplace import pagecache
from marketplace.catalog import search
from marketplace.catalog.facets import PagePass, facet_counts
from marketplace.catalog.search import SearchParams, search_products
from marketplace.extensions import db
from marketplace.gov.models import GovOfficial
from tests.factories import gen_product, gen_user
from tests.gov_support import build_gov_world

MARK = "Untuk instansi"
LISTINGS = ("/search", "/search?q=nasi", "/sectors/kuliner", "/", "/stores/{slug}")


@pytest.fixture
def world(app):
    world = build_gov_world()
    # a product of the same store that is not offered, to tell the filter works
    plain = gen_product(world.catering, name="Nasi Goreng Kampung", price=18000, category=None)
    gen_user(email="pembeli@test.id", name="Siti Pembeli")
    return world, plain.id


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_an_official_sees_offered_products_marked(world, client, auth):
    w, _plain = world
    auth.login("pp@setda.test")
    for url in LISTINGS:
        html = _page(client, url.format(slug=w.catering.slug))
        assert MARK in html, url
    html = _page(client, "/search")
    assert "min. 20 kotak" in html and "min. 10 kotak" in html
    assert html.count('class="gov-mark"') == 2  # Nasi Goreng Kampung is not offered


def test_an_official_reads_the_terms_on_the_product_page(world, client, auth):
    w, plain = world
    auth.login("ppk@setda.test")
    html = _page(client, f"/products/{w.nasi.product_id}")
    assert 'id="gov-offer"' in html and "20 kotak" in html and "1 hari" in html
    assert 'id="gov-offer"' not in _page(client, f"/products/{plain}")


@pytest.mark.parametrize("who", [None, "pembeli@test.id", "bakery"])
def test_nobody_else_sees_anything_of_it(world, client, auth, who):
    w, _plain = world
    if who == "bakery":
        who = w.bakery_owner.email
    if who:
        auth.login(who)
    for url in (*LISTINGS, f"/products/{w.nasi.product_id}", "/search?instansi=1"):
        html = _page(client, url.format(slug=w.catering.slug))
        assert MARK not in html and 'id="gov-offer"' not in html, (who, url)
    # ?instansi=1 filters nothing for them: the same products as without it
    assert "Nasi Goreng Kampung" in _page(client, "/search?instansi=1")


def test_an_official_whose_position_ended_sees_nothing(world, client, auth):
    w, _plain = world
    db.session.get(GovOfficial, w.pp.id).active = False
    db.session.commit()
    auth.login("pp@setda.test")
    assert MARK not in _page(client, "/search")


def test_the_filter_keeps_offered_products_only(world, client, auth):
    w, _plain = world
    auth.login("pp@setda.test")
    html = _page(client, "/search")
    assert 'id="gov-filter"' in html and "Nasi Goreng Kampung" in html
    for url in ("/search?instansi=1", "/search?q=nasi&instansi=1", "/sectors/kuliner?instansi=1"):
        html = _page(client, url)
        assert "Nasi Kotak Ayam Bakar" in html and "Nasi Goreng Kampung" not in html, url
        assert 'class="on" aria-current="page">Untuk instansi' in html
        assert 'name="instansi" value="1"' in html  # the filter form keeps it
    assert "Snack Box Rapat" in _page(client, "/search?instansi=1")
    assert "Snack Box Rapat" not in _page(client, "/search?q=nasi&instansi=1")


def test_the_filter_counts_pages_apart_from_the_plain_listing(world, app, client, auth):
    """The remembered total of a listing without words is keyed by the filter too."""
    w, _plain = world
    app.config["PER_PAGE"] = 1
    auth.login("pp@setda.test")
    assert "3 produk" in _page(client, "/sectors/kuliner")
    assert "2 produk" in _page(client, "/sectors/kuliner?instansi=1")


def test_anonymous_cached_pages_never_show_it(world, app, client, auth):
    """An official's pages are not cached (signed in), and the anonymous page cached next is
    the anonymous one."""
    app.config["PAGE_CACHE"] = True
    pagecache.clear_local()
    auth.login("pp@setda.test")
    assert MARK in _page(client, "/search?instansi=1")
    auth.logout()
    client.delete_cookie("session")
    for _ in range(2):  # the second answer comes from the cache
        html = _page(client, "/search?instansi=1")
        assert MARK not in html and "Nasi Goreng Kampung" in html


@pytest.mark.parametrize("url", ["/search", "/search?q=nasi", "/sectors/kuliner?instansi=1", "/"])
def test_an_official_listing_costs_one_statement_more_than_a_shopper(world, app, client, auth, count_queries, url):
    app.config["PAGE_CACHE"] = False

    def counted(email: str) -> int:
        auth.login(email)
        _page(client, url)  # warm: the same remembered totals for both
        db.session.remove()
        with count_queries() as q:
            _page(client, url)
        auth.logout()
        return q.count

    shopper = counted("pembeli@test.id")
    official = counted("pp@setda.test")
    assert official - shopper == 1, (url, shopper, official)


def test_an_officials_search_counts_its_facets_with_the_page_as_apart(world, monkeypatch):
    """The page's statement counts the facets over the offered matches only, as the facets'
    own statement does (catalog.facets.PagePass)."""
    monkeypatch.setattr(search, "COUNT_ALONG_DOCS", 0)  # a few products make every word rare here
    w, _plain = world
    gen_product(w.catering, name="Nasi Uduk Komplit", price=20000, category=None)  # "nasi" is no slip
    params = SearchParams(q="nasi", gov_terms=True, offered_only=True)
    result = search_products(params, counted=PagePass(params))
    assert [card.name for card in result.items] == ["Nasi Kotak Ayam Bakar"]
    assert result.hits is not None and result.hits.groups is not None
    with_page = facet_counts(params, result.hits)
    pagecache.clear_local()
    alone = search_products(params)
    assert alone.hits is not None and alone.hits.groups is None
    assert facet_counts(params, alone.hits) == with_page
    assert sum(choice.count for choice in with_page.sector) == 1
