"""What every demo drawing shares: a seeded random source, a lit backdrop, soft shadows,
printed labels and the JPEG encoding. Drawn with Pillow only, no files read but the
system's DejaVu fonts (Pillow's own font when they are missing)."""

from __future__ import annotations

import hashlib
import math
import random
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageStat

SIDE = 800
Colour = tuple[int, int, int]
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_fonts: dict[tuple[bool, int], ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}


def seeded(*parts: object) -> random.Random:
    """The same drawing for the same product on every load, a different one per product."""
    digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def font(size: int, bold: bool = True):
    key = (bold, size)
    if key not in _fonts:
        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        try:
            _fonts[key] = ImageFont.truetype(str(FONT_DIR / name), size)
        except OSError:
            _fonts[key] = ImageFont.load_default(size=size)
    return _fonts[key]


def nudge(colour: Colour, rnd: random.Random, amount: int = 18) -> Colour:
    """A colour moved a little, so two products of a kind are not the same picture."""
    r, g, b = (max(0, min(255, c + rnd.randint(-amount, amount))) for c in colour)
    return (r, g, b)


def darker(colour: Colour, factor: float = 0.7) -> Colour:
    r, g, b = (int(c * factor) for c in colour)
    return (r, g, b)


def lighter(colour: Colour, factor: float = 0.35) -> Colour:
    r, g, b = (int(c + (255 - c) * factor) for c in colour)
    return (r, g, b)


def _blend(a: Colour, b: Colour, t: float) -> Colour:
    r, g, bl = (int(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return (r, g, bl)


def backdrop(rnd: random.Random, wall: Colour, table: Colour, horizon: float = 0.62) -> Image.Image:
    """A studio shot: a wall lit from above fading down, the table's top below ``horizon``
    (drawn in bands of a few pixels: far cheaper than compositing whole-frame gradients)."""
    image = Image.new("RGB", (SIDE, SIDE))
    draw = ImageDraw.Draw(image)
    line, band = int(SIDE * horizon), 4
    top, low = lighter(nudge(wall, rnd, 10), 0.25), darker(wall, 0.9)
    for y in range(0, SIDE, band):
        t = y / SIDE
        colour = _blend(top, low, t) if y < line else _blend(table, darker(table, 0.85), t)
        draw.rectangle((0, y, SIDE, y + band - 1), fill=colour)
    return image


def shadow(image: Image.Image, box: tuple[float, float, float, float], strength: int = 110) -> None:
    """A soft shadow under an object standing in ``box``: an ellipse drawn small, blurred and
    scaled up over its own patch only."""
    pad = 24
    x0, y0 = int(box[0]) - pad, int(box[1]) - pad
    width, height = int(box[2] - box[0]) + 2 * pad, int(box[3] - box[1]) + 2 * pad
    scale = 8
    mask = Image.new("L", (max(1, width // scale), max(1, height // scale)), 0)
    ImageDraw.Draw(mask).ellipse(
        (pad / scale, pad / scale, (width - pad) / scale, (height - pad) / scale), fill=strength
    )
    mask = mask.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BILINEAR)
    image.paste((30, 24, 20), (x0, y0, x0 + width, y0 + height), mask)


def fitted_font(draw: ImageDraw.ImageDraw, text: str, width: float, size: int, bold: bool = True):
    while size > 14 and draw.textlength(text, font=font(size, bold)) > width:
        size -= 2
    return font(size, bold)


def label(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], text: str, paper: Colour, ink: Colour
) -> None:
    """A printed label with the product's name on up to two lines, centred in ``box``."""
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=12, fill=paper, outline=darker(paper, 0.8), width=3)
    words, lines = text.split(), [""]
    for word in words:
        trial = f"{lines[-1]} {word}".strip()
        if len(trial) > 16 and lines[-1] and len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = trial
    size = int((y1 - y0) / (len(lines) + 1.2))
    longest = max(lines, key=lambda line: draw.textlength(line, font=font(size)))
    chosen = fitted_font(draw, longest, (x1 - x0) * 0.86, size)  # one size for every line
    for row, line in enumerate(lines):
        y = y0 + (y1 - y0) * (row + 1) / (len(lines) + 1)
        draw.text(((x0 + x1) / 2, y), line, font=chosen, fill=ink, anchor="mm")


CLOSE_UP_CENTRES = [(0.5, 0.5), (0.4, 0.6), (0.6, 0.6), (0.5, 0.7), (0.5, 0.4), (0.35, 0.45), (0.65, 0.45)]


def close_up(image: Image.Image, rnd: random.Random) -> Image.Image:
    """The second photo: the texture or pattern seen from near, a crop of the first enlarged,
    taken where the picture is busiest (judged on a small copy: cheap)."""
    span = rnd.uniform(0.34, 0.42)
    small = image.resize((100, 100), Image.Resampling.BILINEAR)

    def busy(centre: tuple[float, float]) -> float:
        box = _window(centre, span, 100)
        return sum(ImageStat.Stat(small.crop(box)).stddev)

    left, top, right, bottom = _window(max(CLOSE_UP_CENTRES, key=busy), span, SIDE)
    return image.crop((left, top, right, bottom)).resize((SIDE, SIDE), Image.Resampling.BILINEAR)


def _window(centre: tuple[float, float], span: float, side: int) -> tuple[int, int, int, int]:
    width = int(side * span)
    left = max(0, min(side - width, int(side * centre[0]) - width // 2))
    top = max(0, min(side - width, int(side * centre[1]) - width // 2))
    return (left, top, left + width, top + width)


def jpeg(image: Image.Image, quality: int = 85) -> BytesIO:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality)
    out.seek(0)
    return out


def tiled(pattern: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``pattern`` repeated over an image of ``size``."""
    out = Image.new("RGB", size)
    for x in range(0, size[0], pattern.width):
        for y in range(0, size[1], pattern.height):
            out.paste(pattern, (x, y))
    return out


def oval(cx: float, cy: float, rx: float, ry: float, angle: float = 0.0, steps: int = 28) -> list[tuple[float, float]]:
    """The points of an ellipse turned by ``angle`` degrees (ImageDraw's own cannot turn)."""
    turn = math.radians(angle)
    points = []
    for i in range(steps):
        t = 2 * math.pi * i / steps
        x, y = rx * math.cos(t), ry * math.sin(t)
        points.append((cx + x * math.cos(turn) - y * math.sin(turn), cy + x * math.sin(turn) + y * math.cos(turn)))
    return points


def placed(image: Image.Image, item: Image.Image, mask: Image.Image, angle: float, centre: tuple[int, int]) -> None:
    """``item`` (cut out by ``mask``) turned by ``angle`` and laid on ``image`` at ``centre``, with its shadow."""
    item = item.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    mask = mask.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    x, y = centre[0] - item.width // 2, centre[1] - item.height // 2
    shadow(image, (x + 20, y + item.height * 0.55, x + item.width + 20, y + item.height + 30), 90)
    image.paste(item, (x, y), mask)
