"""Uploads: images only (Pillow re-encodes them), a size limit that answers 413 politely, files
served with headers that stop a browser from running them, and no way out of the upload folder."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from marketplace.catalog.models import ProductImage
from marketplace.extensions import db
from tests.factories import PASSWORD, gen_product, gen_store, gen_user, image_bytes

SECRET = b"the-instance-secret-nobody-may-read"


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


@pytest.fixture
def planted(uploads) -> dict[str, Path]:
    """Files a path traversal would reach: beside the upload folder, and in its parent's parent."""
    uploads.mkdir(parents=True, exist_ok=True)
    outside = uploads.parent
    files = {}
    for name in ("secret_key", "secret.jpg", "secret.png"):
        (outside / name).write_bytes(SECRET)
        files[name] = outside / name
    instance = outside / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "secret_key").write_bytes(SECRET)
    (instance / "secret_key.jpg").write_bytes(SECRET)
    files["instance"] = instance
    return files


@pytest.fixture
def seller(client):
    owner = gen_user("sari@test.id", role="seller")
    store = gen_store(owner, name="Batik Sari")
    product = gen_product(store)
    response = client.post("/login", data={"email": "sari@test.id", "password": PASSWORD})
    assert response.status_code == 302
    return store, product


def photo_url(store, product) -> str:
    return f"/seller/stores/{store.slug}/products/{product.id}/photos"


def stored_files(uploads: Path) -> list[Path]:
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


# --- serving -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/media/../instance/secret_key",
        "/media/../secret_key",
        "/media/../secret.jpg",
        "/media/../instance/secret_key.jpg",
        "/media/%2e%2e/secret.jpg",
        "/media/%2E%2E/instance/secret_key.jpg",
        "/media/..%2fsecret.jpg",
        "/media/%2e%2e%2fsecret.jpg",
        "/media/products/../../secret.jpg",
        "/media/products/%2e%2e/%2e%2e/secret.png",
        "/media/..\\secret.jpg",
        "/media/%5c..%5csecret.jpg",
        "/media/....//secret.jpg",
        "/media/%252e%252e/secret.jpg",
    ],
)
def test_traversal_out_of_the_upload_folder_is_404(client, planted, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert SECRET not in response.get_data()


def test_an_absolute_path_is_404(client, planted):
    for target in (planted["secret.jpg"], planted["instance"] / "secret_key.jpg"):
        for path in (f"/media/{target}", f"/media/{str(target).replace('/', '%2F')}", f"/media//{target}"):
            response = client.get(path, follow_redirects=True)
            assert response.status_code == 404, path
            assert SECRET not in response.get_data()


@pytest.mark.parametrize(
    "name",
    [
        "evil.svg",
        "evil.html",
        "evil.htm",
        "evil.xhtml",
        "evil.js",
        "evil.jpg.html",
        "evil.SVG",
        "evil.svgz",
        "evil.xml",
        "evil",
    ],
)
def test_only_image_types_are_served_even_when_such_a_file_exists(client, uploads, name):
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / name).write_text("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/><script>alert(1)</script>")
    response = client.get(f"/media/{name}")
    assert response.status_code == 404
    assert b"alert" not in response.get_data()


def test_a_served_image_cannot_be_run_as_a_page(client, uploads):
    """Even a file with an image name and HTML inside is sent as an image, unsniffable and sandboxed."""
    (uploads / "products").mkdir(parents=True, exist_ok=True)
    (uploads / "products" / "polyglot.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    response = client.get("/media/products/polyglot.jpg")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_missing_image_is_404(client):
    assert client.get("/media/products/does-not-exist.jpg").status_code == 404


# --- uploading ------------------------------------------------------------------------------


def test_an_uploaded_photo_is_stored_under_a_random_name_and_served_safely(client, seller, uploads):
    store, product = seller
    response = client.post(
        photo_url(store, product),
        data={"photo": (image_bytes("PNG"), "../../../etc/x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.rollback()
    path = db.session.scalar(select(ProductImage.path).where(ProductImage.product_id == product.id))
    assert path.startswith("products/") and ".." not in path and "x.png" not in path
    assert all(uploads in p.parents for p in stored_files(uploads))
    served = client.get(f"/media/{path}")
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "content, name",
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "looks-like.png"),
        (b"<html><body>hello</body></html>", "page.jpg"),
        (b"GIF89a" + b"\0" * 100, "anim.gif"),
        (b"%PDF-1.4 not an image", "brochure.jpg"),
        (b"", "empty.png"),
    ],
)
def test_anything_but_a_jpeg_png_or_webp_is_refused(client, seller, uploads, content, name):
    store, product = seller
    response = client.post(
        photo_url(store, product), data={"photo": (BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert stored_files(uploads) == []


def test_bytes_hidden_after_the_image_are_not_kept(client, seller, uploads):
    store, product = seller
    payload = image_bytes("PNG").getvalue() + b"<script>alert(1)</script>"
    response = client.post(
        photo_url(store, product), data={"photo": (BytesIO(payload), "x.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    files = stored_files(uploads)
    assert files and all(b"<script>" not in f.read_bytes() for f in files)


def _nine_megabytes() -> BytesIO:
    return BytesIO(image_bytes("PNG").getvalue() + b"\0" * (9 * 1024 * 1024))


def test_a_9_mb_upload_gets_a_friendly_413_page(client, seller, uploads):
    store, product = seller
    response = client.post(
        photo_url(store, product), data={"photo": (_nine_megabytes(), "besar.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Berkas terlalu besar." in page and "<h1>413</h1>" in page and 'href="/"' in page
    assert stored_files(uploads) == []


def test_a_9_mb_api_request_gets_the_json_error(client):
    body = b'{"email": "' + b"a" * (9 * 1024 * 1024) + b'@test.id", "password": "x"}'
    response = client.post("/api/v1/auth/tokens", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {"error": {"code": "too_large", "message": "Berkas terlalu besar.", "fields": {}}}


def test_the_limit_follows_max_content_length(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post(
        "/api/v1/auth/tokens", data=b"{" + b" " * 2048 + b"}", content_type="application/json"
    )
    assert response.status_code == 413
