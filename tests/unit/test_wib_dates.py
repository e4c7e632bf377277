"""One date style everywhere: "3 Des 2026, 14.25 WIB", "Dec 3, 2026, 2:25 PM WIB" in English."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale

from marketplace.i18n import wib, wib_iso

AT = datetime(2026, 12, 3, 7, 25, tzinfo=UTC)  # 14.25 in Jakarta


def test_wib_writes_the_one_style_in_indonesian_and_english(app):
    with app.test_request_context():
        assert wib(AT) == "3 Des 2026, 14.25 WIB"
        assert wib(AT, "short") == wib(AT, "medium") == wib(AT)  # babel's names give the same style
        assert wib(AT, "date") == "3 Des 2026" and wib(date(2026, 12, 3)) == "3 Des 2026"
        assert wib(AT, "time") == "14.25 WIB" and wib(AT, zone=False) == "3 Des 2026, 14.25"
        with force_locale("en"):
            assert wib(AT) == "Dec 3, 2026, 2:25 PM WIB"
            assert wib(AT, "date") == "Dec 3, 2026"
        assert wib(None) == ""


def test_csv_times_are_iso_8601_in_wib_with_the_offset():
    assert wib_iso(AT) == "2026-12-03T14:25:00+07:00"
    assert wib_iso(datetime(2026, 12, 3, 7, 25)) == "2026-12-03T14:25:00+07:00"  # naive = UTC
    assert wib_iso(None) == ""


def test_the_pages_show_the_style(app):
    with app.test_request_context():
        rendered = app.jinja_env.from_string("{{ at|wib }} · {{ at|wib('short') }}").render(at=AT)
    assert rendered == "3 Des 2026, 14.25 WIB · 3 Des 2026, 14.25 WIB"


def test_wib_writes_what_flask_babel_writes_for_any_instant(app):
    """wib formats with the locale's patterns parsed once; flask_babel's formatters (which
    rebase to BABEL_DEFAULT_TIMEZONE) must agree on every instant, naive ones (UTC) too."""
    from datetime import timedelta

    from marketplace.i18n import _wib_babel

    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Jakarta"  # what the patterns assume
    instants = [AT + timedelta(hours=7 * k, minutes=13 * k) for k in range(-40, 40)]
    instants += [datetime(1960, 1, 1, 12, 5, tzinfo=UTC), datetime(2026, 12, 31, 17, 0), datetime(2027, 1, 1)]
    with app.test_request_context():
        for locale in ("id", "en"):
            with force_locale(locale):
                for at in instants:
                    for fmt in ("datetime", "date", "time"):
                        for zone in (True, False):
                            assert wib(at, fmt, zone) == _wib_babel(at, fmt, zone), (locale, at, fmt, zone)
                    assert wib(at.date()) == _wib_babel(at.date(), "datetime", True)
