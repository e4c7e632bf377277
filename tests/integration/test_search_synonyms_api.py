"""The agency's API for the search synonym list and the searches without results: the same
services as the page, the API's error shape, agency (and admin) tokens only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.catalog.models import SearchMiss, SearchSynonym
from marketplace.extensions import db
from tests.factories import gen_user

SEEDED = 8


@pytest.fixture
def tokens(app, api):
    gen_user("petugas@disnakerin.test", role="agency")
    gen_user("admin@test.id", role="admin")
    gen_user("sari@test.id", role="seller")
    gen_user("siti@test.id")
    return {
        who: api.token(email)
        for who, email in (
            ("agency", "petugas@disnakerin.test"),
            ("admin", "admin@test.id"),
            ("seller", "sari@test.id"),
            ("shopper", "siti@test.id"),
        )
    }


def test_officer_lists_adds_changes_and_deletes_a_group(api, tokens):
    token = tokens["agency"]
    listed = api.get("/agency/search-synonyms", token=token).get_json()["items"]
    assert len(listed) == SEEDED and {"id", "terms", "created_at", "updated_at"} <= set(listed[0])
    assert [g["terms"] for g in api.get("/agency/search-synonyms?q=krip", token=token).get_json()["items"]] == [
        ["keripik", "kripik"]
    ]
    made = api.post("/agency/search-synonyms", {"terms": ["Gethuk", "getuk", "GETHUK"]}, token=token)
    assert made.status_code == 201 and made.get_json()["terms"] == ["gethuk", "getuk"]
    group = made.get_json()["id"]
    longer = {"terms": ["gethuk", "getuk", "gethuk lindri"]}
    changed = api.patch(f"/agency/search-synonyms/{group}", longer, token=token)
    assert changed.status_code == 200 and changed.get_json()["terms"] == ["gethuk", "getuk", "gethuk lindri"]
    same = api.patch(f"/agency/search-synonyms/{group}", {}, token=token)
    assert same.status_code == 200 and same.get_json()["terms"] == ["gethuk", "getuk", "gethuk lindri"]
    assert api.delete(f"/agency/search-synonyms/{group}", token=token).status_code == 204
    assert api.delete(f"/agency/search-synonyms/{group}", token=token).status_code == 404
    assert api.patch(f"/agency/search-synonyms/{group}", {}, token=token).status_code == 404
    db.session.rollback()
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "search_synonym")).all()
    assert actions == ["search.synonyms_added", "search.synonyms_updated", "search.synonyms_deleted"]


@pytest.mark.parametrize(
    "body,status,message",
    [
        ({}, 422, "Tulis paling sedikit dua kata"),
        ({"terms": None}, 422, "Harus daftar teks."),
        ({"terms": "keripik, kripik"}, 422, "Harus daftar teks."),
        ({"terms": ["gethuk", 7]}, 422, "Harus daftar teks."),
        ({"terms": ["gethuk"]}, 422, "Tulis paling sedikit dua kata"),
        ({"terms": ["gethuk", "g"]}, 422, "“g” terlalu pendek"),
        ({"terms": ["gethuk", "g" * 61]}, 422, "terlalu panjang: paling banyak 60 karakter"),
        ({"terms": [f"kata{n}" for n in range(21)]}, 422, "Paling banyak 20 kata"),
        ({"terms": ["kripik", "keripik singkong"]}, 409, "“kripik” sudah ada di grup lain: keripik, kripik."),
    ],
)
def test_bad_groups_answer_the_error_shape_and_write_nothing(api, tokens, body, status, message):
    response = api.post("/agency/search-synonyms", body, token=tokens["agency"])
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == ("conflict" if status == 409 else "validation_error")
    assert list(error["fields"]) == ["terms"] and message in error["fields"]["terms"]
    db.session.rollback()
    assert len(db.session.scalars(select(SearchSynonym)).all()) == SEEDED


def test_a_change_that_clashes_is_a_409_and_changes_nothing(api, tokens):
    group = db.session.scalar(select(SearchSynonym.id).where(SearchSynonym.terms == "jamu, jamoe"))
    response = api.patch(f"/agency/search-synonyms/{group}", {"terms": ["jamu", "sambel"]}, token=tokens["agency"])
    assert response.status_code == 409 and "sambal, sambel" in response.get_json()["error"]["message"]
    db.session.rollback()
    assert db.session.get(SearchSynonym, group).terms == "jamu, jamoe"


@time_machine.travel("2026-12-06T05:00:00Z", tick=False)
def test_the_searches_without_results_of_the_last_days(api, tokens):
    today = date(2026, 12, 6)
    db.session.add_all(
        [
            SearchMiss(day=today, query_text="bstik", count=4),
            SearchMiss(day=today - timedelta(days=2), query_text="bstik", count=1),
            SearchMiss(day=today - timedelta(days=10), query_text="tehpoci", count=9),
        ]
    )
    db.session.commit()
    week = api.get("/agency/search-misses", token=tokens["agency"]).get_json()
    assert week == {
        "items": [{"query": "bstik", "count": 5, "last_day": "2026-12-06"}],
        "days": 7,
        "from": "2026-11-30",
        "to": "2026-12-06",
    }
    month = api.get("/agency/search-misses?days=30", token=tokens["admin"]).get_json()
    assert [(m["query"], m["count"]) for m in month["items"]] == [("tehpoci", 9), ("bstik", 5)]
    for bad in ("0", "181", "tujuh", "7.5"):
        refused = api.get(f"/agency/search-misses?days={bad}", token=tokens["agency"])
        assert refused.status_code == 422 and "days" in refused.get_json()["error"]["fields"], bad


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/agency/search-synonyms"),
        ("post", "/agency/search-synonyms"),
        ("patch", "/agency/search-synonyms/1"),
        ("delete", "/agency/search-synonyms/1"),
        ("get", "/agency/search-misses"),
    ],
)
def test_only_agency_tokens(api, tokens, method, path):
    for who in ("seller", "shopper"):
        assert getattr(api, method)(path, token=tokens[who]).status_code == 403, (who, method, path)
    assert getattr(api, method)(path).status_code == 401
    db.session.rollback()
    assert len(db.session.scalars(select(SearchSynonym)).all()) == SEEDED
