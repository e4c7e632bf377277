"""What an upload must be before any pixel of it is decoded: a JPEG, PNG or WebP whose
own header announces a size within the limits below, in a mode a photo comes in, and
whole (Pillow's verify()).

marketplace/media.py calls ``check`` first, then decodes, cleans and stores the image.
"""

from __future__ import annotations

import re
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}

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
MAX_JPEG_SCANS = 64  # a progressive JPEG has ~10; each scan is a pass over the whole image
MAX_JPEG_SEGMENTS = 1000  # a photo has a few dozen; 8 MB of 4-byte segments took Pillow 3 s to open
# Modes a photo comes in (Pillow's names); 16-bit and float modes are refused rather than decoded.
PHOTO_MODES = frozenset({"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK", "YCbCr"})


def not_an_image(field: str) -> ValidationError:
    """The error for a file no decoder can open (or that breaks while opening)."""
    return ValidationError(fields={field: _("Berkas ini bukan gambar yang bisa dibuka.")})


def _too_large(field: str, fmt: str, width: int, height: int, limit: int) -> ValidationError:
    """The error for an image over its format's pixel limit, naming its size and the limit."""
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


def jpeg_header(data: bytes) -> tuple[int, int, int]:
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
        return ("JPEG", *jpeg_header(data))
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


def check(data: bytes, field: str) -> str:
    """The upload's format, once its header passed the limits above and verify() found it whole;
    nothing is decoded yet."""
    fmt, width, height, scans = _announced(data) or ("", 0, 0, 1)
    if fmt and width * height > PIXEL_LIMITS[fmt]:
        raise _too_large(field, fmt, width, height, PIXEL_LIMITS[fmt])
    if scans > MAX_JPEG_SCANS:  # each scan is a pass over the image, each segment a step in Python
        raise not_an_image(field)
    try:
        with Image.open(BytesIO(data)) as header:
            fmt = _check_header(header, scans, field)
        with Image.open(BytesIO(data)) as probe:
            probe.verify()  # catches truncated and corrupt files (PNG: every chunk's CRC)
        return fmt
    except Image.DecompressionBombError:
        raise ValidationError(fields={field: _("Foto terlalu besar (resolusi).")}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise not_an_image(field) from None
