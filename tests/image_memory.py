"""Peak memory and time of one upload's decode + resize + store (media.save_image), measured in a fresh
process: Pillow allocates its pixels outside Python's allocator, so the child's peak RSS (VmHWM;
ru_maxrss would carry the parent's over fork + exec) is the honest measure. A child that stores a
64 x 48 image is the baseline.

    .venv/bin/python -m tests.image_memory        # the table of README "Uploads and memory"
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, re, sys, threading, time
from io import BytesIO
from flask import Flask
from flask_babel import Babel
from marketplace import media

app = Flask("measure")
app.config["UPLOAD_FOLDER"] = sys.argv[2]
Babel(app)
media.guard_process()  # what create_app does
data = open(sys.argv[1], "rb").read()
outcomes = []

def upload():
    with app.test_request_context():
        try:
            stored = media.save_image(BytesIO(data), "products")
            outcomes.append(f"stored {stored.width}x{stored.height}")
        except Exception as exc:  # the figure is what we want; the outcome says whether it was refused
            outcomes.append(f"refused: {type(exc).__name__} {getattr(exc, 'fields', '')}")

started = time.perf_counter()
threads = [threading.Thread(target=upload) for _ in range(int(sys.argv[3]))]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
seconds = time.perf_counter() - started
peak_kb = int(re.search(r"VmHWM:\s+(\d+)", open("/proc/self/status").read()).group(1))
outcome = outcomes[0] if len(outcomes) == 1 else f"stored {sum(o.startswith('stored') for o in outcomes)}"
print(json.dumps({"seconds": seconds, "outcome": outcome, "peak_kb": peak_kb}))
"""


@dataclass
class Measure:
    peak_mb: float
    seconds: float
    outcome: str


def _run_child(data: bytes, threads: int = 1) -> tuple[int, dict]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "upload.bin"
        source.write_bytes(data)
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(source), tmp, str(threads)], cwd=ROOT, capture_output=True
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode())
        result = json.loads(done.stdout)
        return result["peak_kb"], result


def measure(data: bytes) -> Measure:
    """Peak RSS above the baseline child's (MB) and seconds of save_image for ``data``."""
    return measure_parallel(data, 1)


def measure_parallel(data: bytes, threads: int) -> Measure:
    """The same for ``threads`` uploads of ``data`` at once in one process (outcome "stored N")."""
    peak_kb, result = _run_child(data, threads)
    return Measure((peak_kb - _baseline_kb(threads)) / 1024, result["seconds"], result["outcome"])


@cache
def _baseline_kb(threads: int) -> int:
    """The peak of a process that stores ``threads`` photos of 64 x 48 (imports, Flask, Pillow)."""
    return _run_child(encode(Image.new("RGB", (64, 48), (200, 80, 40)), "JPEG"), threads)[0]


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def gradient(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """A smooth picture of ``size`` in ``mode``: compresses well, as a bomb does, yet decodes as a photo."""
    small = Image.linear_gradient("L").resize((64, 64))
    turns = [None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_270]
    bands = [small if turn is None else small.transpose(turn) for turn in turns][: len(Image.getmodebands(mode) * "x")]
    if mode in ("RGBA", "LA"):
        bands[-1] = Image.new("L", (64, 64), 200)
    return Image.merge(mode, bands).resize(size, Image.Resampling.BILINEAR)


def square(pixels: int) -> tuple[int, int]:
    side = int(pixels**0.5)
    return side, side


def worst_cases() -> dict[str, bytes]:
    """The costliest image each rule of media.py still accepts (README "Uploads and memory")."""
    from marketplace import media

    limits, budget = media.PIXEL_LIMITS, media.MULTISCAN_JPEG_BYTES
    palette = gradient(square(limits["PNG"])).quantize(64)
    palette.info["transparency"] = 0
    webp_frames = [gradient(square(limits["WEBP"]), "RGBA"), Image.new("RGBA", square(limits["WEBP"]), "red")]
    return {
        "JPEG baseline 50 MP": encode(gradient((8160, 6120)), "JPEG", quality=80),
        "JPEG baseline CMYK 50 MP": encode(gradient((8160, 6120), "CMYK"), "JPEG", quality=80),
        "JPEG progressive 4:2:0": encode(gradient(square(budget // 3 - 40_000)), "JPEG", progressive=True),
        "JPEG progressive 4:4:4": encode(
            gradient(square(budget // 6 - 20_000)), "JPEG", progressive=True, subsampling=0
        ),
        "JPEG progressive grey": encode(gradient(square(budget // 2 - 60_000), "L"), "JPEG", progressive=True),
        "JPEG progressive CMYK": encode(gradient(square(budget // 8 - 10_000), "CMYK"), "JPEG", progressive=True),
        "PNG RGBA 16 MP": encode(gradient(square(limits["PNG"]), "RGBA"), "PNG"),
        "PNG RGBA 3199 a side": encode(gradient((3199, 3199), "RGBA"), "PNG"),
        "PNG palette+alpha 16 MP": encode(palette, "PNG"),
        "PNG animated 16 MP": encode(
            gradient(square(limits["PNG"]), "RGBA"),
            "PNG",
            save_all=True,
            append_images=[Image.new("RGBA", square(limits["PNG"]), "red")],
        ),
        "WebP RGBA 6 MP": encode(webp_frames[0], "WEBP"),
        "WebP animated 6 MP": encode(webp_frames[0], "WEBP", save_all=True, append_images=webp_frames[1:]),
    }


@lru_cache(maxsize=1)
def bomb() -> bytes:
    """The upload of issue #15: 170 KB of PNG, 6,300 x 6,300 RGBA (160 MB once decoded)."""
    return encode(Image.new("RGBA", (6300, 6300), (10, 20, 30, 255)), "PNG")


if __name__ == "__main__":
    for name, data in {**worst_cases(), "PNG bomb of issue #15": bomb()}.items():
        with Image.open(BytesIO(data)) as probe:
            size = f"{probe.width}x{probe.height}"
        result = measure(data)
        print(
            f"{name:32} {size:>11} {len(data) / 1024:8.0f} KB  +{result.peak_mb:6.0f} MB  "
            f"{result.seconds:5.2f} s  {result.outcome}"
        )
