"""The programme for visitors: the agenda page, the calendar files, the hall's strip at a frozen
clock, and the policy that lets a video page (and only it) frame its video's host."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from icalendar import Calendar

from marketplace import security
from marketplace.expo import programme
from marketplace.extensions import db
from tests.agency_support import text, wib
from tests.programme_support import YT, gen_fair, gen_session

FB = "https://www.facebook.com/DisnakerinKotaTegal/videos/1234567890/"


@pytest.fixture
def world(app):
    people, fair = gen_fair()
    ids = {
        "opening": gen_session(
            fair,
            kind="opening",
            title="Pembukaan expo",
            starts_at="2026-12-01T08:00",
            ends_at="2026-12-01T09:00",
            zone="kuliner",
            video_url=YT,
        ),
        "demo": gen_session(
            fair,
            kind="demo",
            title="Demo masak sate",
            starts_at="2026-12-01T08:30",
            ends_at="2026-12-01T10:00",
            booth="K-01",
            speaker="Chef Ani",
        ),
        "launch": gen_session(
            fair, kind="launch", title="Peluncuran kopi", starts_at="2026-12-02T19:00", ends_at="2026-12-02T20:00"
        ),
    }
    return people, fair, ids


def csp(response) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in response.headers["Content-Security-Policy"].split(";")]
    return {p[0]: p[1:] for p in parts if p}


def test_agenda_by_day_with_the_session_on_now_its_place_and_calendar_links(client, world):
    _people, _fair, ids = world
    with time_machine.travel(wib(2026, 12, 1, 8, 45), tick=False):
        page = text(client.get("/expo/apik-2026/agenda"))
    assert (
        page.index("1 Des 2026")
        < page.index("Pembukaan expo")
        < page.index("2 Des 2026")
        < page.index("Peluncuran kopi")
    )
    assert page.count("Sedang berlangsung") == 2  # the opening and the demo overlap
    assert 'href="/expo/apik-2026/booths/K-01"' in page and "Kuliner" in page and "Bersama Chef Ani" in page
    assert f'href="/expo/apik-2026/sessions/{ids["demo"]}.ics"' in page
    assert 'href="/expo/apik-2026/agenda.ics"' in page
    with time_machine.travel(wib(2026, 12, 1, 12, 0), tick=False):
        later = text(client.get("/expo/apik-2026/agenda"))  # the cached copy expired when the demo ended
    assert "Sedang berlangsung" not in later
    assert client.get("/expo/tidak-ada/agenda").status_code == 404


def test_the_video_loads_on_a_tap_and_only_its_hosts_are_allowed(app, client, world):
    _people, fair, ids = world
    plain = client.get("/expo/apik-2026")  # the hall embeds no video: the usual policy, unchanged
    assert plain.headers["Content-Security-Policy"] == security.content_security_policy(app)
    default = csp(plain)
    assert "frame-src" not in default and default["img-src"] == ["'self'", "data:"]
    first = client.get("/expo/apik-2026/agenda")
    cached = client.get("/expo/apik-2026/agenda")
    for response in (first, cached):  # rendered, then from the page cache: the same policy
        policy = csp(response)
        assert policy["frame-src"] == ["'self'", "https://www.youtube-nocookie.com"]
        assert policy["img-src"] == ["'self'", "data:", "https://i.ytimg.com"]
        assert {k: v for k, v in policy.items() if k not in ("frame-src", "img-src")} == {
            k: v for k, v in default.items() if k != "img-src"
        }
    body = text(first)
    assert 'data-embed="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in body
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in body  # without JS: a link to the video
    assert "<iframe" not in body and "js/video.js" in body
    row = programme.get_session(fair, ids["opening"])
    row.video_url = FB
    db.session.commit()
    policy = csp(client.get("/expo/apik-2026/agenda"))
    assert (
        policy["frame-src"] == ["'self'", "https://www.facebook.com"] and "https://i.ytimg.com" not in policy["img-src"]
    )
    assert "frame-src" not in csp(client.get("/"))


def test_calendar_files_parse_with_utc_times_and_stable_uids(client, world):
    _people, _fair, ids = world
    one = client.get(f"/expo/apik-2026/sessions/{ids['demo']}.ics")
    assert one.status_code == 200 and one.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="sesi-{ids["demo"]}.ics"' in one.headers["Content-Disposition"]
    [event] = Calendar.from_ical(one.data).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)  # 08.30 WIB
    assert event.decoded("dtend") == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Demo masak sate"
    assert "Chef Ani" in str(event["description"]) and "/expo/apik-2026/agenda" in str(event["description"])
    assert "Stan K-01" in str(event["location"]) and str(event["url"]).endswith(
        f"/expo/apik-2026/agenda#sesi-{ids['demo']}"
    )
    all_of_it = client.get("/expo/apik-2026/agenda.ics")
    events = Calendar.from_ical(all_of_it.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Pembukaan expo", "Demo masak sate", "Peluncuran kopi"]
    assert str(events[1]["uid"]) == str(event["uid"])  # the same session, the same UID in both files
    assert events[2].decoded("dtstart") == datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert client.get("/expo/apik-2026/sessions/999999.ics").status_code == 404
    assert client.get("/expo/tidak-ada/agenda.ics").status_code == 404


def test_the_hall_strip_follows_the_clock(client, world):
    with time_machine.travel(wib(2026, 12, 1, 8, 45), tick=False):
        during = text(client.get("/expo/apik-2026"))
    strip = during[during.index('id="now-strip"') :]
    assert strip.count("Sedang berlangsung") == 2 and "Pembukaan expo" in strip and "Demo masak sate" in strip
    assert "Berikutnya" in strip and "Peluncuran kopi" in strip and "Tonton" in strip
    assert 'href="/expo/apik-2026/agenda"' in strip
    with time_machine.travel(wib(2026, 12, 1, 9, 30), tick=False):
        after_opening = text(client.get("/expo/apik-2026"))  # the cached hall expired at 09.00
    strip = after_opening[after_opening.index('id="now-strip"') :]
    assert strip.count("Sedang berlangsung") == 1 and "Pembukaan expo" not in strip
    with time_machine.travel(wib(2026, 12, 3, 8, 0), tick=False):
        done = text(client.get("/expo/apik-2026"))
    assert 'id="now-strip"' not in done


def test_the_hall_strip_costs_one_statement(app, client, world, count_queries):
    with time_machine.travel(wib(2026, 12, 1, 8, 45) + timedelta(seconds=1), tick=False):
        app.config["PAGE_CACHE"] = False
        client.get("/expo/apik-2026")  # warm
        with count_queries() as counter:
            assert client.get("/expo/apik-2026").status_code == 200
    # the expo and the sessions with their booths; the exhibitors' booth list is remembered
    assert counter.count == 2


def test_only_https_origins_are_allowed_and_unknown_videos_allow_nothing(app):
    with app.test_request_context("/expo/apik-2026/agenda"):
        assert programme.allow_video("") is None and programme.allow_video("https://vimeo.com/1") is None
        assert security.response_sources() == ()
        for origin in ("http://www.youtube.com", "https://a.test; script-src *", "'unsafe-inline'"):
            with pytest.raises(ValueError, match="not an https origin"):
                security.allow_frames_for_this_response(origin)
        assert security.response_sources() == ()
        programme.allow_video("https://fb.watch/abcDEF123/")
        assert security.response_sources() == (("frame-src", ("https://www.facebook.com",)),)
