"""The templates' _() reads the request's catalogue once (marketplace/i18n.py ``translations``)
and still follows every change of language within the request."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh


def test_a_page_in_english_stays_english(app):
    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ _('Cari') }} {{ _('Keranjang') }}") == "Search Cart"


def test_mail_in_the_recipients_language_in_the_middle_of_a_request(app):
    with app.test_request_context("/?lang=en"):
        assert render_template_string("{{ _('Cari') }}") == "Search"
        with force_locale("id"):
            assert render_template_string("{{ _('Cari') }}") == "Cari"
        assert render_template_string("{{ _('Cari') }}") == "Search"


def test_a_language_chosen_during_the_request_shows_at_once(app):
    from flask import session

    with app.test_request_context("/"):
        assert render_template_string("{{ _('Cari') }}") == "Cari"
        session["lang"] = "en"
        refresh()
        assert render_template_string("{{ _('Cari') }}") == "Search"
        plural = "{{ ngettext('Keranjang: %(num)d barang', 'Keranjang: %(num)d barang', 2) }}"
        assert render_template_string(plural) == "Cart: 2 items"


def test_a_category_is_named_in_the_pages_language_where_it_can_be(app):
    """catalog.sectors.category_name: pages (a template global), facets, the API and the store form."""
    from types import SimpleNamespace

    from marketplace.catalog.sectors import category_name

    named = SimpleNamespace(name="Kerupuk & Keripik", name_en="Crackers & Chips")
    unnamed = SimpleNamespace(name="Wingko Babat", name_en="")
    page = "{{ category_name(c) }}"
    with app.test_request_context("/?lang=en"):
        assert [category_name(named), category_name(unnamed)] == ["Crackers & Chips", "Wingko Babat"]
        assert render_template_string(page, c=named) == "Crackers &amp; Chips"
        assert category_name(named, english=False) == "Kerupuk & Keripik"
    with app.test_request_context("/"):
        refresh()  # the test's app context outlives the request's: its language with it
        assert [category_name(named), category_name(unnamed)] == ["Kerupuk & Keripik", "Wingko Babat"]
        assert category_name(unnamed, english=True) == "Wingko Babat"


def test_gettext_takes_variables_of_any_name(app):
    """marketplace.i18n.gettext, as flask_babel's: the CLI reports ``message=`` (accounts/cli.py)."""
    from marketplace.i18n import gettext

    with app.test_request_context("/?lang=en"):
        assert gettext("Cari") == "Search"
        assert gettext("Gagal: %(message)s", message="sudah ada") == "Failed: sudah ada"
        assert gettext("%(string)s dan %(variables)s", string="a", variables="b") == "a dan b"
