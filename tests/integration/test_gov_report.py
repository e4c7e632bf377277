"""The agency's report of government spending with IKM: committed and paid values per office,
store, sector, WIB month and expo; the CSV; the empty state; bad filters; a fixed statement count.

Government orders are written as rows (as tests/security/access_matrix.py's _gov_order does):
the report only reads them; the steps that make them are tested in tests/integration/test_gov_*.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine

from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.gov.models import GovOrder, GovPurchase
from tests.agency_support import gen_people, login, text, wib
from tests.factories import gen_store, gen_user
from tests.gov_support import build_gov_world

_numbers = itertools.count(1)


def gov_order(office, store, total: int, status: str, approved=None, paid=None, purchase=None) -> GovOrder:
    """A government order row in ``status``, approved and paid at the given (aware) times."""
    n = next(_numbers)
    if purchase is None:
        purchase = GovPurchase(
            number=f"PBJ-R-{n:06d}",
            office_id=office.id,
            rup_code="45123678",
            budget_code="5.1.02.01.01.0052",
            delivery_date=(approved or wib(2025, 1, 1)).date(),
            delivery_place="Ruang Rapat",
        )
    order = GovOrder(
        purchase=purchase,
        office_id=office.id,
        store_id=store.id,
        store_name=store.name,
        number=f"SP-R-{n:06d}",
        status=status,
        subtotal=total,
        shipping_cost=0,
        total=total,
        delivery_date=purchase.delivery_date,
        approved_at=approved,
        paid_at=paid,
        payment_amount=total if paid else None,
    )
    db.session.add(order)
    return order


@pytest.fixture
def world(app, client):
    people = gen_people()  # the officer, and "Batik Sari" (fesyen)
    gov = build_gov_world()  # the Sekretariat, the Dinas Kesehatan, two culinary stores
    batik = people["store"]
    setda, dinkes = gov.office, gov.other_office
    gov_order(setda, gov.catering, 3_000_000, "paid", wib(2025, 3, 10), wib(2025, 4, 2))
    # 00:30 WIB on 1 April is still 31 March in UTC: it counts in April
    gov_order(setda, gov.bakery, 500_000, "received", wib(2025, 4, 1, 0, 30))
    gov_order(dinkes, batik, 1_200_000, "approved", wib(2025, 7, 15))
    gov_order(setda, gov.catering, 800_000, "cancelled", wib(2025, 5, 1))
    gov_order(dinkes, gov.bakery, 400_000, "declined", wib(2025, 5, 2))
    gov_order(setda, gov.bakery, 250_000, "submitted")
    gov_order(dinkes, gov.bakery, 90_000, "rejected")
    # approved the year before, paid in January: paid in 2025, not committed in it
    gov_order(dinkes, gov.catering, 2_000_000, "paid", wib(2024, 12, 20), wib(2025, 1, 5))
    # approved in November, paid the next January: committed in 2025 only
    gov_order(setda, batik, 600_000, "paid", wib(2025, 11, 10), wib(2026, 1, 10))
    fair = expo.create_expo(None, "apik", "Apik Banget Virtual Expo", wib(2025, 2, 1), wib(2025, 2, 28))
    expo.add_exhibitor(None, fair, gov.catering, booth="K-01")
    quiet = expo.create_expo(None, "sepi", "Expo Sepi", wib(2024, 2, 1), wib(2024, 2, 28))
    expo.add_exhibitor(None, quiet, gov.bakery, booth="K-02")
    db.session.commit()
    login(client, people["agency"].email)
    return gov


def figures(g) -> tuple:
    return (g.committed_orders, g.committed_value, g.paid_orders, g.paid_value, g.stores)


def test_the_report_of_a_year_counts_each_order_by_its_own_clock(world):
    from marketplace.agency import gov_report

    report = gov_report.report_for("2025", None, None)

    assert (report.start.isoformat(), report.end.isoformat()) == ("2025-01-01", "2025-12-31")
    assert figures(report.totals) == (4, 5_300_000, 2, 5_000_000, 3)
    assert [(g.key, g.label, figures(g)) for g in report.per_office] == [
        ("4.01.0.00.0.00.01.0000", "Sekretariat Daerah Kota Tegal", (3, 4_100_000, 1, 3_000_000, 3)),
        ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan Kota Tegal", (1, 1_200_000, 1, 2_000_000, 2)),
    ]
    assert [(g.label, g.sector, figures(g)) for g in report.per_store] == [
        ("Katering Bu Sri", "kuliner", (1, 3_000_000, 2, 5_000_000, 1)),
        ("Batik Sari", "fesyen", (2, 1_800_000, 0, 0, 1)),
        ("Kue Bu Tini", "kuliner", (1, 500_000, 0, 0, 1)),
    ]
    assert [(g.key, figures(g)) for g in report.per_sector] == [
        ("kuliner", (2, 3_500_000, 2, 5_000_000, 2)),
        ("fesyen", (2, 1_800_000, 0, 0, 1)),
    ]
    months = {g.key: figures(g) for g in report.per_month}
    assert list(months) == [f"2025-{m:02d}" for m in range(1, 13)]
    assert months["2025-01"] == (0, 0, 1, 2_000_000, 1)
    assert months["2025-03"] == (1, 3_000_000, 0, 0, 1)
    assert months["2025-04"] == (1, 500_000, 1, 3_000_000, 2)  # bakery approved, catering paid
    assert months["2025-07"] == (1, 1_200_000, 0, 0, 1)
    assert months["2025-11"] == (1, 600_000, 0, 0, 1)
    assert sum(figures(g)[1] for g in report.per_month) == report.totals.committed_value
    assert [(g.key, figures(g), g.committed_share, g.paid_share) for g in report.per_expo] == [
        ("apik", (1, 3_000_000, 2, 5_000_000, 1), 56.6, 100.0),
        ("sepi", (1, 500_000, 0, 0, 1), 9.4, 0.0),
    ]

    next_year = gov_report.report_for("2026", None, None)
    assert figures(next_year.totals) == (0, 0, 1, 600_000, 1)
    assert next_year.per_expo[0].committed_share is None  # nothing committed: no share


def test_dates_narrow_the_period(world):
    from marketplace.agency import gov_report

    april = gov_report.report_for(None, "2025-04-01", "2025-04-30")
    assert figures(april.totals) == (1, 500_000, 1, 3_000_000, 2)
    assert [g.key for g in april.per_month] == ["2025-04"]
    # a lone bound takes the other from its own year
    assert gov_report.period_for(None, "2025-11-01", None)[1].isoformat() == "2025-12-31"
    assert gov_report.period_for("2025", None, "2025-06-30")[0].isoformat() == "2025-01-01"


def test_the_page_shows_every_figure_with_charts_and_stacked_tables(client, world):
    response = client.get("/agency/reports/gov?year=2025")
    page = text(response)

    assert response.status_code == 200
    assert 'id="total-committed">Rp 5.300.000<' in page and 'id="total-paid">Rp 5.000.000<' in page
    assert 'id="total-committed-orders">4<' in page and 'id="total-stores">3<' in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart') == 5
    for table in ("per-office", "per-store", "per-sector", "per-month", "per-expo"):
        assert f'<table class="stack report {table}">' in page
    assert "Sekretariat Daerah Kota Tegal" in page and "Fesyen & Tekstil" in page
    assert "Apik Banget Virtual Expo" in page and "56,6 %" in page and "100,0 %" in page
    assert "Mar 2025" in page and "Rp 4.100.000" in page
    assert 'href="/agency/reports/gov.csv?year=2025"' in page
    assert "Belum ada belanja pemerintah" not in page

    english = text(client.get("/agency/reports/gov?year=2025&lang=en"))
    assert "Government spending with IKM" in english and "56.6 %" in english


def test_the_csv_has_a_row_per_figure_with_wib_times(client, world):
    response = client.get("/agency/reports/gov.csv?year=2025")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="belanja-pemerintah-2025-01-01-2025-12-31.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by = {(r["section"], r["key"]): r for r in rows}
    total = by[("total", "")]
    assert (total["committed_value"], total["paid_value"], total["stores"]) == ("5300000", "5000000", "3")
    assert (total["period_start"], total["period_end"]) == ("2025-01-01T00:00:00+07:00", "2026-01-01T00:00:00+07:00")
    assert by[("office", "4.01.0.00.0.00.01.0000")]["committed_value"] == "4100000"
    assert by[("store", "batik-sari")]["sector"] == "fesyen"
    assert by[("sector", "kuliner")]["paid_orders"] == "2"
    april = by[("month", "2025-04")]
    assert (april["committed_value"], april["paid_value"]) == ("500000", "3000000")
    assert (april["period_start"], april["period_end"]) == ("2025-04-01T00:00:00+07:00", "2025-05-01T00:00:00+07:00")
    assert (by[("expo", "apik")]["committed_share"], by[("expo", "apik")]["paid_share"]) == ("56.6", "100.0")
    assert [r["section"] for r in rows].count("month") == 12


def test_a_store_name_that_looks_like_a_formula_is_written_as_text(client, world):
    from tests.gov_support import make_office

    office = make_office(code="9.99", name="=Dinas Uji", npwp="001234567509000")
    gov_order(office, gen_store(name="+Toko Rumus", sector="kriya"), 100_000, "approved", wib(2025, 8, 1))
    db.session.commit()

    body = client.get("/agency/reports/gov.csv?year=2025").get_data(as_text=True)

    assert ",'=Dinas Uji," in body and ",'+Toko Rumus," in body


def test_an_empty_period_says_so(client, world):
    response = client.get("/agency/reports/gov?year=2023")
    page = text(response)

    assert response.status_code == 200
    assert "Belum ada belanja pemerintah dalam periode ini." in page
    assert 'id="total-committed">Rp 0<' in page
    assert "Apik Banget Virtual Expo" in page  # the expos are listed, at zero


def test_the_default_period_is_this_year_in_wib(client, world):
    from marketplace.agency import gov_report
    from marketplace.agency.reports import jakarta_today

    # 17:30 UTC on 31 December 2024 is already 2025 in Jakarta
    with time_machine.travel(wib(2025, 1, 1, 0, 30), tick=False):
        report = gov_report.report_for(None, None, None)
    assert (report.start.isoformat(), report.end.isoformat()) == ("2025-01-01", "2025-12-31")
    assert report.totals.committed_value == 5_300_000

    year = jakarta_today().year
    page = text(client.get("/agency/reports/gov"))
    assert f"1 Jan {year}" in page and f"31 Des {year}" in page and f'placeholder="{year}"' in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("year=dua-ribu", "year", "Tahun harus antara 2000 dan 2100."),
        ("year=1999", "year", "Tahun harus antara 2000 dan 2100."),
        ("from=2025-13-01", "from", "TTTT-BB-HH"),
        ("from=2025-06-01&to=2025-05-01", "from", "Tanggal awal harus sebelum tanggal akhir."),
        ("from=2000-01-01&to=2100-12-31", "to", "paling panjang 10 tahun"),
    ],
)
def test_a_bad_filter_is_named_beside_its_field(client, world, query, field, message):
    response = client.get(f"/agency/reports/gov?{query}")
    page = text(response)

    assert response.status_code == 422
    beside = page.split(f'<input id="{field}"', 1)[1].split("</div>", 1)[0]
    assert f'<p class="error" id="{field}-error">' in beside and message in beside
    assert 'href="/agency/reports/gov.csv"' in page  # the download offers the default, not the bad filter
    assert client.get(f"/agency/reports/gov.csv?{query}").status_code == 422


def test_only_officers_and_admins_see_it(client, world):
    client.post("/logout")
    assert client.get("/agency/reports/gov").status_code == 302
    login(client, "ppk@setda.test")
    assert client.get("/agency/reports/gov").status_code == 403
    assert client.get("/agency/reports/gov.csv").status_code == 403


def test_the_page_runs_a_fixed_number_of_statements(client, world, count_queries):
    office = SimpleNamespace(id=world.office.id)
    store = SimpleNamespace(id=world.catering.id, name=world.catering.name)
    purchase_id = db.session.scalar(db.select(GovPurchase.id).limit(1))

    def page_statements(n: int) -> int:
        purchase = db.session.get(GovPurchase, purchase_id)
        for i in range(n):
            day = wib(2025, 1 + i % 12, 1 + i % 28)
            gov_order(office, store, 10_000 + i, "paid", day, day + timedelta(days=3), purchase=purchase)
        db.session.commit()
        db.session.remove()
        with count_queries() as q:
            response = client.get("/agency/reports/gov?year=2025")
        assert response.status_code == 200
        return q.count

    few, many = page_statements(5), page_statements(300)
    assert few == many == 8, (few, many)  # the user, the report's 6, the header's cart count


def test_an_admin_sees_it_too(client, world):
    client.post("/logout")
    gen_user("admin@test.id", role="admin", name="Admin Pasar")
    login(client, "admin@test.id")
    assert client.get("/agency/reports/gov?year=2025").status_code == 200


def test_the_api_answers_the_same_report_as_json_or_csv(client, world, api):
    token = api.token("petugas@disnakerin.test")

    data = api.get("/agency/reports/gov?year=2025", token=token).get_json()

    assert (data["from"], data["to"], data["committed_value"], data["paid_value"]) == (
        "2025-01-01",
        "2025-12-31",
        5_300_000,
        5_000_000,
    )
    assert data["per_office"][0] == {
        "office": "4.01.0.00.0.00.01.0000",
        "name": "Sekretariat Daerah Kota Tegal",
        "committed_orders": 3,
        "committed_value": 4_100_000,
        "paid_orders": 1,
        "paid_value": 3_000_000,
        "stores": 3,
    }
    assert [(s["store"], s["sector"]) for s in data["per_store"]][1] == ("batik-sari", "fesyen")
    assert [m["month"] for m in data["per_month"]][:2] == ["2025-01", "2025-02"]
    assert (data["per_expo"][0]["expo"], data["per_expo"][0]["committed_share"]) == ("apik", 56.6)
    csv_answer = api.get("/agency/reports/gov?from=2025-04-01&to=2025-04-30&format=csv", token=token)
    assert csv_answer.mimetype == "text/csv" and "\r\nmonth,2025-04," in csv_answer.get_data(as_text=True)

    bad = api.get("/agency/reports/gov?year=20x5&format=pdf", token=token)
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) == {"format"}  # the format is checked first
    bad = api.get("/agency/reports/gov?year=20x5&to=2025-02-30", token=token)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"year", "to"}
    assert api.get("/agency/reports/gov", token=api.token("ppk@setda.test")).status_code == 403
