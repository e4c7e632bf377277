"""Running an expo: create it in WIB, banner, zones, exhibitors with booths; the
public hall by zone with its countdown, LIVE badge and ending; the expo badge
on the exhibitors' products while the expo runs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.agency_support import gen_people, login, text, wib
from tests.factories import gen_product, gen_store, image_bytes

OPENS = wib(2026, 12, 1, 8, 0)


@pytest.fixture
def people(app):
    return gen_people()


@pytest.fixture
def officer(client, people):
    login(client, people["agency"].email)
    return people


def create_in_console(client, **fields):
    data = {
        "name": "Apik Banget Virtual Expo 2026",
        "slug": "apik-2026",
        "starts_at": "2026-12-01T08:00",
        "ends_at": "2026-12-14T21:00",
        "description": "Pameran virtual IKM Kota Tegal.",
        "zones": "Kuliner\nFesyen & Tekstil\nKriya\nMinuman & Herbal\nLogam & Furnitur",
        **fields,
    }
    return client.post("/agency/expos", data=data)


def test_officer_creates_an_expo_in_jakarta_time_with_five_zones(client, officer):
    response = create_in_console(client)
    assert response.status_code == 302 and response.headers["Location"] == "/agency/expos/apik-2026"
    db.session.rollback()
    fair = expo.get_expo("apik-2026")
    assert fair.starts_at == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08.00 WIB
    assert fair.ends_at == datetime(2026, 12, 14, 14, 0, tzinfo=UTC)
    assert [(z.slug, z.name) for z in expo.zones_of(fair)] == [
        ("kuliner", "Kuliner"),
        ("fesyen-tekstil", "Fesyen & Tekstil"),
        ("kriya", "Kriya"),
        ("minuman-herbal", "Minuman & Herbal"),
        ("logam-furnitur", "Logam & Furnitur"),
    ]
    page = text(client.get("/agency/expos/apik-2026"))
    assert 'value="2026-12-01T08:00"' in page and "Logam & Furnitur" in page


def test_bad_expo_fields_are_shown_next_to_them(client, officer):
    response = create_in_console(client, name="", starts_at="kemarin", ends_at="2026-11-01T08:00")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="starts_at-error"' in body
    backwards = create_in_console(client, ends_at="2026-11-30T08:00")
    assert backwards.status_code == 422 and "Tanggal selesai harus setelah tanggal mulai." in text(backwards)
    create_in_console(client)
    taken = create_in_console(client)
    assert taken.status_code == 409 and "Slug expo sudah dipakai." in text(taken)


def test_officer_edits_dates_uploads_a_banner_and_orders_zones(client, officer):
    create_in_console(client)
    edited = client.post(
        "/agency/expos/apik-2026",
        data={
            "name": "Apik Banget 2026",
            "starts_at": "2026-12-02T09:00",
            "ends_at": "2026-12-15T21:00",
            "description": "Diperpanjang.",
        },
    )
    assert edited.status_code == 302
    banner = client.post(
        "/agency/expos/apik-2026/banner",
        data={"banner": (image_bytes("PNG", (1600, 500)), "b.png")},
        content_type="multipart/form-data",
    )
    assert banner.status_code == 302
    not_image = client.post(
        "/agency/expos/apik-2026/banner", data={"banner": (image_bytes("PNG"), "")}, content_type="multipart/form-data"
    )
    assert not_image.status_code == 422
    client.post("/agency/expos/apik-2026/zones/kriya/up")
    client.post("/agency/expos/apik-2026/zones/kuliner/down")
    client.post("/agency/expos/apik-2026/zones/logam-furnitur/rename", data={"zone_name": "Logam, Mebel & Furnitur"})
    client.post("/agency/expos/apik-2026/zones", data={"zone_name": "Kosmetik"})
    client.post("/agency/expos/apik-2026/zones/kosmetik/remove")
    db.session.rollback()
    fair = expo.get_expo("apik-2026")
    assert fair.name == "Apik Banget 2026" and fair.starts_at == wib(2026, 12, 2, 9, 0)
    assert fair.banner and fair.banner.startswith("banners/")
    assert [z.slug for z in expo.zones_of(fair)] == [
        "kriya",
        "kuliner",
        "fesyen-tekstil",
        "minuman-herbal",
        "logam-furnitur",
    ]
    assert expo.zones_of(fair)[-1].name == "Logam, Mebel & Furnitur"


def test_exhibitors_get_a_booth_and_a_zone(client, officer):
    create_in_console(client)
    gen_store(name="Tahu Aci Murni", sector="kuliner")
    added = client.post(
        "/agency/expos/apik-2026/exhibitors", data={"store": "tahu-aci-murni", "booth": "K-01", "zone": "kuliner"}
    )
    assert added.status_code == 302
    taken = client.post(
        "/agency/expos/apik-2026/exhibitors", data={"store": "batik-sari", "booth": "k-01", "zone": "fesyen-tekstil"}
    )
    assert taken.status_code == 409 and "Stan ini sudah dipakai." in text(taken)
    wrong_zone = client.post(
        "/agency/expos/apik-2026/exhibitors", data={"store": "batik-sari", "booth": "F-01", "zone": "tidak-ada"}
    )
    assert wrong_zone.status_code == 422 and "Pilih salah satu zona expo" in text(wrong_zone)
    client.post(
        "/agency/expos/apik-2026/exhibitors", data={"store": "batik-sari", "booth": "F-01", "zone": "fesyen-tekstil"}
    )
    again = client.post("/agency/expos/apik-2026/exhibitors", data={"store": "batik-sari", "booth": "F-02"})
    assert again.status_code == 409

    client.post("/agency/expos/apik-2026/exhibitors/batik-sari/update", data={"booth": "F-09", "zone": "kriya"})
    used = client.post("/agency/expos/apik-2026/zones/kriya/remove")
    assert "masih berisi 1 peserta" in text(client.get(used.headers["Location"]))
    db.session.rollback()
    rows = {e.store.slug: (e.booth, e.zone) for e in expo.exhibitors_for_console(expo.get_expo("apik-2026"))}
    assert rows == {"tahu-aci-murni": ("K-01", "kuliner"), "batik-sari": ("F-09", "kriya")}

    client.post("/agency/expos/apik-2026/exhibitors/batik-sari/remove")
    db.session.rollback()
    assert expo.exhibitor_store_ids("apik-2026") == [stores.get_store("tahu-aci-murni").id]


# --- the public hall ------------------------------------------------------------------


@pytest.fixture
def hall(people):
    fair = expo.create_expo(
        people["agency"],
        "apik",
        "Apik Banget Virtual Expo",
        OPENS,
        OPENS + timedelta(days=13),
        "Pameran virtual IKM Kota Tegal.",
        zones=["Kuliner", "Fesyen & Tekstil", "Kriya", "Minuman & Herbal", "Logam & Furnitur"],
    )
    tahu = gen_store(name="Tahu Aci Murni", sector="kuliner")
    expo.add_exhibitor(None, fair, tahu, booth="K-01", zone="kuliner")
    expo.add_exhibitor(None, fair, people["store"], booth="F-01", zone="Fesyen & Tekstil")  # by name
    expo.set_banner(None, fair, image_bytes("JPEG", (1600, 500)))
    db.session.commit()
    return fair


def test_the_hall_shows_every_zone_in_order_with_its_booths(client, hall):
    with time_machine.travel(OPENS + timedelta(hours=2), tick=False):
        page = text(client.get("/expo/apik"))
    assert "LIVE" in page and "2 stan di 5 zona" in page
    positions = [
        page.index(f'id="zona-{slug}"')
        for slug in ("kuliner", "fesyen-tekstil", "kriya", "minuman-herbal", "logam-furnitur")
    ]
    assert positions == sorted(positions)
    assert page.index("Stan K-01") < page.index('id="zona-fesyen-tekstil"') < page.index("Stan F-01")
    assert 'href="#zona-kriya"' in page and "Belum ada stan di zona ini." in page
    assert 'class="expo-banner"' in page and "/media/banners/" in page


def test_the_hall_escapes_what_sellers_typed(client, hall):
    """The booths are HTML made in Python (expo/views.py, BOOTH): a store's name and city and a
    booth's number show as typed and never as markup, in the link too."""
    sly = gen_store(name='Kue <b>"Enak"</b> & Co', sector="kuliner", city="Tegal <i>Kota</i>")
    expo.add_exhibitor(None, hall, sly, booth="K&<2>", zone="kuliner")
    db.session.commit()
    with time_machine.travel(OPENS + timedelta(hours=2), tick=False):
        raw = client.get("/expo/apik").get_data(as_text=True)
    assert '<b>"Enak"' not in raw and "<i>Kota" not in raw and "<2>" not in raw
    assert "Kue &lt;b&gt;&quot;Enak&quot;&lt;/b&gt; &amp; Co" in raw and "Tegal &lt;i&gt;Kota&lt;/i&gt;" in raw
    assert "Stan K&amp;&lt;2&gt;" in raw and 'href="/expo/apik/booths/K&amp;%3C2%3E"' in raw
    assert client.get("/expo/apik/booths/K&%3C2%3E").status_code == 200


