"""The filter sheet of the search, sector and category pages (issue #23), as a shopper uses it
without JavaScript: every facet value a link with its count that keeps the other choices, the
chosen ones removable, "Hapus semua filter", bad values named next to their field; the sort and
the pager keep working with the filters."""

import re
from html import unescape

import pytest

from marketplace.extensions import db
from tests.facets_seed import seed_facets


@pytest.fixture
def shops(app):
    made = seed_facets()
    db.session.remove()
    return made


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def section(html: str, name: str) -> str:
    """The sheet's section of one facet ("sector", "category", "city", "price", "more")."""
    match = re.search(rf'<section class="facet" aria-labelledby="facet-{name}">(.*?)</section>', html, re.S)
    return match.group(1) if match else ""


def links(fragment: str) -> dict[str, str]:
    """Each link's text (count and × included, spaces squeezed) → its href."""
    found = re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', fragment, re.S)
    return {" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()): unescape(href) for href, text in found}


def test_search_page_shows_every_facet_with_counts(client, shops):
    html = page(client, "/search?q=batik")
    for name in ("sector", "category", "city", "price", "more"):
        assert section(html, name), name
    sectors = links(section(html, "sector"))
    assert any(label.startswith("Fesyen & Tekstil ") for label in sectors)
    href = next(h for label, h in sectors.items() if label.startswith("Fesyen"))
    assert href == "/search?q=batik&sector=fesyen"
    assert "Toko Batik Beku" not in html and "Kota Beku" not in html  # suspended: nowhere


def test_a_choice_keeps_the_others_and_is_removable(client, shops):
    html = page(client, "/search?q=batik&sector=fesyen&in_stock=1&sort=price_asc")
    cities = links(section(html, "city"))
    tegal = next(h for label, h in cities.items() if label.startswith("Kota Tegal"))
    assert tegal == "/search?q=batik&sector=fesyen&city=Kota+Tegal&in_stock=1&sort=price_asc"
    chosen = links(section(html, "sector"))
    fesyen = next(label for label in chosen if label.startswith("Fesyen"))
    assert fesyen.endswith("×") and chosen[fesyen] == "/search?q=batik&in_stock=1&sort=price_asc"
    bands = links(section(html, "price"))
    band = next(h for label, h in bands.items() if label.startswith("Rp 100–250 rb"))
    assert band == "/search?q=batik&sector=fesyen&min_price=100000&max_price=249999&in_stock=1&sort=price_asc"
    # the chips under the tools: each chosen filter removable, and all at once (the words stay)
    row = re.search(r'<nav class="chips chosen-filters".*?</nav>', html, re.S).group(0)
    row_links = links(row)
    assert row_links["Fesyen & Tekstil ×"] == "/search?q=batik&in_stock=1&sort=price_asc"
    assert row_links["Ada stok ×"] == "/search?q=batik&sector=fesyen&sort=price_asc"
    assert row_links["Hapus semua filter"] == "/search?q=batik&sort=price_asc"


def test_following_the_links_narrows_and_widens_the_listing(client, shops):
    html = page(client, "/search")
    total = int(re.search(r'<p class="meta">(\d+) produk', html).group(1))
    href = next(h for label, h in links(section(html, "more")).items() if label.startswith("Peserta Expo"))
    count = int(next(label for label in links(section(html, "more")) if label.startswith("Peserta Expo")).split()[-1])
    narrowed = page(client, href)
    assert f'<p class="meta">{count} produk' in narrowed and count < total
    clear = links(re.search(r'<nav class="chips chosen-filters".*?</nav>', narrowed, re.S).group(0))
    assert f'<p class="meta">{total} produk' in page(client, clear["Hapus semua filter"])


def test_sector_page_offers_its_categories_not_the_sectors(client, shops):
    html = page(client, "/sectors/fesyen")
    assert not section(html, "sector")
    categories = links(section(html, "category"))
    assert categories and all(label.split()[0] in ("Batik", "Pakaian") for label in categories)
    href = next(iter(categories.values()))
    assert href.startswith("/sectors/fesyen?category=")


def test_category_page_offers_neither_sector_nor_category(client, shops):
    html = page(client, "/categories/batik?sector=kuliner")  # the category decides the sector
    assert not section(html, "sector") and not section(html, "category")
    assert section(html, "city") and section(html, "price")
    assert "Belum ada produk" not in html
    cities = links(section(html, "city"))
    assert all(h.startswith("/categories/batik?city=") for h in cities.values())


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("in_stock=ya", "in_stock", "Pilih 1 atau 0."),
        ("expo=apik", "expo", "Pilih 1 atau 0."),
        ("min_price=murah", "min_price", "Harga harus bilangan bulat rupiah."),
        ("min_price=90000&max_price=100", "max_price", "Harga maksimum harus lebih besar dari harga minimum."),
        ("sector=mars", "sector", "Sektor tidak dikenal."),
        ("sort=acak", "sort", "Urutan tidak dikenal."),
    ],
)
def test_bad_values_are_named_next_to_their_field_and_change_nothing(client, shops, query, field, message):
    html = page(client, f"/search?q=batik&{query}")
    assert f'<p class="error" id="err-{field}">{message}</p>' in html
    opened = 'sort-sheet" id="urutan' if field == "sort" else 'filter-sheet" id="filter'
    assert f'<details class="{opened}" open>' in html
    kept = "&min_price=90000" if "min_price=90000" in query else ""  # the good one of the pair stays
    plain = page(client, f"/search?q=batik{kept}")
    count = re.search(r'<p class="meta">(\d+) produk', plain).group(1)
    assert f'<p class="meta">{count} produk' in html  # the bad value was dropped


def test_sort_and_pager_keep_the_filters(app, client, shops):
    app.config["PER_PAGE"] = 2
    html = page(client, "/search?in_stock=1&sort=price_asc")
    assert 'rel="next" href="/search?in_stock=1&amp;sort=price_asc&amp;page=2"' in html
    sorts = links(re.search(r'<details class="sort-sheet".*?</details>', html, re.S).group(0))
    assert sorts == {  # no words: no "Paling sesuai"
        "Terbaru": "/search?in_stock=1&sort=newest",
        "Harga terendah": "/search?in_stock=1&sort=price_asc",
        "Harga tertinggi": "/search?in_stock=1&sort=price_desc",
    }
    second = page(client, "/search?in_stock=1&sort=price_asc&page=2")
    prices = [int(p.replace(".", "")) for p in re.findall(r'<p class="price">Rp ([\d.]+)</p>', html + second)]
    assert prices == sorted(prices) and len(prices) == 4


def test_the_price_form_keeps_the_other_choices(client, shops):
    html = page(client, "/sectors/fesyen?city=Kota+Tegal&expo=1")
    form = re.search(r'<form class="price-range".*?</form>', html, re.S).group(0)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    assert hidden == {"city": "Kota Tegal", "expo": "1"}
    assert 'action="/sectors/fesyen"' in form


def test_english_sheet(client, shops):
    html = page(client, "/search?q=batik&in_stock=1&lang=en")
    assert "Clear all filters" in html and "In stock" in html
    assert "Rp 25–50k" in html or "Rp 50–100k" in html
