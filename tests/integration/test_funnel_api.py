"""The visitor figures in the API: the agency's expo funnel (JSON and CSV) and a store's own
booth figures, with who may read them and the refusals of bad requests."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine

from tests.factories import gen_store, gen_user
from tests.integration.test_funnel import TODAY, fair, people  # fixtures

__all__ = ["fair", "people"]


@pytest.fixture
def tokens(api, fair, people):
    joko = gen_user("joko@test.id", role="seller", name="Joko")
    gen_store(joko, name="Logam Joko", sector="logam-furnitur")
    return {
        who: api.token(email)
        for who, email in (("agency", people["agency"].email), ("sari", "sari@test.id"), ("joko", "joko@test.id"))
    }


def test_agency_reads_the_funnel_as_json(api, tokens):
    with time_machine.travel(TODAY, tick=False):
        response = api.get("/agency/reports/funnel?expo=apik", token=tokens["agency"])
    assert response.status_code == 200
    body = response.get_json()
    assert (body["expo"], body["from"], body["to"]) == ("apik", "2026-12-01", "2026-12-05")
    assert [z["zone"] for z in body["zones"]] == ["kuliner", "fesyen", "kriya"]
    batik = next(b for b in body["booths"] if b["store"] == "batik-sari")
    assert (batik["booth"], batik["zone"]) == ("F/01", "fesyen")
    assert {
        k: batik[k] for k in ("visitors", "booth_views", "product_views", "whatsapp", "carts", "orders", "sales")
    } == {
        "visitors": 34,
        "booth_views": 35,
        "product_views": 12,
        "whatsapp": 8,
        "carts": 3,
        "orders": 3,
        "sales": 220_000,
    }
    assert (batik["during"]["orders"], batik["after"]["orders"], batik["after"]["visitors"]) == (2, 1, 4)
    teh = next(b for b in body["booths"] if b["store"] == "teh-poci-mas")
    assert (teh["whatsapp_rate"], teh["order_rate"]) == (0.0, None)
    assert (body["hall"]["views"], body["hall"]["visitors"], len(body["hall"]["days"])) == (190, 118, 5)


def test_agency_reads_the_funnel_as_csv(api, tokens):
    with time_machine.travel(TODAY, tick=False):
        response = api.get(
            "/agency/reports/funnel?expo=apik&from=2026-12-02&to=2026-12-02&format=csv", token=tokens["agency"]
        )
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][0] == "section" and rows[0][-1] == "hall_views"
    assert ["hall", "2026-12-02", "", "", "", "during", "50"] == rows[-1][:7] and rows[-1][-1] == "80"


def test_funnel_refusals(api, tokens):
    with time_machine.travel(TODAY, tick=False):
        assert api.get("/agency/reports/funnel?expo=apik", token=tokens["sari"]).status_code == 403
        assert api.get("/agency/reports/funnel?expo=apik").status_code == 401
        assert api.get("/agency/reports/funnel?expo=tidak-ada", token=tokens["agency"]).status_code == 404
        bad = api.get("/agency/reports/funnel?expo=apik&from=kemarin&to=2026-13-01", token=tokens["agency"])
        assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"from", "to"}
        reversed_ = api.get("/agency/reports/funnel?expo=apik&from=2026-12-05&to=2026-12-01", token=tokens["agency"])
        assert reversed_.status_code == 422
        missing = api.get("/agency/reports/funnel", token=tokens["agency"])
        assert missing.status_code == 422 and "expo" in missing.get_json()["error"]["fields"]
        assert api.get("/agency/reports/funnel?expo=apik&format=xlsx", token=tokens["agency"]).status_code == 422


def test_seller_reads_its_own_booth_figures_only(api, tokens):
    with time_machine.travel(TODAY, tick=False):
        own = api.get("/seller/booth-stats?store=batik-sari", token=tokens["sari"])
        other = api.get("/seller/booth-stats?store=batik-sari", token=tokens["joko"])
        officer = api.get("/seller/booth-stats?store=batik-sari", token=tokens["agency"])
        unknown = api.get("/seller/booth-stats?store=tidak-ada", token=tokens["sari"])
        missing = api.get("/seller/booth-stats", token=tokens["sari"])
        none = api.get("/seller/booth-stats?store=logam-joko", token=tokens["joko"])
    assert own.status_code == 200
    body = own.get_json()
    assert body["store"] == "batik-sari" and [e["expo"] for e in body["expos"]] == ["pekan", "apik"]
    apik = body["expos"][1]
    assert (apik["booth"], apik["from"], apik["to"], apik["visitors"], apik["orders"]) == (
        "F/01",
        "2026-12-01",
        "2026-12-05",
        34,
        3,
    )
    assert len(body["days"]) == 14 and body["days"][-1]["date"] == "2026-12-05"
    assert other.status_code == 404  # another store's figures: not even its existence
    assert officer.status_code == 403  # an officer of a store that did not allow assistance
    assert unknown.status_code == 404 and missing.status_code == 422
    assert none.status_code == 200 and none.get_json()["expos"] == []
