"""Tegal's tea table and its neighbours: a teh poci clay pot with its cups, packs of tea and
coffee with their leaves and beans, sugar, and bars of soap."""

from __future__ import annotations

import random
import re

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import backdrop, darker, label, lighter, nudge, oval, shadow

WALLS = [(240, 232, 216), (226, 236, 226), (236, 226, 214)]
WOOD = (150, 104, 64)
CLAY = (142, 70, 42)


def _scene(rnd: random.Random) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = backdrop(rnd, rnd.choice(WALLS), nudge(WOOD, rnd, 14))
    return image, ImageDraw.Draw(image)


def poci(rnd: random.Random, name: str) -> Image.Image:
    """A teh poci: the unglazed clay pot with its spout, handle and lid, and small clay cups."""
    image, draw = _scene(rnd)
    clay = nudge(CLAY, rnd, 14)
    found = re.search(r"(\d+)\s*cangkir", name.lower())
    cups = int(found.group(1)) if found else (0 if "besar" in name.lower() else 1)
    big = cups == 0
    cx, base = (400 if big else 300), 640
    r = 200 if big else 150
    shadow(image, (cx - r - 20, base - 60, cx + r + 40, base + 50))
    draw.polygon(
        [
            (cx + r * 0.8, base - r * 0.9),
            (cx + r * 1.5, base - r * 1.6),
            (cx + r * 1.55, base - r * 1.45),
            (cx + r * 0.9, base - r * 0.5),
        ],
        fill=darker(clay, 0.9),
    )
    draw.arc(
        (cx - r * 1.45, base - r * 1.5, cx - r * 0.55, base - r * 0.4),
        90,
        270,
        fill=darker(clay, 0.85),
        width=int(r * 0.16),
    )
    draw.ellipse((cx - r, base - r * 1.7, cx + r, base), fill=clay)
    draw.arc((cx - r * 0.8, base - r * 1.5, cx + r * 0.6, base - r * 0.2), 200, 260, fill=lighter(clay, 0.3), width=10)
    draw.ellipse((cx - r * 0.55, base - r * 1.85, cx + r * 0.55, base - r * 1.55), fill=darker(clay, 0.8))
    draw.ellipse((cx - r * 0.14, base - r * 2.0, cx + r * 0.14, base - r * 1.78), fill=darker(clay, 0.7))
    for i in range(min(cups, 4)):
        _cup(draw, 560 + (i % 2) * 120, 700 - (i // 2) * 110, clay)
    return image


def _cup(draw: ImageDraw.ImageDraw, cx: float, base: float, clay: tuple[int, int, int]) -> None:
    draw.polygon([(cx - 50, base - 90), (cx + 50, base - 90), (cx + 36, base), (cx - 36, base)], fill=clay)
    draw.ellipse((cx - 50, base - 104, cx + 50, base - 76), fill=darker(clay, 0.75))
    draw.ellipse((cx - 40, base - 98, cx + 40, base - 82), fill=(120, 60, 20))  # the tea in it


def tea(rnd: random.Random, name: str) -> Image.Image:
    """A paper pack of tea with a pot drawn on it, loose leaves and a few jasmine flowers spilled."""
    image, draw = _scene(rnd)
    paper = nudge(rnd.choice([(30, 110, 60), (170, 40, 40), (220, 180, 60)]), rnd)
    shadow(image, (200, 620, 600, 740))
    draw.rectangle((230, 180, 570, 680), fill=paper, outline=darker(paper, 0.7), width=6)
    draw.polygon([(230, 180), (400, 120), (570, 180)], fill=darker(paper, 0.85))
    draw.ellipse((340, 230, 460, 330), fill=(250, 244, 226))
    draw.polygon([(455, 265), (500, 235), (495, 250), (460, 290)], fill=(250, 244, 226))
    label(draw, (260, 380, 540, 560), name, (250, 244, 226), darker(paper, 0.6))
    leaf = (80, 60, 30) if "hijau" not in name.lower() else (90, 120, 50)
    for _ in range(26):
        x, y = rnd.randint(60, 740), rnd.randint(690, 780)
        draw.polygon(oval(x, y, 16, 6, rnd.randint(0, 180), 8), fill=nudge(leaf, rnd, 16))
    if "melati" in name.lower():
        for _ in range(5):
            x, y = rnd.randint(100, 700), rnd.randint(700, 770)
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=(252, 252, 246))
    return image


def coffee(rnd: random.Random, name: str) -> Image.Image:
    """A kraft-paper coffee pouch with its one-way valve, roasted beans scattered before it."""
    image, draw = _scene(rnd)
    kraft = nudge((190, 150, 100), rnd, 12)
    shadow(image, (210, 620, 600, 740))
    draw.polygon([(240, 160), (560, 160), (590, 690), (210, 690)], fill=kraft)
    draw.rectangle((240, 160, 560, 200), fill=darker(kraft, 0.85))
    draw.ellipse((385, 230, 415, 260), fill=(60, 50, 40))
    label(draw, (250, 320, 550, 520), name, (40, 30, 24), (240, 220, 180))
    roast = (70, 40, 22) if "robusta" in name.lower() else (110, 62, 30)
    for _ in range(30):
        x, y, a = rnd.randint(60, 740), rnd.randint(690, 780), rnd.randint(0, 180)
        draw.polygon(oval(x, y, 18, 12, a, 12), fill=nudge(roast, rnd, 10))
        draw.line(oval(x, y, 12, 1, a, 2), fill=(30, 18, 10), width=3)
    return image


def sugar(rnd: random.Random, name: str) -> Image.Image:
    """Sugar on a plate: clear rock crystals (gula batu) or discs of palm/cane sugar."""
    image, draw = _scene(rnd)
    shadow(image, (130, 540, 700, 740))
    draw.ellipse((140, 440, 660, 720), fill=(246, 244, 238), outline=(210, 206, 196), width=4)
    rock = "batu" in name.lower()
    colour = (236, 230, 212) if rock else nudge((130, 70, 30), rnd, 14)
    for _ in range(16 if rock else 5):
        x, y = rnd.randint(240, 560), rnd.randint(500, 640)
        if rock:
            r = rnd.randint(26, 44)
            draw.polygon(oval(x, y, r, r * 0.8, rnd.randint(0, 90), 6), fill=colour, outline=(190, 180, 160), width=3)
        else:  # a disc of palm sugar, cast in a coconut shell: its side, then its top
            draw.rectangle((x - 54, y - 20, x + 54, y + 20), fill=darker(colour, 0.8))
            draw.ellipse((x - 54, y, x + 54, y + 40), fill=darker(colour, 0.8))
            draw.ellipse((x - 54, y - 40, x + 54, y), fill=colour, outline=darker(colour, 0.7), width=3)
    return image


def soap(rnd: random.Random, name: str) -> Image.Image:
    """Bars of herbal soap stacked on a wooden dish, a sprig of lemongrass beside them."""
    image, draw = _scene(rnd)
    bar = nudge((226, 222, 160), rnd, 20)
    shadow(image, (140, 560, 680, 740))
    draw.rounded_rectangle((150, 560, 650, 660), radius=30, fill=darker(WOOD, 0.8))
    for i in range(3):
        y = 470 - i * 90
        draw.rounded_rectangle(
            (230 + i * 10, y, 570 - i * 10, y + 100), radius=26, fill=bar, outline=darker(bar, 0.8), width=4
        )
    for i in range(3):
        draw.line([(620 + i * 20, 720), (700 + i * 10, 380)], fill=(110, 150, 60), width=8)
    return image


def in_its_pack(rnd: random.Random, name: str, colour: tuple[int, int, int]) -> Image.Image:
    """The third photo of every product: its packaging, a kraft box with the store's sticker."""
    image = backdrop(rnd, rnd.choice(WALLS), nudge(WOOD, rnd, 14))
    draw = ImageDraw.Draw(image)
    kraft = nudge((196, 160, 112), rnd, 10)
    shadow(image, (140, 600, 700, 760))
    draw.polygon([(170, 300), (560, 300), (660, 230), (270, 230)], fill=lighter(kraft, 0.2))
    draw.polygon([(560, 300), (660, 230), (660, 620), (560, 700)], fill=darker(kraft, 0.8))
    draw.rectangle((170, 300, 560, 700), fill=kraft)
    draw.rectangle((350, 300, 380, 700), fill=colour)  # the tape
    label(draw, (200, 420, 530, 620), name, (252, 250, 244), darker(colour, 0.6))
    return image
