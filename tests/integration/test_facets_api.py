"""GET /api/v1/products?...&facets=1 (issue #23): the facets' shape and counts, the new filters
in_stock=1 and expo=1, and bad values refused with the API's error shape; without facets=1 the
answer is what it always was (CONTRACT.md)."""

import pytest

from marketplace.api.openapi import build_spec
from marketplace.catalog.search import SearchParams
from marketplace.extensions import db
from tests.facets_seed import brute_force, seed_facets, truth


@pytest.fixture
def shops(app):
    made = seed_facets()
    db.session.remove()
    return made


def listing(api, query: str, status: int = 200) -> dict:
    response = api.get("/products?" + query)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def test_without_facets_the_answer_is_unchanged(api, shops):
    for query in ("", "facets=0", "facets=false", "sector=fesyen&in_stock=1", "q=batik&expo=1"):
        assert set(listing(api, query)) == {"items", "total", "page", "per_page", "suggestion"}, query


def test_facets_shape(api, shops):
    facets = listing(api, "facets=1&sector=fesyen")["facets"]
    assert set(facets) == {"sector", "category", "city", "price", "in_stock", "expo"}
    for name in ("sector", "category", "city"):
        assert facets[name], name
        for choice in facets[name]:
            assert set(choice) == {"value", "label", "count", "chosen"}
            assert isinstance(choice["count"], int) and choice["count"] >= 0
    assert [c["value"] for c in facets["sector"] if c["chosen"]] == ["fesyen"]
    assert any(c["value"] == "fesyen" and c["label"] == "Fesyen & Tekstil" for c in facets["sector"])
    assert [(b["min"], b["max"]) for b in facets["price"]] == [
        (0, 24_999),
        (25_000, 49_999),
        (50_000, 99_999),
        (100_000, 249_999),
        (250_000, 999_999),
        (1_000_000, None),
    ]
    assert not any(b["chosen"] for b in facets["price"])
    chosen = listing(api, "facets=1&min_price=25000&max_price=49999")["facets"]["price"]
    assert [b["chosen"] for b in chosen] == [False, True, False, False, False, False]
    assert set(facets["price"][0]) == {"min", "max", "label", "count", "chosen"}
    assert set(facets["in_stock"]) == {"count"} and set(facets["expo"]) == {"count"}


@pytest.mark.parametrize(
    "query, params",
    [
        ("facets=1", {}),
        ("facets=true&city=kota%20tegal&in_stock=1", {"city": "kota tegal", "in_stock": True}),
        ("facets=1&expo=1&category=batik", {"expo": True, "category": "batik"}),
        ("facets=1&sector=kuliner&max_price=99999&expo=true", {"sector": "kuliner", "max_price": 99_999, "expo": True}),
    ],
)
def test_facet_counts_and_totals_match_a_count_in_python(api, shops, query, params):
    body = listing(api, query)
    expected = brute_force(truth(), SearchParams(**params))
    assert body["total"] == expected["total"]
    facets = body["facets"]
    for name in ("sector", "category", "city"):
        assert {c["value"]: c["count"] for c in facets[name] if c["count"]} == expected[name], name
    assert {i: b["count"] for i, b in enumerate(facets["price"]) if b["count"]} == expected["price"]
    assert facets["in_stock"]["count"] == expected["in_stock"]
    assert facets["expo"]["count"] == expected["expo"]


def test_a_band_is_min_and_max_price(api, shops):
    facets = listing(api, "facets=1")["facets"]
    for band in facets["price"]:
        query = f"min_price={band['min']}" + (f"&max_price={band['max']}" if band["max"] is not None else "")
        assert listing(api, query)["total"] == band["count"], band


def test_in_stock_and_expo_filter_the_items(api, shops):
    rows = {r.id: r for r in truth()}
    items = listing(api, "in_stock=1&per_page=100")["items"]
    assert items and all(rows[i["id"]].in_stock for i in items)
    items = listing(api, "expo=1&per_page=100")["items"]
    assert items and all(rows[i["id"]].expo for i in items)


def test_english_labels(api, shops):
    """Labels are made once per language (facets.PriceBand.label): each language gets its own."""
    before = api.get("/products?facets=1&lang=id").get_json()["facets"]
    assert before["price"][0]["label"] == "< Rp 25 rb"
    facets = api.get("/products?facets=1&lang=en").get_json()["facets"]
    assert any(c["value"] == "fesyen" and c["label"] == "Fashion & Textiles" for c in facets["sector"])
    assert [b["label"] for b in facets["price"]] == [
        "< Rp 25k",
        "Rp 25–50k",
        "Rp 50–100k",
        "Rp 100–250k",
        "Rp 250k–1m",
        "> Rp 1m",
    ]
    after = api.get("/products?facets=1&lang=id").get_json()["facets"]
    assert [b["label"] for b in after["price"]][-2:] == ["Rp 250 rb–1 jt", "> Rp 1 jt"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("facets=yes", "facets"),
        ("facets=2", "facets"),
        ("in_stock=ya", "in_stock"),
        ("in_stock=TRUE", "in_stock"),
        ("expo=apik-banget", "expo"),
        ("expo=1&facets=1&in_stock=-1", "in_stock"),
    ],
)
def test_bad_switch_values_are_a_422_naming_the_field(api, shops, query, field):
    body = listing(api, query, status=422)
    assert body["error"]["code"] and field in body["error"]["fields"]


def test_the_document_names_the_new_parameters_and_the_facets(app):
    spec = build_spec()
    operation = spec["paths"]["/api/v1/products"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    for name in ("in_stock", "expo", "facets"):
        assert params[name]["schema"]["enum"] == ["0", "false", "1", "true"], name
    assert "Facets" in spec["components"]["schemas"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ProductPageWithFacets"}
