"""Store rules: opening, profile, logo, status, membership, staff invites, and the CLI."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from PIL import Image
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.extensions import db
from marketplace.stores import services
from marketplace.stores.models import Store
from tests.factories import gen_store, gen_user, image_bytes

GOOD = {
    "name": "Batik Sari Tegal",
    "nib": "1234567890123",
    "city": "Kota Tegal",
    "address": "Jl. Kapten Sudibyo 12",
    "sector": "fesyen",
    "whatsapp": "0812-3456-7890",
    "description": "Batik tulis motif Tegalan.",
}


def store_count() -> int:
    return db.session.scalar(select(func.count(Store.id)))


def jpeg_with_exif() -> BytesIO:
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x8825] = {2: (7.0, 1.0, 0.0)}  # a GPS IFD
    buffer = BytesIO()
    Image.new("RGB", (1200, 900), (120, 60, 30)).save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    assert Image.open(BytesIO(buffer.getvalue())).getexif()
    return buffer


# --- opening and editing ---------------------------------------------------------


def test_anyone_opens_a_store_which_waits_for_verification(app):
    user = gen_user("siti@test.id")
    store = services.open_store(user, GOOD)
    db.session.commit()
    assert store.status == "pending" and not store.is_selling
    assert store.slug == "batik-sari-tegal"
    assert store.whatsapp == "+6281234567890"
    assert user.has_role("seller")
    assert services.membership(store, user).role == "owner"
    assert (
        db.session.scalar(
            select(AuditLog.action).where(AuditLog.object_type == "store", AuditLog.object_id == str(store.id))
        )
        == "store.opened"
    )


def test_same_name_gets_its_own_slug(app):
    first = gen_store(name="Teh Poci")
    second = gen_store(name="Teh Poci")
    assert first.slug == "teh-poci" and second.slug == "teh-poci-2"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": " "}, "name"),
        ({"nib": "123456789012"}, "nib"),
        ({"nib": "12345678901ab"}, "nib"),
        ({"sector": "otomotif"}, "sector"),
        ({"whatsapp": "12"}, "whatsapp"),
    ],
)
def test_bad_store_fields_are_named_and_nothing_is_written(app, change, field):
    user = gen_user()
    with pytest.raises(ValidationError) as exc:
        services.open_store(user, {**GOOD, **change})
    assert field in exc.value.fields
    db.session.rollback()
    assert store_count() == 0


def test_owner_edits_the_profile_and_agency_assistance(app):
    store = gen_store(name="Toko Lama")
    owner = db.session.get(User, store.owner_id)
    services.update_store(store, owner, {"name": "Toko Baru", "city": "Slawi", "allow_agency_assist": True})
    db.session.commit()
    assert (store.name, store.city, store.slug, store.allow_agency_assist) == ("Toko Baru", "Slawi", "toko-lama", True)
    services.update_store(store, owner, {"allow_agency_assist": False})
    assert store.allow_agency_assist is False


# --- logo --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, ext", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp")])
def test_logo_in_each_allowed_format_is_stored_with_thumbnails(app, fmt, ext):
    store = gen_store()
    services.set_logo(store, None, image_bytes(fmt, size=(900, 600)))
    db.session.commit()
    root = Path(app.config["UPLOAD_FOLDER"])
    assert store.logo.startswith("logos/") and store.logo.endswith("." + ext)
    stem = store.logo.rsplit(".", 1)[0]
    for side in (200, 400, 800):
        with Image.open(root / f"{stem}_{side}.{ext}") as thumb:
            assert max(thumb.size) <= side


def test_new_logo_replaces_the_old_file(app):
    store = gen_store()
    services.set_logo(store, None, image_bytes())
    old = Path(app.config["UPLOAD_FOLDER"]) / store.logo
    services.set_logo(store, None, image_bytes("PNG"))
    assert not old.exists()
    assert (Path(app.config["UPLOAD_FOLDER"]) / store.logo).exists()


@pytest.mark.parametrize(
    "payload",
    [
        b"ini bukan gambar, hanya teks yang diberi nama .jpg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"\xff\xd8\xff\xe0 truncated jpeg",
    ],
)
def test_a_file_that_is_not_a_jpeg_png_or_webp_is_refused(app, payload):
    store = gen_store()
    with pytest.raises(ValidationError) as exc:
        services.set_logo(store, None, BytesIO(payload))
    assert set(exc.value.fields) == {"logo"}
    assert store.logo is None


def test_gif_is_refused_even_though_pillow_reads_it(app):
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    buffer.seek(0)
    with pytest.raises(ValidationError) as exc:
        services.set_logo(gen_store(), None, buffer)
    assert "logo" in exc.value.fields


def test_exif_is_stripped_from_the_stored_image_and_its_thumbnails(app):
    store = gen_store()
    services.set_logo(store, None, jpeg_with_exif())
    root = Path(app.config["UPLOAD_FOLDER"])
    stem, ext = store.logo.rsplit(".", 1)
    for name in (store.logo, *(f"{stem}_{side}.{ext}" for side in (200, 400, 800))):
        data = (root / name).read_bytes()
        with Image.open(BytesIO(data)) as stored:
            assert "exif" not in stored.info
            assert not stored.getexif()
        assert b"KameraRahasia" not in data


# --- status ------------------------------------------------------------------------


def test_agency_decisions_follow_the_allowed_transitions(app):
    store = gen_store(approved=False)
    with pytest.raises(ValidationError) as exc:
        services.set_status(store, None, "rejected", "")
    assert "reason" in exc.value.fields
    services.set_status(store, None, "rejected", "NIB tidak cocok")
    assert (store.status, store.status_reason) == ("rejected", "NIB tidak cocok")
    with pytest.raises(Conflict):
        services.set_status(store, None, "suspended", "x")
    services.approve_store(store, None)
    assert store.status == "approved" and store.approved_at is not None and store.status_reason is None
    services.set_status(store, None, "suspended", "Laporan penipuan")
    assert store.status == "suspended"


def test_only_approved_stores_are_listed_for_the_public(app):
    batik = gen_store(name="Batik A", sector="fesyen")
    teh = gen_store(name="Teh B", sector="minuman-herbal")
    gen_store(name="Menunggu C", approved=False)
    items, total = services.selling_stores()
    assert [s.name for s in items] == ["Batik A", "Teh B"] and total == 2
    assert [s.name for s in services.selling_stores(sector="fesyen")[0]] == ["Batik A"]
    assert [s.name for s in services.selling_stores(ids=[teh.id, batik.id])[0]] == ["Teh B", "Batik A"]
    with pytest.raises(NotFound):
        services.get_selling_store("menunggu-c")


# --- membership ------------------------------------------------------------------------


def test_non_members_get_not_found_and_staff_cannot_do_owner_things(app):
    store = gen_store()
    stranger = gen_user()
    with pytest.raises(NotFound):
        services.require_member(store, stranger)
    staff = gen_user("staf@test.id")
    invite, token = services.invite_staff(store, None, "staf@test.id")
    services.accept_invite(services.invite_for_token(token), staff)
    db.session.commit()
    assert services.require_member(store, staff).role == "staff"
    with pytest.raises(PermissionDenied):
        services.require_member(store, staff, owner_only=True)
    assert [m.role for m in services.members_of(store)] == ["owner", "staff"]


# --- invites ---------------------------------------------------------------------------


def test_invite_is_accepted_once_by_the_invited_email_only(app):
    store = gen_store()
    invite, token = services.invite_staff(store, None, "Rina@Test.id")
    db.session.commit()
    assert invite.email == "rina@test.id" and token not in invite.token_hash
    assert services.pending_invites(store) == [invite]
    with pytest.raises(PermissionDenied):
        services.accept_invite(services.invite_for_token(token), gen_user("lain@test.id"))
    rina = gen_user("rina@test.id")
    services.accept_invite(services.invite_for_token(token), rina)
    db.session.commit()
    assert services.membership(store, rina).role == "staff"
    assert rina.has_role("seller")
    assert services.pending_invites(store) == []
    with pytest.raises(NotFound):
        services.invite_for_token(token)


def test_invite_expires_and_a_member_cannot_be_invited_again(app):
    store = gen_store()
    _invite, token = services.invite_staff(store, None, "rina@test.id")
    db.session.commit()
    with time_machine.travel(now() + timedelta(days=8)):
        with pytest.raises(ValidationError):
            services.invite_for_token(token)
    owner_email = db.session.get(User, store.owner_id).email
    with pytest.raises(Conflict) as exc:
        services.invite_staff(store, None, owner_email)
    assert "email" in exc.value.fields
    with pytest.raises(NotFound):
        services.invite_for_token("bukan-token")


# --- CLI -------------------------------------------------------------------------------


def test_cli_lists_pending_stores_and_approves_one(app, runner):
    gen_store(name="Sudah Jalan")
    gen_store(name="Baru Daftar", approved=False)
    listed = runner.invoke(args=["stores", "list", "--status", "pending"])
    assert listed.exit_code == 0, listed.output
    assert "baru-daftar" in listed.output and "sudah-jalan" not in listed.output
    everything = runner.invoke(args=["stores", "list"])
    assert "baru-daftar" in everything.output and "sudah-jalan" in everything.output

    result = runner.invoke(args=["stores", "approve", "baru-daftar"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert services.get_store("baru-daftar").status == "approved"
    assert runner.invoke(args=["stores", "list", "--status", "pending"]).output.strip() == ""


def test_cli_approve_fails_clearly(app, runner):
    gen_store(name="Sudah Jalan")
    unknown = runner.invoke(args=["stores", "approve", "tidak-ada"])
    assert unknown.exit_code != 0 and "Toko tidak ditemukan" in unknown.output
    twice = runner.invoke(args=["stores", "approve", "sudah-jalan"])
    assert twice.exit_code != 0
