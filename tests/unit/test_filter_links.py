"""The filter sheet's links (catalog/filter_links.py): one order of parameters whatever the
request's, only values the page accepted, each link changing one thing."""

from marketplace.catalog.facets import Facets
from marketplace.catalog.filter_links import current_args, filter_sheet, href
from marketplace.catalog.search import parse_search_args


def test_links_keep_the_accepted_filters_in_one_order(app):
    params, errors = parse_search_args(
        {"sort": "price_asc", "in_stock": "1", "city": "Kota Tegal", "q": "teh poci", "sector": "mars", "page": "3"}
    )
    assert errors == {"sector": "Sektor tidak dikenal."}
    args = current_args(params)
    assert list(args) == ["q", "city", "in_stock", "sort"]  # no page, no refused sector
    assert href("/search", args, city=None) == "/search?q=teh+poci&in_stock=1&sort=price_asc"
    assert href("/search", args, sector="kuliner").startswith("/search?q=teh+poci&sector=kuliner&city=Kota+Tegal")
    assert href("/search", {}) == "/search"


def test_a_fixed_facet_is_the_pages_own_and_not_a_parameter(app):
    params, _errors = parse_search_args({"city": "Slawi"})
    params.sector = "kuliner"
    assert current_args(params, fixed=("sector",)) == {"city": "Slawi"}


def test_the_chosen_chips_and_clear_all(app):
    params, _errors = parse_search_args({"q": "batik", "min_price": "10.000", "max_price": "90000", "expo": "true"})
    sheet = filter_sheet("/search", params, Facets(("price", "in_stock", "expo")), {})
    assert [(c.label, c.href) for c in sheet.chosen] == [
        ("Rp 10.000 – Rp 90.000", "/search?q=batik&expo=1"),
        ("Peserta Expo", "/search?q=batik&min_price=10000&max_price=90000"),
    ]
    assert sheet.clear == "/search?q=batik"
    assert sheet.sort_links["price_desc"] == "/search?q=batik&min_price=10000&max_price=90000&expo=1&sort=price_desc"
