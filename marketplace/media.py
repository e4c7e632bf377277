"""Uploaded images: bounded before decoding, verified by Pillow, EXIF stripped, resized, random names.

An upload's cost is read from its header before any pixel is decoded (PIXEL_LIMITS and the rules
beside them); decodes take one of a few slots per process; every upload endpoint carries
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
import re
import secrets
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from flask import Blueprint, Flask, Response, abort, current_app, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from marketplace import internals
from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import limiter

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_SIDE = 1600
THUMB_SIDES = (200, 400, 800)

# What one upload may cost to decode, read from the header before any pixel is decoded (README
# "Uploads and memory" has the measured figures). Pillow keeps RGB and RGBA at 4 bytes a pixel.
# - JPEG is decoded already scaled down (Image.draft: libjpeg's 1/2, 1/4, 1/8 DCT scaling), so a
#   baseline JPEG costs little whatever its size: 50 MP takes the 50 MP phone sensors (8160 x 6120).
#   A JPEG of several scans (progressive) keeps every DCT coefficient of the full image in memory
#   while it decodes (2 bytes per coefficient: 3 bytes a pixel at 4:2:0, 6 at 4:4:4), so those are
#   held to MULTISCAN_JPEG_BYTES of coefficients instead: 4:2:0 up to ~22 MP, 4:4:4 ~11 MP.
# - PNG cannot be decoded scaled: all of it is decoded at 4 bytes a pixel; 16 MP (4000 x 4000, or a
#   12 MP photo saved as PNG, or any phone screenshot) is 64 MB.
# - WebP goes through libwebp's animation decoder, which holds two canvases beside Pillow's copy
#   and the bytes between them (16 bytes a pixel): 6 MP is 96 MB. Cameras do not make WebP; what
#   sellers have in WebP comes from the web and messengers, 2-4 MP.
MAX_PIXELS = 50_000_000  # the largest of PIXEL_LIMITS, and Pillow's own process-wide guard
PIXEL_LIMITS = {"JPEG": MAX_PIXELS, "PNG": 16_000_000, "WEBP": 6_000_000}
MULTISCAN_JPEG_BYTES = 64 * 1024 * 1024
ALPHA_RESIZE_PIXELS = 4_000_000  # transparent images above this are halved first (see _decode)
MAX_JPEG_SCANS = 64  # a progressive JPEG has ~10; each scan is a pass over the whole image
MAX_JPEG_SEGMENTS = 1000  # a photo has a few dozen; 8 MB of 4-byte segments took Pillow 3 s to open
# Modes a photo comes in (Pillow's names); 16-bit and float modes are refused rather than decoded.
PHOTO_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"})
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


def _not_an_image(field: str) -> ValidationError:
    return ValidationError(fields={field: _("Berkas ini bukan gambar yang bisa dibuka.")})


def _too_large(field: str, fmt: str, width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        fields={
            field: _(
                "Foto terlalu besar: %(width)d × %(height)d piksel. Foto %(format)s paling banyak %(mp)d megapiksel; "
                "perkecil fotonya atau kirim sebagai JPEG.",
                width=width,
                height=height,
                format=fmt,
                mp=limit // 1_000_000,
            )
        }
    )


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """Canvas width and height from a WebP's first chunk (VP8X, VP8L or VP8), before libwebp sees it."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk, body = data[12:16], data[20:30]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(body[4:7], "little"), 1 + int.from_bytes(body[7:10], "little")
    if chunk == b"VP8L" and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and body[3:6] == b"\x9d\x01\x2a":
        return int.from_bytes(body[6:8], "little") & 0x3FFF, int.from_bytes(body[8:10], "little") & 0x3FFF
    return None


