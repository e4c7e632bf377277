"""E-Smart pulls, pushes and photo downloads as jobs: a request answers at once with a queued run,
a worker does it (here: Huey's own dequeue and execute on a SQLite queue, as ``flask worker``
does), progress shows on the run's page, its status.json and the API; the schedule setting."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace import jobs
from marketplace.catalog.models import ProductImage
from marketplace.extensions import db
from marketplace.jobs.models import Job
from marketplace.plugin_api import PluginError, needs_configuration
from marketplace.stores.models import Store
from plugins.esmart_sync.background import UPLOAD_FOLDER, scheduled_pull
from plugins.esmart_sync.models import EsmartRun
from tests.conftest import ApiClient
from tests.factories import gen_user
from tests.integration.esmart_support import esmart_app as esmart_app
from tests.integration.esmart_support import fake as fake
from tests.integration.esmart_support import sample_copy
from tests.integration.esmart_support import sleeps as sleeps
from tests.integration.test_esmart_console import api_path, login


@pytest.fixture
def queued_app(make_app, fake, sleeps, tmp_path):
    """E-Smart at the fake, and a real queue (a SQLite Huey) that nothing works until the test does."""
    app = make_app(
        plugins="esmart_sync",
        ESMART_BASE_URL=fake.url,
        ESMART_API_KEY=fake.api_key,
        ESMART_SLEEP=sleeps,
        ESMART_PHOTO_ALLOW_PRIVATE=True,
        ESMART_PUSH_ASYNC=False,
        ESMART_AUTO_PUSH=False,
        BASE_URL="https://pasar.test",
        JOBS_IMMEDIATE=False,
        JOBS_SQLITE_PATH=str(tmp_path / "jobs.sqlite"),
    )
    with app.app_context():
        yield app


def work(app, limit: int | None = None) -> list[str]:
    """A worker's loop: take each queued task and execute it, until the queue is empty."""
    huey = jobs.huey_for(app)
    names: list[str] = []
    while (task := huey.dequeue()) is not None:
        names.append(task.name.rsplit(".", 2)[-2] + "." + task.name.rsplit(".", 1)[-1])
        huey.execute(task)
        if limit is not None and len(names) >= limit:
            break
    return names


def agency_api(app) -> tuple[ApiClient, str]:
    api = ApiClient(app.test_client())
    gen_user("agency@disnakerin.test", role="agency")
    return api, api.token("agency@disnakerin.test")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_api_pull_answers_202_before_anything_runs_and_a_worker_does_it(queued_app, fake):
    api, token = agency_api(queued_app)
    response = api.post("/esmart/pull", json={}, token=token)
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["progress"]["rows"]["status"] == "queued"
    assert response.headers["Location"].endswith(f"/api/v1/esmart/runs/{body['id']}")
    assert fake.calls_to("GET", "/ikm") == [] and count(Store) == 0  # the request did not pull
    again = api.post("/esmart/pull", json={}, token=token)
    assert again.status_code == 409 and f"#{body['id']}" in again.get_json()["error"]["message"]
    db.session.rollback()

    assert work(queued_app) == ["esmart.pull", "esmart.photos"]  # the import queued its photos' job
    run = api.get(api_path(response), token=token).get_json()
    assert run["status"] == "succeeded" and run["counts"]["stores_created"] == 6
    assert run["progress"]["rows"] | {"id": 0, "message": ""} == {
        "id": 0,
        "status": "done",
        "done": 6,
        "total": None,
        "message": "",
    }
    assert count(Store) == 6


def test_an_api_push_is_queued_one_at_a_time(queued_app, fake):
    api, token = agency_api(queued_app)
    first = api.post("/esmart/push", json={"dry_run": True}, token=token)
    assert first.status_code == 202 and first.get_json()["kind"] == "push"
    assert api.post("/esmart/push", json={}, token=token).status_code == 409
    db.session.rollback()
    assert work(queued_app) == ["esmart.push"]
    run = api.get(api_path(first), token=token).get_json()
    assert run["status"] == "succeeded" and run["progress"]["rows"]["status"] == "done"


