"""The agency and expo endpoints of CONTRACT.md, as written."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine

from marketplace import site_settings
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.agency_support import gen_people, order_row, seed_orders, wib
from tests.factories import gen_store, gen_user


@pytest.fixture
def people(app):
    return gen_people()


@pytest.fixture
def token(api, people):
    return api.token(people["agency"].email)


def test_list_stores_by_status_with_owner_and_nib(api, token, people):
    gen_store(
        gen_user("tarni@test.id", role="seller", name="Bu Tarni"),
        name="Tahu Aci Bu Tarni",
        sector="kuliner",
        approved=False,
        nib="9120101234599",
    )
    response = api.get("/agency/stores?status=pending", token=token)
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 1 and body["page"] == 1
    [item] = body["items"]
    assert item["slug"] == "tahu-aci-bu-tarni" and item["status"] == "pending" and item["nib"] == "9120101234599"
    assert item["sector"] == "kuliner" and item["owner"] == {"name": "Bu Tarni", "email": "tarni@test.id"}
    assert api.get("/agency/stores", token=token).get_json()["total"] == 2
    bad = api.get("/agency/stores?status=hilang", token=token)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]


def test_approve_then_suspend_with_a_reason(api, token, people):
    gen_store(name="Tahu Aci Bu Tarni", approved=False)
    approved = api.post("/agency/stores/tahu-aci-bu-tarni/approve", token=token)
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert api.get("/stores/tahu-aci-bu-tarni").status_code == 200

    no_reason = api.post("/agency/stores/tahu-aci-bu-tarni/suspend", {"reason": ""}, token=token)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    suspended = api.post("/agency/stores/tahu-aci-bu-tarni/suspend", {"reason": "Izin edar habis"}, token=token)
    assert suspended.status_code == 200
    assert suspended.get_json()["status"] == "suspended" and suspended.get_json()["status_reason"] == "Izin edar habis"
    assert api.get("/stores/tahu-aci-bu-tarni").status_code == 404
    again = api.post("/agency/stores/tahu-aci-bu-tarni/suspend", {"reason": "lagi"}, token=token)
    assert again.status_code == 409
    assert api.post("/agency/stores/tidak-ada/approve", token=token).status_code == 404
    reinstated = api.post("/agency/stores/tahu-aci-bu-tarni/reinstate", token=token)
    assert reinstated.status_code == 200 and reinstated.get_json()["status"] == "approved"


def test_reject_a_pending_store(api, token):
    gen_store(name="Toko Menunggu", approved=False)
    response = api.post("/agency/stores/toko-menunggu/reject", {"reason": "NIB tidak cocok"}, token=token)
    assert response.status_code == 200 and response.get_json()["status"] == "rejected"


def test_put_featured_replaces_the_list_in_order(api, token, people):
    gen_store(name="Teh Poci Mas")
    pending = gen_store(name="Toko Menunggu", approved=False)
    response = api.put("/agency/featured", {"stores": ["teh-poci-mas", "batik-sari"]}, token=token)
    assert response.status_code == 200
    assert [s["slug"] for s in response.get_json()["items"]] == ["teh-poci-mas", "batik-sari"]
    assert [s["slug"] for s in api.get("/stores?featured=1").get_json()["items"]] == ["teh-poci-mas", "batik-sari"]
    for bad in (
        {"stores": ["tidak-ada"]},
        {"stores": [pending.slug]},
        {"stores": "batik-sari"},
        {"stores": ["batik-sari", "batik-sari"]},
        {},
    ):
        assert api.put("/agency/featured", bad, token=token).status_code == 422, bad
    assert [s["slug"] for s in api.get("/stores?featured=1").get_json()["items"]] == ["teh-poci-mas", "batik-sari"]
    assert api.put("/agency/featured", {"stores": []}, token=token).get_json() == {"items": []}


def test_commission_get_and_put(api, token):
    zero = {"percent": 0, "basis_points": 0, "gov_percent": 0, "gov_basis_points": 0}
    assert api.get("/agency/commission", token=token).get_json() == zero
    assert api.put("/agency/commission", {"percent": "2,5"}, token=token).get_json() == {
        **zero,
        "percent": 2.5,
        "basis_points": 250,
    }
    assert api.put("/agency/commission", {"percent": 0}, token=token).status_code == 200
    assert api.put("/agency/commission", {"percent": 150}, token=token).status_code == 422
    db.session.rollback()
    assert site_settings.get_commission_bps() == 0


def test_create_an_expo_then_read_it_publicly(api, token, people):
    response = api.post(
        "/expos",
        {
            "slug": "apik-2026",
            "name": "Apik Banget Virtual Expo 2026",
            "starts_at": "2026-12-01T08:00",
            "ends_at": "2026-12-14",
            "zones": ["Kuliner", "Fesyen & Tekstil"],
        },
        token=token,
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["starts_at"] == "2026-12-01T01:00:00+00:00"  # 08.00 WIB
    assert body["ends_at"] == "2026-12-14T16:59:59+00:00"  # the end of that day, WIB
    assert body["zones"] == [
        {"slug": "kuliner", "name": "Kuliner"},
        {"slug": "fesyen-tekstil", "name": "Fesyen & Tekstil"},
    ]
    assert body["exhibitors"] == [] and body["state"] in ("upcoming", "live", "ended")

    added = api.post(
        "/expos/apik-2026/exhibitors", {"store": "batik-sari", "booth": "F-01", "zone": "fesyen-tekstil"}, token=token
    )
    assert added.status_code == 201
    assert added.get_json() == {
        "store": "batik-sari",
        "name": "Batik Sari",
        "booth": "F-01",
        "zone": "fesyen-tekstil",
        "rank": 0,
    }
    public = api.get("/expos/apik-2026")  # no token: anyone
    assert public.status_code == 200
    assert [(e["store"], e["booth"]) for e in public.get_json()["exhibitors"]] == [("batik-sari", "F-01")]
    assert [e["slug"] for e in api.get("/expos").get_json()["items"]] == ["apik-2026"]


def test_expo_errors(api, token, people):
    assert (
        api.post("/expos", {"slug": "x", "name": "X", "starts_at": "besok", "ends_at": ""}, token=token).status_code
        == 422
    )
    good = {"slug": "apik", "name": "Apik", "starts_at": "2026-12-01", "ends_at": "2026-12-02"}
    assert api.post("/expos", good, token=token).status_code == 201
    assert api.post("/expos", good, token=token).status_code == 409
    assert api.get("/expos/tidak-ada").status_code == 404
    assert (
        api.post("/expos/tidak-ada/exhibitors", {"store": "batik-sari", "booth": "1"}, token=token).status_code == 404
    )
    assert api.post("/expos/apik/exhibitors", {"store": "tidak-ada", "booth": "1"}, token=token).status_code == 404
    assert api.post("/expos/apik/exhibitors", {"store": "batik-sari", "booth": "1"}, token=token).status_code == 201
    assert api.post("/expos/apik/exhibitors", {"store": "batik-sari", "booth": "2"}, token=token).status_code == 409
    gen_store(name="Teh Poci Mas")
    taken = api.post("/expos/apik/exhibitors", {"store": "teh-poci-mas", "booth": "1"}, token=token)
    assert taken.status_code == 409 and "booth" in taken.get_json()["error"]["fields"]


@pytest.fixture
def sales(people):
    """An expo 1–3 Dec 2026 with Batik Sari in it, orders during and after it, and one elsewhere."""
    fair = expo.create_expo(None, "apik", "Apik Banget", wib(2026, 12, 1, 8), wib(2026, 12, 3, 21), zones=["Fesyen"])
    expo.add_exhibitor(None, fair, people["store"], booth="F-01")
    other = gen_store(name="Teh Poci Mas", sector="minuman-herbal")
    siti, budi = people["shopper"], gen_user("budi@test.id")
    seed_orders(
        [
            order_row(people["store"], siti, 100_000, wib(2026, 12, 1, 9)),
            order_row(people["store"], budi, 50_000, wib(2026, 12, 2, 23, 30), status="shipped"),  # 16.30 UTC
            order_row(people["store"], siti, 70_000, wib(2026, 12, 3, 22)),  # after the expo closed
            order_row(people["store"], siti, 999_000, wib(2026, 12, 2, 10), status="cancelled"),
            order_row(other, siti, 25_000, wib(2026, 12, 2, 10)),  # not an exhibitor
        ]
    )
    return fair


def test_sales_report_of_an_expo_as_json(api, token, sales):
    with time_machine.travel(wib(2026, 12, 5, 12), tick=False):
        response = api.get("/agency/reports/sales?expo=apik", token=token)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["expo"], body["from"], body["to"]) == ("apik", "2026-12-01", "2026-12-05")
    assert (body["orders"], body["gross_sales"], body["shoppers"], body["average_order_value"]) == (
        3,
        220_000,
        2,
        73_333,
    )
    assert body["during"] == {"orders": 2, "gross_sales": 150_000, "shoppers": 2, "average_order_value": 75_000}
    assert body["after"]["gross_sales"] == 70_000
    assert [(s["store"], s["gross_sales"]) for s in body["per_store"]] == [("batik-sari", 220_000)]
    assert [(s["sector"], s["orders"]) for s in body["per_sector"]] == [("fesyen", 3)]
    assert [(z["zone"], z["gross_sales"]) for z in body["per_zone"]] == [("fesyen", 220_000)]
    assert [(d["date"], d["gross_sales"], d["phase"]) for d in body["per_day"]] == [
        ("2026-12-01", 100_000, "during"),
        ("2026-12-02", 50_000, "during"),
        ("2026-12-03", 70_000, "during"),  # the closing day
        ("2026-12-04", 0, "after"),
        ("2026-12-05", 0, "after"),
    ]


def test_sales_report_of_a_date_range_as_csv(api, token, sales):
    response = api.get("/agency/reports/sales?from=2026-12-02&to=2026-12-02&format=csv", token=token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="penjualan-2026-12-02-2026-12-02.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "label", "orders", "gross_sales", "shoppers", "average_order_value"]
    assert rows[1] == ["total", "", "2026-12-02..2026-12-02", "2", "75000", "2", "37500"]
    assert ["store", "batik-sari", "Batik Sari", "1", "50000", "1", "50000"] in rows
    assert ["sector", "minuman-herbal", "Minuman & Herbal", "1", "25000", "1", "25000"] in rows
    assert ["day", "2026-12-02", "", "2", "75000", "2", "37500"] in rows


def test_sales_report_errors(api, token, sales):
    assert api.get("/agency/reports/sales?expo=tidak-ada", token=token).status_code == 404
    bad = api.get("/agency/reports/sales?from=kemarin&to=2026-13-01", token=token)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"from", "to"}
    assert api.get("/agency/reports/sales?from=2026-12-05&to=2026-12-01", token=token).status_code == 422
    assert api.get("/agency/reports/sales?format=xlsx", token=token).status_code == 422


def test_the_console_csv_link_serves_the_same_report(client, people, sales):
    from tests.agency_support import login

    with time_machine.travel(wib(2026, 12, 5, 12), tick=False):  # signed in then, not in the future
        login(client, people["agency"].email)
        page = client.get("/agency/reports?expo=apik")
        csv_page = client.get("/agency/reports/sales.csv?expo=apik")
    assert page.status_code == 200 and 'href="/agency/reports/sales.csv?expo=apik"' in page.get_data(as_text=True)
    assert csv_page.mimetype == "text/csv" and "attachment" in csv_page.headers["Content-Disposition"]
    assert "total,apik,Apik Banget,3,220000,2,73333" in csv_page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    main = html.split("<main")[1].split("</main>")[0]  # the header has its own icons
    assert main.count("<svg") == 3 and "<script" not in main
    assert "Rp 220.000" in html


def test_stores_suspended_after_the_expo_stay_in_its_report(api, token, people, sales):
    stores.set_status(people["store"], None, "suspended", "x")
    db.session.commit()
    with time_machine.travel(wib(2026, 12, 5, 12), tick=False):
        body = api.get("/agency/reports/sales?expo=apik", token=token).get_json()
    assert body["orders"] == 3


def test_date_range_defaults_to_the_last_30_days(api, token, sales):
    with time_machine.travel(wib(2026, 12, 10, 12), tick=False):
        body = api.get("/agency/reports/sales", token=token).get_json()
    assert (body["from"], body["to"]) == ("2026-11-11", "2026-12-10") and len(body["per_day"]) == 30
    assert body["orders"] == 4 and "phase" not in body["per_day"][0] and body["per_zone"] == []


def test_the_cli_prints_the_report_and_sets_the_commission(app, runner, sales):
    report = runner.invoke(args=["agency", "report", "--from", "2026-12-02", "--to", "2026-12-02"])
    assert report.exit_code == 0, report.output
    assert report.output.splitlines()[0] == "section,key,label,orders,gross_sales,shoppers,average_order_value"
    assert "total,,2026-12-02..2026-12-02,2,75000,2,37500" in report.output
    assert runner.invoke(args=["agency", "report", "--expo", "tidak-ada"]).exit_code != 0
    assert runner.invoke(args=["agency", "commission", "2,5"]).output.strip() == "2,5 %"
    assert runner.invoke(args=["agency", "commission"]).output.strip() == "2,5 %"
    refused = runner.invoke(args=["agency", "commission", "200"])
    assert refused.exit_code != 0 and "100" in refused.output
