"""The sales report's CSV file as a job (marketplace/agency/report_jobs.py): the button queues it
and answers at once, a worker (Huey's own dequeue and execute on a SQLite queue) writes the same
CSV as GET /agency/reports/sales.csv, progress is rows done of total, the file is for officers
only and is gone after 7 days."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import event, func, select

from marketplace import jobs
from marketplace.agency import report_jobs
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.jobs.models import Job
from tests.agency_support import gen_people, login, order_row, seed_orders, wib
from tests.factories import gen_store, gen_user
from tests.integration.test_esmart_jobs import work

DEC_5 = wib(2026, 12, 5, 12)


def seed_sales(people) -> None:
    """An expo 1–3 Dec 2026 with Batik Sari in it, orders during and after it, and one elsewhere."""
    fair = expo.create_expo(None, "apik", "Apik Banget", wib(2026, 12, 1, 8), wib(2026, 12, 3, 21), zones=["Fesyen"])
    expo.add_exhibitor(None, fair, people["store"], booth="F-01")
    other = gen_store(name="Teh Poci Mas", sector="minuman-herbal")
    siti, budi = people["shopper"], gen_user("budi@test.id")
    seed_orders(
        [
            order_row(people["store"], siti, 100_000, wib(2026, 12, 1, 9)),
            order_row(people["store"], budi, 50_000, wib(2026, 12, 2, 23, 30), status="shipped"),
            order_row(people["store"], siti, 70_000, wib(2026, 12, 3, 22)),
            order_row(people["store"], siti, 999_000, wib(2026, 12, 2, 10), status="cancelled"),
            order_row(other, siti, 25_000, wib(2026, 12, 2, 10)),
        ]
    )
    db.session.commit()


@pytest.fixture
def people(app):
    found = gen_people()
    seed_sales(found)
    return found


@pytest.fixture
def queued_app(make_app, tmp_path):
    """A real queue (a SQLite Huey) that nothing works until the test does."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"))
    with app.app_context():
        yield app


def report_jobs_rows() -> list[Job]:
    db.session.rollback()
    return list(db.session.scalars(select(Job).where(Job.kind == "agency.sales_report").order_by(Job.id)))


def files(app) -> list[str]:
    return sorted(p.name for p in Path(app.config["REPORTS_FOLDER"]).glob("*"))


def test_the_button_queues_a_job_and_a_worker_writes_the_same_csv(queued_app):
    people = gen_people()
    seed_sales(people)
    client = queued_app.test_client()
    with time_machine.travel(DEC_5, tick=False):
        login(client, people["agency"].email)
        page = client.get("/agency/reports?expo=apik").get_data(as_text=True)
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        response = client.post("/agency/reports/jobs", data={"expo": "apik"})
        event.remove(db.engine, "before_cursor_execute", record)
        expected = client.get("/agency/reports/sales.csv?expo=apik")
    assert 'action="/agency/reports/jobs"' in page and "Buat file CSV" in page
    assert '<input type="hidden" name="expo" value="apik">' in page
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency/jobs")
    (job,) = report_jobs_rows()
    assert (job.status, job.done, job.total, job.result_url) == ("queued", 0, None, "")
    assert "Apik Banget, 2026-12-01 – 2026-12-05" in job.message
    assert files(queued_app) == []  # the request built nothing, and read no order:
    assert statements and not [s for s in statements if "orders" in s.lower()]

    assert len(work(queued_app)) == 1  # a day later: the dates were fixed by the request
    (job,) = report_jobs_rows()
    rows = expected.get_data().decode("utf-8-sig").count("\r\n")
    assert (job.status, job.done, job.total) == ("done", rows, rows)
    assert job.result_url.startswith("/agency/reports/files/") and job.result_url.endswith(
        "-penjualan-apik-2026-12-01-2026-12-05.csv"
    )
    with time_machine.travel(DEC_5, tick=False):  # the session was made then
        listed = client.get("/agency/jobs").get_data(as_text=True)
        download = client.get(job.result_url)
    assert f'href="{job.result_url}"' in listed and "Laporan #" in listed
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"] == expected.headers["Content-Disposition"]
    assert download.headers["Content-Disposition"] == 'attachment; filename="penjualan-apik-2026-12-01-2026-12-05.csv"'
    assert download.headers["Cache-Control"] == "no-store"
    assert download.get_data() == expected.get_data()
    assert [n for n in files(queued_app) if n.endswith(".part")] == []


