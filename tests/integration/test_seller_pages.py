"""The seller's pages: opening a store, its dashboard, settings and logo, staff
invites, products with variants and photos, and keeping other sellers out."""

import html
import re
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.accounts.models import User
from marketplace.catalog.models import Product, ProductImage, Variant
from marketplace.extensions import db
from marketplace.stores import services as stores
from marketplace.stores.models import Store, StoreMember
from tests.factories import PASSWORD, gen_category, gen_product, gen_store, gen_user, image_bytes


def login(client, email: str):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def error_next_to(response, field_id: str) -> str:
    match = re.search(
        rf'<p class="error" id="{re.escape(field_id)}-error">([^<]*)</p>', response.get_data(as_text=True)
    )
    return html.unescape(match.group(1)) if match else ""


def count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


@pytest.fixture
def sari(client):
    """Sari owns the approved store "batik-sari" and is signed in."""
    owner = gen_user("sari@test.id", role="seller", name="Sari Rahayu")
    store = gen_store(owner, name="Batik Sari")
    gen_category("batik")
    login(client, "sari@test.id")
    return store


STORE_FORM = {
    "name": "Teh Poci Mbok Darmi",
    "nib": "1234567890123",
    "city": "Kota Tegal",
    "address": "Jl. Gajah Mada 5",
    "sector": "minuman-herbal",
    "whatsapp": "0812 3456 7890",
    "description": "Teh poci wangi melati.",
}


def product_form(**overrides) -> dict:
    data = {
        "name": "Batik Tulis Tegalan",
        "description": "Katun primisima.",
        "category": "batik",
        "unit": "lembar",
        "weight_grams": "400",
        "status": "draft",
        "variants-0-name": "2 m",
        "variants-0-sku": "BT-2",
        "variants-0-price": "350000",
        "variants-0-stock": "4",
        "variants-1-name": "",
        "variants-1-sku": "",
        "variants-1-price": "",
        "variants-1-stock": "",
        "variants-2-name": "2,5 m",
        "variants-2-sku": "BT-25",
        "variants-2-price": "425.000",
        "variants-2-stock": "2",
    }
    data.update(overrides)
    return data


# --- the seller's home and opening a store ------------------------------------------


