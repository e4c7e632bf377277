"""JSON API: stores (public reads, opening one) and a seller's products, variants and photos."""

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.catalog.models import Product, ProductImage, Variant
from marketplace.clock import now
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores.models import Store
from tests.factories import gen_category, gen_product, gen_store, gen_user, image_bytes


@pytest.fixture
def seller(api):
    """An approved store "batik-sari", its owner and the owner's token."""
    owner = gen_user("sari@test.id", role="seller")
    store = gen_store(owner, name="Batik Sari")
    gen_category("batik")
    return {"store": store, "owner": owner, "token": api.token("sari@test.id")}


@pytest.fixture
def rival(api):
    """Another seller, with a store of their own: a member of nothing of ``seller``'s."""
    owner = gen_user("joko@test.id", role="seller")
    store = gen_store(owner, name="Logam Joko", sector="logam-furnitur")
    return {"store": store, "token": api.token("joko@test.id")}


def count(model) -> int:
    db.session.rollback()  # see what the requests committed
    return db.session.scalar(select(func.count()).select_from(model))


def fresh(model, id_):
    db.session.rollback()
    return db.session.get(model, id_)


NEW_PRODUCT = {
    "name": "Batik Tulis Tegalan",
    "description": "Katun primisima, pewarna alam.",
    "category": "batik",
    "variants": [
        {"name": "2 m", "sku": "BT-2", "price": 350000, "stock": 4},
        {"name": "2,5 m", "sku": "BT-25", "price": 425000, "stock": 2},
    ],
}


# --- public reads ----------------------------------------------------------------


def test_store_list_shows_approved_stores_only_and_filters_by_sector(api):
    gen_store(name="Batik Sari", sector="fesyen")
    gen_store(name="Teh Poci Asli", sector="minuman-herbal")
    gen_store(name="Masih Menunggu", approved=False)
    body = api.get("/stores").get_json()
    assert [s["slug"] for s in body["items"]] == ["batik-sari", "teh-poci-asli"]
    assert body["total"] == 2
    assert set(body["items"][0]) >= {"slug", "name", "city", "sector", "status", "logo_url"}
    assert [s["slug"] for s in api.get("/stores?sector=minuman-herbal").get_json()["items"]] == ["teh-poci-asli"]
    bad = api.get("/stores?sector=otomotif")
    assert bad.status_code == 422 and "sector" in bad.get_json()["error"]["fields"]


def test_featured_vendors_come_in_the_agency_order_and_expo_lists_its_exhibitors(api):
    a, b, c = (gen_store(name=n) for n in ("Alfa", "Beta", "Gama"))
    expo.set_featured(None, [c, a])
    fair = expo.create_expo(None, "apik-banget-2025", "Apik Banget 2025", now(), now() + timedelta(days=3))
    expo.add_exhibitor(None, fair, b, booth="B-01")
    expo.add_exhibitor(None, fair, c, booth="C-07")
    db.session.commit()
    assert [s["slug"] for s in api.get("/stores?featured=1").get_json()["items"]] == ["gama", "alfa"]
    assert [s["slug"] for s in api.get("/stores?expo=apik-banget-2025").get_json()["items"]] == ["beta", "gama"]
    assert [s["slug"] for s in api.get("/stores?expo=apik-banget-2025&featured=1").get_json()["items"]] == ["gama"]
    assert api.get("/stores?expo=tidak-ada").status_code == 404


def test_store_detail_is_public_for_approved_stores_only(api):
    gen_store(name="Batik Sari", nib="1234567890123")
    gen_store(name="Masih Menunggu", approved=False)
    body = api.get("/stores/batik-sari").get_json()
    assert body["nib"] == "1234567890123" and body["whatsapp"] == "+6281234567890"
    assert api.get("/stores/masih-menunggu").status_code == 404
    assert api.get("/stores/tidak-ada").get_json()["error"]["code"] == "not_found"


# --- opening a store ------------------------------------------------------------------


def test_any_signed_in_user_opens_a_store_that_waits_for_verification(api):
    gen_user("budi@test.id")
    token = api.token("budi@test.id")
    response = api.post(
        "/stores",
        {
            "name": "Kerajinan Budi",
            "nib": "9876543210123",
            "city": "Kota Tegal",
            "sector": "kriya",
            "whatsapp": "081234567890",
        },
        token=token,
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "pending"
    assert response.get_json()["slug"] == "kerajinan-budi"
    me = api.get("/me", token=token).get_json()
    assert "seller" in me["roles"]
    # pending: not public yet
    assert api.get("/stores/kerajinan-budi").status_code == 404


def test_opening_a_store_needs_a_token_and_valid_fields(api):
    assert api.post("/stores", {"name": "X", "sector": "kriya"}).status_code == 401
    gen_user("budi@test.id")
    token = api.token("budi@test.id")
    response = api.post("/stores", {"name": "", "nib": "123", "sector": "otomotif", "whatsapp": "1"}, token=token)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"name", "nib", "sector", "whatsapp"}
    assert api.post("/stores", [1, 2], token=token).status_code == 422
    assert count(Store) == 0


