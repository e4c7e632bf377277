"""GET /api/v1/products, /products/<id> and /categories, as an integration reads them."""

import pytest

from marketplace.extensions import db
from tests.catalog_seed import HIDDEN, seed_catalogue


@pytest.fixture
def cat(app):
    catalogue = seed_catalogue()
    catalogue.ids = {key: p.id for key, p in catalogue.products.items()}
    catalogue.names = {key: p.name for key, p in catalogue.products.items()}
    db.session.remove()
    return catalogue


def listing(api, query="", status=200):
    response = api.get("/products" + query)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def names(body):
    return [item["name"] for item in body["items"]]


def test_products_are_paged_newest_first_without_q(api, cat):
    body = listing(api)
    assert set(body) == {"items", "total", "page", "per_page", "suggestion"}
    assert body["suggestion"] is None
    assert body["total"] == 6 and body["page"] == 1 and body["per_page"] == 24
    created = [item["created_at"] for item in body["items"]]
    assert created == sorted(created, reverse=True)


def test_product_shape_names_store_and_category_by_slug(api, cat):
    item = next(i for i in listing(api, "?q=teh+poci")["items"])
    assert item["store"] == "teh-poci-mas" and item["category"] == "minuman"
    assert item["price"] == 25000 and item["status"] == "active"
    assert item["description"].startswith("Teh wangi")
    assert item["thumbnail_url"].endswith("_400.jpg")


def test_relevance_first_when_q_given(api, cat):
    found = names(listing(api, "?q=batik"))
    assert set(found[:2]) == {"Batik Tulis Motif Tegalan", "Kemeja Batik Cap Pria"}
    assert set(found[2:]) == {"Selendang Sutra Halus", "Tas Kain Perca"}


def test_words_and_fallback(api, cat):
    assert names(listing(api, "?q=kerajinan"))[0] == "Kerajinan Bambu Anyaman"
    assert "Kerajinan Bambu Anyaman" in names(listing(api, "?q=kerajin"))
    assert "Batik Tulis Motif Tegalan" in names(listing(api, "?q=bati"))


@pytest.mark.parametrize("q", ['"', "AND OR (", "teh*", "a" * 1000, "NEAR(a b)", "' OR ''='", "\\"])
def test_nasty_q_never_fails(api, cat, q):
    response = api.get("/products", query_string={"q": q})
    assert response.status_code == 200


def test_filters(api, cat):
    assert set(names(listing(api, "?sector=kriya"))) == {"Kerajinan Bambu Anyaman", "Tas Kain Perca"}
    assert set(names(listing(api, "?category=batik"))) == {"Batik Tulis Motif Tegalan", "Kemeja Batik Cap Pria"}
    assert set(names(listing(api, "?store=teh-poci-mas"))) == {"Teh Poci Gula Batu"}
    assert set(names(listing(api, "?city=Kabupaten%20Tegal"))) == {"Kerajinan Bambu Anyaman", "Tas Kain Perca"}
    assert set(names(listing(api, "?min_price=60000&max_price=90000"))) == {
        "Selendang Sutra Halus",
        "Kerajinan Bambu Anyaman",
        "Tas Kain Perca",
    }
    assert listing(api, "?store=tidak-ada")["items"] == []


def test_sorts(api, cat):
    prices = [i["price"] for i in listing(api, "?sort=price_asc")["items"]]
    assert prices == sorted(prices)
    prices = [i["price"] for i in listing(api, "?sort=price_desc")["items"]]
    assert prices == sorted(prices, reverse=True)
    assert names(listing(api, "?q=batik&sort=price_asc"))[0] == "Tas Kain Perca"


def test_pagination(api, cat):
    first = listing(api, "?sort=price_asc&per_page=4")
    second = listing(api, "?sort=price_asc&per_page=4&page=2")
    assert first["total"] == second["total"] == 6 and second["page"] == 2
    assert len(first["items"]) == 4 and len(second["items"]) == 2
    beyond = listing(api, "?per_page=4&page=7")
    assert beyond["items"] == [] and beyond["total"] == 6


@pytest.mark.parametrize(
    "query, field",
    [
        ("?sector=mars", "sector"),
        ("?sort=random", "sort"),
        ("?min_price=abc", "min_price"),
        ("?min_price=-1", "min_price"),
        ("?min_price=9&max_price=1", "max_price"),
        ("?page=0", "page"),
        ("?per_page=0", "per_page"),
        ("?per_page=101", "per_page"),
        ("?category=tidak-ada", "category"),
    ],
)
def test_bad_parameters_are_422_with_fields(api, cat, query, field):
    body = listing(api, query, 422)
    assert body["error"]["code"] == "validation_error"
    assert field in body["error"]["fields"]


def test_hidden_products_never_listed(api, cat):
    for query in ("", "?q=batik", "?q=toko", "?per_page=100", "?store=toko-batik-menunggu"):
        found = set(names(listing(api, query)))
        assert not found & {cat.names[key] for key in HIDDEN}


def test_product_detail_with_variants_and_images(api, cat):
    response = api.get(f"/products/{cat.ids['kemeja']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["store"] == "batik-sari" and body["category"] == "batik"
    assert [(v["name"], v["price"], v["stock"]) for v in body["variants"]] == [("M", 150000, 0), ("L", 175000, 4)]
    assert set(body["variants"][0]) == {"id", "name", "sku", "price", "stock"}
    assert body["images"] == []
    images = api.get(f"/products/{cat.ids['teh']}").get_json()["images"]
    assert len(images) == 1 and images[0]["thumbnail_url"].endswith("_400.jpg")


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_product_detail_404(api, cat, key):
    response = api.get(f"/products/{cat.ids[key]}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_product_404(api, cat):
    assert api.get("/products/424242").status_code == 404


def test_categories(api, cat):
    items = api.get("/categories").get_json()["items"]
    assert {"slug": "batik", "name": "Batik", "sector": "fesyen"} in items
    assert all(set(i) == {"slug", "name", "sector"} for i in items)