def test_seller_pages_need_a_login(client):
    store = gen_store(name="Batik Sari")
    for url in (
        "/seller/",
        "/seller/stores/new",
        "/seller/stores/batik-sari/",
        "/seller/stores/batik-sari/settings",
        "/seller/stores/batik-sari/products/new",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url
    assert store.id


def test_user_without_a_store_is_invited_to_open_one(client):
    gen_user("budi@test.id")
    login(client, "budi@test.id")
    page = client.get("/seller/")
    assert page.status_code == 200
    assert "Buka toko" in text(page) and 'href="/seller/stores/new"' in text(page)
    assert "Toko Saya" not in text(client.get("/account"))  # not a seller yet: no header link


def test_shopper_opens_a_store_that_waits_for_the_agency(client):
    gen_user("darmi@test.id")
    login(client, "darmi@test.id")
    form = client.get("/seller/stores/new")
    assert form.status_code == 200 and "verifikasi" in text(form)
    for name in ("name", "nib", "city", "address", "sector", "whatsapp", "description"):
        assert f'name="{name}"' in text(form)
    response = client.post("/seller/stores/new", data=STORE_FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/seller/stores/teh-poci-mbok-darmi/"
    dashboard = client.get(response.headers["Location"])
    assert "Menunggu verifikasi" in text(dashboard)
    assert "Toko Saya" in text(dashboard)  # the header link, now that the user is a seller
    db.session.rollback()
    store = stores.get_store("teh-poci-mbok-darmi")
    assert (store.status, store.nib, store.whatsapp, store.sector) == (
        "pending",
        "1234567890123",
        "+6281234567890",
        "minuman-herbal",
    )
    # one store: /seller/ goes straight to its dashboard
    assert client.get("/seller/").headers["Location"] == "/seller/stores/teh-poci-mbok-darmi/"


def test_bad_store_form_shows_errors_next_to_fields_and_keeps_input(client):
    gen_user("darmi@test.id")
    login(client, "darmi@test.id")
    response = client.post("/seller/stores/new", data={**STORE_FORM, "nib": "12345", "sector": "", "name": ""})
    assert response.status_code == 422
    assert error_next_to(response, "nib") == "NIB terdiri dari 13 angka."
    assert error_next_to(response, "sector") == "Pilih salah satu sektor."
    assert error_next_to(response, "name") == "Wajib diisi."
    assert 'value="12345"' in text(response) and 'value="Jl. Gajah Mada 5"' in text(response)
    assert count(Store) == 0


def test_user_with_two_stores_sees_both(client):
    owner = gen_user("sari@test.id")
    gen_store(owner, name="Batik Sari")
    gen_store(owner, name="Sari Kuliner", approved=False, sector="kuliner")
    login(client, "sari@test.id")
    page = client.get("/seller/")
    assert page.status_code == 200
    assert "/seller/stores/batik-sari/" in text(page) and "/seller/stores/sari-kuliner/" in text(page)


@pytest.mark.parametrize(
    "status, reason, banner",
    [
        ("rejected", "NIB tidak terdaftar di OSS", "Pengajuan toko ditolak."),
        ("suspended", "Banyak keluhan pembeli", "Toko dibekukan."),
    ],
)
def test_dashboard_banner_tells_why_a_store_cannot_sell(client, status, reason, banner):
    owner = gen_user("sari@test.id")
    store = gen_store(owner, name="Batik Sari", approved=status == "suspended")
    stores.set_status(store, None, status, reason)
    db.session.commit()
    login(client, "sari@test.id")
    page = text(client.get("/seller/stores/batik-sari/"))
    assert banner in page and reason in page


def test_dashboard_counts_products_and_highlights_low_stock(client, sari):
    gen_product(
        sari,
        name="Batik Laris",
        variants=[
            {"name": "a", "sku": "L1", "price": 100000, "stock": 2},
            {"name": "b", "sku": "L2", "price": 150000, "stock": 20},
        ],
    )
    gen_product(
        sari, name="Batik Habis", status="draft", variants=[{"name": "a", "sku": "H1", "price": 90000, "stock": 0}]
    )
    gen_product(sari, name="Batik Aman", variants=[{"name": "a", "sku": "A1", "price": 80000, "stock": 50}])
    page = client.get("/seller/stores/batik-sari/")
    assert page.status_code == 200
    body = text(page)
    for name in ("Batik Laris", "Batik Habis", "Batik Aman"):
        assert name in body
    assert "Rp 100.000 – Rp 150.000" in body
    rows = {
        name: row
        for row in re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", body, re.S)
        for name in ("Batik Laris", "Batik Habis", "Batik Aman")
        if name in row
    }
    assert 'class="low-stock"' in rows["Batik Laris"] and "Menipis" in rows["Batik Laris"]
    assert "Ada yang habis" in rows["Batik Habis"]
    assert "low-stock" not in rows["Batik Aman"]
    assert re.search(r"<b>3</b>Produk", body) and re.search(r"<b>2</b>Stok menipis", body)


def test_dashboard_lists_products_in_a_fixed_number_of_queries(client, sari, count_queries):
    for i in range(3):
        gen_product(sari, name=f"Produk {i}", variants=[{"name": "a", "sku": f"S{i}", "price": 1000, "stock": 1}])
    with count_queries() as few:
        client.get("/seller/stores/batik-sari/")
    for i in range(3, 12):
        gen_product(sari, name=f"Produk {i}", variants=[{"name": "a", "sku": f"S{i}", "price": 1000, "stock": 1}])
    with count_queries() as many:
        assert client.get("/seller/stores/batik-sari/").status_code == 200
    assert many.count == few.count


# --- settings and logo --------------------------------------------------------------


def test_owner_edits_the_profile_and_allows_agency_assistance(client, sari):
    page = client.get("/seller/stores/batik-sari/settings")
    assert page.status_code == 200
    assert 'value="0812-3456-7890"' in text(page)
    assert "maksimal 8 MB" in text(page)
    response = client.post(
        "/seller/stores/batik-sari/settings",
        data={**STORE_FORM, "name": "Batik Sari Tegalan", "sector": "fesyen", "allow_agency_assist": "y"},
    )
    assert response.status_code == 302
    store = fresh(Store, sari.id)
    assert (store.name, store.slug, store.city, store.allow_agency_assist) == (
        "Batik Sari Tegalan",
        "batik-sari",
        "Kota Tegal",
        True,
    )
    client.post("/seller/stores/batik-sari/settings", data={**STORE_FORM, "sector": "fesyen"})
    assert fresh(Store, sari.id).allow_agency_assist is False


def test_bad_settings_are_shown_next_to_fields_and_nothing_changes(client, sari):
    response = client.post(
        "/seller/stores/batik-sari/settings", data={**STORE_FORM, "name": "Nama Baru", "whatsapp": "999"}
    )
    assert response.status_code == 422
    assert error_next_to(response, "whatsapp").startswith("Nomor telepon tidak valid")
    assert 'value="Nama Baru"' in text(response)
    assert fresh(Store, sari.id).name == "Batik Sari"


@pytest.mark.parametrize("fmt, filename", [("JPEG", "logo.jpg"), ("PNG", "logo.png"), ("WEBP", "logo.webp")])
def test_owner_uploads_a_logo(client, sari, app, fmt, filename):
    response = client.post(
        "/seller/stores/batik-sari/settings/logo",
        data={"logo": (image_bytes(fmt, size=(500, 500)), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    store = fresh(Store, sari.id)
    assert store.logo and (Path(app.config["UPLOAD_FOLDER"]) / store.logo).exists()
    assert f"/media/{store.logo.rsplit('.', 1)[0]}_200." in text(client.get("/seller/stores/batik-sari/settings"))


@pytest.mark.parametrize(
    "payload, filename",
    [
        (b"Ini file teks yang diganti namanya.", "logo.jpg"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>', "logo.svg"),
    ],
)
def test_a_logo_that_is_not_an_image_is_refused_next_to_the_field(client, sari, payload, filename):
    response = client.post(
        "/seller/stores/batik-sari/settings/logo",
        data={"logo": (BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert error_next_to(response, "logo") == "Berkas ini bukan gambar yang bisa dibuka."
    assert fresh(Store, sari.id).logo is None


def test_logo_form_without_a_file_says_so(client, sari):
    response = client.post("/seller/stores/batik-sari/settings/logo", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert error_next_to(response, "logo") == "Pilih berkas gambar terlebih dahulu."


def test_uploaded_logo_loses_its_exif_and_gets_thumbnails(client, sari, app):
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    exif[0x8825] = {2: (6.0, 52.0, 0.0)}  # GPS latitude
    source = BytesIO()
    Image.new("RGB", (1000, 700), (30, 120, 90)).save(source, "JPEG", exif=exif.tobytes())
    source.seek(0)
    client.post(
        "/seller/stores/batik-sari/settings/logo",
        data={"logo": (source, "foto.jpg")},
        content_type="multipart/form-data",
    )
    logo = fresh(Store, sari.id).logo
    root = Path(app.config["UPLOAD_FOLDER"])
    stem, ext = logo.rsplit(".", 1)
    for name in (logo, f"{stem}_200.{ext}", f"{stem}_400.{ext}", f"{stem}_800.{ext}"):
        with Image.open(root / name) as stored:
            assert not stored.getexif() and "exif" not in stored.info
        assert b"KameraRahasia" not in (root / name).read_bytes()


def test_too_large_upload_is_refused_with_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=50_000)
    client = app.test_client()
    with app.app_context():
        gen_store(gen_user("sari@test.id"), name="Batik Sari")
    login(client, "sari@test.id")
    big = image_bytes("PNG", size=(2000, 2000), color=(1, 2, 3))
    big = BytesIO(big.getvalue() + b"\0" * 60_000)
    response = client.post(
        "/seller/stores/batik-sari/settings/logo", data={"logo": (big, "besar.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert "Berkas terlalu besar" in text(response)


# --- staff and invites ---------------------------------------------------------------


def test_owner_invites_staff_who_accepts_after_signing_in(client, sari, outbox):
    page = client.get("/seller/stores/batik-sari/staff")
    assert page.status_code == 200 and "Sari Rahayu" in text(page)
    response = client.post("/seller/stores/batik-sari/staff", data={"email": "Rina@Test.id"})
    assert response.status_code == 302
    assert "rina@test.id" in text(client.get("/seller/stores/batik-sari/staff"))  # pending invite listed
    assert len(outbox) == 1 and outbox[0]["To"] == "rina@test.id"
    assert "Batik Sari" in outbox[0]["Subject"]
    link = re.search(r"http://localhost/invites/\S+", outbox[0].get_content()).group(0)
    path = link.removeprefix("http://localhost")
    client.post("/logout")

    # not signed in: to the login page, coming back afterwards, with a way to register
    anonymous = client.get(path)
    assert anonymous.status_code == 302
    location = urlsplit(anonymous.headers["Location"])
    assert location.path == "/login" and parse_qs(location.query)["next"] == [path]
    login_page = text(client.get(anonymous.headers["Location"]))
    assert "Masuk untuk menerima undangan" in login_page and "/register?next=" in login_page

    gen_user("rina@test.id", name="Rina")
    login(client, "rina@test.id")
    invite_page = client.get(path)
    assert invite_page.status_code == 200 and "Terima undangan" in text(invite_page)
    accepted = client.post(path)
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/seller/stores/batik-sari/"
    assert client.get("/seller/stores/batik-sari/").status_code == 200
    db.session.rollback()
    rina = db.session.scalar(select(User).where(User.email == "rina@test.id"))
    assert stores.membership(sari, rina).role == "staff" and rina.has_role("seller")
    assert client.post(path).status_code == 404  # used up

    # staff work on products, but the owner's pages stay the owner's
    assert client.get("/seller/stores/batik-sari/products/new").status_code == 200
    assert client.get("/seller/stores/batik-sari/settings").status_code == 403
    assert client.post("/seller/stores/batik-sari/staff", data={"email": "x@test.id"}).status_code == 403
    assert "Undang staf" not in text(client.get("/seller/stores/batik-sari/staff"))


def test_invite_for_someone_else_cannot_be_accepted(client, sari, outbox):
    client.post("/seller/stores/batik-sari/staff", data={"email": "rina@test.id"})
    path = re.search(r"http://localhost(/invites/\S+)", outbox[0].get_content()).group(1)
    client.post("/logout")
    gen_user("eko@test.id")
    login(client, "eko@test.id")
    page = client.get(path)
    assert page.status_code == 200 and "rina@test.id" in text(page) and "Terima undangan" not in text(page)
    assert client.post(path).status_code == 403
    assert count(StoreMember) == 1
    assert client.get("/invites/bukan-token-asli").status_code == 404


def test_inviting_a_member_or_a_bad_address_shows_the_error(client, sari, outbox):
    taken = client.post("/seller/stores/batik-sari/staff", data={"email": "sari@test.id"})
    assert taken.status_code == 409 and error_next_to(taken, "email") == "Sudah menjadi anggota toko."
    bad = client.post("/seller/stores/batik-sari/staff", data={"email": "bukan-email"})
    assert bad.status_code == 422 and error_next_to(bad, "email") == "Alamat e-mail tidak valid."
    assert outbox == []


def test_an_invite_whose_mail_fails_is_kept_and_its_mail_waits_for_a_retry(make_app, free_tcp_port):
    """Nothing listens on the mail port: the invite is saved, the page says its mail is queued (true),
    and the outbox keeps the message to try again."""
    from marketplace.jobs.models import OutboxMessage
    from marketplace.stores.models import StoreInvite

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_tcp_port)
    client = app.test_client()
    with app.app_context():
        gen_store(gen_user("sari@test.id", role="seller", name="Sari Rahayu"), name="Batik Sari")
        login(client, "sari@test.id")
        response = client.post("/seller/stores/batik-sari/staff", data={"email": "rina@test.id"})
        assert response.status_code == 302
        page = text(client.get(response.headers["Location"]))
        assert "Undangan untuk rina@test.id masuk antrean kirim" in page
        assert count(StoreInvite) == 1
        message = db.session.scalars(select(OutboxMessage)).one()
        assert (message.to, message.status, message.attempts) == ("rina@test.id", "pending", 1)


def test_invite_link_uses_base_url_when_set(make_app, outbox):
    app = make_app(BASE_URL="https://apik.tegalkota.go.id")
    client = app.test_client()
    with app.app_context():
        gen_store(gen_user("sari@test.id"), name="Batik Sari")
    login(client, "sari@test.id")
    client.post("/seller/stores/batik-sari/staff", data={"email": "rina@test.id"})
    assert "https://apik.tegalkota.go.id/invites/" in outbox[0].get_content()


# --- products through the form ----------------------------------------------------------


def test_seller_creates_a_product_with_variants_and_blank_rows_are_ignored(client, sari):
    page = client.get("/seller/stores/batik-sari/products/new")
    assert page.status_code == 200
    body = text(page)
    assert 'name="variants-0-price"' in body and 'name="variants-2-price"' in body
    assert '<optgroup label="Fesyen & Tekstil">' in body and '<option value="batik">' in body
    response = client.post("/seller/stores/batik-sari/products/new", data=product_form())
    assert response.status_code == 302
    db.session.rollback()
    product = db.session.scalar(select(Product))
    assert response.headers["Location"] == f"/seller/stores/batik-sari/products/{product.id}/edit"
    assert (product.name, product.status, product.unit, product.weight_grams, product.price_min) == (
        "Batik Tulis Tegalan",
        "draft",
        "lembar",
        400,
        350000,
    )
    variants = db.session.execute(
        select(Variant.name, Variant.sku, Variant.price, Variant.stock).order_by(Variant.id)
    ).all()
    assert variants == [("2 m", "BT-2", 350000, 4), ("2,5 m", "BT-25", 425000, 2)]


@pytest.mark.parametrize(
    "overrides, field_id, message",
    [
        ({"variants-2-price": "0"}, "variants-2-price", "Harga harus bilangan bulat rupiah lebih dari 0."),
        ({"variants-2-price": "-5000"}, "variants-2-price", "Harga harus bilangan bulat rupiah lebih dari 0."),
        ({"variants-2-price": "murah"}, "variants-2-price", "Harga harus bilangan bulat rupiah lebih dari 0."),
        ({"variants-0-stock": "-1"}, "variants-0-stock", "Stok harus bilangan bulat 0 atau lebih."),
        ({"variants-2-sku": "BT-2"}, "variants-2-sku", "SKU ganda dalam produk ini."),
        ({"name": ""}, "name", "Wajib diisi."),
        ({"weight_grams": "berat"}, "weight_grams", "Berat harus bilangan bulat gram."),
    ],
)
def test_bad_product_form_shows_the_error_in_the_right_row_and_writes_nothing(
    client, sari, overrides, field_id, message
):
    response = client.post("/seller/stores/batik-sari/products/new", data=product_form(**overrides))
    assert response.status_code == 422
    assert error_next_to(response, field_id) == message
    body = text(response)
    assert 'value="2,5 m"' in body and "Katun primisima." in body
    assert count(Product) == 0 and count(Variant) == 0


def test_sku_used_by_another_product_of_the_store_is_refused(client, sari):
    gen_product(sari, variants=[{"name": "a", "sku": "BT-25", "price": 1000, "stock": 1}])
    response = client.post("/seller/stores/batik-sari/products/new", data=product_form())
    assert response.status_code == 422
    assert "sudah dipakai" in error_next_to(response, "variants-2-sku")
    assert count(Product) == 1


def test_product_form_with_every_row_blank_asks_for_a_price_in_the_first_row(client, sari):
    data = product_form(**{f"variants-{i}-{f}": "" for i in range(3) for f in ("name", "sku", "price", "stock")})
    response = client.post("/seller/stores/batik-sari/products/new", data=data)
    assert response.status_code == 422
    assert error_next_to(response, "variants-0-price")
    assert count(Product) == 0


def test_seller_edits_variants_adds_one_and_deletes_one(client, sari):
    product = gen_product(
        sari,
        variants=[
            {"name": "S", "sku": "K-S", "price": 50000, "stock": 5},
            {"name": "M", "sku": "K-M", "price": 55000, "stock": 5},
        ],
    )
    first, second = db.session.scalars(select(Variant.id).order_by(Variant.id)).all()
    url = f"/seller/stores/batik-sari/products/{product.id}/edit"
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="variants-0-id" type="hidden" value="{first}"' in page.get_data(as_text=True)
    assert 'name="variants-2-name"' in text(page)  # the blank row for a new variant
    response = client.post(
        url,
        data={
            "name": "Kemeja Batik",
            "description": "",
            "category": "batik",
            "unit": "",
            "weight_grams": "",
            "status": "active",
            "variants-0-id": str(first),
            "variants-0-name": "S",
            "variants-0-sku": "K-S",
            "variants-0-price": "45000",
            "variants-0-stock": "7",
            "variants-1-id": str(second),
            "variants-1-name": "M",
            "variants-1-sku": "K-M",
            "variants-1-price": "55000",
            "variants-1-stock": "0",
            "variants-2-id": "",
            "variants-2-name": "L",
            "variants-2-sku": "",
            "variants-2-price": "60000",
            "variants-2-stock": "3",
        },
    )
    assert response.status_code == 302
    updated = fresh(Product, product.id)
    assert (updated.name, updated.status, updated.price_min) == ("Kemeja Batik", "active", 45000)
    rows = db.session.execute(select(Variant.name, Variant.price, Variant.stock).order_by(Variant.id)).all()
    assert rows == [("S", 45000, 7), ("M", 55000, 0), ("L", 60000, 3)]

    assert client.post(f"/seller/stores/batik-sari/products/{product.id}/variants/{second}/delete").status_code == 302
    assert count(Variant) == 2
    remaining = db.session.scalars(select(Variant.id)).all()
    client.post(f"/seller/stores/batik-sari/products/{product.id}/variants/{remaining[0]}/delete")
    last = client.post(
        f"/seller/stores/batik-sari/products/{product.id}/variants/{remaining[1]}/delete", follow_redirects=True
    )
    assert "minimal satu varian" in text(last)
    assert count(Variant) == 1


def test_bad_edit_shows_the_error_in_its_row_and_changes_nothing(client, sari):
    product = gen_product(
        sari,
        variants=[
            {"name": "S", "sku": "K-S", "price": 50000, "stock": 5},
            {"name": "M", "sku": "K-M", "price": 55000, "stock": 5},
        ],
    )
    first, second = db.session.scalars(select(Variant.id).order_by(Variant.id)).all()
    response = client.post(
        f"/seller/stores/batik-sari/products/{product.id}/edit",
        data={
            "name": "Nama Baru",
            "category": "batik",
            "status": "active",
            "variants-0-id": str(first),
            "variants-0-name": "S",
            "variants-0-sku": "K-S",
            "variants-0-price": "0",
            "variants-0-stock": "-2",
            "variants-1-id": str(second),
            "variants-1-name": "M",
            "variants-1-sku": "K-S",
            "variants-1-price": "1",
            "variants-1-stock": "5",
            "variants-2-name": "XL",
            "variants-2-price": "abc",
            "variants-2-stock": "",
            "variants-2-sku": "",
        },
    )
    assert response.status_code == 422
    assert error_next_to(response, "variants-0-price") == "Harga harus bilangan bulat rupiah lebih dari 0."
    assert error_next_to(response, "variants-0-stock") == "Stok harus bilangan bulat 0 atau lebih."
    assert "sudah dipakai" in error_next_to(response, "variants-1-sku")
    assert error_next_to(response, "variants-2-price") == "Harga harus bilangan bulat rupiah lebih dari 0."
    assert 'value="Nama Baru"' in text(response) and 'value="-2"' in text(response) and 'value="XL"' in text(response)
    assert fresh(Product, product.id).name == "Batik Tulis Motif Tegalan"
    assert db.session.execute(select(Variant.price, Variant.sku).order_by(Variant.id)).all() == [
        (50000, "K-S"),
        (55000, "K-M"),
    ]
    assert fresh(Product, product.id).status == "active" and count(Variant) == 2


def test_quick_actions_activate_archive_and_back_to_draft(client, sari):
    product = gen_product(sari, status="draft")
    url = f"/seller/stores/batik-sari/products/{product.id}/status"
    for status in ("active", "archived", "draft"):
        assert client.post(url, data={"status": status}).status_code == 302
        assert fresh(Product, product.id).status == status
    client.post(url, data={"status": "dihapus"})
    assert fresh(Product, product.id).status == "draft"
    page = text(client.get(f"/seller/stores/batik-sari/products/{product.id}/edit"))
    assert "Aktifkan" in page and "Arsipkan" in page


def test_photos_are_uploaded_cleaned_and_removed(client, sari, app):
    product = gen_product(sari)
    edit = f"/seller/stores/batik-sari/products/{product.id}/edit"
    assert "maksimal 8 MB" in text(client.get(edit))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    source = BytesIO()
    Image.new("RGB", (2400, 1800), (200, 30, 30)).save(source, "JPEG", exif=exif.tobytes())
    source.seek(0)
    response = client.post(
        f"/seller/stores/batik-sari/products/{product.id}/photos",
        data={"photo": (source, "batik.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    image = db.session.scalar(select(ProductImage))
    image_id, image_path = image.id, image.path
    root = Path(app.config["UPLOAD_FOLDER"])
    with Image.open(root / image.path) as stored:
        assert max(stored.size) == 1600 and not stored.getexif()
    stem, ext = image.path.rsplit(".", 1)
    assert all((root / f"{stem}_{side}.{ext}").exists() for side in (200, 400, 800))
    assert f"/media/{stem}_200.{ext}" in text(client.get(edit))

    bad = client.post(
        f"/seller/stores/batik-sari/products/{product.id}/photos",
        data={"photo": (BytesIO(b"bukan foto"), "foto.jpg")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and error_next_to(bad, "photo") == "Berkas ini bukan gambar yang bisa dibuka."
    assert count(ProductImage) == 1

    removed = client.post(f"/seller/stores/batik-sari/products/{product.id}/photos/{image_id}/delete")
    assert removed.status_code == 302
    assert count(ProductImage) == 0 and not (root / image_path).exists()


# --- other sellers stay out ----------------------------------------------------------------


def test_seller_of_store_b_cannot_see_or_touch_store_a(client, sari):
    product = gen_product(sari, variants=[{"name": "a", "sku": "A-1", "price": 1000, "stock": 3}])
    variant_id = db.session.scalar(select(Variant.id))
    stores.set_logo(sari, None, image_bytes())
    from marketplace.catalog import services as catalog

    image = catalog.add_image(product, None, image_bytes())
    db.session.commit()
    image_id = image.id
    client.post("/logout")
    joko = gen_user("joko@test.id")
    gen_store(joko, name="Logam Joko", sector="logam-furnitur")
    login(client, "joko@test.id")

    a = "/seller/stores/batik-sari"
    gets = [
        f"{a}/",
        f"{a}/settings",
        f"{a}/staff",
        f"{a}/products/new",
        f"{a}/products/{product.id}/edit",
        # A's product through B's own store URL
        f"/seller/stores/logam-joko/products/{product.id}/edit",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (f"{a}/settings", {**STORE_FORM, "sector": "fesyen", "name": "Dibajak"}),
        (f"{a}/settings/logo", {"logo": (image_bytes(), "x.jpg")}),
        (f"{a}/staff", {"email": "joko2@test.id"}),
        (f"{a}/products/new", product_form()),
        (f"{a}/products/{product.id}/edit", product_form(name="Dibajak")),
        (f"{a}/products/{product.id}/status", {"status": "archived"}),
        (f"{a}/products/{product.id}/variants/{variant_id}/delete", {}),
        (f"{a}/products/{product.id}/photos", {"photo": (image_bytes(), "x.jpg")}),
        (f"{a}/products/{product.id}/photos/{image_id}/delete", {}),
        (f"/seller/stores/logam-joko/products/{product.id}/edit", product_form(name="Dibajak")),
        (f"/seller/stores/logam-joko/products/{product.id}/status", {"status": "archived"}),
        (f"/seller/stores/logam-joko/products/{product.id}/photos/{image_id}/delete", {}),
    ]
    for url, data in posts:
        assert client.post(url, data=data, content_type="multipart/form-data").status_code == 404, url
    db.session.rollback()
    assert db.session.get(Store, sari.id).name == "Batik Sari"
    assert db.session.get(Product, product.id).status == "active"
    assert db.session.get(Product, product.id).name == "Batik Tulis Motif Tegalan"
    assert count(Variant) == 1 and count(ProductImage) == 1 and count(Product) == 1
    assert "Batik Sari" not in text(client.get("/seller/"))


def test_a_variant_of_another_product_cannot_be_deleted_through_this_one(client, sari):
    mine = gen_product(
        sari,
        name="Satu",
        variants=[
            {"name": "a", "sku": "S-1", "price": 1000, "stock": 1},
            {"name": "b", "sku": "S-2", "price": 1000, "stock": 1},
        ],
    )
    other = gen_product(
        sari,
        name="Dua",
        variants=[
            {"name": "a", "sku": "D-1", "price": 1000, "stock": 1},
            {"name": "b", "sku": "D-2", "price": 1000, "stock": 1},
        ],
    )
    other_variant = db.session.scalar(select(Variant.id).where(Variant.product_id == other.id))
    response = client.post(f"/seller/stores/batik-sari/products/{mine.id}/variants/{other_variant}/delete")
    assert response.status_code == 404
    # a hidden id pointing at another product's variant is refused too
    response = client.post(
        f"/seller/stores/batik-sari/products/{mine.id}/edit",
        data={
            "name": "Satu",
            "status": "active",
            "variants-0-id": str(other_variant),
            "variants-0-name": "x",
            "variants-0-price": "5",
            "variants-0-stock": "5",
        },
    )
    assert response.status_code == 404
    assert count(Variant) == 4
    assert fresh(Variant, other_variant).price == 1000
