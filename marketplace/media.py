"""Uploaded images: bounded before decoding, verified by Pillow, EXIF stripped, resized, random names.

An upload's cost is read from its header before any pixel is decoded (PIXEL_LIMITS and the rules
beside them, in marketplace/media_checks.py); decodes take one of a few slots per process; every upload endpoint carries
``limit_uploads`` (a budget per account and per address). README "Uploads and memory" has the figures.

A stored image is a "media path" like ``products/3f9c...e1.jpg``; its thumbnails
sit beside it as ``products/3f9c...e1_400.jpg``. Files are served by
``/media/<path>`` with headers that forbid sniffing and scripts, except private
kinds (claim evidence, transfer receipts), which only their own access-checked
views send.
"""

from __future__ import annotations

import ctypes
import posixpath
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    request,
    send_from_directory,
    url_for,
)
from flask_limiter.util import get_remote_address
from PIL import Image, PngImagePlugin

from marketplace import internals
from marketplace.errors import ServiceError
from marketplace.extensions import limiter
from marketplace.i18n import gettext as _
from marketplace.media_checks import ALLOWED_FORMATS as ALLOWED_FORMATS
from marketplace.media_checks import MAX_JPEG_SCANS as MAX_JPEG_SCANS
from marketplace.media_checks import MAX_JPEG_SEGMENTS as MAX_JPEG_SEGMENTS
from marketplace.media_checks import MAX_PIXELS as MAX_PIXELS
from marketplace.media_checks import MULTISCAN_JPEG_BYTES as MULTISCAN_JPEG_BYTES
from marketplace.media_checks import PHOTO_MODES as PHOTO_MODES
from marketplace.media_checks import PIXEL_LIMITS as PIXEL_LIMITS
from marketplace.media_checks import check, not_an_image

MAX_SIDE = 1600
THUMB_SIDES = (200, 400, 800)

ALPHA_RESIZE_PIXELS = 4_000_000  # transparent images above this are halved first (see _decode)
DECODE_CONCURRENCY = 1  # decodes at once per process (setting UPLOAD_DECODE_CONCURRENCY)
DECODE_WAIT_SECONDS = 20  # how long an upload waits for its turn before a 503
# Images a signed-in account (or, signed out, an address) and a client address may send, every
# upload endpoint together; each image file of a request counts one (settings UPLOAD_RATE_LIMIT,
# UPLOAD_RATE_LIMIT_PER_IP). An address is shared by a whole office or expo hall behind one NAT.
UPLOAD_RATE_LIMIT = "60 per 10 minutes;600 per day"
UPLOAD_RATE_LIMIT_PER_IP = "120 per 10 minutes;2000 per day"

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter

bp = Blueprint("media", __name__)


@dataclass
class StoredImage:
    path: str
    width: int
    height: int


class UploadsBusy(ServiceError):
    """Every decode slot of this process stayed taken for DECODE_WAIT_SECONDS: retry later."""

    status = 503
    code = "unavailable"


_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@contextmanager
def _decode_slot(field: str):
    """One of the process's UPLOAD_DECODE_CONCURRENCY decode slots, so parallel uploads queue
    instead of each holding a full decode's memory at once."""
    count = max(1, int(current_app.config.get("UPLOAD_DECODE_CONCURRENCY", DECODE_CONCURRENCY)))
    with _slots_lock:
        slot = _slots.setdefault(count, threading.BoundedSemaphore(count))
    wait = float(current_app.config.get("UPLOAD_DECODE_WAIT_SECONDS", DECODE_WAIT_SECONDS))
    if not slot.acquire(timeout=wait):
        raise UploadsBusy(
            _("Server sedang sibuk memproses foto lain. Coba lagi sebentar lagi."),
            fields={field: _("Server sedang sibuk memproses foto lain. Coba lagi sebentar lagi.")},
        )
    try:
        yield
    finally:
        slot.release()


def _uploader() -> str:
    """Who counts against UPLOAD_RATE_LIMIT: the signed-in user (page session or API token), else the address."""
    from flask_login import current_user

    from marketplace.accounts.tokens import current_api_user

    user = current_user if current_user.is_authenticated else current_api_user()
    return f"user:{user.id}" if user is not None else f"address:{get_remote_address()}"


def _images_in_request() -> int:
    return max(1, sum(1 for _key, upload in request.files.items(multi=True) if upload.filename))


def limit_uploads(view):
    """Count a POST to an image upload endpoint against the account's and the address's shared
    upload budgets (429 once spent); put it right under the route decorator."""
    budgets = (
        ("uploads-per-ip", get_remote_address, "UPLOAD_RATE_LIMIT_PER_IP", UPLOAD_RATE_LIMIT_PER_IP),
        ("uploads-per-user", _uploader, "UPLOAD_RATE_LIMIT", UPLOAD_RATE_LIMIT),
    )
    for scope, key, setting, default in budgets:
        view = limiter.shared_limit(
            lambda setting=setting, default=default: current_app.config.get(setting, default),
            scope=scope,
            key_func=key,
            methods=["POST"],
            cost=_images_in_request,
        )(view)
    return view