def test_the_hall_counts_down_before_and_says_the_stores_keep_selling_after(client, hall):
    with time_machine.travel(OPENS - timedelta(days=2), tick=False):
        before = text(client.get("/expo/apik"))
    assert "Dibuka dalam 2 hari" in before and "data-countdown" in before and "js/countdown.js" in before
    with time_machine.travel(OPENS + timedelta(days=20), tick=False):
        after = text(client.get("/expo/apik"))
    assert "Expo telah berakhir — toko tetap berjualan" in after and "Stan F-01" in after
    assert "countdown.js" not in after


def test_exhibitors_products_carry_the_expo_badge_while_it_runs(client, hall, people):
    batik = gen_product(people["store"], "Batik Tulis Motif Tegalan")
    other = gen_product(gen_store(name="Bukan Peserta"), "Batik Cap Biasa")
    with time_machine.travel(OPENS + timedelta(hours=2), tick=False):
        listing = client.get("/search?q=batik").get_data(as_text=True)
        assert _badged(listing) == ["Batik Tulis Motif Tegalan"]
        assert "Peserta Expo" in text(client.get(f"/products/{batik.id}"))
        assert "Peserta Expo" not in text(client.get(f"/products/{other.id}"))
    with time_machine.travel(OPENS + timedelta(days=20), tick=False):
        assert _badged(client.get("/search?q=batik").get_data(as_text=True)) == []
        assert "Peserta Expo" not in text(client.get(f"/products/{batik.id}"))


