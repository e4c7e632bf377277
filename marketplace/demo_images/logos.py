"""Store logos (a round badge in the store's colours with its sector's emblem and its name on
a ribbon) and the expo's banner."""

from __future__ import annotations

import math
from io import BytesIO

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import Colour, darker, fitted_font, font, jpeg, lighter, nudge, oval, seeded

LOGO_SIDE = 480
SECTOR_COLOURS: dict[str, Colour] = {
    "kuliner": (196, 84, 36),
    "minuman-herbal": (46, 120, 70),
    "fesyen": (112, 60, 130),
    "kriya": (150, 96, 44),
    "logam-furnitur": (48, 82, 120),
    "kosmetik": (180, 70, 110),
    "perhiasan": (160, 120, 30),
}


def logo(name: str, sector: str) -> BytesIO:
    """The store's badge: its colour (the sector's, turned per store), its sector's emblem in
    white, a ring, and a ribbon with the first words of its name."""
    rnd = seeded("logo", name)
    colour = nudge(SECTOR_COLOURS.get(sector, (90, 90, 90)), rnd, 22)
    paper = lighter(colour, 0.88)
    image = Image.new("RGB", (LOGO_SIDE, LOGO_SIDE), paper)
    draw = ImageDraw.Draw(image)
    draw.ellipse((60, 30, 420, 390), fill=colour)
    draw.ellipse((80, 50, 400, 370), outline=paper, width=6)
    EMBLEMS.get(sector, _star)(draw, 240, 200, paper, colour)
    words = name.split()
    short = " ".join(words[:2]) if len(" ".join(words[:2])) <= 16 else words[0]
    draw.polygon([(30, 330), (450, 330), (420, 372), (450, 414), (30, 414), (60, 372)], fill=darker(colour, 0.75))
    draw.text((240, 372), short.upper(), font=fitted_font(draw, short.upper(), 330, 40), fill=paper, anchor="mm")
    return jpeg(image, 90)


def _bowl(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    draw.chord((cx - 100, cy - 60, cx + 100, cy + 100), 0, 180, fill=ink)
    for dx in (-40, 0, 40):  # steam
        draw.arc((cx + dx - 14, cy - 110, cx + dx + 14, cy - 60), 90, 270, fill=ink, width=8)
        draw.arc((cx + dx - 14, cy - 150, cx + dx + 14, cy - 100), 270, 90, fill=ink, width=8)


def _leaf_cup(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    draw.polygon([(cx - 70, cy - 10), (cx + 70, cy - 10), (cx + 50, cy + 90), (cx - 50, cy + 90)], fill=ink)
    draw.arc((cx + 50, cy + 5, cx + 100, cy + 60), 270, 90, fill=ink, width=12)
    draw.polygon(oval(cx, cy - 70, 60, 26, -30), fill=ink)


def _kawung(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    for angle in (45, 135, 225, 315):
        a = math.radians(angle)
        draw.polygon(oval(cx + 52 * math.cos(a), cy + 52 * math.sin(a), 56, 30, angle), fill=ink)
    draw.ellipse((cx - 12, cy - 12, cx + 12, cy + 12), fill=ink)


def _weave(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    top, right, bottom, left = (cx, cy - 110), (cx + 110, cy), (cx, cy + 110), (cx - 110, cy)
    draw.polygon([top, right, bottom, left], outline=ink, width=10)
    for t in (1 / 3, 2 / 3):  # strips over and under, both ways
        for (a, b), (c, d) in (((left, top), (bottom, right)), ((top, right), (left, bottom))):
            start = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
            end = (c[0] + t * (d[0] - c[0]), c[1] + t * (d[1] - c[1]))
            draw.line([start, end], fill=ink, width=10)


def _gear(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    for k in range(8):
        a = k * math.pi / 4
        draw.polygon(oval(cx + 88 * math.cos(a), cy + 88 * math.sin(a), 24, 18, math.degrees(a), 4), fill=ink)
    draw.ellipse((cx - 90, cy - 90, cx + 90, cy + 90), fill=ink)
    draw.ellipse((cx - 34, cy - 34, cx + 34, cy + 34), fill=ground)


def _flower(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    for k in range(6):
        a = math.radians(k * 60)
        draw.polygon(oval(cx + 50 * math.cos(a), cy + 50 * math.sin(a), 50, 24, k * 60), fill=ink)


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, ink: Colour, ground: Colour) -> None:
    points = []
    for k in range(10):
        r = 100 if k % 2 == 0 else 44
        a = math.radians(-90 + k * 36)
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    draw.polygon(points, fill=ink)


EMBLEMS = {
    "kuliner": _bowl,
    "minuman-herbal": _leaf_cup,
    "fesyen": _kawung,
    "kriya": _weave,
    "logam-furnitur": _gear,
    "kosmetik": _flower,
}


def banner(title: str, zones: list[str], width: int = 1600, height: int = 500) -> BytesIO:
    """The expo's banner: a teal band, the title, the city, and the five zones as chips."""
    image = Image.new("RGB", (width, height), (15, 118, 110))
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 4):  # a soft diagonal sheen
        shade = int(18 * x / width)
        draw.line([(x, 0), (x - height // 2, height)], fill=(19 + shade, 78 + shade, 74 + shade), width=4)
    for i, colour in enumerate(SECTOR_COLOURS.values()):
        r = 120 + 30 * (i % 3)
        cx, cy = width - 140 - i * 150, 90 + (i % 2) * 260
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=lighter(colour, 0.3), width=10)
    draw.text((80, 120), title, font=font(88), fill="white")
    draw.text((84, 235), "Kota Tegal · Disnakerin", font=font(40, bold=False), fill=(253, 230, 138))
    x = 84
    for zone in zones:
        w = int(draw.textlength(zone, font=font(30))) + 44
        draw.rounded_rectangle((x, 330, x + w, 390), radius=30, fill=(245, 158, 11))
        draw.text((x + w / 2, 360), zone, font=font(30), fill=(28, 25, 23), anchor="mm")
        x += w + 18
    return jpeg(image)
