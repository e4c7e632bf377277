"""Share images (og:image): a 1200x630 JPEG under 300 KB cut from a public photo, made on
the first request for it and kept beside the photo as ``<stem>_og.jpg``.

A stored photo's name is random and never reused (media.save_image), so the share image of a
name never changes and is served as immutable; a replaced photo gets a new name, hence a new
share image. Only the kinds shown on public pages qualify (products, store logos, expo banners),
by their exact stored names: no thumbnail, private upload or path of the caller's choosing."""

from __future__ import annotations

import os
import re
import secrets
from io import BytesIO
from pathlib import Path

from flask import current_app
from PIL import Image

from marketplace import media

WIDTH, HEIGHT = 1200, 630
MAX_BYTES = 300 * 1024
BACKGROUND = (245, 245, 244)  # neutral: a photo of any colour sits on it without a cast
QUALITIES = (85, 75, 65, 55)  # tried in turn until the JPEG fits MAX_BYTES
SHAREABLE = re.compile(r"(products|logos|banners)/[0-9a-f]{32}\.(jpg|png|webp)")


def is_shareable(path: str | None) -> bool:
    """Whether ``path`` is the stored name of a photo shown on public pages."""
    return bool(path) and SHAREABLE.fullmatch(path or "") is not None


def compose(photo: Image.Image) -> bytes:
    """The photo fitted whole into 1200x630 on the neutral background, as a JPEG under 300 KB."""
    photo = photo.convert("RGBA") if photo.mode in ("P", "LA", "PA") else photo
    fitted = photo.copy()
    scale = min(WIDTH / fitted.width, HEIGHT / fitted.height)
    size = (max(1, round(fitted.width * scale)), max(1, round(fitted.height * scale)))
    fitted = fitted.resize(size, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    position = ((WIDTH - size[0]) // 2, (HEIGHT - size[1]) // 2)
    canvas.paste(fitted, position, fitted if fitted.mode == "RGBA" else None)
    data = b""
    for quality in QUALITIES:
        out = BytesIO()
        canvas.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        data = out.getvalue()
        if len(data) <= MAX_BYTES:
            break
    return data


def ensure(path: str) -> str | None:
    """The stored name of ``path``'s share image, made now if missing; None when ``path`` is not
    a public photo or no longer exists (a deleted photo's share image is not served either)."""
    if not is_shareable(path):
        return None
    root = Path(current_app.config["UPLOAD_FOLDER"])
    source, target = root / path, root / media.share_path(path)
    if not source.is_file():
        return None
    if not target.is_file():
        with Image.open(source) as photo:
            data = compose(photo)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        partial.write_bytes(data)
        os.replace(partial, target)  # two first requests at once: each writes whole, the last wins
    return media.share_path(path)
