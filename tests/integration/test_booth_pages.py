"""The public booth page (/expo/<slug>/booths/<booth>), the hall's and the storefront's links to it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from marketplace.clock import now
from marketplace.expo import booths
from marketplace.expo import services as expos
from marketplace.expo.models import ExpoSession
from marketplace.extensions import db
from marketplace.stores import presence
from tests.agency_support import text
from tests.factories import gen_product, gen_store, gen_user

# Wednesday 2 December 2026, 10:00 WIB (03:00 UTC)
WEDNESDAY_10_WIB = "2026-12-02 03:00:00+00:00"


@pytest.fixture
def fair(app):
    officer = gen_user("petugas@disnakerin.test", role="agency")
    start = now() - timedelta(days=1)
    expo = expos.create_expo(officer, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=400))
    expos.add_zone(officer, expo, "Kuliner", slug="kuliner")
    expos.add_zone(officer, expo, "Fesyen", slug="fesyen")
    sari = gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari", whatsapp="081234567890")
    kopi = gen_store(gen_user("kopi@test.id", role="seller"), name="Kopi Tegal", sector="kuliner")
    sari_booth = expos.add_exhibitor(officer, expo, sari, booth="K-01", zone="fesyen")
    expos.add_exhibitor(officer, expo, kopi, booth="", zone="kuliner")
    db.session.commit()
    return {"officer": officer, "expo": expo, "sari": sari, "kopi": kopi, "booth": sari_booth}


@pytest.fixture
def stocked(fair):
    first = gen_product(fair["sari"], name="Batik Tulis Kawung")
    second = gen_product(fair["sari"], name="Selendang Sutra")
    third = gen_product(fair["sari"], name="Kemeja Batik Tegalan")
    gen_product(fair["sari"], name="Draf Rahasia", status="draft")
    booths.set_pins(fair["booth"], None, [first.id])
    db.session.commit()
    return first, second, third


def test_the_booth_page_is_found_by_its_number_in_any_case(client, fair, stocked):
    page = client.get("/expo/apik-banget/booths/K-01")

    assert page.status_code == 200
    html = text(page)
    assert "Batik Sari" in html and "Stan K-01" in html
    assert 'href="/expo/apik-banget#zona-fesyen"' in html
    assert 'href="/stores/batik-sari"' in html  # "Lihat toko"
    lower = client.get("/expo/apik-banget/booths/k-01")
    assert lower.status_code == 301 and lower.headers["Location"].endswith("/expo/apik-banget/booths/K-01")


def test_an_exhibitor_without_a_number_is_reached_by_its_store_slug(client, fair):
    page = client.get("/expo/apik-banget/booths/kopi-tegal")

    assert page.status_code == 200
    assert "Kopi Tegal" in text(page)
    numbered = client.get("/expo/apik-banget/booths/batik-sari")  # a numbered booth has one address
    assert numbered.status_code == 301 and numbered.headers["Location"].endswith("/booths/K-01")


def test_unknown_expo_booth_or_a_store_not_selling_is_404(client, fair):
    assert client.get("/expo/tidak-ada/booths/K-01").status_code == 404
    assert client.get("/expo/apik-banget/booths/Z-99").status_code == 404
    pending = gen_store(name="Toko Baru", approved=False)
    expos.add_exhibitor(fair["officer"], fair["expo"], pending, booth="K-09", zone="fesyen")
    db.session.commit()
    assert client.get("/expo/apik-banget/booths/K-09").status_code == 404
    assert client.get("/expo/apik-banget/booths/toko-baru").status_code == 404


def test_pinned_products_come_first_and_drafts_never(client, fair, stocked):
    first, second, third = stocked
    html = text(client.get("/expo/apik-banget/booths/K-01"))

    assert "Produk unggulan" in html and "Draf Rahasia" not in html
    positions = [html.index(p.name) for p in (first, third, second)]
    assert positions == sorted(positions)  # the pin, then the newest first


def test_opening_hours_are_read_in_wib_at_a_frozen_clock(client, fair):
    exhibitor = fair["booth"]
    hours = {"3": {"closed": False, "open": "08:00", "close": "17:00"}}
    booths.update_booth(exhibitor, None, "Batik tulis asli Tegal", "", hours)
    db.session.commit()
    with time_machine.travel(WEDNESDAY_10_WIB, tick=False):
        html = text(client.get("/expo/apik-banget/booths/K-01"))
    assert "Buka sekarang" in html and "Rabu" in html and "08:00–17:00" in html
    with time_machine.travel("2026-12-02 11:00:00+00:00", tick=False):  # 18:00 WIB
        html = text(client.get("/expo/apik-banget/booths/K-01"))
    assert 'id="booth-open">Tutup' in html


def test_online_when_a_member_used_the_seller_pages_in_the_last_five_minutes(client, fair):
    with time_machine.travel(WEDNESDAY_10_WIB, tick=False):
        presence.seen(fair["sari"].owner_id)
    with time_machine.travel("2026-12-02 03:04:00+00:00", tick=False):
        assert 'id="booth-online">Online' in text(client.get("/expo/apik-banget/booths/K-01"))
    with time_machine.travel("2026-12-02 03:06:00+00:00", tick=False):
        assert 'id="booth-online">Sedang tidak online' in text(client.get("/expo/apik-banget/booths/K-01"))


def test_the_sessions_held_at_the_booth_are_listed(client, fair):
    start = now() + timedelta(hours=2)
    db.session.add(
        ExpoSession(
            expo_id=fair["expo"].id,
            kind="demo",
            title="Demo membatik canting",
            speaker="Bu Sari",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            exhibitor_id=fair["booth"].id,
        )
    )
    db.session.commit()
    html = text(client.get("/expo/apik-banget/booths/K-01"))
    assert "Acara di stan ini" in html and "Demo membatik canting" in html and "Bu Sari" in html


def test_the_whatsapp_button_names_the_booth_and_carries_the_beacon_attributes(client, fair):
    html = client.get("/expo/apik-banget/booths/K-01").get_data(as_text=True)

    assert "https://wa.me/6281234567890?text=" in html
    assert 'data-beacon="whatsapp" data-store="batik-sari" data-expo="apik-banget"' in html
    assert "Stan%20K-01" in html and "Apik%20Banget%20Virtual%20Expo" in html


def test_the_video_loads_on_a_tap_and_only_its_host_may_be_framed(client, fair):
    before = client.get("/expo/apik-banget/booths/K-01")
    assert "frame-src" not in before.headers["Content-Security-Policy"]  # no video: the default policy
    booths.update_booth(fair["booth"], None, "", "https://youtu.be/dQw4w9WgXcQ", {})
    db.session.commit()
    page = client.get("/expo/apik-banget/booths/K-01")
    html = text(page)
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert "<iframe" not in html and "js/video.js" in html  # the player comes only when tapped
    policy = page.headers["Content-Security-Policy"]
    assert "frame-src 'self' https://www.youtube-nocookie.com" in policy and "https://i.ytimg.com" in policy


def test_the_page_has_a_canonical_link_and_share_tags(client, fair):
    html = text(client.get("/expo/apik-banget/booths/K-01"))
    assert '<link rel="canonical" href="' in html and "/expo/apik-banget/booths/K-01" in html
    assert 'property="og:title" content="Batik Sari di Apik Banget Virtual Expo"' in html


def test_the_page_runs_a_fixed_number_of_statements(app, client, fair, stocked, count_queries):
    """expo + zones, the booth with its store, the cards (photos in their listing rows), online,
    the sessions: 5, however many products are pinned. The expo badge's statement ran at the
    first render and is remembered until an expo opens or closes (a product's change keeps it)."""
    app.config["PAGE_CACHE"] = False
    client.get("/expo/apik-banget/booths/K-01")
    with count_queries() as q:
        assert client.get("/expo/apik-banget/booths/K-01").status_code == 200
    assert q.count == 5, q.statements
    for i in range(4):
        gen_product(fair["sari"], name=f"Produk {i}")
    with count_queries() as q:
        client.get("/expo/apik-banget/booths/K-01")
    assert q.count == 5


def test_the_hall_cards_link_to_the_booth_pages(client, fair):
    html = client.get("/expo/apik-banget").get_data(as_text=True)
    assert 'href="/expo/apik-banget/booths/K-01"' in html
    assert 'href="/expo/apik-banget/booths/kopi-tegal"' in html


def test_the_storefront_links_its_booths_and_the_ended_ones_as_past(client, fair):
    officer = fair["officer"]
    old = expos.create_expo(officer, "expo-lama", "Expo Lama", now() - timedelta(days=30), now() - timedelta(days=28))
    expos.add_exhibitor(officer, old, fair["sari"], booth="A-7")
    db.session.commit()
    html = text(client.get("/stores/batik-sari"))

    assert "Stan di Apik Banget Virtual Expo: K-01" in html
    assert 'href="/expo/apik-banget/booths/K-01"' in html
    assert "Pernah ikut" in html and 'href="/expo-lama/booths/A-7"' not in html
    assert 'href="/expo/expo-lama/booths/A-7"' in html
    assert html.index("Apik Banget Virtual Expo: K-01") < html.index("Pernah ikut")


def test_the_page_speaks_english_when_asked(client, fair):
    booths.update_booth(fair["booth"], None, "", "", {"3": {"closed": False, "open": "08:00", "close": "17:00"}})
    db.session.commit()
    with time_machine.travel(WEDNESDAY_10_WIB, tick=False):
        html = text(client.get("/expo/apik-banget/booths/K-01?lang=en"))
    assert "Open now" in html and "Wednesday" in html and "View store" in html and "Booth K-01" in html


def test_a_zone_the_expo_does_not_define_is_named_by_its_sector(client, fair):
    officer = fair["officer"]
    plain = expos.create_expo(officer, "expo-polos", "Expo Polos", now() - timedelta(days=1), now() + timedelta(days=3))
    expos.add_exhibitor(officer, plain, fair["kopi"], booth="C-3")
    db.session.commit()
    html = text(client.get("/expo/expo-polos/booths/C-3"))
    assert 'href="/expo/expo-polos#zona-kuliner"' in html and "Zona Kuliner" in html
