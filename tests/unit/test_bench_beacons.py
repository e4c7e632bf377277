"""The arithmetic of the expo bench's beacon count (bench/beacon_load.py), without a server."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import beacon_load as B  # bench/ is not a package; it imports nothing of the app


def test_lost_is_what_the_roll_up_did_not_count_per_key():
    accepted = {("2026-12-06", "hall", 1, 0): 1000, ("2026-12-06", "booth", 1, 7): 500}
    counted = {("2026-12-06", "hall", 1, 0): 999, ("2026-12-06", "booth", 1, 7): 500}
    r = B.compare_counts(accepted, counted)
    assert (r["accepted"], r["counted"], r["lost"], r["over"]) == (1500, 1499, 1, 0)
    assert r["lost_pct"] == round(100 / 1500, 4)  # 1 − 1499/1500
    assert r["keys_short"] == [["2026-12-06", "hall", 1, 0]]


def test_a_key_counted_twice_does_not_hide_a_lost_one():
    accepted = {("d", "hall", 1, 0): 10, ("d", "booth", 1, 2): 10}
    counted = {("d", "hall", 1, 0): 5, ("d", "booth", 1, 2): 15, ("d", "product", 0, 3): 1}
    r = B.compare_counts(accepted, counted)
    assert (r["lost"], r["over"], r["lost_pct"]) == (5, 6, 25.0)
    assert r["keys"] == 3


def test_nothing_accepted_is_nothing_lost():
    assert B.compare_counts({}, {})["lost_pct"] == 0.0


def test_the_page_declares_its_beacon_in_json_or_as_a_query_string():
    page = (
        b'<head><meta content="{&quot;k&quot;: &quot;booth&quot;, &quot;e&quot;: &quot;x&quot;, '
        b'&quot;s&quot;: 5}" name="apik-beacon"></head>'
    )
    assert B.page_beacon(page) == {"k": "booth", "e": "x", "s": "5"}
    assert B.page_beacon(b"<meta name='apik-beacon' content='k=product&amp;p=12&amp;e='>") == {
        "k": "product",
        "p": "12",
    }
    assert B.page_beacon(b'<meta name="apik-beacon" content="k=cart">') is None  # not a beacon kind
    assert B.page_beacon(b"<html></html>") is None


def test_without_a_declaration_the_contract_says_what_a_page_sends():
    assert B.fallback_beacon("expo", "apik", "/expo/apik") == {"k": "hall", "e": "apik"}
    assert B.fallback_beacon("store", "apik", "/stores/kopi-gayo") == {"k": "booth", "e": "apik", "s": "kopi-gayo"}
    assert B.fallback_beacon("product", "apik", "/products/42") == {"k": "product", "p": "42"}
    assert B.fallback_beacon("product", "apik", "/products/42", {"42": "kopi"}) == {
        "k": "product",
        "p": "42",
        "s": "kopi",
    }
    assert B.fallback_beacon("home", "apik", "/") is None


def test_every_visitor_is_someone_else():
    people = [B.identity(n) for n in range(70000)]
    assert len({p["X-Forwarded-For"] for p in people}) == 70000
    assert len({p["User-Agent"] for p in people}) == 70000
    assert all("bot" not in p["User-Agent"].lower() for p in people[:100])


def test_processes_merge_into_one_count_with_visitors_unioned():
    one, two = B.BeaconLog(), B.BeaconLog()
    one.record({"k": "hall", "e": "x"}, 1, 204, b"", True)
    one.record({"k": "hall", "e": "x"}, 1, 204, b"", True)
    two.record({"k": "hall", "e": "x"}, 2, 204, b"", False)
    two.record({"k": "hall", "e": "x"}, 3, 429, b"slow down", False)
    merged = B.merge([one.as_dict(), two.as_dict()])
    [row] = merged["rows"]
    assert row[1:5] == ["hall", "x", "", ""]
    assert row[5:] == [4, 3, [1, 2]]  # sent, 204, the visitors behind the 204s
    assert merged["statuses"] == {"204": 3, "429": 1}
    assert merged["from_page"] == {"page": 2, "contract": 2}
    assert B.passes({"errors": 1, "lost_pct": 0.0}) == {"no_beacon_error": False, "beacons_lost_under_0.1_%": True}


def test_p95_more_than_ten_percent_above_fails_only_for_pages():
    def run(product, api):
        by_type = {
            "product": {"p50_ms": 10, "p95_ms": product},
            "api-products": {"p50_ms": 10, "p95_ms": api},
        }
        return {"databases": {"sqlite": {"summary": {"by_type": by_type}}}}

    ok = B.compare_p95(run(100, 100), run(110, 300))["sqlite"]
    assert ok["ok"] and ok["rows"]["product"]["ratio"] == 1.1
    slow = B.compare_p95(run(100, 100), run(111, 100))["sqlite"]
    assert not slow["ok"] and not slow["rows"]["product"]["ok"]


class FakeConn:
    """Answers every beacon 204 and keeps what was sent."""

    def __init__(self):
        self.sent = []

    def request(self, method, path, body, headers):
        self.sent.append((method, path, body, headers["Content-Type"]))
        return 204, b"", 0.001


class FakeStats:
    def __init__(self):
        self.kinds = []

    def record(self, kind, status, body, elapsed, path):
        self.kinds.append((kind, status))


class Always:
    def random(self):
        return 0.0


def test_a_page_with_the_script_sends_what_it_declares_and_its_whatsapp_tap():
    conn, stats, log = FakeConn(), FakeStats(), B.BeaconLog()
    page = (
        b'<meta name="apik-beacon" content="k=product&amp;s=kopi&amp;p=7">'
        b'<a data-beacon="whatsapp" data-store="kopi" class="btn chat" href="https://wa.me/1">Chat</a>'
        b'<script src="/static/js/beacon.js" defer></script>'
    )
    B.after_view(conn, log, stats, Always(), {"expo_slug": "apik"}, "product", "/products/7", page, 5)
    assert [c[2] for c in conn.sent] == [b"k=product&s=kopi&p=7", b"k=whatsapp&s=kopi"]
    assert {c[3] for c in conn.sent} == {"application/x-www-form-urlencoded"}
    assert stats.kinds == [("beacon", 204), ("beacon", 204)]
    assert log.from_page == {"page": 2}


def test_a_page_with_the_script_and_no_declaration_sends_nothing():
    conn, log = FakeConn(), B.BeaconLog()
    page = b'<a data-beacon="whatsapp" data-store="kopi">Chat</a><script src="/static/js/beacon.js"></script>'
    B.after_view(conn, log, FakeStats(), Always(), {"expo_slug": "apik"}, "store", "/stores/kopi", page, 5)
    assert [c[2] for c in conn.sent] == [b"k=whatsapp&s=kopi"]  # the storefront itself declares no view


def test_a_page_without_the_script_gets_the_contract():
    conn, log = FakeConn(), B.BeaconLog()
    B.after_view(conn, log, FakeStats(), Always(), {"expo_slug": "apik"}, "store", "/stores/kopi", b"<html>", 5)
    assert [c[2] for c in conn.sent] == [b"k=booth&e=apik&s=kopi", b"k=whatsapp&e=apik&s=kopi"]
    assert log.from_page == {"contract": 2}
