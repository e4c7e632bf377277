"""``flask backup create`` / ``flask backup restore``: a consistent copy while the app writes, and a
restore that brings back every row and every uploaded file exactly — on SQLite and on PostgreSQL."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select, text, update

from marketplace import backup
from marketplace.accounts import services as accounts
from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.catalog import services as catalog
from marketplace.extensions import db
from tests.conftest import ON_POSTGRES
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

KIND = "postgresql" if ON_POSTGRES else "sqlite"
OTHER_KIND = "sqlite" if ON_POSTGRES else "postgresql"


# --- what "nothing is lost" means: every row of every table, every upload byte --------------


def database_snapshot() -> dict[str, list[str]]:
    db.session.remove()
    with db.engine.connect() as conn:
        tables = sorted(inspect(conn).get_table_names())
        rows = {t: sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{t}"'))) for t in tables}
        if ON_POSTGRES:
            rows["(sequences)"] = sorted(
                repr(tuple(r))
                for r in conn.execute(
                    text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
                )
            )
    return rows


def upload_snapshot(app) -> dict[str, str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def snapshot(app) -> tuple[dict, dict]:
    return database_snapshot(), upload_snapshot(app)


@pytest.fixture
def shop(app):
    """A seller's store with two products, three photos (with thumbnails) and a logo-less shopper."""
    owner = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    gen_user("budi@test.id", name="Budi Santoso")
    store = gen_store(owner, name="Batik Sari")
    kain = gen_product(store, name="Kain Batik Tegalan", price=250000, stock=7)
    teh = gen_product(
        store, name="Teh Poci Gula Batu", price=25000, stock=40, category="minuman", description="Teh wangi khas Tegal."
    )
    for product, color in ((kain, (200, 40, 40)), (kain, (40, 200, 40)), (teh, (40, 40, 200))):
        catalog.add_image(product, owner, image_bytes("PNG", size=(300, 200), color=color))
    db.session.commit()
    return {"store": store, "products": (kain, teh)}


