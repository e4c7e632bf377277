"""The arithmetic of the cold-path table (bench/coldpath.py) and of the expo bench's page-cache
hit ratio (bench/expo_load.py), without a server."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import coldpath  # bench/ is not a package; neither imports the app at module level
import expo_load


def database(home_ms: float, home_rps: float, search_p95: float) -> dict:
    return {
        "baseline_mean": {"items24": {"rps": 2000.0}},
        "coldpath": {
            "mode": "production",
            "repeat": 15,
            "baseline_ms": {"items24": 0.5},
            "pages": {
                "home": {"status": 200, "ms": home_ms, "statements": 6, "sql_ms": 0.5, "sql_share": 0.1},
                "search-rare": {"status": 200, "ms": 2.0, "statements": 5, "sql_ms": 1.0, "sql_share": 0.5},
            },
        },
        "pages": {
            "home": {"path": "/", "kind": "page", "uncached": {"ok_rps": home_rps, "p95_ms": 80.0}},
            "search-rare": {"path": "/search?q=x", "kind": "search", "uncached": {"ok_rps": 600, "p95_ms": search_p95}},
        },
    }


def test_a_page_meets_its_targets_at_the_limits():
    rows = {r["page"]: r for r in coldpath.evaluate(database(5.0, 500.0, 29.9), 32)}
    assert rows["home"]["x24"] == 10.0 and rows["home"]["rps_x24"] == 0.25
    assert rows["home"]["targets"] == {"render_at_most_10x": True, "throughput_at_least_0.25x": True}
    assert rows["search-rare"]["targets"]["p95_under_30ms_at_32"] is True


def test_a_page_over_the_limits_is_marked_not_met():
    db = database(5.1, 499.0, 30.0)
    rows = {r["page"]: r for r in coldpath.evaluate(db, 32)}
    assert not any(rows["home"]["targets"].values())
    assert rows["search-rare"]["targets"]["p95_under_30ms_at_32"] is False
    text = "\n".join(coldpath.markdown(db, 32))
    assert "| home `/` | 5.10 | 0.500 | 10.2 | **NOT met** | – | – | 6 |" in text
    assert "Cold-path targets: 2 met, 3 NOT met." in text


def test_each_render_is_over_the_bare_page_timed_beside_it():
    db = database(6.0, 900.0, 10.0)
    db["coldpath"]["pages"]["home"].update(items24_ms=0.75, x24=8.0)  # the machine got busier meanwhile
    rows = {r["page"]: r for r in coldpath.evaluate(db, 32)}
    assert rows["home"]["x24"] == 8.0 and rows["home"]["targets"]["render_at_most_10x"] is True


def test_a_page_that_failed_to_render_misses_its_render_target():
    db = database(1.0, 900.0, 10.0)
    db["coldpath"]["pages"]["home"]["status"] = 500
    rows = {r["page"]: r for r in coldpath.evaluate(db, 32)}
    assert rows["home"]["targets"]["render_at_most_10x"] is False


def test_the_hit_ratio_counts_only_the_pages_the_cache_answered_for():
    summary = expo_load.page_cache_summary({"home": {"hit": 95, "miss": 5}, "product": {"hit": 80, "miss": 20}})
    assert (summary["hits"], summary["misses"], summary["ratio"]) == (175, 25, 0.875)
    assert summary["by_type"]["home"]["ratio"] == 0.95
    targets = expo_load.targets({"page_cache": summary, "page_p95_ms": 99.0})
    assert targets == {"page_cache_hit_ratio_above_90_%": False, "page_p95_under_100_ms": True}
    assert expo_load.page_cache_summary({})["ratio"] is None
