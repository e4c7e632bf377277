"""`flask demo load`: the demo of CONTRACT.md, idempotent, never in production."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductImage, Variant
from marketplace.demo_data import DEMO_PASSWORD
from marketplace.expo import services as expo_services
from marketplace.expo.models import Exhibitor
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store
from tests.conftest import DEMO_ON_SQLITE_ONLY, ON_POSTGRES

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason=DEMO_ON_SQLITE_ONLY)

DEMO_ROLES = {
    "shopper@demo.test": "shopper",
    "seller@demo.test": "seller",
    "agency@demo.test": "agency",
    "insurer@demo.test": "insurer",
    "admin@demo.test": "admin",
}


def load_demo(runner) -> str:
    """``flask demo load`` on the runner's app; its output. A test's first load into an empty
    database is the same whatever the test, so it runs once per plugin set and session and is
    then restored from a copy (database file and uploads): about 8 of the suite's demo loads,
    15-25 s each, become a file copy. A second load, or a load into a database a test changed,
    always runs for real (idempotence is what those tests check)."""
    app = runner.app
    database = _sqlite_file(app)
    fresh = database is not None and not db.session.scalar(select(func.count()).select_from(User))
    key = f"{app.config['MARKETPLACE_PLUGINS']}|{app.config.get('MARKETPLACE_ENV')}"
    if fresh and key in _SNAPSHOTS:
        output = _restore(app, database, _SNAPSHOTS[key])
    else:
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output + repr(result.exception)
        output = result.output
        if fresh:
            _SNAPSHOTS[key] = _save(app, database, output)
    db.session.expire_all()
    return output


_SNAPSHOTS: dict[str, tuple[Path, Path, str]] = {}  # plugin set -> (database copy, uploads copy, output)
_SNAPSHOT_ROOT = Path(tempfile.mkdtemp(prefix="apik-demo-"))
atexit.register(shutil.rmtree, _SNAPSHOT_ROOT, True)


def _sqlite_file(app) -> Path | None:
    url = make_url(app.config["DATABASE_URL"])
    return Path(url.database) if url.get_backend_name() == "sqlite" and url.database else None


def _let_go() -> None:
    """Close every connection of the app, so its database file can be copied or replaced."""
    db.session.remove()
    db.engine.dispose()


def _save(app, database: Path, output: str) -> tuple[Path, Path, str]:
    _let_go()
    home = _SNAPSHOT_ROOT / str(len(_SNAPSHOTS))
    home.mkdir()
    shutil.copyfile(database, home / "demo.sqlite")
    shutil.copytree(app.config["UPLOAD_FOLDER"], home / "uploads")
    return home / "demo.sqlite", home / "uploads", output


def _restore(app, database: Path, snapshot: tuple[Path, Path, str]) -> str:
    saved, uploads, output = snapshot
    _let_go()
    for leftover in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(saved, database)
    shutil.rmtree(app.config["UPLOAD_FOLDER"], ignore_errors=True)
    shutil.copytree(uploads, app.config["UPLOAD_FOLDER"])
    return output


def table_counts() -> dict[str, int]:
    """Rows in every table of the database (plugin tables included when migrated)."""
    names = inspect(db.engine).get_table_names()
    return {name: db.session.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in names}


def uploaded_files(app) -> set[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_demo_load_opens_a_live_expo_with_stores_products_and_the_contract_accounts(app, runner):
    load_demo(runner)

    for email, role in DEMO_ROLES.items():
        user = accounts.authenticate(email, DEMO_PASSWORD)
        assert role in user.roles and user.phone
    assert accounts.get_user_by_email("insurer@demo.test").insurer_code == "jasindo"
    seller_stores = stores.stores_of(accounts.get_user_by_email("seller@demo.test"))
    assert [(s.name, s.status) for s in seller_stores] == [("Batik Tegalan Sari", "approved")]

    approved = db.session.scalars(select(Store).where(Store.status == "approved")).all()
    assert len(approved) >= 12
    assert len({s.sector for s in approved}) >= 4
    assert all(s.nib and len(s.nib) == 13 and s.whatsapp.startswith("+62") and s.logo for s in approved)
    assert db.session.scalar(select(func.count()).select_from(Store).where(Store.status == "pending")) >= 1

    selling = (
        select(Product)
        .join(Store, Store.id == Product.store_id)
        .where(Store.status == "approved", Product.status == "active")
    )
    products = db.session.scalars(selling).all()
    assert len(products) >= 60
    assert all(p.category_id and p.price_min > 0 and p.unit and p.weight_grams for p in products)
    with_image = set(db.session.scalars(select(ProductImage.product_id)))
    assert {p.id for p in products} <= with_image
    stocks = db.session.scalars(select(Variant.stock)).all()
    assert 0 in stocks and any(0 < s <= 3 for s in stocks)  # some sold out, some running low
    photo = db.session.scalars(select(ProductImage.path)).first()
    stem, ext = photo.rsplit(".", 1)
    assert {photo, f"{stem}_400.{ext}"} <= uploaded_files(app)  # through media.save_image: thumbnails too

    expo = expo_services.get_expo("apik-banget-virtual-expo")
    assert expo_services.expo_state(expo) == "live"
    booths = db.session.execute(
        select(Exhibitor.store_id, Exhibitor.booth, Exhibitor.zone).where(Exhibitor.expo_id == expo.id)
    ).all()
    assert {row.store_id for row in booths} == {s.id for s in approved}
    assert all(row.booth and row.zone for row in booths)
    assert len(expo_services.featured_store_ids()) == 6


def test_demo_load_twice_changes_nothing(app, runner):
    load_demo(runner)
    counts, files = table_counts(), uploaded_files(app)

    output = load_demo(runner)

    assert "nothing changed" in output
    assert table_counts() == counts
    assert uploaded_files(app) == files


def test_demo_load_keeps_what_the_agency_changed_since(app, runner):
    load_demo(runner)
    agency = accounts.get_user_by_email("agency@demo.test")
    store = stores.get_store("teh-poci-mbok-darmi")
    stores.set_status(store, agency, "suspended", reason="Izin edar sedang diperbarui.")
    expo_services.set_featured(agency, [stores.get_store("batik-tegalan-sari")])
    db.session.commit()

    load_demo(runner)

    assert stores.get_store("teh-poci-mbok-darmi").status == "suspended"
    assert expo_services.featured_store_ids() == [stores.get_store("batik-tegalan-sari").id]


def test_demo_load_refuses_a_production_database(app, runner):
    app.config["MARKETPLACE_ENV"] = "production"

    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code != 0
    assert "production" in result.output
    assert accounts.get_user_by_email("shopper@demo.test") is None
