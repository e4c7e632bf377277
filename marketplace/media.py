"""Uploaded images: verified by Pillow, EXIF stripped, resized, random names.

A stored image is a "media path" like ``products/3f9c...e1.jpg``; its thumbnails
sit beside it as ``products/3f9c...e1_400.jpg``. Files are served by
``/media/<path>`` with headers that forbid sniffing and scripts, except private
kinds (claim evidence, transfer receipts), which only their own access-checked
views send.
"""
from __future__ import annotations

import posixpath
import secrets
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, Flask, Response, abort, current_app, send_from_directory, url_for
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.errors import ValidationError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 1600
THUMB_SIDES = (200, 400, 800)
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own limit

bp = Blueprint("media", __name__)


@dataclass
class StoredImage:
    path: str
    width: int
    height: int


def _open_verified(stream: BinaryIO, field: str) -> Image.Image:
    data = stream.read()
    try:
        probe = Image.open(BytesIO(data))
        probe.verify()  # catches truncated and corrupt files
        image = Image.open(BytesIO(data))
        if image.format not in ALLOWED_FORMATS:
            raise ValidationError(fields={field: _("Foto harus berupa JPEG, PNG, atau WebP.")})
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(fields={field: _("Foto terlalu besar (resolusi).")})
        image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(fields={field: _("Berkas ini bukan gambar yang bisa dibuka.")})
    return image


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=82, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(out, "PNG", optimize=True)
    else:
        image.save(out, "WEBP", quality=80)
    return out.getvalue()


def save_image(stream: BinaryIO, kind: str, field: str = "photo") -> StoredImage:
    """Verify, clean and store an uploaded image; raises ValidationError(field)."""
    image = _open_verified(stream, field)
    fmt = image.format
    # re-encoding from pixels drops EXIF (GPS, camera) and anything smuggled after the image data
    image = ImageOps.exif_transpose(image)
    if fmt == "JPEG" or image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    ext = ALLOWED_FORMATS[fmt]
    name = secrets.token_hex(16)
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / kind
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.{ext}").write_bytes(_encode(image, fmt))
    for side in THUMB_SIDES:
        thumb = image.copy()
        thumb.thumbnail((side, side))
        (folder / f"{name}_{side}.{ext}").write_bytes(_encode(thumb, fmt))
    return StoredImage(path=f"{kind}/{name}.{ext}", width=image.width, height=image.height)


def delete_image(path: str | None) -> None:
    if not path:
        return
    root = Path(current_app.config["UPLOAD_FOLDER"])
    stem, _dot, ext = path.rpartition(".")
    for candidate in [path, *(f"{stem}_{side}.{ext}" for side in THUMB_SIDES)]:
        target = (root / candidate).resolve()
        if root.resolve() in target.parents and target.exists():
            target.unlink()


def media_url(path: str | None, size: int | None = None) -> str:
    """URL of an image or of its thumbnail of the given side (200, 400, 800)."""
    if not path:
        return url_for("static", filename="img/placeholder.svg")
    return url_for("media.serve", path=thumb_path(path, size))


def send_private(path: str, size: int | None = None) -> Response:
    """A private upload for a caller the view has already checked; never cached by anyone else.
    :raise 404: an unknown thumbnail size or a missing file."""
    if size is not None and size not in THUMB_SIDES:
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], thumb_path(path, size), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Uploads that are somebody's papers (claim evidence, transfer receipts): never at /media, where an
# unguessable name would be the only lock and a shared cache could keep them; their own views check
# who asks and send them with send_private.
PRIVATE_KINDS = frozenset({"claims", "transfer-proofs"})


def is_private(path: str | None) -> bool:
    return bool(path) and posixpath.normpath(path).split("/", 1)[0] in PRIVATE_KINDS


def thumb_path(path: str, size: int | None) -> str:
    """The stored name of the thumbnail of ``path`` with the given side (200, 400, 800), or ``path``."""
    if not size:
        return path
    stem, _dot, ext = path.rpartition(".")
    return f"{stem}_{size}.{ext}"


@bp.get("/media/<path:path>")
def serve(path: str):
    """An uploaded public image. :raise 404: unknown path, not an image type, or a private upload."""
    # Only the stored name itself: send_from_directory normalises "./claims/x.jpg" and
    # "products/../claims/x.jpg" to a private upload that the first segment did not name.
    if posixpath.normpath(path) != path or path.rsplit(".", 1)[-1].lower() not in ALLOWED_FORMATS.values() \
            or is_private(path):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], path, max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["media_url"] = media_url
