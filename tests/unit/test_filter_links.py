"""The filter sheet's links (catalog/filter_links.py): one order of parameters whatever the
request's, only values the page accepted, each link changing one thing; each link's HTML."""

from urllib.parse import urlencode

import pytest
from flask import render_template_string

from marketplace.catalog.facets import Facets
from marketplace.catalog.filter_links import ORDER, Hrefs, Link, current_args, filter_sheet, href
from marketplace.catalog.search import parse_search_args

# The macro listing.html rendered every facet link with before Link.__html__ replaced it.
OLD_FACET_LINK = (
    '{% macro facet_link(link) %}<a href="{{ link.href }}"{% if link.on %} class="on" aria-current="true"{% endif %}>'
    '{{ link.label }}{% if link.count is not none %} <span class="n">{{ link.count }}</span>{% endif %}'
    '{% if link.on %} <span aria-hidden="true">×</span>{% endif %}</a>{% endmacro %}{{ facet_link(link) }}'
)


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


@pytest.mark.parametrize("count", [None, 0, 7, 12345])
@pytest.mark.parametrize("on", [False, True])
def test_a_facet_link_renders_as_the_old_macro_did(app, count, on):
    link = Link('<Kopi & "Teh"> O\'Nasi', "/search?q=a%26b&city=<x>&sort='new'", count, on)
    with app.test_request_context("/search"):
        old = render_template_string(OLD_FACET_LINK, link=link)
        new = render_template_string("{{ link }}", link=link)
    assert new == old
    assert "&lt;Kopi &amp; &#34;Teh&#34;&gt; O&#39;Nasi" in new and "city=&lt;x&gt;" in new
    assert ('class="on"' in new) is on and ('<span class="n">' in new) is (count is not None)


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"q": "teh poci", "city": "Kota Tegal", "in_stock": "1", "sort": "price_asc"},
        {"q": "a&b=c/ä+%", "expo": "1"},
    ],
)
def test_a_sheets_links_are_what_urlencode_writes(args):
    hrefs = Hrefs("/sectors/kuliner", args)
    changes = [
        {},
        {"city": "Slawi"},
        {"city": None},
        {"city": ""},
        {"q": "<kopi> & teh"},
        {"min_price": 0, "max_price": 24999},
        {"min_price": 1000000, "max_price": None},
        {"min_price": None, "max_price": None},
        {"in_stock": "1", "expo": None},
        {"sort": "newest"},
        dict.fromkeys(ORDER),
    ]
    for change in changes:
        assert hrefs(**change) == _urlencoded("/sectors/kuliner", args, **change)
        assert href("/sectors/kuliner", args, **change) == hrefs(**change)


def _urlencoded(base: str, args: dict[str, str], **changes: object) -> str:
    """The links as they were built before ``Hrefs``: every pair merged and urlencoded."""
    merged: dict[str, object] = {**args, **changes}
    pairs = [(name, str(merged[name])) for name in ORDER if merged.get(name) not in (None, "")]
    return base + ("?" + urlencode(pairs) if pairs else "")