_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _shrink(image: Image.Image, factor: int, mode: str) -> Image.Image:
    """``image`` in ``mode``, reduced by ``factor`` (a box filter over factor x factor pixels), strip
    by strip: never a second full-size copy (Pillow's own convert or reduce of RGBA makes one)."""
    width, height = image.size
    out = Image.new(mode, (-(-width // factor), -(-height // factor)))
    rows = factor * max(1, 256 // factor)  # a multiple of factor: the strips' seams fall between boxes
    for top in range(0, height, rows):
        strip = image.crop((0, top, width, min(height, top + rows)))
        strip = strip.convert(mode) if strip.mode != mode else strip
        out.paste(strip.reduce(factor) if factor > 1 else strip, (0, top // factor))
    return out


def _decode(data: bytes, fmt: str, field: str) -> Image.Image:
    """The first frame at most MAX_SIDE a side: a JPEG scaled down while decoding (draft), any image
    reduced strip by strip, then resized, and turned upright by its EXIF orientation once small."""
    source = Image.open(BytesIO(data))
    if fmt == "JPEG":
        scale = MAX_SIDE / max(source.size)
        source.draft("RGB", (max(1, int(source.width * scale)), max(1, int(source.height * scale))))
    try:
        orientation = source.getexif().get(0x0112)
        source.load()  # the first frame only: an animated PNG or WebP is never decoded further
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise not_an_image(field) from None
    image = internals.pixels_only(source)  # the pixels alone: libwebp's canvases and the bytes go with source
    del source
    mode = image.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        mode = "RGBA" if mode == "PA" or "transparency" in image.info else "RGB"
    factor = max(1, max(image.size) // MAX_SIDE)
    if factor == 1 and mode in ("RGBA", "LA") and image.width * image.height > ALPHA_RESIZE_PIXELS:
        factor = 2  # Pillow resizes these through a premultiplied full-size copy: halve them first
    if factor > 1 or mode != image.mode:
        image = _shrink(image, factor, mode)
    image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=None)
    if orientation in _ORIENTATION:
        image = image.transpose(_ORIENTATION[orientation])
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
    """Verify, clean and store an uploaded image; raises ValidationError(field), or UploadsBusy (503)."""
    data = stream.read()
    fmt = check(data, field)
    # re-encoding from pixels drops EXIF (GPS, camera) and anything smuggled after the image data
    with _decode_slot(field):
        image = _decode(data, fmt, field)
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
    for candidate in [path, *(f"{stem}_{side}.{ext}" for side in THUMB_SIDES), share_path(path)]:
        target = (root / candidate).resolve()
        if root.resolve() in target.parents and target.exists():
            target.unlink()


MEDIA_URLS_KEPT = 8192  # then the app's remembered URLs start over


def media_url(path: str | None, size: int | None = None) -> str:
    """URL of an image or of its thumbnail of the given side (200, 400, 800). Remembered per app
    and script root: a product grid asks for dozens, and each url_for costs ~7 µs."""
    ctx = internals.request_context()  # one read instead of three proxies: a grid asks once per card
    if ctx is None:
        return _media_url(path, size)
    urls = ctx.app.extensions.setdefault("apik_media_urls", {})
    key = (ctx.request.script_root, path, size)
    url = urls.get(key)
    if url is None:
        if len(urls) >= MEDIA_URLS_KEPT:
            urls.clear()
        url = urls[key] = _media_url(path, size)
    return url


def _media_url(path: str | None, size: int | None) -> str:
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


def share_path(path: str) -> str:
    """The stored name of the share image (og:image) made from ``path``: ``products/3f9c...e1_og.jpg``,
    made on demand by marketplace/seo and deleted with the photo."""
    return path.rpartition(".")[0] + "_og.jpg"


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
    if (
        posixpath.normpath(path) != path
        or path.rsplit(".", 1)[-1].lower() not in ALLOWED_FORMATS.values()
        or is_private(path)
    ):
        abort(404)
    return send_public(path)


def send_public(stored: str) -> Response:
    """A public upload by its stored name, kept by browsers for good (a stored name never changes
    content), sandboxed and never sniffed as another type."""
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], stored, max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def guard_process() -> None:
    """Process-wide guards for every decode, ours and any library's: Pillow refuses an image of more
    than twice MAX_IMAGE_PIXELS outright (and warns above it); PNG text chunks may inflate to 4 MB,
    not 64; and glibc hands every allocation of 1 MB or more (an image's pixels) back to the system
    when freed. Left to itself glibc raises that threshold after the first big free and keeps freed
    pixels in each thread's arena: four threads that each decoded a photo one after the other held
    216 MB instead of the 85 MB of one decode."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    PngImagePlugin.MAX_TEXT_MEMORY = 4 * 1024 * 1024
    try:
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, 1024 * 1024)
    except (OSError, AttributeError):  # not glibc: its allocator decides
        pass


def init_app(app: Flask) -> None:
    guard_process()
    app.register_blueprint(bp)
    app.jinja_env.globals["media_url"] = media_url