def test_progress_is_rows_done_of_total(make_app, monkeypatch):
    app = make_app(REPORT_JOB_PROGRESS_EVERY=3)
    calls: list[tuple] = []
    real = jobs.report_progress

    def recorded(job_id, done, total=None, message=None):
        calls.append((done, total))
        real(job_id, done, total=total, message=message)

    monkeypatch.setattr(jobs, "report_progress", recorded)
    with app.app_context():
        people = gen_people()
        seed_sales(people)
        client = app.test_client()
        login(client, people["agency"].email)
        data = {"from": "2026-12-01", "to": "2026-12-04"}
        assert client.post("/agency/reports/jobs", data=data).status_code == 302  # run at once (TESTING)
        (job,) = report_jobs_rows()
        expected = client.get("/agency/reports/sales.csv?from=2026-12-01&to=2026-12-04").get_data()
        rows = expected.decode("utf-8-sig").count("\r\n")
        assert rows == 10  # header, total, 2 stores, 2 sectors, 4 days
        assert calls == [(0, None), (0, rows), (3, None), (6, None), (9, None), (10, None)]
        assert (job.status, job.done, job.total, job.message) == ("done", 10, 10, "10 baris CSV siap diunduh.")
        assert client.get(job.result_url).get_data() == expected


def test_bad_dates_show_next_to_the_field_and_start_nothing(client, people):
    login(client, people["agency"].email)
    bad = client.post("/agency/reports/jobs", data={"from": "kemarin", "to": "2026-12-01"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'class="field has-error"' in html and "TTTT-BB-HH" in html
    backwards = client.post("/agency/reports/jobs", data={"from": "2026-12-05", "to": "2026-12-01"})
    assert backwards.status_code == 422 and "sebelum tanggal akhir" in backwards.get_data(as_text=True)
    assert client.post("/agency/reports/jobs", data={"expo": "tidak-ada"}).status_code == 404
    assert report_jobs_rows() == []


def test_the_button_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        gen_user("petugas@disnakerin.test", role="agency")
        db.session.commit()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"email": "petugas@disnakerin.test", "password": "rahasia123", "csrf_token": token})
        assert client.post("/agency/reports/jobs", data={}).status_code == 400
        report = client.get("/agency/reports").get_data(as_text=True)
        token = report.split('id="csv-job-form"')[1].split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        assert client.post("/agency/reports/jobs", data={"csrf_token": token}).status_code == 302
        assert len(report_jobs_rows()) == 1


def finished_file(app, people) -> str:
    officer = app.test_client()
    login(officer, people["agency"].email)
    officer.post("/agency/reports/jobs", data={"from": "2026-12-01", "to": "2026-12-04"})
    return report_jobs_rows()[-1].result_url


@pytest.mark.parametrize("role", ["seller", "shopper", "insurer"])
def test_only_officers_get_the_file(app, client, people, role):
    url = finished_file(app, people)
    assert client.get(url).status_code == 302 and client.get(url).headers["Location"].startswith("/login")
    login(client, people[role].email)
    assert client.get(url).status_code == 403
    assert client.post("/agency/reports/jobs", data={}).status_code == 403


def test_unknown_and_expired_files_are_404_and_the_daily_task_deletes_old_ones(app, client, people):
    url = finished_file(app, people)
    login(client, people["agency"].email)
    name = url.rsplit("/", 1)[1]
    assert client.get(url).status_code == 200
    for wrong in ("1-" + "0" * 32 + "-penjualan.csv", name.replace(".csv", ".txt"), name + ".part", "..%2Fsecret_key"):
        assert client.get(f"/agency/reports/files/{wrong}").status_code == 404, wrong
    folder = Path(app.config["REPORTS_FOLDER"])
    fresh = folder / ("2-" + "a" * 32 + "-penjualan.csv")
    fresh.write_text("baru")
    eight_days = time.time() - 8 * 86400
    os.utime(folder / name, (eight_days, eight_days))
    assert client.get(url).status_code == 404  # not served, though still there
    periodic = next(p for p in jobs.periodic_tasks(app) if p.name == "agency.sales_report_cleanup")
    assert periodic.schedule == "17 2 * * *"
    assert periodic.func() == 1
    assert files(app) == [fresh.name] and report_jobs.delete_old_files() == 0


def test_the_synchronous_csv_is_unchanged(client, people):
    with time_machine.travel(DEC_5, tick=False):  # signed in then: a session from the future is refused
        login(client, people["agency"].email)
        body = client.get("/agency/reports/sales.csv?expo=apik").get_data(as_text=True)
    assert body.startswith("\ufeffsection,key,label,orders,gross_sales,shoppers,average_order_value\r\n")
    assert "total,apik,Apik Banget,3,220000,2,73333\r\nduring,apik,Selama expo," in body
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