def wait_for(check, seconds: float = 20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_slow_photo_server_never_holds_the_import_and_progress_shows(queued_app, fake, tmp_path):
    client = queued_app.test_client()
    login(client, "agency")
    path = sample_copy("esmart_sample.json", tmp_path, photo_base=fake.url)
    fake.photo_gate = threading.Event()  # every photo waits until the test opens the gate
    response = client.post(
        "/agency/esmart/upload", data={"file": (path.open("rb"), "expo.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Antre" in page and "Kemajuan" in page and "data-following" in page and "run_progress.js" in page
    status_url = response.headers["Location"] + "/status.json"
    db.session.rollback()

    assert work(queued_app, limit=1) == ["esmart.pull"]  # the import alone
    status = client.get(status_url).get_json()
    assert status["status"] == "succeeded" and status["counts"]["products_created"] == 10
    assert status["progress"]["rows"]["done"] == status["progress"]["rows"]["total"] == 6
    assert status["progress"]["photos"]["status"] == "queued" and status["progress"]["photos"]["total"] == 3
    assert status["following"] is True and count(ProductImage) == 0  # products show, without photos yet

    worker = threading.Thread(target=work, args=(queued_app,), daemon=True)
    worker.start()
    wait_for(lambda: fake.calls_to("GET", "/foto/"))  # the photo server is answering, slowly
    photos = client.get(status_url).get_json()["progress"]["photos"]
    assert (photos["status"], photos["done"], photos["total"]) == ("running", 0, 3)
    db.session.rollback()
    assert count(ProductImage) == 0
    fake.photo_gate.set()
    worker.join(30)
    status = client.get(status_url).get_json()
    photos = status["progress"]["photos"]
    assert (photos["status"], photos["done"], photos["total"]) == ("done", 3, 3)
    assert status["counts"]["photos_added"] == 3 and status["following"] is False
    assert count(ProductImage) == 3
    assert not list((Path(queued_app.instance_path) / UPLOAD_FOLDER).glob("*.json"))  # the upload is gone
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "data-following" not in page and "3 foto ditambahkan, 0 gagal" in page


def test_a_failed_pull_marks_its_run_and_its_job_failed(queued_app, fake):
    client = queued_app.test_client()
    login(client, "agency")
    response = client.post("/agency/esmart/pull", data={})
    fake.api_key = "kunci-baru"  # the directory rotated its key before the worker got to it
    db.session.rollback()
    work(queued_app)
    status = client.get(response.headers["Location"] + "/status.json").get_json()
    assert status["status"] == "failed" and status["progress"]["rows"]["status"] == "failed"
    assert "ESMART_API_KEY" in status["progress"]["rows"]["message"]
    listing = client.get("/agency/esmart").get_data(as_text=True)
    assert "Pekerjaan terbaru" in listing and "esmart_pull" in listing and "Gagal" in listing
    assert listing.count("Pekerjaan terbaru") == 1  # the jobs' table once, in the page, not in <title>
    assert "<title>Sinkronisasi E-Smart IKM · Apik Market</title>" in listing


@pytest.mark.parametrize("content, reason", [(b'{"data": [', "JSON tidak valid"), (b"x" * 300, "lebih besar")])
def test_a_bad_upload_is_refused_at_once_and_nothing_is_kept(make_app, content, reason):
    app = make_app(plugins="esmart_sync", ESMART_UPLOAD_MAX_BYTES=200, BASE_URL="https://pasar.test")
    uploads = Path(app.instance_path) / UPLOAD_FOLDER
    before = set(uploads.glob("*")) if uploads.exists() else set()
    with app.app_context():
        api, token = agency_api(app)
        from io import BytesIO

        answer = api.post(
            "/esmart/pull",
            json=None,
            token=token,
            data={"file": (BytesIO(content), "rusak.json")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422 and reason in answer.get_json()["error"]["fields"]["file"]
        client = app.test_client()
        login(client, "agency")
        page = client.post(
            "/agency/esmart/upload", data={"file": (BytesIO(content), "rusak.json")}, content_type="multipart/form-data"
        )
        assert page.status_code == 422 and reason in page.get_data(as_text=True)
        assert count(EsmartRun) == 0 and count(Job) == 0
    assert (set(uploads.glob("*")) if uploads.exists() else set()) == before


@pytest.mark.parametrize("role, status", [("seller", 403), ("shopper", 403), ("admin", 200)])
def test_only_the_agency_and_admins_follow_a_run(esmart_app, role, status):
    run = EsmartRun(kind="pull", source="http", status="queued")
    db.session.add(run)
    db.session.commit()
    client = esmart_app.test_client()
    assert client.get(f"/agency/esmart/runs/{run.id}/status.json").status_code == 302  # to sign in
    login(client, role)
    assert client.get(f"/agency/esmart/runs/{run.id}/status.json").status_code == status
    api, _token = ApiClient(esmart_app.test_client()), None
    gen_user(f"{role}@x.test", role=role)
    assert api.post("/esmart/push", json={}, token=api.token(f"{role}@x.test")).status_code == (
        202 if role == "admin" else 403
    )


def test_the_worker_pulls_on_the_configured_schedule(make_app, fake, sleeps):
    base = dict(
        plugins="esmart_sync",
        ESMART_BASE_URL=fake.url,
        ESMART_API_KEY=fake.api_key,
        ESMART_SLEEP=sleeps,
        ESMART_AUTO_PUSH=False,
        BASE_URL="https://pasar.test",
    )
    assert "esmart.pull_schedule" not in {p.name for p in jobs.periodic_tasks(make_app(**base))}
    app = make_app(**base, ESMART_PULL_SCHEDULE="0 2 * * *")
    scheduled = {p.name: p for p in jobs.periodic_tasks(app)}["esmart.pull_schedule"]
    assert scheduled.schedule == "0 2 * * *" and scheduled.func is scheduled_pull
    with app.app_context():
        scheduled.func()  # what the worker's scheduler runs at 02:00 UTC
        run = db.session.scalar(select(EsmartRun))
        assert (run.source, run.status, run.counts["stores_created"]) == ("http", "succeeded", 6)
        db.session.add(EsmartRun(kind="pull", source="file:x.json", status="queued"))
        db.session.commit()
        scheduled.func()  # a pull is queued: this one is skipped
        assert count(EsmartRun) == 2
    wrong = make_app(**base, ESMART_PULL_SCHEDULE="61 * * * *")  # development: recorded, no schedule
    assert "esmart.pull_schedule" not in {p.name for p in jobs.periodic_tasks(wrong)}
    assert "ESMART_PULL_SCHEDULE: is not a crontab" in needs_configuration(wrong)["esmart_sync"][0]
    with pytest.raises(PluginError, match="ESMART_PULL_SCHEDULE"):  # production refuses to start
        make_app(**base, ESMART_PULL_SCHEDULE="61 * * * *", MARKETPLACE_ENV="production")


def test_a_saved_product_is_pushed_by_a_job_not_by_the_saving_request(queued_app, fake):
    from marketplace import plugin_api
    from marketplace.catalog.models import Product
    from plugins.esmart_sync import importer

    importer.pull_http()
    work(queued_app)  # the pull's photo job
    queued_app.config.update(ESMART_AUTO_PUSH=True, ESMART_PUSH_ASYNC=True)
    product = db.session.scalar(select(Product).where(Product.name == "Wajan besi cor 24 cm"))
    product.name = "Wajan besi cor 26 cm"
    plugin_api.notify("product_saved", product=product, created=False)
    db.session.commit()
    assert fake.pushed == []  # the commit only queued it
    assert work(queued_app) == ["esmart.autopush"]
    assert [(m, i) for m, i, _p in fake.pushed] == [("PUT", "ESP-001350")]
