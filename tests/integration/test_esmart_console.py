"""The agency's E-Smart console, the JSON API, the CLI and the seller's sync status."""

from __future__ import annotations

import time

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from marketplace import plugin_api
from marketplace.catalog.models import Product
from marketplace.extensions import db
from marketplace.stores.models import Store
from plugins.esmart_sync import importer
from plugins.esmart_sync.models import EsmartRun
from tests.conftest import ApiClient
from tests.factories import PASSWORD, gen_store, gen_user
from tests.integration.esmart_support import (  # noqa: F401  (fixtures)
    DATA,
    esmart_app,
    fake,
    files_app,
    sample_copy,
    sleeps,
)
from tests.sql_count import counting


def login(client, role: str):
    user = gen_user(role=role)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return user


def upload(client, path, name: str, dry_run: bool = False):
    data = {"file": (open(path, "rb"), name)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post("/agency/esmart/upload", data=data, content_type="multipart/form-data")


def test_agency_imports_a_spreadsheet_in_the_browser_and_sees_the_run_report(files_app, tmp_path):
    client = files_app.test_client()
    login(client, "agency")
    page = client.get("/agency/esmart")
    assert page.status_code == 200
    assert "Impor berkas" in page.get_data(as_text=True)
    response = upload(client, sample_copy("esmart_messy.csv", tmp_path), "peserta-expo.csv")
    assert response.status_code == 302
    run = db.session.scalar(select(EsmartRun))
    assert response.headers["Location"].endswith(f"/agency/esmart/runs/{run.id}")
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "peserta-expo.csv" in report
    assert "baru 3" in report and "dilewati 2" in report  # stores created and skipped
    assert "Sektor otomotif tidak dikenal" in report and "ESP-005021" in report  # row errors with their ids
    listing = client.get("/agency/esmart").get_data(as_text=True)
    assert f'/agency/esmart/runs/{run.id}"' in listing


def test_an_xlsx_upload_with_dry_run_writes_nothing_but_reports(files_app, tmp_path):
    client = files_app.test_client()
    login(client, "agency")
    response = upload(client, DATA / "esmart_sample.xlsx", "peserta.xlsx", dry_run=True)
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uji coba" in report and "baru 6" in report
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def test_an_upload_without_a_file_is_refused_with_the_form(files_app):
    client = files_app.test_client()
    login(client, "agency")
    response = client.post("/agency/esmart/upload", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Pilih berkas." in response.get_data(as_text=True)


def test_the_pull_and_push_buttons_show_only_when_esmart_is_configured(files_app, esmart_app):
    for app, shown in ((files_app, False), (esmart_app, True)):
        client = app.test_client()
        with app.app_context():
            login(client, "agency")
        html = client.get("/agency/esmart").get_data(as_text=True)
        assert ("Tarik dari E-Smart" in html) is shown
        db.session.rollback()


def test_the_agency_pulls_and_pushes_from_the_console(esmart_app, fake):
    client = esmart_app.test_client()
    login(client, "agency")
    response = client.post("/agency/esmart/pull", data={})
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Server E-Smart" in report and "baru 6" in report
    response = client.post("/agency/esmart/push", data={"dry_run": "y"})
    assert "/agency/esmart/runs/" in response.headers["Location"]


@pytest.mark.parametrize("role, status", [("seller", 403), ("shopper", 403), ("admin", 200)])
def test_only_the_agency_and_admins_open_the_console(files_app, role, status):
    client = files_app.test_client()
    login(client, role)
    assert client.get("/agency/esmart").status_code == status


def test_a_visitor_is_sent_to_sign_in(files_app):
    response = files_app.test_client().get("/agency/esmart")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_lists_runs_with_counts_and_row_errors(files_app, tmp_path):
    importer.pull_file(sample_copy("esmart_messy.csv", tmp_path))
    importer.pull_file(sample_copy("esmart_sample.json", tmp_path))
    api = ApiClient(files_app.test_client())
    gen_user("agency@disnakerin.test", role="agency")
    body = api.get("/esmart/runs", token=api.token("agency@disnakerin.test")).get_json()
    assert body["total"] == 2 and body["page"] == 1
    newest, messy = body["items"]
    assert messy["source"] == "file:esmart_messy.csv" and messy["status"] == "succeeded"
    assert messy["counts"]["stores_created"] == 3 and messy["counts"]["errors"] == 6
    assert messy["error_count"] == len(messy["errors"]) == 11
    assert {
        "kind": "error",
        "row": 6,
        "record_id": "ESP-005021",
        "field": "harga",
        "reason": "Harga harus bilangan bulat rupiah lebih dari 0.",
    } in messy["errors"]
    one = api.get(f"/esmart/runs/{messy['id']}?per_page=5&page=3", token=api.token("agency@disnakerin.test")).get_json()
    assert len(one["errors"]) == 1 and one["error_count"] == 11


def statements(api, path: str, token: str) -> int:
    with counting() as seen:
        assert api.get(path, token=token).status_code == 200
    return seen.count


def test_the_runs_list_costs_the_same_statements_for_any_number_of_runs(files_app, tmp_path):
    api = ApiClient(files_app.test_client())
    gen_user("agency@disnakerin.test", role="agency")
    token = api.token("agency@disnakerin.test")
    importer.pull_file(sample_copy("esmart_messy.csv", tmp_path))
    one = statements(api, "/esmart/runs", token)
    for _ in range(3):
        importer.pull_file(sample_copy("esmart_messy.csv", tmp_path))
    assert statements(api, "/esmart/runs", token) == one


def api_path(response) -> str:
    """The API path of a 202's Location (the run to follow)."""
    return response.headers["Location"].split("/api/v1", 1)[1]


def test_api_pull_takes_an_upload_or_the_configured_server(esmart_app, fake, tmp_path):
    """202 with the run and its Location; the job (run at once under TESTING) does the pull."""
    api = ApiClient(esmart_app.test_client())
    gen_user("agency@disnakerin.test", role="agency")
    token = api.token("agency@disnakerin.test")
    with open(DATA / "esmart_sample.csv", "rb") as handle:
        response = api.post(
            "/esmart/pull",
            json=None,
            token=token,
            data={"file": (handle, "peserta.csv"), "dry_run": "true"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 202
    run = api.get(api_path(response), token=token).get_json()
    assert run["dry_run"] is True and run["counts"]["stores_created"] == 6 and run["status"] == "succeeded"
    response = api.post("/esmart/pull", json={"dry_run": False}, token=token)
    assert response.status_code == 202 and response.get_json()["source"] == "http"
    assert db.session.scalar(select(func.count()).select_from(Store)) == 6
    fake.api_key = "kunci-baru"  # the directory rotated its key
    failed = api.get(api_path(api.post("/esmart/pull", json={}, token=token)), token=token).get_json()
    assert failed["status"] == "failed" and "ESMART_API_KEY" in failed["message"]
    assert failed["progress"]["rows"]["status"] == "failed"
    assert "ESMART_API_KEY" in failed["progress"]["rows"]["message"]


def test_api_is_for_the_agency_only(files_app):
    api = ApiClient(files_app.test_client())
    assert api.get("/esmart/runs").status_code == 401
    gen_user("seller@toko.test", role="seller")
    assert api.get("/esmart/runs", token=api.token("seller@toko.test")).status_code == 403
    assert api.post("/esmart/pull", json={}, token=api.token("seller@toko.test")).status_code == 403


def test_api_pull_without_a_file_or_server_is_refused(files_app):
    api = ApiClient(files_app.test_client())
    gen_user("agency@disnakerin.test", role="agency")
    response = api.post("/esmart/pull", json={}, token=api.token("agency@disnakerin.test"))
    assert response.status_code == 422 and "ESMART_BASE_URL" in response.get_json()["error"]["message"]


def test_cli_pull_from_a_file_and_over_http_and_push(esmart_app, fake):
    runner = esmart_app.test_cli_runner()
    result = runner.invoke(args=["esmart", "pull", "--file", str(DATA / "esmart_sample.xlsx"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output and "stores: created 6" in result.output
    result = runner.invoke(args=["esmart", "pull"])
    assert result.exit_code == 0 and "products: created 10" in result.output
    result = runner.invoke(args=["esmart", "push", "--dry-run"])
    assert result.exit_code == 0 and "unchanged 10" in result.output


def test_cli_reports_a_failed_run_with_exit_status_1(files_app, tmp_path):
    broken = tmp_path / "rusak.json"
    broken.write_text('{"data": [', encoding="utf-8")
    result = files_app.test_cli_runner().invoke(args=["esmart", "pull", "--file", str(broken)])
    assert result.exit_code == 1 and "JSON tidak valid" in result.output
    result = files_app.test_cli_runner().invoke(args=["esmart", "push"])
    assert result.exit_code != 0 and "ESMART_BASE_URL" in result.output


def test_a_seller_sees_when_the_store_was_last_synced(files_app, tmp_path):
    importer.pull_file(sample_copy("esmart_sample.json", tmp_path))
    store = db.session.scalar(select(Store).where(Store.nib == "9120001234567"))
    with files_app.test_request_context("/seller/"):
        html = render_template_string('{% include "esmart/_store_sync_status.html" ignore missing %}', store=store)
    assert "ESM-3376-000123" in html and "Sinkron terakhir" in html
    other = gen_store(name="Toko Lain")
    with files_app.test_request_context("/seller/"):
        assert (
            render_template_string('{% include "esmart/_store_sync_status.html" ignore missing %}', store=other).strip()
            == ""
        )


def test_the_agency_menu_links_to_the_console(files_app):
    agency, seller = gen_user(role="agency"), gen_user(role="seller")
    plugin = plugin_api.manager(files_app).get_plugin("esmart_sync")
    with files_app.test_request_context("/"):
        assert plugin.nav_items(user=agency) == [{"url": "/agency/esmart", "label": "E-Smart IKM", "section": "agency"}]
        assert {"url": "/agency/esmart", "label": "E-Smart IKM", "section": "agency"} in plugin_api.gather(
            "nav_items", loud=False, user=agency
        )
        assert plugin.nav_items(user=seller) == []


def test_with_the_plugin_off_the_core_has_no_esmart_pages(app, client):
    assert client.get("/agency/esmart").status_code == 404
    assert client.get("/api/v1/esmart/runs").status_code == 404
    assert "esmart" not in app.cli.commands


def test_a_saved_product_is_pushed_in_the_background_by_default(make_app, fake, sleeps):
    app = make_app(
        plugins="esmart_sync",
        ESMART_BASE_URL=fake.url,
        ESMART_API_KEY=fake.api_key,
        ESMART_SLEEP=sleeps,
        BASE_URL="https://pasar.test",
    )
    with app.app_context():
        importer.pull_http()
        product = db.session.scalar(select(Product).where(Product.name == "Wajan besi cor 24 cm"))
        product.name = "Wajan besi cor 26 cm"
        plugin_api.notify("product_saved", product=product, created=False)
        db.session.commit()
        finished = (
            select(func.count()).select_from(EsmartRun).where(EsmartRun.kind == "push", EsmartRun.status == "succeeded")
        )
        deadline = time.monotonic() + 10
        while not db.session.scalar(finished) and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.05)
        assert [(m, i) for m, i, _p in fake.pushed] == [("PUT", "ESP-001350")]
