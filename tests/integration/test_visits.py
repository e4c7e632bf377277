"""The beacon and the visitor counts (marketplace/visits): pages from the cache still count, a
visitor counts once a day, bots and prefetches not at all, the beacon never sets a cookie, never
needs a CSRF token, never answers anything but 204, and costs no SELECT once its ids are known."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.visits import counter
from marketplace.visits.models import VisitSalt, VisitTally
from tests.buying_factories import variant_of
from tests.factories import PASSWORD, gen_product, gen_store, gen_user

CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOON_WIB = "2026-12-03 05:00:00+00:00"  # 12.00 in Jakarta


def visits_app(make_app, **config):
    return make_app(**{"VISITS_ENABLED": True, "VISITS_FLUSH_EVERY": 1, **config})


@pytest.fixture
def app(make_app):
    app = visits_app(make_app)
    with app.app_context():
        yield app


@pytest.fixture
def fair(app):
    store = gen_store(name="Batik Sari")
    product = gen_product(store, name="Batik Tulis Sekar Jagad")
    opens = now() - timedelta(days=1)
    show = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opens, opens + timedelta(days=5))
    expo.add_exhibitor(None, show, store, booth="A1")
    db.session.commit()
    data = {
        "store": store.slug,
        "store_id": store.id,
        "expo": show.slug,
        "expo_id": show.id,
        "product": product.id,
        "variant": variant_of(product).id,
    }
    db.session.remove()
    return data


def beacon(client, ua: str | None = CHROME, address: str = "10.1.2.3", headers=None, **fields):
    sent = dict(headers or {})
    if ua is not None:
        sent["User-Agent"] = ua
    return client.post("/beacon", data=fields, headers=sent, environ_base={"REMOTE_ADDR": address})


def tallies() -> list[tuple]:
    db.session.rollback()
    rows = db.session.execute(
        select(
            VisitTally.day, VisitTally.kind, VisitTally.expo_id, VisitTally.store_id, VisitTally.visitor
        ).add_columns(VisitTally.hits)
    ).all()
    return sorted(tuple(r) for r in rows)


def figures() -> dict[tuple, tuple[int, int]]:
    """(kind, expo_id, store_id) -> (hits, distinct visitors) from the raw tallies."""
    out: dict[tuple, tuple[int, int]] = {}
    for _day, kind, expo_id, store_id, _visitor, hits in tallies():
        h, v = out.get((kind, expo_id, store_id), (0, 0))
        out[(kind, expo_id, store_id)] = (h + hits, v + 1)
    return out


def test_a_hall_served_from_the_page_cache_still_counts(client, fair):
    for _ in range(2):
        page = client.get(f"/expo/{fair['expo']}", headers={"User-Agent": CHROME})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<meta name="apik-beacon" content="k=hall&amp;e={fair["expo"]}">' in html
        assert "js/beacon.js" in html
        # what beacon.js sends for that meta
        assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    assert figures() == {("hall", fair["expo_id"], 0): (2, 1)}


def test_the_product_page_names_itself_and_marks_its_whatsapp_links(client, fair):
    html = client.get(f"/products/{fair['product']}").get_data(as_text=True)
    assert f'content="k=product&amp;s={fair["store"]}&amp;p={fair["product"]}"' in html
    assert f'data-beacon="whatsapp" data-store="{fair["store"]}"' in html
    storefront = client.get(f"/stores/{fair['store']}").get_data(as_text=True)
    assert f'data-beacon="whatsapp" data-store="{fair["store"]}"' in storefront
    assert 'name="apik-beacon"' not in storefront  # the storefront sends no page view of its own


def test_a_visitor_counts_once_a_day_another_browser_twice(client, fair):
    beacon(client, k="booth", e=fair["expo"], s=fair["store"])
    beacon(client, k="booth", e=fair["expo"], s=fair["store"])
    assert figures() == {("booth", fair["expo_id"], fair["store_id"]): (2, 1)}
    beacon(client, ua=FIREFOX, k="booth", e=fair["expo"], s=fair["store"])
    beacon(client, address="10.9.9.9", k="booth", e=fair["expo"], s=fair["store"])
    assert figures() == {("booth", fair["expo_id"], fair["store_id"]): (4, 3)}
    assert all(len(row[4]) == 32 for row in tallies())  # the hash, and nothing else about the person


def test_the_next_day_has_another_salt(client, fair):
    with time_machine.travel(NOON_WIB, tick=False):
        beacon(client, k="product", s=fair["store"], p=str(fair["product"]))
    with time_machine.travel("2026-12-04 05:00:00+00:00", tick=False):
        beacon(client, k="product", s=fair["store"], p=str(fair["product"]))
    rows = tallies()
    assert [(r[0].isoformat(), r[5]) for r in rows] == [("2026-12-03", 1), ("2026-12-04", 1)]
    assert rows[0][4] != rows[1][4], "the same browser is another visitor the next day"
    salts = db.session.scalars(select(VisitSalt.salt).order_by(VisitSalt.day)).all()
    assert len(salts) == 2 and salts[0] != salts[1]


def test_the_jakarta_day_counts_not_the_utc_day(client, fair):
    with time_machine.travel("2026-12-03 18:30:00+00:00", tick=False):  # 01.30 WIB on the 4th
        beacon(client, k="hall", e=fair["expo"])
    assert [r[0].isoformat() for r in tallies()] == ["2026-12-04"]


@pytest.mark.parametrize(
    "ua, headers",
    [
        (GOOGLEBOT, {}),
        ("", {}),
        ("   ", {}),
        (CHROME, {"Sec-Purpose": "prefetch"}),
        (CHROME, {"Sec-Purpose": "prefetch;prerender"}),
        (CHROME, {"Purpose": "prefetch"}),
    ],
)
def test_bots_prefetches_and_no_user_agent_are_not_counted(client, fair, ua, headers):
    assert beacon(client, ua=ua, headers=headers, k="hall", e=fair["expo"]).status_code == 204
    assert tallies() == []


def test_the_beacon_sets_no_cookie_even_for_a_signed_in_visitor(client, fair):
    gen_user("siti@test.id")
    assert client.post("/login", data={"email": "siti@test.id", "password": PASSWORD}).status_code == 302
    assert client.get(f"/expo/{fair['expo']}").status_code == 200
    response = beacon(client, k="hall", e=fair["expo"])
    assert response.status_code == 204 and response.data == b""
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert figures() == {("hall", fair["expo_id"], 0): (1, 1)}
    anonymous = beacon(client.application.test_client(), k="hall", e=fair["expo"])
    assert "Set-Cookie" not in anonymous.headers


def test_the_beacon_needs_no_csrf_token(make_app, fair):
    client = visits_app(make_app, WTF_CSRF_ENABLED=True).test_client()
    assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    assert figures() == {("hall", fair["expo_id"], 0): (1, 1)}
    # the rest of the site still wants its token
    assert client.post("/cart/items", data={"variant_id": fair["variant"], "quantity": 1}).status_code == 400


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"k": "visit"},
        {"k": "cart", "s": "batik-sari"},  # counted by the cart itself, never by a beacon
        {"k": "hall"},
        {"k": "hall", "e": "no-such-expo"},
        {"k": "hall", "e": "../../etc/passwd"},
        {"k": "hall", "e": "x" * 5000},
        {"k": "booth", "e": "apik-banget"},
        {"k": "booth", "s": "batik-sari"},
        {"k": "product"},
        {"k": "product", "s": "batik-sari", "p": "-1"},
        {"k": "product", "s": "batik-sari", "p": "1e9"},
        {"k": "product", "s": "batik-sari", "p": "9" * 40},
        {"k": "whatsapp", "s": "tidak-ada"},
    ],
)
def test_bad_fields_count_nothing_and_answer_204(client, fair, fields):
    fields = {k: (v.replace("batik-sari", fair["store"]) if isinstance(v, str) else v) for k, v in fields.items()}
    response = client.post("/beacon", data=fields, headers={"User-Agent": CHROME})
    assert response.status_code == 204 and response.data == b""
    assert tallies() == []


def test_text_no_database_can_take_is_refused_by_the_input_check_and_not_counted(client, fair):
    response = client.post("/beacon", data={"k": "whatsapp", "s": "batik\u0000"}, headers={"User-Agent": CHROME})
    assert response.status_code == 422  # marketplace/web.py, as on every route; beacon.js never sends it
    assert tallies() == []


def test_a_suspended_store_is_not_counted(client, fair):
    from marketplace.stores import services as stores

    stores.set_status(stores.get_store(fair["store"]), None, "suspended", reason="Izin usaha kedaluwarsa.")
    db.session.commit()
    beacon(client, k="whatsapp", s=fair["store"])
    assert tallies() == []


def test_beacons_are_rate_limited_quietly(make_app, fair):
    client = visits_app(make_app, RATELIMIT_ENABLED=True).test_client()
    answers = [beacon(client, k="hall", e=fair["expo"]).status_code for _ in range(245)]
    assert answers == [204] * 245
    assert figures() == {("hall", fair["expo_id"], 0): (240, 1)}
    other = beacon(client, address="10.7.7.7", k="hall", e=fair["expo"])
    assert other.status_code == 204
    assert figures() == {("hall", fair["expo_id"], 0): (241, 2)}


def test_one_beacon_costs_one_insert_and_no_select_once_its_ids_are_known(client, fair, count_queries):
    beacon(client, k="booth", e=fair["expo"], s=fair["store"])  # learns the ids and the day's salt
    db.session.remove()
    with count_queries() as q:
        assert beacon(client, ua=FIREFOX, k="booth", e=fair["expo"], s=fair["store"]).status_code == 204
    assert len(q.statements) == 1 and q.statements[0].lstrip().upper().startswith("INSERT INTO VISIT_TALLIES")
    assert "ON CONFLICT" in q.statements[0].upper()


def test_a_buffered_beacon_costs_no_statement(make_app, fair, count_queries):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=200)
    client = app.test_client()
    beacon(client, k="hall", e=fair["expo"])
    with app.app_context(), count_queries() as q:
        for address in ("10.0.0.2", "10.0.0.3", "10.0.0.4"):
            beacon(client, address=address, k="hall", e=fair["expo"])
    assert q.statements == []
    assert len(counter.state(app).buffer) == 4 and tallies() == []


def test_the_buffer_flushes_when_it_holds_enough_entries(make_app, fair):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=3, VISITS_FLUSH_SECONDS=3600)
    client = app.test_client()
    beacon(client, k="hall", e=fair["expo"])
    beacon(client, k="hall", e=fair["expo"])  # the same entry: one entry, two hits
    beacon(client, address="10.0.0.2", k="hall", e=fair["expo"])
    assert tallies() == []
    beacon(client, address="10.0.0.3", k="hall", e=fair["expo"])
    assert figures() == {("hall", fair["expo_id"], 0): (4, 3)}
    assert len(counter.state(app).buffer) == 0


def test_the_buffer_flushes_when_its_time_is_up(make_app, fair, monkeypatch):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=1000, VISITS_FLUSH_SECONDS=5)
    client = app.test_client()
    clock = [1000.0]
    monkeypatch.setattr(counter.time, "monotonic", lambda: clock[0])
    counter.state(app).buffer.last_flush = clock[0]
    beacon(client, k="hall", e=fair["expo"])
    clock[0] += 4
    beacon(client, address="10.0.0.2", k="hall", e=fair["expo"])
    assert tallies() == []
    clock[0] += 1.5
    beacon(client, address="10.0.0.3", k="hall", e=fair["expo"])
    assert figures() == {("hall", fair["expo_id"], 0): (3, 3)}


def test_a_failed_flush_keeps_the_counts_for_the_next(make_app, fair):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=1000)
    client = app.test_client()
    for address in ("10.0.0.2", "10.0.0.3"):
        beacon(client, address=address, k="hall", e=fair["expo"])
    buffer = counter.state(app).buffer
    working = buffer.engine
    from sqlalchemy import create_engine

    buffer.engine = create_engine("sqlite:////nonexistent-dir/visits.sqlite")  # the database refuses
    assert buffer.flush() == 0
    assert len(buffer) == 2 and buffer.failed_flushes == 1 and buffer.dropped == 0
    buffer.engine = working
    assert buffer.flush() == 2
    assert figures() == {("hall", fair["expo_id"], 0): (2, 2)}


def test_a_full_buffer_drops_and_counts_what_it_cannot_keep(make_app, fair, monkeypatch):
    monkeypatch.setattr(counter, "MAX_BUFFERED", 2)
    app = visits_app(make_app, VISITS_FLUSH_EVERY=1000)
    client = app.test_client()
    buffer = counter.state(app).buffer
    beacon(client, address="10.0.0.2", k="hall", e=fair["expo"])
    from sqlalchemy import create_engine

    buffer.engine = create_engine("sqlite:////nonexistent-dir/visits.sqlite")
    for address in ("10.0.0.3", "10.0.0.4", "10.0.0.5"):
        beacon(client, address=address, k="hall", e=fair["expo"])
    assert len(buffer) == 2 and buffer.dropped == 2  # a full buffer tries a flush, which fails


def test_adding_to_the_cart_counts_for_the_variants_store(client, fair, api):
    gen_user("siti@test.id")
    client.post("/login", data={"email": "siti@test.id", "password": PASSWORD})
    response = client.post(
        "/cart/items", data={"variant_id": fair["variant"], "quantity": 1}, headers={"User-Agent": CHROME}
    )
    assert response.status_code == 302
    assert figures() == {("cart", 0, fair["store_id"]): (1, 1)}
    token = api.token("siti@test.id")
    response = client.post(
        "/api/v1/cart/items",
        json={"variant_id": fair["variant"], "quantity": 1},
        headers={"Authorization": f"Bearer {token}", "User-Agent": CHROME},
    )
    assert response.status_code == 201
    assert figures() == {("cart", 0, fair["store_id"]): (2, 1)}


def test_a_refused_add_to_cart_counts_nothing(client, fair):
    response = client.post("/cart/items", data={"variant_id": 999999, "quantity": 1}, headers={"User-Agent": CHROME})
    assert response.status_code == 302
    assert tallies() == []


def test_a_counting_failure_never_reaches_the_cart(client, fair, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("counter down")

    monkeypatch.setattr(counter, "record", broken)
    response = client.post(
        "/cart/items", data={"variant_id": fair["variant"], "quantity": 1}, headers={"User-Agent": CHROME}
    )
    assert response.status_code == 302
    assert "could not count cart" in caplog.text
    assert client.get("/cart").get_data(as_text=True).count("Batik Tulis Sekar Jagad") >= 1


def test_visits_off_counts_nothing_and_renders_no_beacon(make_app, fair):
    client = make_app(VISITS_ENABLED=False).test_client()
    html = client.get(f"/expo/{fair['expo']}").get_data(as_text=True)
    assert "apik-beacon" not in html and "beacon.js" not in html
    assert beacon(client, k="hall", e=fair["expo"]).status_code == 204
    client.post("/cart/items", data={"variant_id": fair["variant"], "quantity": 1}, headers={"User-Agent": CHROME})
    assert tallies() == []


def test_the_beacon_is_never_a_get(client):
    assert client.get("/beacon").status_code == 405
