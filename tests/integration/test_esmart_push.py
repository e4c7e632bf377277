"""Pushing the marketplace's products to the E-Smart directory."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import plugin_api
from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, Variant
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.stores.models import Store
from plugins.esmart_sync import importer, pusher
from plugins.esmart_sync.models import EsmartProductLink, EsmartRun
from tests.factories import gen_product, gen_store
from tests.integration.esmart_support import (  # noqa: F401  (fixtures)
    counts,
    esmart_app,
    fake,
    files_app,
    sleeps,
)

PUSH_COUNTS = ("products_created", "products_updated", "products_unchanged", "products_skipped")


@pytest.fixture
def batik(esmart_app, fake):
    """The directory pulled in; the store of Batik Tegalan Sari."""
    assert importer.pull_http().status == "succeeded"
    return db.session.scalar(select(Store).where(Store.nib == "9120001234567"))


def test_a_new_product_is_sent_to_its_ikm_and_the_returned_id_is_kept(batik, fake):
    product = gen_product(batik, name="Taplak meja batik", price=90000, stock=6, category="batik")
    gen_product(gen_store(name="Toko Tanpa E-Smart"), name="Tidak dikirim")  # its store is not in the directory
    run = pusher.push()
    assert run.status == "succeeded"
    assert counts(run, *PUSH_COUNTS) == {
        "products_created": 1,
        "products_updated": 0,
        "products_unchanged": 10,
        "products_skipped": 0,
    }
    ((method, ikm_id, payload),) = fake.pushed
    assert (method, ikm_id) == ("POST", "ESM-3376-000123")
    assert payload == {
        "nama": "Taplak meja batik",
        "deskripsi": "Batik tulis khas Tegal.",
        "kategori": "fesyen",
        "harga": 90000,
        "stok": 6,
        "satuan": None,
        "berat_gram": None,
        "foto": [],
        "url": f"https://pasar.test/products/{product.id}",
    }
    link = db.session.scalar(select(EsmartProductLink).where(EsmartProductLink.product_id == product.id))
    assert link.esmart_product_id.startswith("ESP-NEW-") and link.pushed_at is not None


def test_an_unchanged_product_is_never_sent_again(batik, fake):
    gen_product(batik, name="Taplak meja batik", price=90000, stock=6)
    pusher.push()
    calls = len(fake.calls)
    run = pusher.push()
    assert counts(run, *PUSH_COUNTS) == {
        "products_created": 0,
        "products_updated": 0,
        "products_unchanged": 11,
        "products_skipped": 0,
    }
    assert len(fake.calls) == calls


def test_a_changed_price_or_stock_is_put_to_the_known_product(batik, fake):
    variant = db.session.scalar(select(Variant).where(Variant.sku == "ESP-000987"))
    catalog.update_variant(variant, None, {"price": 325000, "stock": 9})
    db.session.commit()
    run = pusher.push()
    assert counts(run, "products_updated", "products_unchanged") == {"products_updated": 1, "products_unchanged": 9}
    ((method, product_id, payload),) = fake.pushed
    assert (method, product_id, payload["harga"], payload["stok"]) == ("PUT", "ESP-000987", 325000, 9)


def test_what_was_pushed_comes_back_unchanged_on_the_next_pull(batik, fake):
    gen_product(batik, name="Taplak meja batik", price=90000, stock=6)
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    catalog.update_product(product, None, {"description": "Selendang sutra tenun ATBM."})
    db.session.commit()
    pusher.push()
    fake.touch("ESM-3376-000123", "2030-01-01T00:00:00+07:00")  # the directory's copy changed by the push
    run = importer.pull_http()
    assert counts(run, "products_created", "products_updated", "conflicts", "photos_added") == {
        "products_created": 0,
        "products_updated": 0,
        "conflicts": 0,
        "photos_added": 0,
    }
    assert run.counts["products_unchanged"] == 4


def test_push_dry_run_sends_nothing_and_counts_what_a_real_push_sends(batik, fake):
    gen_product(batik, name="Taplak meja batik", price=90000, stock=6)
    variant = db.session.scalar(select(Variant).where(Variant.sku == "ESP-000988"))
    catalog.update_variant(variant, None, {"stock": 0})
    db.session.commit()
    dry = pusher.push(dry_run=True)
    assert fake.pushed == []
    real = pusher.push()
    assert dry.counts == real.counts
    assert counts(real, "products_created", "products_updated") == {"products_created": 1, "products_updated": 1}


def test_a_product_the_directory_refuses_is_a_row_error_and_the_rest_goes(batik, fake, sleeps):
    first = gen_product(batik, name="Taplak meja batik", price=90000, stock=6)
    gen_product(batik, name="Sarung batik", price=120000, stock=2)
    fake.fail(422, method="POST", path="/ikm/")
    run = pusher.push()
    assert run.status == "succeeded"
    assert counts(run, "products_created", "products_skipped", "errors") == {
        "products_created": 1,
        "products_skipped": 1,
        "errors": 1,
    }
    assert (
        db.session.scalar(
            select(func.count()).select_from(EsmartProductLink).where(EsmartProductLink.product_id == first.id)
        )
        == 0
    )
    assert pusher.push().counts["products_created"] == 1  # sent on the next push


def test_a_wrong_api_key_fails_the_push(batik, fake, esmart_app):
    gen_product(batik, name="Taplak meja batik", price=90000, stock=6)
    esmart_app.config["ESMART_API_KEY"] = "kunci-salah"
    run = pusher.push()
    assert run.status == "failed" and "ESMART_API_KEY" in run.message
    assert fake.pushed == []


def test_a_saved_product_is_pushed_once_its_transaction_commits(esmart_app, batik, fake):
    esmart_app.config["ESMART_AUTO_PUSH"] = True
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    catalog.update_product(product, None, {"name": "Selendang batik sutra ATBM"})
    plugin_api.notify("product_saved", product=product, created=False)
    assert fake.pushed == []  # not before the commit
    db.session.commit()
    ((method, product_id, payload),) = fake.pushed
    assert (method, product_id, payload["nama"]) == ("PUT", "ESP-000989", "Selendang batik sutra ATBM")
    run = db.session.scalar(select(EsmartRun).where(EsmartRun.kind == "push"))
    assert run.source == "product_saved" and run.counts["products_updated"] == 1


def test_a_saved_product_whose_transaction_rolls_back_is_not_pushed(esmart_app, batik, fake):
    esmart_app.config["ESMART_AUTO_PUSH"] = True
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    catalog.update_product(product, None, {"name": "Nama yang dibatalkan"})
    plugin_api.notify("product_saved", product=product, created=False)
    db.session.rollback()
    db.session.commit()
    assert fake.pushed == []


def test_saving_a_product_the_directory_already_has_records_no_run(esmart_app, batik, fake):
    esmart_app.config["ESMART_AUTO_PUSH"] = True
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    plugin_api.notify("product_saved", product=product, created=False)
    db.session.commit()
    assert fake.pushed == []
    assert db.session.scalar(select(func.count()).select_from(EsmartRun).where(EsmartRun.kind == "push")) == 0


def test_without_a_server_saving_a_product_pushes_nothing_and_push_explains(files_app):
    store = gen_store()
    product = gen_product(store)
    plugin_api.notify("product_saved", product=product, created=True)
    db.session.commit()
    with pytest.raises(ValidationError):
        pusher.push()


def test_the_automatic_push_is_a_job_shown_with_its_run(esmart_app, batik, fake):
    """ESMART_PUSH_ASYNC (the default): a job queued by the commit pushes (here the queue runs
    jobs at once) and leaves a job row for the agency console, linking to its run."""
    from marketplace.jobs.models import Job

    esmart_app.config.update(ESMART_AUTO_PUSH=True, ESMART_PUSH_ASYNC=True)
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    catalog.update_product(product, None, {"name": "Selendang batik sutra ATBM"})
    plugin_api.notify("product_saved", product=product, created=False)
    assert fake.pushed == []
    db.session.commit()
    assert [(m, pid) for m, pid, _payload in fake.pushed] == [("PUT", "ESP-000989")]
    run = db.session.scalar(select(EsmartRun).where(EsmartRun.kind == "push"))
    job = db.session.scalars(select(Job).where(Job.kind == "esmart_push")).one()  # (the pull's photos: a job too)
    assert (job.kind, job.status, job.done, job.total) == ("esmart_push", "done", 1, 1)
    assert job.result_url == f"https://pasar.test/agency/esmart/runs/{run.id}"


def test_the_worker_pulls_on_its_schedule_only_when_set_and_e_smart_is_configured(make_app, fake, sleeps):
    """ESMART_PULL_SCHEDULE (unset by default): the periodic task queues a pull like the
    console's (here the queue runs jobs at once); files only: no schedule."""
    from marketplace import jobs
    from marketplace.jobs.models import Job, ScheduleRun
    from marketplace.jobs.runs import recorded

    server = dict(ESMART_BASE_URL=fake.url, ESMART_API_KEY=fake.api_key, ESMART_SLEEP=sleeps)
    unset = make_app(plugins="esmart_sync", **server)
    files_only = make_app(plugins="esmart_sync", ESMART_PULL_SCHEDULE="0 19 * * *")
    app = make_app(plugins="esmart_sync", ESMART_PULL_SCHEDULE="0 19 * * *", ESMART_AUTO_PUSH=False, **server)
    assert "esmart.pull_schedule" not in {p.name for p in jobs.periodic_tasks(unset)}
    assert "esmart.pull_schedule" not in {p.name for p in jobs.periodic_tasks(files_only)}
    pull = next(p for p in jobs.periodic_tasks(app) if p.name == "esmart.pull_schedule")
    assert pull.schedule == "0 19 * * *"
    with app.app_context():
        recorded(pull.name, pull.func)()
        assert db.session.scalars(select(ScheduleRun)).one().outcome == "ok"
        job = db.session.scalars(select(Job).where(Job.kind == "esmart_pull")).one()
        assert job.status == "done" and "/agency/esmart/runs/" in job.result_url
        assert db.session.scalar(select(func.count()).where(EsmartRun.kind == "pull")) == 1
