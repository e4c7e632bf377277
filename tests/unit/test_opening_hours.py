"""Opening hours of a booth: the form's rows to the stored shape, and "open now" in WIB."""

from __future__ import annotations

from datetime import UTC, datetime

from marketplace.expo.booths import booth_key, hours_rows, open_now, parse_hours

HOURS = {"1": ["08:00", "20:00"], "7": ["10:00", "14:30"]}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_open_now_reads_the_day_and_time_in_wib():
    # Monday 7 Dec 2026, 01:00 UTC is 08:00 WIB: the opening minute is open
    assert open_now(HOURS, utc("2026-12-07T01:00:00"))
    assert not open_now(HOURS, utc("2026-12-07T00:59:00"))  # 07:59 WIB
    assert open_now(HOURS, utc("2026-12-07T12:59:00"))  # 19:59 WIB
    assert not open_now(HOURS, utc("2026-12-07T13:00:00"))  # 20:00 WIB: the closing minute is closed


def test_a_utc_evening_is_the_next_day_in_wib():
    # Saturday 5 Dec 2026, 20:00 UTC is Sunday 03:00 WIB: Sunday's hours, not yet open
    assert not open_now(HOURS, utc("2026-12-05T20:00:00"))
    assert open_now(HOURS, utc("2026-12-06T04:00:00"))  # Sunday 11:00 WIB


def test_a_day_without_hours_and_no_hours_at_all_are_closed():
    assert not open_now(HOURS, utc("2026-12-08T05:00:00"))  # Tuesday noon
    assert not open_now({}, utc("2026-12-07T05:00:00"))
    assert not open_now(None, utc("2026-12-07T05:00:00"))


def test_parse_hours_keeps_open_days_and_drops_closed_ones():
    hours, errors = parse_hours(
        {
            "1": {"closed": False, "open": "08:00", "close": "20:00"},
            "2": {"closed": True, "open": "08:00", "close": "20:00"},
        }
    )
    assert errors == {} and hours == {"1": ["08:00", "20:00"]}


def test_parse_hours_names_the_bad_field():
    _hours, errors = parse_hours(
        {
            "1": {"closed": False, "open": "8 pagi", "close": "20:00"},
            "2": {"closed": False, "open": "09:00", "close": "09:00"},
            "3": {"closed": False, "open": "10:00", "close": "24:00"},
        }
    )
    assert set(errors) == {"hours_1_open", "hours_2_close", "hours_3_close"}
    assert "sesudah" in errors["hours_2_close"]


def test_hours_rows_are_monday_first_with_closed_days():
    rows = hours_rows(HOURS)
    assert [r.day for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert rows[0].opens == "08:00" and rows[1].closed and rows[6].closes == "14:30"


def test_a_booth_is_addressed_by_its_number_else_the_store_slug():
    assert booth_key("K-01", "batik-sari") == "K-01"
    assert booth_key("", "batik-sari") == "batik-sari"
    assert booth_key("A/1", "batik-sari") == "batik-sari"
