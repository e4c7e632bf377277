"""The public catalogue as a shopper sees it: home, search, browse, stores, products, the expo hall."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.catalog_seed import HIDDEN, seed_catalogue
from tests.factories import gen_store, gen_user


@pytest.fixture
def cat(app):
    catalogue = seed_catalogue()
    catalogue.ids = {key: p.id for key, p in catalogue.products.items()}
    catalogue.slugs = {key: s.slug for key, s in catalogue.stores.items()}
    catalogue.names = {key: p.name for key, p in catalogue.products.items()}
    db.session.remove()
    return catalogue


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def assert_nothing_hidden(cat, html):
    for key in HIDDEN:
        assert cat.names[key] not in html


def test_home_shows_newest_products_sectors_and_categories(client, cat):
    html = page(client, "/")
    assert "Teh Poci Gula Batu" in html and "Batik Tulis Motif Tegalan" in html
    assert "/sectors/kuliner" in html and "/sectors/fesyen" in html
    assert "/categories/batik" in html
    assert 'loading="lazy"' in html and "_400.jpg" in html
    assert_nothing_hidden(cat, html)


def test_home_promotes_the_newest_expo_and_featured_vendors_in_order(client, cat):
    start = datetime.now(UTC) - timedelta(days=1)
    expo.create_expo(None, "apik-2025", "Apik Banget 2025", start - timedelta(days=400), start - timedelta(days=390))
    expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
    teh, batik = stores.get_store(cat.slugs["teh"]), stores.get_store(cat.slugs["batik"])
    expo.set_featured(None, [teh, batik])
    db.session.commit()
    html = page(client, "/")
    assert "/expo/apik-banget" in html and "LIVE" in html
    assert html.index("Teh Poci Mas") < html.index("Batik Sari")


def test_suspended_featured_vendor_disappears_from_home(client, cat):
    batik = stores.get_store(cat.slugs["batik"])
    expo.set_featured(None, [batik])
    stores.set_status(batik, None, "suspended", "Pelanggaran")
    db.session.commit()
    assert 'href="/stores/batik-sari"' not in page(client, "/")


def test_search_page_ranks_name_matches_first(client, cat):
    html = page(client, "/search?q=batik")
    assert html.index("Batik Tulis Motif Tegalan") < html.index("Selendang Sutra Halus")
    assert html.index("Kemeja Batik Cap Pria") < html.index("Tas Kain Perca")
    assert_nothing_hidden(cat, html)


def test_search_page_words_as_typed_and_fallback(client, cat):
    assert "Teh Poci Gula Batu" in page(client, "/search?q=teh+poci")
    assert "Kerajinan Bambu Anyaman" in page(client, "/search?q=kerajinan")
    html = page(client, "/search?q=kerajin")
    assert "Kerajinan Bambu Anyaman" in html and "Menampilkan hasil untuk “kerajinan”" in html
    assert 'Maksud Anda: <a href="/search?q=kerajinan">kerajinan</a>' in html
    html = page(client, "/search?q=bambu+xyzzy")  # no correction: what is found only resembles the words
    assert "Kerajinan Bambu Anyaman" in html and "mirip" in html and "Maksud Anda" not in html


def test_search_with_no_result_suggests_other_words(client, cat):
    html = page(client, "/search?q=sepatu+roda")
    assert "Tidak ada produk" in html
    assert "/search?q=teh+poci" in html and "/sectors/kriya" in html


@pytest.mark.parametrize("q", ['"', "AND OR (", "teh*", "a" * 1000, "' OR 1=1 --", "NEAR(", "%", "🙂"])
def test_nasty_search_never_fails(client, cat, q):
    response = client.get("/search", query_string={"q": q})
    assert response.status_code == 200


def test_search_filters_and_sorts(client, cat):
    html = page(client, "/search?sector=kriya")
    assert "Tas Kain Perca" in html and "Teh Poci Gula Batu" not in html
    html = page(client, "/search?category=minuman")
    assert "Teh Poci Gula Batu" in html and "Tas Kain Perca" not in html
    html = page(client, "/search?city=Kabupaten+Tegal")
    assert "Kerajinan Bambu Anyaman" in html and "Batik Tulis Motif Tegalan" not in html
    html = page(client, "/search?min_price=70000&max_price=100000")
    assert "Selendang Sutra Halus" in html and "Kerajinan Bambu Anyaman" in html
    assert "Teh Poci Gula Batu" not in html and "Batik Tulis Motif Tegalan" not in html
    html = page(client, "/search?sort=price_asc")
    assert html.index("Teh Poci Gula Batu") < html.index("Tas Kain Perca") < html.index("Batik Tulis Motif Tegalan")
    html = page(client, "/search?sort=price_desc")
    assert html.index("Batik Tulis Motif Tegalan") < html.index("Teh Poci Gula Batu")


def test_bad_filter_values_are_dropped_with_a_message(client, cat):
    html = page(client, "/search?min_price=murah&sector=mars&sort=acak&page=x")
    assert "Teh Poci Gula Batu" in html
    assert "Sektor tidak dikenal." in html


def test_search_pages(app, client, cat):
    app.config["PER_PAGE"] = 4
    first = page(client, "/search?sort=price_asc")
    assert "Halaman 1 dari 2" in first and 'rel="next" href="/search?sort=price_asc&amp;page=2"' in first
    second = page(client, "/search?sort=price_asc&page=2")
    assert "Batik Tulis Motif Tegalan" in second and "Teh Poci Gula Batu" not in second
    assert page(client, "/search?sort=price_asc&page=50")


def test_sector_and_category_pages(client, cat):
    html = page(client, "/sectors/minuman-herbal")
    assert "Teh Poci Gula Batu" in html and "Batik Tulis Motif Tegalan" not in html
    html = page(client, "/sectors/fesyen?q=kemeja")
    assert "Kemeja Batik Cap Pria" in html and "Batik Tulis Motif Tegalan" not in html
    html = page(client, "/categories/batik?sort=price_desc")
    assert html.index("Batik Tulis Motif Tegalan") < html.index("Kemeja Batik Cap Pria")
    assert "Selendang Sutra Halus" not in html
    assert_nothing_hidden(cat, html)
    page(client, "/sectors/luar-angkasa", 404)
    page(client, "/categories/tidak-ada", 404)


def test_stores_list_shows_approved_stores_only(client, cat):
    html = page(client, "/stores")
    assert "Batik Sari" in html and "Anyaman Slawi" in html
    assert "Toko Batik Menunggu" not in html and "Toko Batik Dibekukan" not in html
    html = page(client, "/stores?sector=kriya")
    assert "Anyaman Slawi" in html and "Batik Sari" not in html
    html = page(client, "/stores?city=kabupaten+tegal")
    assert "Anyaman Slawi" in html and "Teh Poci Mas" not in html


def test_storefront_with_whatsapp_and_active_products(client, cat):
    html = page(client, "/stores/batik-sari")
    assert "Batik Sari" in html and "Batik tulis dan cap dari Tegal." in html
    assert "https://wa.me/6281234567890?text=" in html
    assert "Kemeja Batik Cap Pria" in html and "Selendang Sutra Halus" in html
    assert "Teh Poci Gula Batu" not in html
    assert_nothing_hidden(cat, html)
    assert "Selendang Sutra Halus" in page(client, "/stores/batik-sari?q=selendang")


def test_storefront_paginates(app, client, cat):
    app.config["PER_PAGE"] = 2
    first = page(client, "/stores/batik-sari")
    assert "Halaman 1 dari 2" in first and "/stores/batik-sari?page=2" in first
    assert "Halaman 2 dari 2" in page(client, "/stores/batik-sari?page=2")


@pytest.mark.parametrize("key", ["pending", "suspended"])
def test_storefront_404_unless_approved(client, cat, key):
    page(client, f"/stores/{cat.slugs[key]}", 404)


def test_rejected_and_unknown_stores_404(client, cat):
    rejected = gen_store(name="Toko Ditolak", approved=False)
    stores.set_status(rejected, None, "rejected", "NIB tidak cocok")
    db.session.commit()
    page(client, "/stores/toko-ditolak", 404)
    page(client, "/stores/tidak-ada", 404)


def test_product_page(client, cat):
    html = page(client, f"/products/{cat.ids['kemeja']}")
    assert "Kemeja Batik Cap Pria" in html
    assert "mulai Rp 150.000" in html and "Rp 175.000" in html
    assert ">Habis<" in html  # the sold-out variant's chip (tests/integration/test_product_page.py)
    assert 'href="/stores/batik-sari"' in html and "https://wa.me/6281234567890?text=" in html
    assert 'href="/categories/batik"' in html and "Kemeja lengan panjang." in html


def test_product_page_single_price_and_gallery(client, cat):
    html = page(client, f"/products/{cat.ids['teh']}")
    assert "Rp 25.000" in html and "mulai" not in html
    assert "_800.jpg" in html


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_products_404(client, cat, key):
    page(client, f"/products/{cat.ids[key]}", 404)


def test_unknown_product_404(client, cat):
    page(client, "/products/999999", 404)


def test_hidden_products_nowhere_on_listing_pages(client, cat):
    for url in (
        "/",
        "/search?q=batik",
        "/search?q=toko",
        "/search",
        "/sectors/fesyen",
        "/categories/batik",
        "/stores/batik-sari",
    ):
        assert_nothing_hidden(cat, page(client, url))


def test_english_pages_render(client, cat):
    for url in (
        "/?lang=en",
        "/search?q=batik&lang=en",
        f"/products/{cat.ids['teh']}?lang=en",
        "/stores/batik-sari?lang=en",
        "/stores?lang=en",
        "/sectors/kriya?lang=en",
        "/categories/batik?lang=en",
    ):
        assert '<html lang="en">' in page(client, url)
    assert '<html lang="en">' in page(client, "/search?q=teh")  # remembered


def test_pages_for_a_signed_in_shopper(client, auth, cat):
    gen_user(email="shopper@test.id")
    auth.login()
    assert "Teh Poci Gula Batu" in page(client, "/")
    assert "Kemeja Batik Cap Pria" in page(client, f"/products/{cat.ids['kemeja']}")


# --- the expo hall -----------------------------------------------------------------


@pytest.fixture
def hall(cat):
    start = datetime(2026, 8, 17, 1, 0, tzinfo=UTC)  # 08.00 WIB
    row = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=7))
    for key, booth in (("batik", "A1"), ("teh", "B2"), ("kriya", "C3"), ("suspended", "D4")):
        expo.add_exhibitor(None, row, stores.get_store(cat.slugs[key]), booth=booth)
    db.session.commit()
    db.session.remove()
    return start


def test_expo_hall_before_opening_counts_down(client, hall):
    with time_machine.travel(hall - timedelta(days=3), tick=False):
        html = page(client, "/expo/apik-banget")
    assert "Dibuka dalam 3 hari" in html and "08.00" in html


def test_expo_hall_live_groups_exhibitors_by_zone(client, hall):
    with time_machine.travel(hall + timedelta(hours=2), tick=False):
        html = page(client, "/expo/apik-banget")
    assert "LIVE" in html
    assert html.index("Minuman &amp; Herbal") < html.index("Fesyen &amp; Tekstil") < html.index("Kriya &amp; Kerajinan")
    assert "Stan A1" in html and 'href="/expo/apik-banget/booths/A1"' in html
    assert "Toko Batik Dibekukan" not in html


def test_expo_hall_after_the_end(client, hall):
    with time_machine.travel(hall + timedelta(days=30), tick=False):
        html = page(client, "/expo/apik-banget")
    assert "Expo telah berakhir — toko tetap berjualan" in html and "Stan B2" in html


def test_unknown_expo_404(client, cat):
    page(client, "/expo/tidak-ada", 404)