def _badged(html: str) -> list[str]:
    cards = re.findall(r'<article class="card">.*?</article>', html, re.S)
    return [re.search(r'<h3 class="name">([^<]*)</h3>', c).group(1) for c in cards if "badge expo" in c]


def test_the_badge_costs_one_statement_per_page(client, count_queries, hall, people):
    for i in range(6):
        gen_product(people["store"], f"Batik Motif {i}")
    db.session.remove()
    with time_machine.travel(OPENS + timedelta(hours=2), tick=False):
        with count_queries() as q:
            client.get("/search?q=batik")
    assert sum("exhibitors" in s.lower() for s in q.statements) == 1


def test_migration_0005_names_the_zones_exhibitors_already_use(tmp_path):
    """Before 0005 an exhibitor's zone was a sector slug: the upgrade makes each one a zone, in the sectors' order."""
    from flask_migrate import upgrade
    from sqlalchemy import text as sql

    from marketplace import create_app

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite'}",
            "TESTING": True,
            "MARKETPLACE_PLUGINS": "",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        upgrade(revision="0004")
        stamp = "2026-01-01 00:00:00"
        db.session.execute(
            sql(
                "INSERT INTO expos (id, slug, name, description, starts_at, ends_at, created_at) "
                "VALUES (1, 'apik', 'Apik', '', :t, :t, :t)"
            ),
            {"t": stamp},
        )
        for i, zone in enumerate(("kriya", "kuliner", "kuliner", "fesyen")):
            db.session.execute(
                sql(
                    "INSERT INTO stores (id, slug, name, description, city, address, sector, status, "
                    "allow_agency_assist, created_at, updated_at) VALUES (:i, :s, :s, '', '', '', :z, "
                    "'approved', 0, :t, :t)"
                ),
                {"i": i + 1, "s": f"toko-{i}", "z": zone, "t": stamp},
            )
            db.session.execute(
                sql("INSERT INTO exhibitors (expo_id, store_id, booth, zone, rank) VALUES (1, :i, '', :z, :i)"),
                {"i": i + 1, "z": zone},
            )
        db.session.commit()
        upgrade()
        zones = db.session.execute(sql("SELECT slug, name, position FROM expo_zones ORDER BY position")).all()
        db.engine.dispose()
    assert [tuple(z) for z in zones] == [
        ("kuliner", "Kuliner", 0),
        ("fesyen", "Fesyen & Tekstil", 1),
        ("kriya", "Kriya", 2),
    ]
