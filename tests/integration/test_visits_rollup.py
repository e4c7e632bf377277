"""The daily roll-up (marketplace/visits/rollup.py): visit_daily from the tallies or Redis, the
same figures however often it runs, old tallies and salts deleted; the CLI and the periodic job."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from marketplace import jobs
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.visits import counter, rollup
from marketplace.visits.models import VisitDaily, VisitSalt, VisitTally
from tests.factories import gen_store

CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
DAY_ONE = "2026-12-03 05:00:00+00:00"  # 12.00 WIB, 3 December
DAY_TWO = "2026-12-04 05:00:00+00:00"
DAY_FOUR = "2026-12-06 05:00:00+00:00"


def visits_app(make_app, **config):
    return make_app(**{"VISITS_ENABLED": True, "VISITS_FLUSH_EVERY": 1, **config})


@pytest.fixture
def fair_of():
    def build():
        store = gen_store(name="Batik Sari")
        opens = now() - timedelta(days=30)
        show = expo.create_expo(None, "apik-banget", "Apik Banget Virtual Expo", opens, opens + timedelta(days=60))
        expo.add_exhibitor(None, show, store, booth="A1")
        db.session.commit()
        data = {"store": store.slug, "store_id": store.id, "expo": show.slug, "expo_id": show.id}
        db.session.remove()
        return data

    return build


def beacon(client, ua=CHROME, address="10.1.2.3", **fields):
    response = client.post("/beacon", data=fields, headers={"User-Agent": ua}, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 204


def traffic(client, fair):
    """Three hall views by two visitors, two booth views by one, a WhatsApp tap."""
    beacon(client, k="hall", e=fair["expo"])
    beacon(client, k="hall", e=fair["expo"])
    beacon(client, ua=FIREFOX, k="hall", e=fair["expo"])
    beacon(client, k="booth", e=fair["expo"], s=fair["store"])
    beacon(client, k="booth", e=fair["expo"], s=fair["store"])
    beacon(client, k="whatsapp", s=fair["store"])


def daily(day: date | None = None) -> dict[tuple, tuple[int, int]]:
    db.session.rollback()
    query = select(VisitDaily)
    if day is not None:
        query = query.where(VisitDaily.day == day)
    return {(r.day.isoformat(), r.kind, r.expo_id, r.store_id): (r.hits, r.visitors) for r in db.session.scalars(query)}


def expected(fair, day: str) -> dict[tuple, tuple[int, int]]:
    return {
        (day, "hall", fair["expo_id"], 0): (3, 2),
        (day, "booth", fair["expo_id"], fair["store_id"]): (2, 1),
        (day, "whatsapp", 0, fair["store_id"]): (1, 1),
    }


def test_rollup_sums_hits_and_counts_visitors_and_is_idempotent(make_app, fair_of):
    app = visits_app(make_app)
    with app.app_context():
        fair = fair_of()
        with time_machine.travel(DAY_ONE, tick=False):
            traffic(app.test_client(), fair)
            assert rollup.rollup(date(2026, 12, 3)) == 3
            db.session.commit()
            first = daily()
            assert first == expected(fair, "2026-12-03")
            assert rollup.rollup(date(2026, 12, 3)) == 3
            db.session.commit()
            assert daily() == first  # the same rows, not doubled
            assert db.session.scalar(select(func.count()).select_from(VisitDaily)) == 3
            beacon(app.test_client(), address="10.0.0.9", k="whatsapp", s=fair["store"])
            rollup.rollup(date(2026, 12, 3))
            db.session.commit()
            assert daily()[("2026-12-03", "whatsapp", 0, fair["store_id"])] == (2, 2)


def test_the_periodic_pass_rolls_up_then_purges_what_is_older_than_yesterday(make_app, fair_of):
    app = visits_app(make_app)
    with app.app_context():
        fair = fair_of()
        for moment in (DAY_ONE, DAY_TWO, DAY_FOUR):
            with time_machine.travel(moment, tick=False):
                traffic(app.test_client(), fair)
        assert db.session.scalar(select(func.count()).select_from(VisitSalt)) == 3
        with time_machine.travel(DAY_FOUR, tick=False):
            written = rollup.run()
        # the 3rd and 4th were never rolled up: rolled up once more before their tallies go
        assert written == {"2026-12-05": 0, "2026-12-06": 3, "2026-12-03": 3, "2026-12-04": 3}
        assert daily() == {
            **expected(fair, "2026-12-03"),
            **expected(fair, "2026-12-04"),
            **expected(fair, "2026-12-06"),
        }
        db.session.rollback()
        assert db.session.scalars(select(VisitTally.day).distinct()).all() == [date(2026, 12, 6)]
        assert db.session.scalars(select(VisitSalt.day)).all() == [date(2026, 12, 6)]


def test_the_job_is_on_the_schedule_every_five_minutes(app):
    found = {item.name: item.schedule for item in jobs.periodic_tasks(app)}
    assert found["visits.rollup"] == "*/5 * * * *"


def test_the_cli_flushes_this_process_then_rolls_up(make_app, fair_of):
    app = visits_app(make_app, VISITS_FLUSH_EVERY=1000)
    with app.app_context():
        fair = fair_of()
        with time_machine.travel(DAY_ONE, tick=False):
            traffic(app.test_client(), fair)
            assert db.session.scalar(select(func.count()).select_from(VisitTally)) == 0  # still buffered
            result = app.test_cli_runner().invoke(args=["visits", "rollup", "--day", "2026-12-03"])
        assert result.exit_code == 0, result.output
        assert "flushed 6 hit(s)" in result.output and "2026-12-03: 3 row(s)" in result.output
        assert daily() == expected(fair, "2026-12-03")
        assert len(counter.state(app).buffer) == 0


def test_the_cli_without_a_day_runs_the_periodic_pass(make_app, fair_of):
    app = visits_app(make_app)
    with app.app_context():
        fair = fair_of()
        with time_machine.travel(DAY_ONE, tick=False):
            traffic(app.test_client(), fair)
            result = app.test_cli_runner().invoke(args=["visits", "rollup"])
        assert result.exit_code == 0, result.output
        assert "2026-12-03: 3 row(s)" in result.output and "2026-12-02: 0 row(s)" in result.output
        assert daily() == expected(fair, "2026-12-03")


def test_the_cli_refuses_a_day_that_is_no_date(make_app):
    app = visits_app(make_app)
    result = app.test_cli_runner().invoke(args=["visits", "rollup", "--day", "3 Desember"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


# --- Redis: the same figures ---------------------------------------------------------------------


def _forget_day(url: str, day: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"visits:*{day}*"):
        client.delete(key)


@pytest.mark.redis
def test_redis_mode_gives_the_same_figures(make_app, fair_of, redis_url):
    _forget_day(redis_url, "2026-12-03")
    app = visits_app(make_app, REDIS_URL=redis_url)
    try:
        with app.app_context():
            fair = fair_of()
            with time_machine.travel(DAY_ONE, tick=False):
                traffic(app.test_client(), fair)
                assert db.session.scalar(select(func.count()).select_from(VisitTally)) == 0  # nothing in the database
                assert db.session.scalar(select(func.count()).select_from(VisitSalt)) == 0  # the salt is in Redis
                client = counter.redis_client(app)
                assert 0 < client.ttl("visits:salt:2026-12-03") <= 2 * 24 * 3600
                assert 0 < client.ttl(counter.hits_key(date(2026, 12, 3))) <= 3 * 24 * 3600
                rollup.rollup(date(2026, 12, 3))
                db.session.commit()
                rollup.rollup(date(2026, 12, 3))
                db.session.commit()
            assert daily() == expected(fair, "2026-12-03")
    finally:
        _forget_day(redis_url, "2026-12-03")
