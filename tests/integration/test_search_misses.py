"""Searches that found nothing: counted by one upsert where the result is rendered (the search
page, the API listing), never for crawlers, filters, later pages, long or personal-looking
queries; shown to the agency with a one-tap way into the synonym form; deleted after 180 days."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select, text

from marketplace import jobs
from marketplace.catalog import misses
from marketplace.catalog.models import SearchMiss, SearchSynonym
from marketplace.catalog.schedule import search_misses_retention
from marketplace.extensions import db
from tests.agency_support import login
from tests.agency_support import text as page_text
from tests.factories import gen_product, gen_store, gen_user

PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOON_WIB = "2026-12-06T05:00:00Z"


@pytest.fixture
def catalogue(app):
    store = gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari")
    gen_product(store, name="Batik Tulis Tegalan")
    return store


def counts() -> dict[tuple[str, str], int]:
    db.session.rollback()
    rows = db.session.execute(select(SearchMiss.day, SearchMiss.query_text, SearchMiss.count))
    return {(day.isoformat(), query): n for day, query, n in rows}


def search(client, url: str, agent: str = PHONE, **headers):
    response = client.get(url, headers={"User-Agent": agent, **headers})
    assert response.status_code == 200, url
    return response


def miss_statements(statements: list[str]) -> list[str]:
    return [s for s in statements if "search_misses" in s]


@time_machine.travel(NOON_WIB, tick=False)
def test_a_search_that_finds_nothing_is_counted_by_one_upsert(client, catalogue, count_queries):
    with count_queries() as q:
        search(client, "/search?q=gamelan")
    assert len(miss_statements(q.statements)) == 1 and miss_statements(q.statements)[0].lstrip().startswith("INSERT")
    search(client, "/search?q=GAMELAN!")  # another page, the same query once normalized
    search(client, "/api/v1/products?q=Gamelan")
    assert counts() == {("2026-12-06", "gamelan"): 3}
    with count_queries() as found:
        search(client, "/search?q=batik")
    assert miss_statements(found.statements) == []
    assert counts() == {("2026-12-06", "gamelan"): 3}


@time_machine.travel(NOON_WIB, tick=False)
def test_a_page_served_again_from_the_cache_is_not_counted_again(client, catalogue, count_queries):
    search(client, "/search?q=wayang")
    with count_queries() as hit:
        search(client, "/search?q=wayang")
    assert hit.count == 0  # served from the page cache: the view never ran
    assert counts() == {("2026-12-06", "wayang"): 1}  # "pencarian berbeda tanpa hasil"
    login(client, "sari@test.id")  # a signed-in visitor's pages are rendered for them: counted
    search(client, "/search?q=wayang")
    assert counts() == {("2026-12-06", "wayang"): 2}


@pytest.mark.parametrize(
    "url,agent,headers",
    [
        ("/search?q=gamelan", BOT, {}),
        ("/search?q=gamelan", "", {}),
        ("/api/v1/products?q=gamelan", "python-requests/2.32", {}),
        ("/search?q=gamelan", PHONE, {"Sec-Purpose": "prefetch"}),
        ("/search?q=" + "kain " * 20 + "x", PHONE, {}),  # 101 characters
        ("/search?q=budi%40contoh.id", PHONE, {}),
        ("/search?q=0812-3456-7890", PHONE, {}),
        ("/search?q=gamelan&sector=fesyen", PHONE, {}),
        ("/sectors/kuliner?q=gamelan", PHONE, {}),
        ("/search?q=gamelan&min_price=5000", PHONE, {}),
        ("/search?q=gamelan&page=2", PHONE, {}),
        ("/api/v1/products?q=gamelan&city=Tegal", PHONE, {}),
        ("/stores/batik-sari?q=gamelan", PHONE, {}),
        ("/search?q=%21%21%21", PHONE, {}),
        ("/search", PHONE, {}),
    ],
)
def test_what_is_not_counted(client, catalogue, url, agent, headers):
    search(client, url, agent, **headers)
    assert counts() == {}


def test_a_database_that_refuses_the_count_still_shows_the_page(app, client, catalogue, caplog):
    db.session.execute(text("ALTER TABLE search_misses RENAME TO search_misses_away"))
    db.session.commit()
    try:
        response = search(client, "/search?q=gamelan")
        assert "gamelan" in html.unescape(response.get_data(as_text=True))
        assert "search misses: the count of 'gamelan' was not written" in caplog.text
    finally:
        db.session.rollback()
        db.session.execute(text("ALTER TABLE search_misses_away RENAME TO search_misses"))
        db.session.commit()


def add_misses(rows: list[tuple[date, str, int]]) -> None:
    db.session.add_all(SearchMiss(day=day, query_text=query, count=n) for day, query, n in rows)
    db.session.commit()


@pytest.fixture
def officer(app):
    return gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")


@time_machine.travel(NOON_WIB, tick=False)
def test_the_synonym_page_lists_the_top_misses_of_7_or_30_days(client, officer):
    today = date(2026, 12, 6)
    add_misses(
        [
            (today, "bstik", 4),
            (today - timedelta(days=1), "bstik", 3),
            (today, "kripik", 2),
            (today - timedelta(days=6), "tehpoci", 5),
            (today - timedelta(days=7), "tehpoci", 40),  # 8 days ago: in the 30 days only
            (today - timedelta(days=30), "lama", 99),  # 31 days ago: in neither
        ]
    )
    login(client, officer.email)
    week = page_text(client.get("/agency/search/synonyms"))
    rows = week[week.index('id="missed"') : week.index("</table>", week.index('id="missed"'))]
    assert rows.index("bstik") < rows.index("tehpoci") < rows.index("kripik") and "lama" not in rows
    assert '<td class="num" data-label="Kali">7</td>' in rows and "pencarian berbeda tanpa hasil" in week.lower()
    assert "sudah di grup" in rows  # kripik is in the seeded list
    assert 'href="/agency/search/synonyms?add=bstik&amp;days=7#add-group"' in week.replace("&", "&amp;")
    month = page_text(client.get("/agency/search/synonyms?days=30"))
    rows = month[month.index('id="missed"') : month.index("</table>", month.index('id="missed"'))]
    assert rows.index("tehpoci") < rows.index("bstik") and '<td class="num" data-label="Kali">45</td>' in rows
    assert "lama" not in rows
    assert page_text(client.get("/agency/search/synonyms?days=9999")) == week  # any other period: 7 days


@time_machine.travel(NOON_WIB, tick=False)
def test_one_tap_prefills_the_form_and_an_existing_group_can_take_the_word(client, officer):
    add_misses([(date(2026, 12, 6), "kripik balado", 3)])
    login(client, officer.email)
    page = page_text(client.get("/agency/search/synonyms?add=kripik+balado&days=7"))
    assert 'value="kripik balado, "' in page and "artinya sama dengan “kripik balado”" in page
    group_id = db.session.scalar(select(SearchSynonym.id).where(SearchSynonym.terms == "keripik, kripik"))
    edit_link = f'href="/agency/search/synonyms/{group_id}?add=kripik+balado"'
    assert edit_link in page
    edit = page_text(client.get(f"/agency/search/synonyms/{group_id}?add=kripik+balado"))
    assert 'value="keripik, kripik, kripik balado"' in edit
    client.post("/agency/search/synonyms", data={"terms": "kripik balado, keripik balado"})
    assert "keripik balado" in {t for g in SearchSynonym.query.all() for t in g.term_list}


def test_nothing_yet_says_so(client, officer):
    login(client, officer.email)
    page = page_text(client.get("/agency/search/synonyms?days=30"))
    assert "Belum ada pencarian tanpa hasil dalam 30 hari terakhir." in page


def test_rows_older_than_180_days_are_deleted_by_the_daily_job(app):
    today = misses.today()
    add_misses(
        [
            (today, "baru", 1),
            (today - timedelta(days=179), "tepat", 2),
            (today - timedelta(days=180), "lewat", 3),
            (today - timedelta(days=400), "lama", 4),
        ]
    )
    search_misses_retention.func()  # what the worker runs (the Periodic holds the function)
    assert set(counts()) == {(today.isoformat(), "baru"), ((today - timedelta(days=179)).isoformat(), "tepat")}
    found = {item.name: item.schedule for item in jobs.periodic_tasks(app)}
    assert found["catalog.search_misses_retention"] == "40 19 * * *"  # 02.40 WIB


def test_a_day_is_the_jakarta_day(client, catalogue):
    with time_machine.travel("2026-12-06T17:30:00Z", tick=False):  # 00.30 WIB on the 7th
        search(client, "/search?q=gamelan")
    assert counts() == {("2026-12-07", "gamelan"): 1}


def test_each_miss_counts_under_its_own_day_and_query(client, catalogue):
    """The upsert is built once per database (misses._upsert): each execution takes its own day
    and query."""
    for moment, q in (
        ("2026-12-06T05:00:00Z", "gamelan"),
        ("2026-12-06T06:00:00Z", "wayang"),
        ("2026-12-07T05:00:00Z", "gamelan"),
        ("2026-12-07T06:00:00Z", "gamelan"),
    ):
        with time_machine.travel(moment, tick=False):
            search(client, f"/search?q={q}")
    assert counts() == {("2026-12-06", "gamelan"): 1, ("2026-12-06", "wayang"): 1, ("2026-12-07", "gamelan"): 2}