_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")  # not a stuffed 0xff00, a restart or fill
_JPEG_FRAMES = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def _jpeg_header(data: bytes) -> tuple[int, int, int]:
    """Width, height (0, 0 without a frame header) and number of scans of a JPEG's first image, walking
    its segments; more than MAX_JPEG_SCANS scans or MAX_JPEG_SEGMENTS segments give MAX_JPEG_SCANS + 1."""
    pos, scans, size = 2, 0, (0, 0)
    for _segment in range(MAX_JPEG_SEGMENTS):
        found = _JPEG_MARKER.search(data, pos)
        if found is None or found.start() + 9 > len(data):
            return (*size, scans)
        pos, marker = found.start(), data[found.start() + 1]
        if marker == 0xD9:  # end of image: an MPO's second picture is not decoded
            return (*size, scans)
        if marker in _JPEG_FRAMES and size == (0, 0):
            size = (int.from_bytes(data[pos + 7 : pos + 9], "big"), int.from_bytes(data[pos + 5 : pos + 7], "big"))
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        scans += marker == 0xDA  # the entropy-coded data after it is skipped by the next search
        if scans > MAX_JPEG_SCANS:
            break
    return (*size, MAX_JPEG_SCANS + 1)


def _announced(data: bytes) -> tuple[str, int, int, int] | None:
    """Format, width, height and scans (JPEG; 1 otherwise) as the file's own header announces them,
    read before Pillow opens it (and, for WebP, before libwebp allocates its canvases)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return "PNG", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"), 1
    if data[:4] == b"RIFF":
        size = _webp_size(data)
        return ("WEBP", *size, 1) if size else None
    if data[:2] == b"\xff\xd8":
        return ("JPEG", *_jpeg_header(data))
    return None


def _jpeg_coefficient_bytes(image: Image.Image) -> int:
    """What libjpeg holds for a JPEG of several scans: every component's DCT coefficients, 2 bytes each."""
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
    h_max, v_max = max(layer[1] for layer in layers), max(layer[2] for layer in layers)
    return sum(image.width * image.height * 2 * layer[1] * layer[2] // (h_max * v_max) for layer in layers)


def _check_header(image: Image.Image, scans: int, field: str) -> str:
    """The format of an opened (not decoded) image, if decoding it stays within the limits above."""
    fmt = "JPEG" if image.format == "MPO" else image.format  # a phone's JPEG with a depth map is MPO
    if fmt not in ALLOWED_FORMATS:
        raise ValidationError(fields={field: _("Foto harus berupa JPEG, PNG, atau WebP.")})
    if image.mode not in PHOTO_MODES:
        raise ValidationError(
            fields={field: _("Foto dengan warna 16-bit atau lebih tidak didukung; simpan sebagai JPEG atau PNG 8-bit.")}
        )
    limit = PIXEL_LIMITS[fmt]
    if image.width * image.height > limit:
        raise _too_large(field, fmt, image.width, image.height, limit)
    if fmt == "JPEG" and scans > 1 and _jpeg_coefficient_bytes(image) > MULTISCAN_JPEG_BYTES:
        raise ValidationError(
            fields={
                field: _(
                    "Foto JPEG progresif ini terlalu besar (%(width)d × %(height)d piksel). Simpan ulang sebagai "
                    "JPEG biasa (baseline) atau perkecil fotonya.",
                    width=image.width,
                    height=image.height,
                )
            }
        )
    return fmt


def _check(data: bytes, field: str) -> str:
    """The upload's format, once its header passed the limits above and verify() found it whole;
    nothing is decoded yet."""
    fmt, width, height, scans = _announced(data) or ("", 0, 0, 1)
    if fmt and width * height > PIXEL_LIMITS[fmt]:
        raise _too_large(field, fmt, width, height, PIXEL_LIMITS[fmt])
    if scans > MAX_JPEG_SCANS:  # each scan is a pass over the image, each segment a step in Python
        raise _not_an_image(field)
    try:
        with Image.open(BytesIO(data)) as header:
            fmt = _check_header(header, scans, field)
        with Image.open(BytesIO(data)) as probe:
            probe.verify()  # catches truncated and corrupt files (PNG: every chunk's CRC)
        return fmt
    except Image.DecompressionBombError:
        raise ValidationError(fields={field: _("Foto terlalu besar (resolusi).")}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise _not_an_image(field) from None


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
        raise _not_an_image(field) from None
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
    fmt = _check(data, field)
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
    if (
        posixpath.normpath(path) != path
        or path.rsplit(".", 1)[-1].lower() not in ALLOWED_FORMATS.values()
        or is_private(path)
    ):
        abort(404)
    response = send_from_directory(current_app.config["UPLOAD_FOLDER"], path, max_age=31536000)
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
