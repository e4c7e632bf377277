"""The expo funnel: visitors → WhatsApp taps → carts → orders per booth and zone, during and
after the expo, from known ``visit_daily`` rows and orders; the report page's section, its CSV
and the seller dashboard's booth card."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest
import time_machine

from marketplace.agency import booth_stats, funnel
from marketplace.expo import queries as expo_queries
from marketplace.expo import services as expo
from marketplace.extensions import db
from tests.agency_support import gen_people, login, order_row, seed_orders, wib
from tests.factories import gen_store, gen_user
from tests.visits_support import gen_visits

TODAY = wib(2026, 12, 5, 12)  # two days after the expo closed


@pytest.fixture
def people(app):
    return gen_people()


@pytest.fixture
def fair(people):
    """Expo "apik" 1–3 Dec 2026 with three zones: Teh Poci (Kuliner), Batik Sari (Fesyen) and a
    craft store whose name a spreadsheet would run (Kriya, no visits at all). Batik Sari is also
    at "pekan" (4–6 Dec). Visits and orders during and after."""
    apik = expo.create_expo(
        None, "apik", "Apik Banget", wib(2026, 12, 1, 8), wib(2026, 12, 3, 21), zones=["Kuliner", "Fesyen", "Kriya"]
    )
    pekan = expo.create_expo(None, "pekan", "Pekan IKM", wib(2026, 12, 4, 8), wib(2026, 12, 6, 21), zones=["Fesyen"])
    batik = people["store"]
    teh = gen_store(name="Teh Poci Mas", sector="kuliner")
    craft = gen_store(name="=SUM(A1) Gerabah", sector="kriya")
    elsewhere = gen_store(name="Toko Lain", sector="kuliner")
    expo.add_exhibitor(None, apik, teh, booth="K-01", zone="kuliner")
    expo.add_exhibitor(None, apik, batik, booth="F/01", zone="fesyen")
    expo.add_exhibitor(None, apik, craft, booth="R-01", zone="kriya")
    expo.add_exhibitor(None, pekan, batik, booth="P-01", zone="fesyen")
    db.session.commit()
    gen_visits(
        [
            ("2026-12-01", "hall", apik, 0, 100, 60),
            ("2026-12-02", "hall", apik, 0, 80, 50),
            ("2026-12-05", "hall", apik, 0, 10, 8),
            ("2026-12-05", "hall", pekan, 0, 999, 999),  # another expo's hall
            ("2026-12-01", "booth", apik, batik, 30, 20),
            ("2026-12-04", "booth", apik, batik, 5, 4),
            ("2026-12-04", "booth", pekan, batik, 9, 7),  # its booth at the other expo
            ("2026-12-02", "product", 0, batik, 12, 10),
            ("2026-12-02", "whatsapp", 0, batik, 6, 5),
            ("2026-12-04", "whatsapp", 0, batik, 2, 2),
            ("2026-12-02", "cart", 0, batik, 4, 3),
            ("2026-12-01", "booth", apik, teh, 10, 8),
            ("2026-12-02", "product", 0, elsewhere, 50, 40),  # not an exhibitor
            ("2026-11-20", "booth", apik, batik, 70, 70),  # before the period
        ]
    )
    siti, budi = people["shopper"], gen_user("budi@test.id")
    seed_orders(
        [
            order_row(batik, siti, 100_000, wib(2026, 12, 1, 9)),
            order_row(batik, budi, 50_000, wib(2026, 12, 2, 23, 30), status="shipped"),
            order_row(batik, siti, 70_000, wib(2026, 12, 3, 22)),  # after the expo closed, the same day
            order_row(batik, siti, 999_000, wib(2026, 12, 2, 10), status="cancelled"),
            order_row(teh, budi, 25_000, wib(2026, 12, 4, 10)),
            order_row(elsewhere, siti, 40_000, wib(2026, 12, 2, 10)),
        ]
    )
    return {"apik": apik, "pekan": pekan, "batik": batik, "teh": teh, "craft": craft}


def figures(steps) -> tuple:
    return (
        steps.visitors,
        steps.booth_views,
        steps.product_views,
        steps.whatsapp,
        steps.carts,
        steps.orders,
        steps.sales,
    )


def test_funnel_counts_each_step_during_and_after_the_expo(fair):
    with time_machine.travel(TODAY, tick=False):
        result = funnel.funnel_for("apik", None, None)
    assert (result.start, result.end) == (date(2026, 12, 1), date(2026, 12, 5))
    booths = {b.store: b for b in result.booths}
    batik = booths["batik-sari"]
    # during: booth 20 + product 10 daily uniques; the 3 Dec 22:00 order is after (the expo closed at 21:00)
    assert figures(batik.during) == (30, 30, 12, 6, 3, 2, 150_000)
    # after: its booth here only (not its booth at "pekan"), the store's WhatsApp taps whatever the page
    assert figures(batik.after) == (4, 5, 0, 2, 0, 1, 70_000)
    assert figures(batik.total) == (34, 35, 12, 8, 3, 3, 220_000)
    assert (batik.total.whatsapp_rate, batik.total.cart_rate, batik.total.order_rate) == (0.2353, 0.0882, 1.0)
    assert (batik.booth, batik.zone, batik.zone_name) == ("F/01", "fesyen", "Fesyen")
    teh = booths["teh-poci-mas"]
    assert figures(teh.total) == (8, 10, 0, 0, 0, 1, 25_000)
    assert (teh.total.whatsapp_rate, teh.total.order_rate) == (0.0, None)  # no carts: no base
    craft = booths[fair["craft"].slug]
    assert figures(craft.total) == (0, 0, 0, 0, 0, 0, 0)
    assert (craft.total.whatsapp_rate, craft.total.cart_rate, craft.total.order_rate) == (None, None, None)
    assert funnel.percent(craft.total.cart_rate) == "—"


def test_zones_follow_the_hall_and_sum_their_booths(fair):
    with time_machine.travel(TODAY, tick=False):
        result = funnel.funnel_for("apik", None, None)
    assert [(z.slug, z.name) for z in result.zones] == [
        ("kuliner", "Kuliner"),
        ("fesyen", "Fesyen"),
        ("kriya", "Kriya"),
    ]
    assert [b.store for b in result.booths] == ["teh-poci-mas", "batik-sari", fair["craft"].slug]
    fesyen = result.zones[1]
    assert figures(fesyen.total) == (34, 35, 12, 8, 3, 3, 220_000)
    assert figures(fesyen.during) == (30, 30, 12, 6, 3, 2, 150_000)
    assert [b.store for b in result.sorted_booths("orders")] == ["batik-sari", "teh-poci-mas", fair["craft"].slug]
    assert [z.slug for z in result.sorted_zones("visitors")] == ["fesyen", "kuliner", "kriya"]
    assert result.sorted_booths("nama") == result.booths  # not whitelisted: the hall's order


def test_hall_figures_per_day_of_the_period(fair):
    with time_machine.travel(TODAY, tick=False):
        result = funnel.funnel_for("apik", None, None)
    assert [(d.day.day, d.phase, d.views, d.visitors) for d in result.hall] == [
        (1, "during", 100, 60),
        (2, "during", 80, 50),
        (3, "during", 0, 0),
        (4, "after", 0, 0),
        (5, "after", 10, 8),
    ]
    assert (result.hall_views, result.hall_visitors) == (190, 118)


def test_a_chosen_period_limits_visits_and_orders(fair):
    with time_machine.travel(TODAY, tick=False):
        result = funnel.funnel_for("apik", "2026-12-02", "2026-12-02")
    batik = next(b for b in result.booths if b.store == "batik-sari")
    assert figures(batik.total) == (10, 0, 12, 6, 3, 1, 50_000)
    assert [d.day for d in result.hall] == [date(2026, 12, 2)]


def test_the_funnel_is_five_statements_whatever_the_number_of_booths(fair, count_queries):
    with time_machine.travel(TODAY, tick=False):
        db.session.expire_all()
        with count_queries() as few:
            funnel.funnel_for("apik", None, None)
        apik = expo_queries.expo_with_zones("apik")
        for i in range(12):
            store = gen_store(name=f"Toko Tambahan {i}", sector="kriya")
            expo.add_exhibitor(None, apik, store, booth=f"T-{i:02d}", zone="kriya")
            gen_visits([("2026-12-02", "booth", apik, store, 3, 2), ("2026-12-02", "cart", 0, store, 1, 1)])
        db.session.commit()
        db.session.expire_all()
        with count_queries() as many:
            result = funnel.funnel_for("apik", None, None)
    assert few.count == many.count == 5, many.statements
    assert len(result.booths) == 15 and result.zones[2].total.carts == 12


def test_bad_requests_are_refused(fair):
    from marketplace.errors import NotFound, ValidationError

    with pytest.raises(ValidationError) as no_expo:
        funnel.funnel_for(None, None, None)
    assert "expo" in no_expo.value.fields
    with pytest.raises(NotFound):
        funnel.funnel_for("tidak-ada", None, None)
    with pytest.raises(ValidationError) as bad:
        funnel.funnel_for("apik", "kemarin", "2026-13-01")
    assert set(bad.value.fields) == {"from", "to"}


# --- a store's own figures ------------------------------------------------------------------


def test_a_store_in_two_expos_sees_each_expo_and_its_last_days(fair, count_queries):
    with time_machine.travel(TODAY, tick=False):
        db.session.expire_all()
        assert fair["batik"].slug == "batik-sari"  # loaded, as a view has it
        with count_queries() as q:
            stats = booth_stats.store_booth_stats(fair["batik"])
    assert q.count == 4, q.statements
    by_expo = {f.expo.slug: f for f in stats.expos}
    assert [f.expo.slug for f in stats.expos] == ["pekan", "apik"]  # the newest first
    assert figures(by_expo["apik"].during) == (30, 30, 12, 6, 3, 2, 150_000)
    assert figures(by_expo["apik"].after) == (4, 5, 0, 2, 0, 1, 70_000)
    # "pekan" runs 4–6 Dec: its own booth row and the store's WhatsApp taps of 4 Dec
    assert figures(by_expo["pekan"].total) == (7, 9, 0, 2, 0, 0, 0)
    days = dict(stats.days)
    assert len(stats.days) == 14 and stats.days[-1][0] == date(2026, 12, 5)
    assert (days[date(2026, 12, 4)].visitors, days[date(2026, 12, 4)].booth_views) == (11, 14)
    assert (days[date(2026, 12, 3)].orders, days[date(2026, 12, 3)].sales) == (1, 70_000)
    assert days[date(2026, 12, 2)].carts == 3


def test_dashboard_card_shows_the_booth_of_the_latest_expo(client, fair, count_queries):
    with time_machine.travel(TODAY, tick=False):
        login(client, "sari@test.id")
        page = client.get("/seller/stores/batik-sari/")
        assert page.status_code == 200
        body = html.unescape(page.get_data(as_text=True))
        card = re.search(r'<section class="booth-card".*?</section>', body, re.S).group(0)
        assert "Stan Anda di Pekan IKM" in card
        # 7 days: pekan booth 7 + product pages 10; WhatsApp 6 + 2; carts 3; orders 3
        for name, value in (("visitors", 17), ("whatsapp", 8), ("carts", 3), ("orders", 3)):
            assert f'id="booth-{name}">{value}<' in card
        assert 'href="/expo/pekan/booths/P-01"' in card
        with count_queries() as q:
            client.get("/seller/stores/batik-sari/")
    assert len([s for s in q.statements if "visit_daily" in s or "FROM exhibitors" in s]) == 1, q.statements


def test_dashboard_card_costs_one_statement_and_hides_without_a_booth(client, people, count_queries):
    seller = gen_user("joko@test.id", role="seller", name="Joko")
    gen_store(seller, name="Logam Joko", sector="logam-furnitur")
    login(client, "joko@test.id")
    with count_queries() as q:
        page = client.get("/seller/stores/logam-joko/")
    assert page.status_code == 200 and 'class="booth-card"' not in page.get_data(as_text=True)
    booth_statements = [s for s in q.statements if "visit_daily" in s or "FROM exhibitors" in s]
    assert len(booth_statements) == 1, booth_statements


@pytest.mark.parametrize("root", ["", "/pasar"], ids=["at-root", "mounted"])
def test_the_booth_link_escapes_the_booth_number(app, root):
    """booth_url (url_for) and booth_urls (the hall's: a path pattern quoted as werkzeug quotes
    a segment) write the same link for every booth number a seller may type."""
    from flask import url_for

    from marketplace.expo.links import booth_url, booth_urls

    with app.test_request_context(base_url=f"http://localhost{root}/"):
        assert booth_url("apik", "F 01#2", "toko") == f"{root}/expo/apik/booths/F%2001%232"
        assert booth_url("apik", "F/01", "toko") == f"{root}/expo/apik/booths/toko"  # a "/" cannot be a segment
        typed = ("K-01", "F 01#2", "F/01", "A&B", "a+b", "x?y=1", "50%", "Ü-7", "'q'", '"d"', "<b>", "", "~.-_")
        for slug in ("apik", "apik-banget-2026", "pameran ü"):
            hall = booth_urls(slug)
            for booth in typed:
                expected = url_for("booth.page", slug=slug, booth=booth if booth and "/" not in booth else "toko")
                assert hall(booth, "toko") == booth_url(slug, booth, "toko") == expected, (slug, booth)


# --- the report page and its CSV ------------------------------------------------------------


def test_report_page_has_the_funnel_section_as_stack_tables(client, fair, people):
    with time_machine.travel(TODAY, tick=False):
        login(client, people["agency"].email)
        page = client.get("/agency/reports?expo=apik")
        sorted_page = client.get("/agency/reports?expo=apik&funnel_sort=whatsapp")
        ignored = client.get("/agency/reports?expo=apik&funnel_sort=%3Cscript%3E")
        plain = client.get("/agency/reports")
    assert page.status_code == sorted_page.status_code == ignored.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    section = re.search(r'<section class="funnel" id="corong".*?</section>', body, re.S).group(0)
    assert "Corong pengunjung" in section and "Kunjungan harian unik" in section
    for table in ("funnel-zones", "funnel-booths"):
        found = re.search(rf'<table class="stack report {table}">(.*?)</table>', section, re.S).group(1)
        cells = re.findall(r"<td[^>]*>", found)
        assert cells and all("data-label=" in c for c in cells)
    assert 'id="hall-views">190<' in section
    assert 'href="/agency/reports/funnel.csv?expo=apik"' in section
    booths = re.search(r'funnel-booths">(.*?)</table>', section, re.S).group(1)
    assert booths.index("Teh Poci Mas") < booths.index("Batik Sari")  # the hall's order
    assert "—" in booths  # a ratio without a base
    assert "Batik Sari · F/01 · Fesyen · setelah expo" in booths  # the period runs past the expo
    by_wa = re.search(r'funnel-booths">(.*?)</table>', html.unescape(sorted_page.get_data(as_text=True)), re.S)
    assert by_wa.group(1).index("Batik Sari") < by_wa.group(1).index("Teh Poci Mas")
    assert "<script>" not in ignored.get_data(as_text=True).split('id="corong"')[1]
    assert 'id="corong"' not in plain.get_data(as_text=True)  # no expo chosen: no funnel


def test_funnel_csv_is_formula_safe_with_each_phase(client, fair, people):
    with time_machine.travel(TODAY, tick=False):
        login(client, people["agency"].email)
        response = client.get("/agency/reports/funnel.csv?expo=apik")
        missing = client.get("/agency/reports/funnel.csv")
    assert response.status_code == 200 and missing.status_code == 422
    assert response.headers["Content-Disposition"] == 'attachment; filename="corong-apik-2026-12-01-2026-12-05.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:7] == ["section", "key", "label", "zone", "booth", "phase", "visitors"]
    assert ["booth", "batik-sari", "Batik Sari", "fesyen", "F/01", "after", "4", "5", "0", "2", "0", "1", "70000"] == (
        next(r for r in rows if r[:2] == ["booth", "batik-sari"] and r[5] == "after")[:13]
    )
    craft = next(r for r in rows if r[0] == "booth" and r[4] == "R-01")
    assert craft[2] == "'=SUM(A1) Gerabah" and craft[13:16] == ["", "", ""]
    assert ["hall", "2026-12-05", "", "", "", "after", "8"] == next(r for r in rows if r[:2] == ["hall", "2026-12-05"])[
        :7
    ]
