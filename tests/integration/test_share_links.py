"""Links that share well: Open Graph and Twitter tags, share images, product JSON-LD, canonical
links and the Bagikan button, all absolute under BASE_URL (fixtures: tests/share_support.py)."""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image

from marketplace import pagecache
from marketplace.extensions import db
from marketplace.seo import share_images
from tests.factories import gen_product, gen_store, gen_user
from tests.share_support import BASE, Head, build_world, fetch, head, share_app


@pytest.fixture
def app(make_app):
    yield from share_app(make_app)


@pytest.fixture
def world(app):
    return build_world()


# --- Open Graph, Twitter, canonical ------------------------------------------------------------


def test_product_page_carries_absolute_share_tags_and_a_canonical_link(client, world):
    page = head(client, f"/products/{world['product']}?utm_source=wa&fbclid=x")
    url = f"{BASE}/products/{world['product']}"
    assert page.meta["og:type"] == "product"
    assert page.meta["og:title"] == "Batik Tulis Motif Tegalan"
    assert page.meta["og:url"] == url
    assert page.meta["og:site_name"] == "Apik Market"
    assert page.meta["og:locale"] == "id_ID" and page.meta["og:locale:alternate"] == "en_US"
    assert page.meta["og:image"] == f"{BASE}/og/{world['photo']}"
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    assert page.meta["og:image:alt"] and page.meta["og:description"]
    assert page.meta["twitter:card"] == "summary_large_image"
    assert page.meta["twitter:image"] == page.meta["og:image"]
    assert page.link("canonical") == [url]
    assert page.link("alternate", hreflang="en") == [url + "?lang=en"]
    assert page.link("alternate", hreflang="id") == page.link("alternate", hreflang="x-default") == [url]


def test_english_page_names_its_own_address_and_locale(client, world):
    page = head(client, f"/products/{world['product']}?lang=en")
    assert page.link("canonical") == [f"{BASE}/products/{world['product']}?lang=en"]
    assert page.meta["og:locale"] == "en_US" and page.meta["og:locale:alternate"] == "id_ID"


def test_store_and_expo_pages_share_their_logo_and_banner(client, world):
    store = head(client, f"/stores/{world['store']}")
    assert store.meta["og:type"] == "website"
    assert store.meta["og:url"] == store.link("canonical")[0] == f"{BASE}/stores/{world['store']}"
    assert re.fullmatch(rf"{BASE}/og/logos/[0-9a-f]{{32}}\.jpg", store.meta["og:image"])
    assert store.meta["og:description"] == "Batik tulis Tegalan sejak 1985."
    hall = head(client, "/expo/apik-banget")
    assert hall.meta["og:title"] == "Apik Banget Virtual Expo"
    assert hall.link("canonical") == [f"{BASE}/expo/apik-banget"]
    assert re.fullmatch(rf"{BASE}/og/banners/[0-9a-f]{{32}}\.jpg", hall.meta["og:image"])
    for page in (store, hall):
        shared = fetch(client, page.meta["og:image"])
        assert shared.status_code == 200 and Image.open(BytesIO(shared.data)).size == (1200, 630)


@pytest.mark.parametrize(
    "path,title",
    [
        ("/products/{product}", "Batik Tulis Motif Tegalan"),
        ("/stores/{store}", "Batik Sari"),
        ("/expo/apik-banget", "Apik Banget Virtual Expo"),
    ],
)
def test_bagikan_opens_whatsapp_with_the_page_title_and_its_absolute_link(client, world, path, title):
    url = BASE + path.format(**world)
    html = client.get(path.format(**world) + "?utm_source=wa").get_data(as_text=True)
    links = re.findall(r'<a class="btn secondary share" href="([^"]+)"[^>]*>Bagikan</a>', html)
    assert links == ["https://wa.me/?text=" + quote(f"{title} {url}")]


def test_a_product_without_photo_shares_the_default_image(client, world):
    page = head(client, f"/products/{world['plain']}")
    assert page.meta["og:image"] == f"{BASE}/static/img/share.jpg"
    image = fetch(client, page.meta["og:image"])
    assert image.status_code == 200
    assert Image.open(BytesIO(image.data)).format == "JPEG" and Image.open(BytesIO(image.data)).size == (1200, 630)


def test_listings_have_canonical_links_with_their_page_and_search_is_not_indexed(app, client, world):
    app.config["PER_PAGE"] = 1
    sector = head(client, "/sectors/fesyen?page=2&sort=price_asc&city=Kota+Tegal")
    assert sector.link("canonical") == [f"{BASE}/sectors/fesyen?page=2"]
    assert head(client, "/stores").link("canonical") == [f"{BASE}/stores"]
    home = head(client, "/")
    assert home.link("canonical") == [f"{BASE}/"] and home.meta["og:image"] == f"{BASE}/static/img/share.jpg"
    search = head(client, "/search?q=batik")
    assert search.link("canonical") == [] and search.meta["robots"] == "noindex, follow"


# --- share images ------------------------------------------------------------------------------


def test_share_image_is_a_1200x630_jpeg_made_once_and_cached_for_good(app, client, world):
    first = fetch(client, f"{BASE}/og/{world['photo']}")
    assert first.status_code == 200 and first.mimetype == "image/jpeg"
    assert len(first.data) < 300 * 1024
    image = Image.open(BytesIO(first.data))
    assert (image.format, image.size) == ("JPEG", (1200, 630))
    assert image.getpixel((5, 5)) == pytest.approx(share_images.BACKGROUND, abs=3)  # fitted whole, not stretched
    assert "immutable" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    second = client.get(f"/og/{world['photo']}")
    assert second.data == first.data


