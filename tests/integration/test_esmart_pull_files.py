"""Pulling E-Smart records from JSON, CSV and XLSX files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.catalog import services as catalog
from marketplace.catalog.models import Product, ProductImage, Variant
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store
from plugins.esmart_sync import importer
from plugins.esmart_sync.models import EsmartRunError, EsmartStoreLink
from tests.factories import gen_product, gen_store
from tests.integration.esmart_support import (  # noqa: F401  (fixtures)
    DATA,
    catalogue,
    counts,
    esmart_app,
    expected_catalogue,
    fake,
    files_app,
    sample_copy,
    sample_records,
    sleeps,
    write_json,
)


def issues(run) -> list[EsmartRunError]:
    return list(
        db.session.scalars(select(EsmartRunError).where(EsmartRunError.run_id == run.id).order_by(EsmartRunError.id))
    )


def test_agency_imports_the_directory_json_as_approved_stores_without_owner(files_app, tmp_path):
    run = importer.pull_file(sample_copy("esmart_sample.json", tmp_path))
    assert run.status == "succeeded" and not run.dry_run
    assert counts(run, "stores_created", "products_created", "stores_skipped", "products_skipped") == {
        "stores_created": 6,
        "products_created": 10,
        "stores_skipped": 0,
        "products_skipped": 0,
    }
    store = db.session.scalar(select(Store).where(Store.name == "Batik Tegalan Sari"))
    assert (store.status, store.owner_id, store.nib, store.sector, store.city) == (
        "approved",
        None,
        "9120001234567",
        "fesyen",
        "Kota Tegal",
    )
    assert store.whatsapp == "+6281223456789"
    link = db.session.scalar(select(EsmartStoreLink).where(EsmartStoreLink.store_id == store.id))
    assert (link.esmart_id, link.kbli, link.sentra, link.owner_name) == (
        "ESM-3376-000123",
        "13134",
        "Sentra Batik Kalinyamat",
        "Siti Aminah",
    )
    assert catalogue() == expected_catalogue(sample_records())


@pytest.mark.parametrize("name", ["esmart_sample.csv", "esmart_sample.xlsx"])
def test_spreadsheets_give_the_same_catalogue_as_the_json_export(files_app, tmp_path, name):
    run = importer.pull_file(sample_copy(name, tmp_path))
    assert run.status == "succeeded", run.message
    assert counts(run, "stores_created", "products_created", "errors") == {
        "stores_created": 6,
        "products_created": 10,
        "errors": 0,
    }
    assert catalogue() == expected_catalogue(sample_records())
    again = importer.pull_file(sample_copy("esmart_sample.json", tmp_path))
    # the same records: only the sentra, which spreadsheets do not carry, is new
    assert counts(again, "stores_unchanged", "products_unchanged", "stores_updated", "products_updated") == {
        "stores_unchanged": 3,
        "products_unchanged": 10,
        "stores_updated": 3,
        "products_updated": 0,
    }


def test_pulling_the_same_file_twice_changes_nothing_the_second_time(files_app, tmp_path):
    path = sample_copy("esmart_sample.json", tmp_path)
    importer.pull_file(path)
    before = catalogue()
    run = importer.pull_file(path)
    assert counts(
        run,
        "stores_created",
        "stores_updated",
        "stores_unchanged",
        "products_created",
        "products_updated",
        "products_unchanged",
    ) == {
        "stores_created": 0,
        "stores_updated": 0,
        "stores_unchanged": 6,
        "products_created": 0,
        "products_updated": 0,
        "products_unchanged": 10,
    }
    assert catalogue() == before


def test_messy_spreadsheet_reports_each_bad_row_and_imports_the_rest(files_app, tmp_path):
    run = importer.pull_file(sample_copy("esmart_messy.csv", tmp_path))
    assert run.status == "succeeded"
    assert counts(run, "stores_created", "stores_skipped", "products_created", "products_skipped", "errors") == {
        "stores_created": 3,
        "stores_skipped": 2,
        "products_created": 4,
        "products_skipped": 5,
        "errors": 6,
    }
    found = {(i.row, i.record_id, i.field, i.kind) for i in issues(run)}
    assert (4, "ESM-3328-000502", "nama_usaha", "error") in found  # missing nama_usaha
    assert (5, "ESP-005020", "harga", "error") in found  # "seratus ribu"
    assert (6, "ESP-005021", "harga", "error") in found  # negative
    assert (5, "ESM-3328-000503", "sektor", "warning") in found  # unknown sektor, mapped to the default
    assert (8, "ESP-005001", "produk.id", "error") in found  # duplicate id in the same file
    assert (9, "ESP-005031", "nama", "error") in found  # broken UTF-8
    assert (12, None, "id", "error") in found  # no ikm_id
    bengkel = db.session.scalar(select(Store).where(Store.name == "Bengkel Las Sinar Abadi"))
    assert bengkel.sector == "kriya"
    kopi = db.session.scalar(select(Store).where(Store.name == "Kopi Tubruk Slawi"))
    assert kopi.nib is None and kopi.whatsapp is None  # bad NIB and phone dropped, store kept
    names = set(db.session.scalars(select(Product.name)))
    # "Rp 15.000", "17000.00", "20.000"; the IKM met again later in the sheet is not a duplicate
    assert names == {
        "Keripik tempe sagu 200 g",
        "Keripik tempe pedas 200 g",
        "Rak sepatu besi 4 susun",
        "Peyek kacang 250 g",
    }
    prices = dict(db.session.execute(select(Product.name, Variant.price).join(Variant)).all())
    assert prices["Keripik tempe sagu 200 g"] == 15000 and prices["Peyek kacang 250 g"] == 20000


def test_products_of_a_skipped_ikm_met_again_later_in_the_sheet_are_reported(files_app, tmp_path):
    path = tmp_path / "lanjut.csv"
    path.write_text(
        "ikm_id,nama_usaha,produk_id,nama_produk,harga\n"
        "ESM-9,,ESP-91,Kopi,20000\n"
        "ESM-8,Teh Wangi,ESP-81,Teh,15000\n"
        "ESM-9,,ESP-92,Kopi jahe,22000\n",
        encoding="utf-8",
    )
    run = importer.pull_file(path)
    assert counts(run, "stores_created", "stores_skipped", "products_created", "products_skipped") == {
        "stores_created": 1,
        "stores_skipped": 1,
        "products_created": 1,
        "products_skipped": 2,
    }
    assert [(i.row, i.record_id) for i in issues(run) if i.kind == "error"] == [(2, "ESM-9"), (4, "ESM-9")]


def test_a_ten_megabyte_description_is_one_row_error(files_app, tmp_path):
    records = sample_records()[:1]
    records[0]["produk"][1]["deskripsi"] = "Batik " * (10 * 1024 * 1024 // 6)
    run = importer.pull_file(write_json(tmp_path, records))
    assert run.status == "succeeded"
    assert counts(run, "products_created", "products_skipped") == {"products_created": 2, "products_skipped": 1}
    (problem,) = [i for i in issues(run) if i.kind == "error"]
    assert (problem.record_id, problem.field) == ("ESP-000988", "deskripsi")
    assert "maksimal 20000" in problem.reason


def test_a_ten_megabyte_cell_in_a_csv_is_one_row_error(files_app, tmp_path):
    lines = (DATA / "esmart_sample.csv").read_text(encoding="utf-8").splitlines()
    big = lines[2].replace("Kemeja batik cap katun", "x" * (10 * 1024 * 1024))
    path = tmp_path / "besar.csv"
    path.write_text("\n".join([lines[0], lines[1], big, *lines[3:]]) + "\n", encoding="utf-8")
    run = importer.pull_file(path)
    assert run.status == "succeeded"
    assert counts(run, "products_created", "products_skipped") == {"products_created": 9, "products_skipped": 1}


def test_broken_utf8_in_a_json_record_is_a_row_error(files_app, tmp_path):
    records = sample_records()[:2]
    text = json.dumps({"data": records}, ensure_ascii=False)
    raw = text.encode("utf-8").replace(b"Teh poci melati", b"Teh \xff\xfe melati")
    path = tmp_path / "rusak.json"
    path.write_bytes(raw)
    run = importer.pull_file(path)
    assert run.status == "succeeded"
    assert counts(run, "stores_created", "products_created", "products_skipped") == {
        "stores_created": 2,
        "products_created": 4,
        "products_skipped": 1,
    }
    assert [(i.record_id, i.field) for i in issues(run) if i.kind == "error"] == [("ESP-001201", "nama")]


def test_an_ikm_twice_in_one_json_feed_is_a_row_error(files_app, tmp_path):
    records = sample_records()[:2]
    twin = json.loads(json.dumps(records[0]))
    twin["nama_usaha"] = "Batik Tegalan Sari (dobel)"
    run = importer.pull_file(write_json(tmp_path, [records[0], records[1], twin]))
    assert counts(run, "stores_created", "stores_skipped", "products_skipped") == {
        "stores_created": 2,
        "stores_skipped": 1,
        "products_skipped": 3,
    }
    (problem,) = [i for i in issues(run) if i.kind == "error"]
    assert (problem.row, problem.record_id) == (3, "ESM-3376-000123")
    assert db.session.scalar(select(Store.name).where(Store.nib == "9120001234567")) == "Batik Tegalan Sari"


@pytest.mark.parametrize(
    "content, message",
    [
        (b'{"data": [{"id": "ESM-1", "nama_usaha": "Satu"}, {"id": "ESM-2", "nama_us', "JSON tidak valid"),
        (b"\x00\x01\x02garbage\xff" * 50, "bukan JSON, CSV, atau XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls lama"),
        (b"nama;alamat\nBatik;Tegal\n", "Kolom wajib tidak ada: ikm_id, nama_usaha"),
        (b"", "Berkas kosong"),
        (b"PK\x03\x04 this is not really a zip", "XLSX tidak dapat dibaca"),
        (b'{"meta": {"total": 0}}', "tidak berisi larik"),
    ],
)
def test_an_unreadable_file_fails_the_run_with_a_clear_message_and_writes_nothing(
    files_app, tmp_path, content, message
):
    path = tmp_path / "berkas.dat"
    path.write_bytes(content)
    run = importer.pull_file(path)
    assert run.status == "failed"
    assert message in run.message
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0
    assert db.session.scalar(select(func.count()).select_from(EsmartStoreLink)) == 0
    assert run.counts["stores_created"] == 0


def test_a_json_file_that_breaks_after_good_records_writes_nothing(files_app, tmp_path):
    text = json.dumps({"data": sample_records()}, ensure_ascii=False)
    path = tmp_path / "terpotong.json"
    path.write_text(text[: int(len(text) * 0.8)], encoding="utf-8")
    run = importer.pull_file(path)
    assert run.status == "failed" and "JSON tidak valid" in run.message
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def test_dry_run_reports_exactly_what_the_real_run_then_does(esmart_app, fake, tmp_path):
    path = sample_copy("esmart_messy.csv", tmp_path)
    photos = sample_copy("esmart_sample.json", tmp_path, photo_base=fake.url)
    dry = [importer.pull_file(path, dry_run=True), importer.pull_file(photos, dry_run=True)]
    assert db.session.scalar(select(func.count()).select_from(Store)) == 0
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 0
    uploads = Path(esmart_app.config["UPLOAD_FOLDER"])
    assert not list(uploads.rglob("*.jpg")) and not list(uploads.rglob("*.png"))
    real = [importer.pull_file(path), importer.pull_file(photos)]
    for d, r in zip(dry, real, strict=True):
        assert d.dry_run and not r.dry_run
        assert d.counts == r.counts
        assert [(i.row, i.record_id, i.reason) for i in issues(d)] == [
            (i.row, i.record_id, i.reason) for i in issues(r)
        ]
    assert real[1].counts["photos_added"] == 3


def test_a_sellers_own_store_is_matched_by_nib_and_keeps_what_the_seller_wrote(files_app, tmp_path):
    own = gen_store(name="Batik Sari Bu Siti", nib="9120001234567", city="", sector="fesyen")
    existing = gen_product(own, name="BATIK TULIS  Motif Tegalan!", price=400000, stock=3)
    run = importer.pull_file(write_json(tmp_path, sample_records()[:1]))
    assert counts(
        run,
        "stores_created",
        "stores_updated",
        "products_created",
        "products_updated",
        "products_unchanged",
        "conflicts",
    ) == {
        "stores_created": 0,
        "stores_updated": 1,
        "products_created": 2,
        "products_updated": 1,
        "products_unchanged": 0,
        "conflicts": 3,
    }
    db.session.refresh(own)
    assert own.name == "Batik Sari Bu Siti"  # a seller's name is not overwritten: reported instead
    assert own.city == "Kota Tegal" and own.address.startswith("Jl. Kartini")  # empty fields are filled
    conflicts = {(i.record_id, i.field): i.reason for i in issues(run) if i.kind == "conflict"}
    assert set(conflicts) == {("ESM-3376-000123", "nama_usaha"), ("ESP-000987", "nama"), ("ESP-000987", "deskripsi")}
    assert "Batik Tegalan Sari" in conflicts[("ESM-3376-000123", "nama_usaha")]
    # the seller's product is linked by its normalised name: price and stock stay the seller's
    variant = db.session.scalar(select(Variant).where(Variant.product_id == existing.id))
    assert (variant.price, variant.stock) == (400000, 3)
    assert db.session.scalar(select(func.count()).select_from(Product).where(Product.store_id == own.id)) == 3


def test_esmart_changes_are_applied_but_a_sellers_edit_since_the_last_sync_is_kept(files_app, tmp_path):
    records = sample_records()[:1]
    importer.pull_file(write_json(tmp_path, records))
    store = db.session.scalar(select(Store).where(Store.nib == "9120001234567"))
    stores.update_store(store, None, {"name": "Batik Sari Tegal"})
    db.session.commit()
    records[0]["alamat"] = "Jl. Kartini No. 14, Kalinyamat Wetan"
    records[0]["nama_usaha"] = "Batik Tegalan Sari Asli"
    records[0]["produk"][0]["deskripsi"] = "Batik tulis pewarna alam, kini juga ukuran 2,5 m."
    run = importer.pull_file(write_json(tmp_path, records))
    assert counts(run, "stores_updated", "products_updated", "products_unchanged", "conflicts") == {
        "stores_updated": 1,
        "products_updated": 1,
        "products_unchanged": 2,
        "conflicts": 1,
    }
    db.session.refresh(store)
    assert store.name == "Batik Sari Tegal" and store.address == "Jl. Kartini No. 14, Kalinyamat Wetan"
    again = importer.pull_file(write_json(tmp_path, records))
    assert counts(again, "stores_updated", "stores_unchanged", "products_updated", "conflicts") == {
        "stores_updated": 0,
        "stores_unchanged": 1,
        "products_updated": 0,
        "conflicts": 1,
    }


def test_price_and_stock_belong_to_the_marketplace_once_the_product_exists(files_app, tmp_path):
    records = sample_records()[:1]
    importer.pull_file(write_json(tmp_path, records))
    variant = db.session.scalar(select(Variant).where(Variant.sku == "ESP-000987"))
    catalog.update_variant(variant, None, {"price": 325000, "stock": 4})
    db.session.commit()
    records[0]["produk"][0].update(harga=999000, stok=500)
    run = importer.pull_file(write_json(tmp_path, records))
    assert counts(run, "products_updated", "products_unchanged") == {"products_updated": 0, "products_unchanged": 3}
    db.session.refresh(variant)
    assert (variant.price, variant.stock) == (325000, 4)


def test_a_product_field_the_seller_changed_is_kept_when_esmart_changes_it_too(files_app, tmp_path):
    records = sample_records()[:1]
    importer.pull_file(write_json(tmp_path, records))
    product = db.session.scalar(select(Product).where(Product.name == "Selendang batik sutra"))
    catalog.update_product(product, None, {"description": "Selendang sutra tenun, motif sekar jagad."})
    db.session.commit()
    records[0]["produk"][2]["deskripsi"] = "Deskripsi baru dari E-Smart."
    run = importer.pull_file(write_json(tmp_path, records))
    assert run.counts["conflicts"] == 1 and run.counts["products_updated"] == 0
    db.session.refresh(product)
    assert product.description == "Selendang sutra tenun, motif sekar jagad."


def test_photos_are_fetched_once_and_a_bad_one_is_reported_not_fatal(esmart_app, fake, tmp_path):
    records = sample_records()[:1]
    base = fake.url + "/foto/"
    records[0]["produk"][0]["foto"] = [
        base + n for n in ("batik.jpg", "rusak.jpg", "halaman.jpg", "raksasa.jpg", "hilang.jpg")
    ]
    records[0]["produk"][1]["foto"] = [base + "teh.png", "ftp://esmart.test/a.jpg"]
    path = write_json(tmp_path, records)
    run = importer.pull_file(path)
    assert counts(run, "products_created", "photos_added", "photos_failed") == {
        "products_created": 3,
        "photos_added": 2,
        "photos_failed": 4,
    }
    reasons = " | ".join(i.reason for i in issues(run))
    for expected in (
        "rusak.jpg",
        "tidak berisi gambar",
        "lebih besar dari 5 MB",
        "HTTP 404",
        "Alamat foto tidak valid",
    ):
        assert expected in reasons
    product = db.session.scalar(select(Product).where(Product.name == "Batik tulis motif Tegalan"))
    assert (
        db.session.scalar(select(func.count()).select_from(ProductImage).where(ProductImage.product_id == product.id))
        == 1
    )
    fetched = len(fake.calls_to("GET", "/foto/batik.jpg"))
    again = importer.pull_file(path)
    assert again.counts["photos_added"] == 0 and again.counts["products_updated"] == 0
    assert len(fake.calls_to("GET", "/foto/batik.jpg")) == fetched  # a stored photo is not fetched again


def test_photos_on_private_addresses_are_refused_unless_allowed(make_app, fake, tmp_path):
    app = make_app(plugins="esmart_sync")
    with app.app_context():
        records = sample_records()[:1]
        records[0]["produk"][0]["foto"] = [fake.url + "/foto/batik.jpg"]
        run = importer.pull_file(write_json(tmp_path, records))
        assert run.counts["photos_failed"] == 1
        assert "jaringan internal" in " ".join(i.reason for i in issues(run))
        assert not fake.calls_to("GET", "/foto/")