# --- products --------------------------------------------------------------------------


def test_member_creates_a_product_with_variants(api, seller):
    response = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["store"] == "batik-sari" and body["category"] == "batik" and body["status"] == "draft"
    assert body["price"] == 350000
    assert [(v["sku"], v["price"], v["stock"]) for v in body["variants"]] == [("BT-2", 350000, 4), ("BT-25", 425000, 2)]
    assert body["images"] == []


@pytest.mark.parametrize(
    "variant, field",
    [
        ({"price": 0}, "variants.0.price"),
        ({"price": -1000}, "variants.0.price"),
        ({"price": "murah"}, "variants.0.price"),
        ({"price": 12.5}, "variants.0.price"),
        ({"stock": -1}, "variants.0.stock"),
        ({"stock": "banyak"}, "variants.0.stock"),
        ({"sku": "BT-25"}, "variants.1.sku"),  # the second of two rows with the same SKU
    ],
)
def test_bad_variants_are_422_with_fields_and_nothing_is_written(api, seller, variant, field):
    data = {**NEW_PRODUCT, "variants": [{**NEW_PRODUCT["variants"][0], **variant}, NEW_PRODUCT["variants"][1]]}
    response = api.post("/stores/batik-sari/products", data, token=seller["token"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Product) == 0 and count(Variant) == 0


def test_sku_already_used_in_the_store_is_refused(api, seller):
    gen_product(seller["store"], variants=[{"name": "x", "sku": "BT-2", "price": 1000, "stock": 1}])
    response = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"])
    assert response.status_code == 422
    assert "variants.0.sku" in response.get_json()["error"]["fields"]
    assert count(Product) == 1


def test_product_without_variants_or_with_unknown_category_is_refused(api, seller):
    response = api.post("/stores/batik-sari/products", {"name": "Kosong", "variants": []}, token=seller["token"])
    assert response.status_code == 422 and "variants" in response.get_json()["error"]["fields"]
    response = api.post("/stores/batik-sari/products", {**NEW_PRODUCT, "category": "mobil"}, token=seller["token"])
    assert "category" in response.get_json()["error"]["fields"]
    assert count(Product) == 0


def test_member_edits_product_and_variant(api, seller):
    product_id = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"]).get_json()["id"]
    response = api.patch(
        f"/products/{product_id}",
        {"name": "Batik Tulis Premium", "status": "active", "unit": "lembar", "weight_grams": 400},
        token=seller["token"],
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["name"], body["status"], body["unit"], body["weight_grams"]) == (
        "Batik Tulis Premium",
        "active",
        "lembar",
        400,
    )
    variant_id = body["variants"][0]["id"]
    response = api.patch(f"/variants/{variant_id}", {"price": 300000, "stock": 9}, token=seller["token"])
    assert response.get_json() == {"id": variant_id, "name": "2 m", "sku": "BT-2", "price": 300000, "stock": 9}
    assert fresh(Product, product_id).price_min == 300000


def test_bad_edits_are_422_and_change_nothing(api, seller):
    body = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"]).get_json()
    first, second = body["variants"]
    for change, field in [
        ({"price": 0}, "price"),
        ({"stock": -3}, "stock"),
        ({"sku": second["sku"]}, "sku"),
        ({"price": "seratus"}, "price"),
    ]:
        response = api.patch(f"/variants/{first['id']}", {"name": "Diubah", **change}, token=seller["token"])
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"]
    variant = fresh(Variant, first["id"])
    assert (variant.name, variant.price, variant.stock, variant.sku) == ("2 m", 350000, 4, "BT-2")
    response = api.patch(f"/products/{body['id']}", {"name": "Baru", "status": "dijual"}, token=seller["token"])
    assert response.status_code == 422 and "status" in response.get_json()["error"]["fields"]
    assert fresh(Product, body["id"]).name == "Batik Tulis Tegalan"


def test_variants_are_added_and_deleted_but_never_the_last_one(api, seller):
    body = api.post(
        "/stores/batik-sari/products", {**NEW_PRODUCT, "variants": NEW_PRODUCT["variants"][:1]}, token=seller["token"]
    ).get_json()
    added = api.post(
        f"/products/{body['id']}/variants", {"name": "3 m", "price": 500000, "stock": 1}, token=seller["token"]
    )
    assert added.status_code == 201 and added.get_json()["sku"]  # generated
    assert (
        api.post(
            f"/products/{body['id']}/variants",
            {"name": "4 m", "sku": "BT-2", "price": 1, "stock": 1},
            token=seller["token"],
        ).status_code
        == 422
    )
    assert api.delete(f"/variants/{added.get_json()['id']}", token=seller["token"]).status_code == 204
    last = api.delete(f"/variants/{body['variants'][0]['id']}", token=seller["token"])
    assert last.status_code == 409
    assert count(Variant) == 1


def test_photo_upload_through_the_api(api, seller, app):
    product_id = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"]).get_json()["id"]
    response = api.post(
        f"/products/{product_id}/images",
        None,
        token=seller["token"],
        data={"photo": (image_bytes("PNG", size=(1000, 800)), "batik.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["url"].startswith("/media/products/")
    db.session.rollback()
    path = db.session.scalar(select(ProductImage.path))
    stem, ext = path.rsplit(".", 1)
    assert all((Path(app.config["UPLOAD_FOLDER"]) / f"{stem}_{s}.{ext}").exists() for s in (200, 400, 800))

    for payload, name in [(b"bukan gambar", "foto.jpg"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg")]:
        bad = api.post(
            f"/products/{product_id}/images",
            None,
            token=seller["token"],
            data={"photo": (BytesIO(payload), name)},
            content_type="multipart/form-data",
        )
        assert bad.status_code == 422 and "photo" in bad.get_json()["error"]["fields"]
    missing = api.post(
        f"/products/{product_id}/images", None, token=seller["token"], data={}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422
    assert count(ProductImage) == 1
    image_id = response.get_json()["id"]
    assert api.delete(f"/products/{product_id}/images/{image_id}", token=seller["token"]).status_code == 204
    assert count(ProductImage) == 0


def test_exif_is_stripped_from_photos_uploaded_through_the_api(api, seller, app):
    product_id = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=seller["token"]).get_json()["id"]
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"
    buffer = BytesIO()
    Image.new("RGB", (640, 480), (20, 90, 160)).save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    response = api.post(
        f"/products/{product_id}/images",
        None,
        token=seller["token"],
        data={"photo": (buffer, "kamera.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    db.session.rollback()
    stored = Path(app.config["UPLOAD_FOLDER"]) / db.session.scalar(select(ProductImage.path))
    with Image.open(stored) as image:
        assert not image.getexif() and "exif" not in image.info


# --- who may write ------------------------------------------------------------------------


def test_anonymous_writes_get_401(api, seller):
    product = gen_product(seller["store"])
    variant_id = db.session.scalar(select(Variant.id).where(Variant.product_id == product.id))
    assert api.post("/stores/batik-sari/products", NEW_PRODUCT).status_code == 401
    assert api.patch(f"/products/{product.id}", {"name": "x"}).status_code == 401
    assert api.patch(f"/variants/{variant_id}", {"price": 1}).status_code == 401
    assert api.post(f"/products/{product.id}/variants", {"price": 1}).status_code == 401
    assert api.patch(f"/variants/{variant_id}", {"price": 1}, token="apk_palsu").status_code == 401


def test_seller_of_another_store_gets_404_for_everything_of_this_one(api, seller, rival):
    product = gen_product(seller["store"], variants=[{"name": "a", "sku": "A-1", "price": 1000, "stock": 1}])
    variant_id = db.session.scalar(select(Variant.id).where(Variant.product_id == product.id))
    token = rival["token"]
    calls = [
        api.post("/stores/batik-sari/products", NEW_PRODUCT, token=token),
        api.patch(f"/products/{product.id}", {"name": "Dibajak"}, token=token),
        api.patch(f"/variants/{variant_id}", {"price": 1, "stock": 0}, token=token),
        api.delete(f"/variants/{variant_id}", token=token),
        api.post(f"/products/{product.id}/variants", {"name": "b", "price": 1, "stock": 1}, token=token),
        api.post(
            f"/products/{product.id}/images",
            None,
            token=token,
            data={"photo": (image_bytes(), "a.jpg")},
            content_type="multipart/form-data",
        ),
    ]
    assert [r.status_code for r in calls] == [404] * len(calls)
    # the same answer as for ids that do not exist: nothing is revealed
    assert api.patch("/products/999999", {"name": "x"}, token=token).get_json() == calls[1].get_json()
    assert api.patch("/variants/999999", {"price": 1}, token=token).get_json() == calls[2].get_json()
    assert api.post("/stores/tidak-ada/products", NEW_PRODUCT, token=token).get_json() == calls[0].get_json()
    assert count(Product) == 1 and count(Variant) == 1 and count(ProductImage) == 0
    unchanged = fresh(Variant, variant_id)
    assert (unchanged.price, unchanged.stock) == (1000, 1)
    assert fresh(Product, product.id).name == "Batik Tulis Motif Tegalan"


def test_staff_member_may_edit_products(api, seller):
    from marketplace.stores import services as stores

    staff = gen_user("staf@test.id")
    _invite, token = stores.invite_staff(seller["store"], seller["owner"], "staf@test.id")
    stores.accept_invite(stores.invite_for_token(token), staff)
    db.session.commit()
    response = api.post("/stores/batik-sari/products", NEW_PRODUCT, token=api.token("staf@test.id"))
    assert response.status_code == 201