def test_a_noisy_photo_still_makes_a_share_image_under_300_kb():
    noise = Image.effect_noise((1600, 1600), 120).convert("RGB")
    data = share_images.compose(Image.merge("RGB", (noise.split()[0], noise.rotate(90).split()[0], noise.split()[0])))
    assert len(data) <= share_images.MAX_BYTES
    assert Image.open(BytesIO(data)).size == (1200, 630)


@pytest.mark.parametrize(
    "path",
    [
        "products/nothere.jpg",
        "products/" + "a" * 32 + ".jpg",  # the right shape, no such photo
        "claims/" + "a" * 32 + ".jpg",  # a private kind
        "products/../claims/" + "a" * 32 + ".jpg",
        "products/{photo_stem}_400.jpg",  # a thumbnail is not a shareable photo
        "{photo}/x",
    ],
)
def test_share_images_only_of_public_photos(client, world, path):
    stem = world["photo"].rsplit(".", 1)[0].split("/", 1)[1]
    assert client.get("/og/" + path.format(photo=world["photo"], photo_stem=stem)).status_code == 404


def test_a_deleted_photo_has_no_share_image_any_more(app, client, world):
    from marketplace import media

    assert client.get(f"/og/{world['photo']}").status_code == 200
    made = Path(app.config["UPLOAD_FOLDER"]) / media.share_path(world["photo"])
    assert made.is_file()
    media.delete_image(world["photo"])
    assert not made.exists()
    assert client.get(f"/og/{world['photo']}").status_code == 404


def test_a_transparent_logo_sits_on_the_neutral_background():
    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (100, 100, 300, 300))
    image = Image.open(BytesIO(share_images.compose(logo)))
    assert image.getpixel((600, 315)) == pytest.approx((200, 30, 30), abs=8)
    assert image.getpixel((600 - 250, 315)) == pytest.approx(share_images.BACKGROUND, abs=3)


# --- schema.org --------------------------------------------------------------------------------


def test_product_json_ld_holds_offers_in_rupiah(client, world):
    html = client.get(f"/products/{world['product']}").get_data(as_text=True)
    page = Head(html)
    (raw,) = page.json_ld
    # data, not script: the CSP's script-src does not apply, and no other inline script is there
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == ['<script type="application/ld+json">']
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Batik Tulis Motif Tegalan" and data["url"] == f"{BASE}/products/{world['product']}"
    assert data["image"] == [f"{BASE}/media/{world['photo']}"]
    offers = {offer["sku"]: offer for offer in data["offers"]}
    assert offers["BTK-KATUN"]["price"] == 350000 and offers["BTK-KATUN"]["priceCurrency"] == "IDR"
    assert offers["BTK-KATUN"]["availability"] == "https://schema.org/InStock"
    assert offers["BTK-SUTRA"]["availability"] == "https://schema.org/OutOfStock"
    assert offers["BTK-SUTRA"]["seller"] == {
        "@type": "Organization",
        "name": "Batik Sari",
        "url": f"{BASE}/stores/{world['store']}",
    }
    assert "aggregateRating" not in data and "sku" not in data  # two variants: each Offer has its own


def test_json_ld_cannot_be_closed_by_a_product_name(app, client, world):
    seller = gen_user(role="seller")
    nasty = "Keripik </script><script>alert(1)</script> & 'pedas'"
    product = gen_product(gen_store(seller), name=nasty, category="keripik")
    html = client.get(f"/products/{product.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    (raw,) = Head(html).json_ld
    assert json.loads(raw)["name"] == nasty


def test_json_ld_rates_a_reviewed_product_without_another_statement(make_app, count_queries):
    from marketplace.orders import services as orders
    from marketplace.orders.lifecycle import transition
    from marketplace.reviews import services as reviews
    from tests.buying_factories import buy, gen_shopper, variant_of

    app = make_app(plugins="cash_on_delivery", BASE_URL=BASE)
    with app.app_context():
        client = app.test_client()
        seller = gen_user(role="seller")
        product = gen_product(gen_store(seller, name="Teh Poci Mas"), name="Teh Poci Gula Batu", price=25000, stock=7)
        buyer = gen_shopper(name="Rina Wulandari")
        order = buy(buyer, (variant_of(product), 1)).orders[0]
        for status, actor in (("processing", seller), ("shipped", seller), ("completed", buyer)):
            transition(order, status, actor, tracking_number="JNE123" if status == "shipped" else None)
            db.session.commit()
        reviews.add_review(buyer, orders.get_for_shopper(buyer, order.number), 4, "Segar.")
        db.session.commit()
        url = f"/products/{product.id}"
        db.session.remove()
        pagecache.clear_local()
        with count_queries() as counted:
            html = client.get(url).get_data(as_text=True)
        (raw,) = Head(html).json_ld
        rating = json.loads(raw)["aggregateRating"]
        assert rating["ratingValue"] == 4.0 and rating["reviewCount"] == 1
        assert sum(bool(re.search(r"\b(FROM|JOIN) reviews\b", statement)) for statement in counted.statements) == 1
