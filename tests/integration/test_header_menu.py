"""The header on every role's pages: one compact row with the cart and a menu that is a
<details> (it opens without JavaScript), the role's links grouped under headings; and where
each role lands after signing in (issue #20)."""

from __future__ import annotations

import re

import pytest
from flask import render_template_string

from marketplace import nav, plugin_api
from marketplace.plugin_api import hookimpl
from tests.factories import PASSWORD, gen_store, gen_user

ALL_PLUGINS = "bank_transfer,esmart_sync,insurance,shipping_table"


@pytest.fixture
def full_app(make_app):
    return make_app(plugins=ALL_PLUGINS)


def header(client, email=None, url="/cart"):
    if email:
        client.post("/login", data={"email": email, "password": PASSWORD})
    html = client.get(url).get_data(as_text=True)
    if email:
        client.post("/logout")
    return html[html.index("<header") : html.index("</header>")]


def menu(html: str) -> str:
    """The inside of the header's <details> menu."""
    found = re.search(r'<details class="account-menu">(.*?)</details>', html, re.S)
    assert found, "the menu is a <details class=account-menu>"
    return found.group(1)


def headings(html: str) -> list[str]:
    return re.findall(r'<p class="menu-heading"[^>]*>([^<]+)</p>', menu(html))


def test_anonymous_visitors_see_sign_in_and_sign_up_and_no_account_links(full_app):
    html = header(full_app.test_client())
    assert ">Masuk</a>" in html and ">Daftar</a>" in html
    assert "<summary>" in menu(html) and "Keluar" not in html and headings(html) == []
    assert 'href="?lang=en"' in menu(html)


def test_the_sign_in_link_brings_the_shopper_back_to_the_page_they_were_on(full_app):
    html = header(full_app.test_client(), url="/search?q=batik")
    assert 'href="/login?next=/search?q%3Dbatik"' in html


def test_a_shopper_sees_shopping_and_account_sections(full_app):
    with full_app.app_context():
        gen_user("pembeli@test.id")
    html = header(full_app.test_client(), "pembeli@test.id")
    assert headings(html) == ["Belanja", "Akun"]
    inside = menu(html)
    assert 'href="/orders"' in inside and "Proteksi pesanan" in inside and 'href="/account"' in inside
    assert 'href="/account/refunds"' in inside  # the shopper's own refunds
    assert '<button class="menu-button" type="submit">Keluar</button>' in inside
    assert "Konsol Dinas" not in inside and "Toko Saya" not in inside


def test_a_seller_sees_its_store_section(full_app):
    with full_app.app_context():
        gen_store(gen_user("penjual@test.id", role="seller"), name="Batik Sari")
    inside = menu(header(full_app.test_client(), "penjual@test.id"))
    assert headings(f'<details class="account-menu">{inside}</details>')[:2] == ["Belanja", "Toko"]
    store = inside[inside.index('id="menu-store"') : inside.index('id="menu-account"')]
    for label in ("Toko Saya", "Pesanan Masuk", "Komplain", "Asuransi", "Tarif ongkir toko"):
        assert f">{label}</a>" in store, label
    assert "Konsol Dinas" not in inside


@pytest.mark.parametrize("role", ["agency", "admin"])
def test_officers_see_the_agency_section_with_the_plugins_links(full_app, role):
    with full_app.app_context():
        gen_user("dinas@test.id", role=role)
    inside = menu(header(full_app.test_client(), "dinas@test.id"))
    agency = inside[inside.index('id="menu-agency"') : inside.index('id="menu-account"')]
    for label in ("Konsol Dinas", "Pencairan dana", "Pengembalian dana", "E-Smart IKM", "Konfirmasi transfer"):
        assert f">{label}</a>" in agency, label
    assert "Asuransi IKM" in agency and "Tarif ongkir" in agency


def test_an_insurer_sees_its_claims_under_its_own_heading(full_app):
    with full_app.app_context():
        gen_user("klaim@jasindo.test", role="insurer", insurer="jasindo")
    html = header(full_app.test_client(), "klaim@jasindo.test")
    assert headings(html) == ["Belanja", "Asuransi", "Akun"]
    assert 'href="/insurer/"' in menu(html)


class OldMenuPlugin:
    """A plugin written before sections existed, and one naming a section the core does not know."""

    @hookimpl
    def nav_items(self, user):
        return [{"url": "/lama", "label": "Menu lama"}, {"url": "/aneh", "label": "Aneh", "section": "x"}]


def test_links_without_a_known_section_go_under_a_generic_heading(app):
    plugin_api.register(app, OldMenuPlugin(), "old_menu")
    gen_user("pembeli@test.id")
    html = header(app.test_client(), "pembeli@test.id")
    assert headings(html) == ["Belanja", "Lainnya", "Akun"]
    other = menu(html)[menu(html).index('id="menu-other"') : menu(html).index('id="menu-account"')]
    assert 'href="/lama"' in other and 'href="/aneh"' in other


def test_group_keeps_hook_order_inside_a_section_and_section_order_between(app):
    items = [
        {"url": "/a", "label": "A", "section": "agency"},
        {"url": "/b", "label": "B", "section": "shop"},
        {"url": "/c", "label": "C", "section": "agency"},
    ]
    grouped = nav.group(items)
    assert [(s.key, [i["url"] for i in s.items]) for s in grouped] == [
        ("shop", ["/b"]),
        ("agency", ["/a", "/c"]),
        ("account", []),
    ]


def test_the_menu_opens_without_javascript(app):
    """A <details> with a <summary>: the browser opens it with no script; the script is a static file."""
    with app.test_request_context("/"):
        page = render_template_string('{% extends "base.html" %}')
    assert '<details class="account-menu">' in page and "<summary>" in page
    assert re.search(r'<script src="/static/js/menu.js[^"]*" defer></script>', page)
    assert "<script>" not in page


# --- where each role lands after signing in -------------------------------------------


def sign_in(client, email, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("role", "extra", "landing"),
    [
        ("shopper", {}, "/"),
        ("seller", {}, "/seller/"),
        ("agency", {}, "/agency/"),
        ("admin", {}, "/agency/"),
        ("insurer", {"insurer": "jasindo"}, "/insurer/"),
    ],
)
def test_each_role_lands_where_it_works(full_app, role, extra, landing):
    with full_app.app_context():
        gen_user("orang@test.id", role=role, **extra)
    client = full_app.test_client()
    response = sign_in(client, "orang@test.id")
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get("/login").headers["Location"] == landing  # already signed in


@pytest.mark.parametrize("role", ["shopper", "seller", "agency"])
def test_a_safe_next_always_wins(full_app, role):
    with full_app.app_context():
        gen_user("orang@test.id", role=role)
    response = sign_in(full_app.test_client(), "orang@test.id", "/cart")
    assert response.headers["Location"] == "/cart"


def test_an_unsafe_next_is_ignored_for_the_roles_landing(full_app):
    with full_app.app_context():
        gen_user("penjual@test.id", role="seller")
    response = sign_in(full_app.test_client(), "penjual@test.id", "https://jahat.example/")
    assert response.headers["Location"] == "/seller/"


def test_an_insurer_without_the_insurance_plugin_lands_home(app):
    gen_user("klaim@jasindo.test", role="insurer", insurer="jasindo")
    assert sign_in(app.test_client(), "klaim@jasindo.test").headers["Location"] == "/"