def create(runner, path: Path):
    result = runner.invoke(args=["backup", "create", "--output", str(path)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def restore(runner, path: Path, *extra: str):
    return runner.invoke(args=["backup", "restore", str(path), "--yes", *extra])


# --- the round trip ------------------------------------------------------------------------


def test_restore_brings_back_every_row_and_every_upload_exactly(app, runner, client, shop, tmp_path):
    before = snapshot(app)
    archive = tmp_path / "backups" / "apik.tar.gz"
    result = create(runner, archive)
    assert f"Backup written to {archive}" in result.output and "uploaded files" in result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    # a day of changes and accidents after the backup
    db.session.execute(update(User).where(User.email == "budi@test.id").values(name="Nama Tertimpa"))
    db.session.execute(text("DELETE FROM product_images"))
    db.session.commit()
    gen_user("baru@test.id")
    uploads = Path(app.config["UPLOAD_FOLDER"])
    photos = sorted((uploads / "products").iterdir())
    photos[0].unlink()
    photos[1].write_bytes(b"overwritten")
    (uploads / "products" / "stray.png").write_bytes(b"not in the backup")
    assert snapshot(app) != before

    result = restore(runner, archive)
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "Restored the backup" in result.output
    after = snapshot(app)
    assert after[0] == before[0]
    assert after[1] == before[1]

    # and the app serves the restored data
    assert client.post("/login", data={"email": "sari@test.id", "password": PASSWORD}).status_code == 302
    assert client.post("/api/v1/auth/tokens", json={"email": "baru@test.id", "password": PASSWORD}).status_code == 401
    first_photo = sorted(before[1])[0]
    assert client.get(f"/media/{first_photo}").status_code == 200


def test_the_archive_holds_a_manifest_with_checksums(app, runner, shop, tmp_path):
    archive = tmp_path / "b.tar.gz"
    create(runner, archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        database = tar.extractfile(backup.DATABASE_FILES[KIND]).read()
    assert manifest["format"] == 1 and manifest["application"] == "apik-market"
    assert manifest["database"]["kind"] == KIND
    assert manifest["database"]["revision"] == manifest["code_revision"] and manifest["code_revision"]
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) | {"manifest.json"} == set(names)
    assert set(upload_snapshot(app)) == {p[len("uploads/") :] for p in listed if p.startswith("uploads/")}
    assert listed[backup.DATABASE_FILES[KIND]]["sha256"] == hashlib.sha256(database).hexdigest()
    assert manifest["created_at"].endswith("+00:00")


# --- consistent while the app writes ---------------------------------------------------------


class PairWriter(threading.Thread):
    """Keeps creating users two at a time, each pair in one transaction, like a busy shop."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.pairs, self.stop, self.error = app, 0, threading.Event(), None

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    for side in ("a", "b"):
                        accounts.create_user(f"w{self.pairs}{side}@test.id", PASSWORD, "Penulis Sibuk")
                    db.session.commit()
                    self.pairs += 1
                db.session.remove()
        except Exception as exc:  # reported by the test
            self.error = exc


def pairs_in(emails: list[str]) -> int:
    """How many complete pairs; fails when a pair is torn or one is missing in the middle."""
    numbers = {}
    for email in emails:
        numbers.setdefault(int(email[1 : email.index("@") - 1]), set()).add(email[email.index("@") - 1])
    assert all(sides == {"a", "b"} for sides in numbers.values()), "a transaction was copied half-way"
    assert sorted(numbers) == list(range(len(numbers))), "a committed pair is missing"
    return len(numbers)


def pad_database(rows: int = 20000) -> None:
    """Enough data that copying it takes a while."""
    db.session.execute(
        insert(AuditLog),
        [{"action": "padding", "object_type": "test", "object_id": str(i), "data": "x" * 300} for i in range(rows)],
    )
    db.session.commit()


def test_a_backup_taken_while_the_app_writes_is_a_consistent_snapshot(app, runner, tmp_path):
    pad_database()
    writer = PairWriter(app)
    writer.start()
    try:
        while writer.pairs < 3 and writer.is_alive():
            time.sleep(0.01)
        started = writer.pairs
        archive = tmp_path / "busy.tar.gz"
        create(runner, archive)
        finished = writer.pairs
        time.sleep(0.05)
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    assert writer.error is None, writer.error
    assert finished > started, "the writer kept committing while the backup ran"

    if not ON_POSTGRES:
        copy = tmp_path / "copy.sqlite"
        with tarfile.open(archive) as tar:
            copy.write_bytes(tar.extractfile("database.sqlite").read())
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        emails = [r[0] for r in conn.execute("SELECT email FROM users WHERE email LIKE 'w%'")]
        conn.close()
        assert started <= pairs_in(emails) <= finished

    result = restore(runner, archive)
    assert result.exit_code == 0, result.output + repr(result.exception)
    db.session.remove()
    emails = db.session.scalars(select(User.email).where(User.email.like("w%"))).all()
    assert started <= pairs_in(emails) <= finished
    assert db.session.scalar(select(db.func.count()).where(AuditLog.action == "padding")) == 20000
    if not ON_POSTGRES:
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


# --- refusals: nothing is touched --------------------------------------------------------------


def rewrite(source: Path, target: Path, manifest_change=None, replace=None, add=()) -> Path:
    """A copy of a backup archive with its manifest edited, members replaced or extra members added."""
    replace = replace or {}
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            name, data = replace.get(member.name, (member.name, data))
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
        for info, data in add:
            new.addfile(info, io.BytesIO(data) if data is not None else None)
    return target


@pytest.fixture
def made(app, runner, shop, tmp_path):
    archive = tmp_path / "good.tar.gz"
    create(runner, archive)
    return archive


def assert_refused(app, runner, archive, message: str):
    before = snapshot(app)
    result = restore(runner, archive)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert snapshot(app) == before


def test_a_backup_of_another_database_kind_is_refused(app, runner, made, tmp_path):
    def other_kind(manifest):
        manifest["database"].update(kind=OTHER_KIND, file=backup.DATABASE_FILES[OTHER_KIND])
        for entry in manifest["files"]:
            if entry["path"] == backup.DATABASE_FILES[KIND]:
                entry["path"] = backup.DATABASE_FILES[OTHER_KIND]

    with tarfile.open(made) as tar:
        dump = tar.extractfile(backup.DATABASE_FILES[KIND]).read()
    archive = rewrite(
        made,
        tmp_path / "other.tar.gz",
        other_kind,
        replace={backup.DATABASE_FILES[KIND]: (backup.DATABASE_FILES[OTHER_KIND], dump)},
    )
    assert_refused(app, runner, archive, f"This backup holds a {OTHER_KIND} database but DATABASE_URL points at {KIND}")


def test_a_damaged_archive_is_refused(app, runner, made, tmp_path):
    with tarfile.open(made) as tar:
        photo = next(n for n in tar.getnames() if n.startswith("uploads/"))
    archive = rewrite(made, tmp_path / "damaged.tar.gz", replace={photo: (photo, b"bit rot")})
    assert_refused(app, runner, archive, "Checksum mismatch")


def test_a_file_not_in_the_manifest_is_refused(app, runner, made, tmp_path):
    info = tarfile.TarInfo("uploads/products/smuggled.png")
    info.size = 5
    archive = rewrite(made, tmp_path / "extra.tar.gz", add=[(info, b"hello")])
    assert_refused(app, runner, archive, "does not match its manifest")


def _member(name: str, kind=tarfile.REGTYPE, linkname: str = "") -> tuple[tarfile.TarInfo, bytes | None]:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    data = b"pwned" if kind == tarfile.REGTYPE else None
    info.size = len(data) if data else 0
    return info, data


@pytest.mark.parametrize(
    "member",
    [
        _member("../evil.txt"),
        _member("uploads/../../evil.txt"),
        _member("/tmp/apik-evil.txt"),
        _member("uploads/link.png", tarfile.SYMTYPE, "/etc/passwd"),
        _member("uploads/hard.png", tarfile.LNKTYPE, "manifest.json"),
        _member("uploads/fifo", tarfile.FIFOTYPE),
    ],
    ids=["dotdot", "nested-dotdot", "absolute", "symlink", "hardlink", "fifo"],
)
def test_unsafe_archive_members_are_refused_and_nothing_is_written_outside(app, runner, made, tmp_path, member):
    archive = rewrite(made, tmp_path / "evil.tar.gz", add=[member])
    assert_refused(app, runner, archive, "Refusing the archive")
    assert not (tmp_path.parent / "evil.txt").exists() and not Path("/tmp/apik-evil.txt").exists()
    assert not list(Path(app.config["UPLOAD_FOLDER"]).rglob("link.png"))


def test_a_backup_from_a_newer_version_is_refused(app, runner, made, tmp_path):
    archive = rewrite(
        made, tmp_path / "newer.tar.gz", lambda manifest: manifest["database"].update(revision=["9999_from_the_future"])
    )
    assert_refused(app, runner, archive, "which this version of Apik Market does not know")


def test_something_that_is_not_a_backup_is_refused(app, runner, shop, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"this is not an archive")
    assert_refused(app, runner, junk, "is not a readable backup archive")
    empty = tmp_path / "empty.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    assert_refused(app, runner, empty, "no readable manifest.json")


def test_unsafe_names_are_recognised():
    for name in ("../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\x", ".", "", "x\x00y"):
        with pytest.raises(backup.BackupError):
            backup.safe_member_name(name)
    assert backup.safe_member_name("uploads/./products/a.png") == "uploads/products/a.png"


def test_restore_into_an_upload_folder_that_is_a_mount_point_syncs_file_by_file(tmp_path, monkeypatch):
    new, live = tmp_path / "new", tmp_path / "live"
    (new / "products").mkdir(parents=True)
    (new / "products" / "keep.png").write_bytes(b"from the backup")
    (live / "products").mkdir(parents=True)
    (live / "products" / "keep.png").write_bytes(b"changed since")
    (live / "stores").mkdir()
    (live / "stores" / "gone.png").write_bytes(b"made after the backup")
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == live)
    backup.replace_folder(new, live)
    assert live.is_dir()
    assert {p.relative_to(live).as_posix(): p.read_bytes() for p in live.rglob("*") if p.is_file()} == {
        "products/keep.png": b"from the backup"
    }
    assert not (live / "stores").exists()


def test_the_catalogue_comes_back_through_the_api(app, runner, client, shop, tmp_path):
    archive = tmp_path / "api.tar.gz"
    create(runner, archive)
    kain_id = shop["products"][0].id
    listed = client.get("/api/v1/products").get_json()
    detail = client.get(f"/api/v1/products/{kain_id}").get_json()
    db.session.execute(text("DELETE FROM variants"))
    db.session.execute(text("DELETE FROM products"))
    db.session.commit()
    assert client.get("/api/v1/products").get_json()["total"] == 0
    assert restore(runner, archive).exit_code == 0
    assert client.get("/api/v1/products").get_json() == listed
    assert client.get(f"/api/v1/products/{kain_id}").get_json() == detail
