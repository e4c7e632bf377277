"""Metal work of Talang and the lathe shops: a forged wok, a set of pots, a kitchen knife, a hoe,
motorbike sprockets, a brass propeller, brake shoes, nuts and bolts, and a hand pump."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import Colour, backdrop, darker, lighter, nudge, oval, shadow

WALLS = [(222, 226, 230), (232, 230, 224), (214, 222, 228)]
BENCH = (120, 110, 100)
STEEL = (150, 156, 162)
IRON = (60, 62, 66)
BRASS = (196, 156, 60)
TEAK = (140, 90, 50)


def _grey(colour: Colour, rnd: random.Random, amount: int = 14) -> Colour:
    """Metal stays grey: every channel moved by the same amount."""
    delta = rnd.randint(-amount, amount)
    r, g, b = (max(0, min(255, c + delta)) for c in colour)
    return (r, g, b)


def _scene(rnd: random.Random) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = backdrop(rnd, rnd.choice(WALLS), nudge(BENCH, rnd, 14))
    return image, ImageDraw.Draw(image)


def wok(rnd: random.Random, name: str) -> Image.Image:
    """A forged iron wajan with its two handles, or a set of aluminium pots with lids."""
    image, draw = _scene(rnd)
    if "panci" in name.lower():
        return _pots(rnd, image, draw)
    iron = _grey(IRON, rnd, 10)
    shadow(image, (120, 560, 700, 720))
    draw.chord((130, 260, 670, 680), 0, 180, fill=iron)
    draw.ellipse((130, 400, 670, 540), fill=darker(iron, 0.8), outline=lighter(iron, 0.3), width=6)
    draw.ellipse((220, 430, 580, 510), fill=lighter(iron, 0.12))
    for x in (90, 670):
        draw.arc((x, 430, x + 40, 500), 0, 360, fill=iron, width=12)
    return image


def _pots(rnd: random.Random, image: Image.Image, draw: ImageDraw.ImageDraw) -> Image.Image:
    steel = _grey(STEEL, rnd, 10)
    shadow(image, (90, 600, 730, 740))
    for i, (cx, r, h) in enumerate(((230, 130, 200), (470, 110, 170), (640, 80, 130))):
        base = 680 - i * 6
        draw.rectangle((cx - r, base - h, cx + r, base), fill=steel)
        draw.ellipse((cx - r, base - 20, cx + r, base + 20), fill=steel)
        draw.ellipse((cx - r - 6, base - h - 24, cx + r + 6, base - h + 24), fill=lighter(steel, 0.3))
        draw.ellipse((cx - 20, base - h - 40, cx + 20, base - h - 16), fill=(40, 40, 40))
        draw.rectangle((cx - r + 20, base - h + 30, cx - r + 34, base - 20), fill=lighter(steel, 0.5))
    return image


def blade(rnd: random.Random, name: str) -> Image.Image:
    """A kitchen knife with a wooden handle, or a forged hoe on its long handle."""
    image, draw = _scene(rnd)
    steel, wood = _grey(STEEL, rnd, 12), nudge(TEAK, rnd, 14)
    shadow(image, (100, 560, 720, 680))
    if "cangkul" in name.lower():
        draw.line([(120, 640), (620, 260)], fill=wood, width=34)
        draw.polygon([(560, 180), (720, 300), (640, 470), (470, 360)], fill=darker(steel, 0.7))
        draw.line([(560, 180), (720, 300)], fill=lighter(steel, 0.4), width=8)
        return image
    draw.rounded_rectangle((110, 430, 330, 500), radius=24, fill=wood)
    for x in (160, 220, 280):
        draw.ellipse((x, 456, x + 18, 474), fill=(210, 200, 180))
    draw.polygon([(330, 420), (700, 420), (740, 440), (620, 520), (330, 510)], fill=steel)
    draw.line([(330, 424), (700, 424)], fill=lighter(steel, 0.5), width=8)
    return image


def _gear_points(cx: float, cy: float, r: float, teeth: int, turn: float) -> list[tuple[float, float]]:
    points = []
    for i in range(teeth * 2):
        a = turn + math.pi * i / teeth
        radius = r if i % 2 == 0 else r * 0.86
        for da in (-0.35, 0.35):
            points.append(
                (cx + radius * math.cos(a + da * math.pi / teeth), cy + radius * math.sin(a + da * math.pi / teeth))
            )
    return points


def gear(rnd: random.Random, name: str) -> Image.Image:
    """A motorbike's sprocket set: a big and a small toothed wheel with their bolt holes."""
    image, draw = _scene(rnd)
    steel = _grey(rnd.choice([STEEL, (170, 150, 120), (90, 96, 104)]), rnd, 10)
    shadow(image, (100, 560, 720, 740))
    for cx, cy, r, teeth in ((330, 400, 240, 36), (610, 520, 110, 14)):
        draw.polygon(_gear_points(cx, cy, r, teeth, rnd.uniform(0, 1)), fill=steel, outline=darker(steel, 0.7))
        draw.ellipse((cx - r * 0.28, cy - r * 0.28, cx + r * 0.28, cy + r * 0.28), fill=darker(steel, 0.5))
        for k in range(4):
            a = k * math.pi / 2 + 0.4
            hx, hy = cx + r * 0.55 * math.cos(a), cy + r * 0.55 * math.sin(a)
            draw.ellipse((hx - r * 0.09, hy - r * 0.09, hx + r * 0.09, hy + r * 0.09), fill=darker(steel, 0.6))
    return image


def propeller(rnd: random.Random, name: str) -> Image.Image:
    """A boat's brass propeller: three twisted blades around its hub."""
    image, draw = _scene(rnd)
    brass = nudge(BRASS, rnd, 12)
    turn = rnd.uniform(0, 120)
    shadow(image, (130, 560, 690, 720))
    for k in range(3):
        a = math.radians(turn + k * 120)
        cx, cy = 400 + 150 * math.cos(a), 400 + 150 * math.sin(a)
        draw.polygon(oval(cx, cy, 170, 80, math.degrees(a) + 20), fill=brass, outline=darker(brass, 0.7))
        draw.polygon(oval(cx, cy, 100, 26, math.degrees(a) + 20), fill=lighter(brass, 0.3))
    draw.ellipse((330, 330, 470, 470), fill=darker(brass, 0.8))
    draw.ellipse((375, 375, 425, 425), fill=(50, 40, 20))
    return image


def brake(rnd: random.Random, name: str) -> Image.Image:
    """A pair of drum-brake shoes: steel arcs with their dark friction linings and springs."""
    image, draw = _scene(rnd)
    steel = _grey(STEEL, rnd, 10)
    shadow(image, (130, 560, 690, 720))
    draw.arc((150, 150, 650, 650), 200, 340, fill=(50, 46, 44), width=60)
    draw.arc((190, 190, 610, 610), 200, 340, fill=steel, width=24)
    draw.arc((150, 170, 650, 670), 20, 160, fill=(50, 46, 44), width=60)
    draw.arc((190, 210, 610, 630), 20, 160, fill=steel, width=24)
    for x in (300, 500):
        draw.line([(x, 330), (x, 490)], fill=(200, 60, 40), width=10)
    return image


def bolts(rnd: random.Random, name: str) -> Image.Image:
    """Nuts and bolts spilled on the bench: hexagonal heads, threaded shanks, loose nuts."""
    image, draw = _scene(rnd)
    steel = _grey(STEEL, rnd, 14)
    for _ in range(rnd.randint(5, 7)):
        x, y, a = rnd.randint(120, 560), rnd.randint(500, 720), rnd.uniform(-40, 40)
        dx, dy = 240 * math.cos(math.radians(a)), 240 * math.sin(math.radians(a))
        draw.line([(x, y), (x + dx, y + dy)], fill=darker(steel, 0.85), width=36)
        for t in range(4, 18, 2):
            tx, ty = x + dx * t / 18, y + dy * t / 18
            draw.line([(tx - 10, ty - 17), (tx + 10, ty + 17)], fill=darker(steel, 0.6), width=4)
        draw.polygon(oval(x, y, 46, 46, a, 6), fill=steel, outline=darker(steel, 0.6))
    for _ in range(rnd.randint(5, 8)):
        x, y = rnd.randint(100, 700), rnd.randint(480, 760)
        draw.polygon(oval(x, y, 34, 34, rnd.uniform(0, 60), 6), fill=lighter(steel, 0.15), outline=darker(steel, 0.6))
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=darker(steel, 0.5))
    return image


def pump(rnd: random.Random, name: str) -> Image.Image:
    """A cast-iron hand pump: the column, its spout and the long lever."""
    image, draw = _scene(rnd)
    paint: Colour = nudge(rnd.choice([(30, 90, 60), (160, 40, 36), (40, 70, 120)]), rnd)
    shadow(image, (230, 640, 590, 740))
    draw.rectangle((250, 660, 570, 700), fill=darker(paint, 0.7))
    draw.rounded_rectangle((330, 260, 470, 670), radius=30, fill=paint)
    draw.polygon([(470, 380), (620, 400), (620, 440), (470, 440)], fill=paint)
    draw.line([(400, 250), (150, 120)], fill=darker(paint, 0.6), width=22)
    draw.ellipse((385, 235, 415, 265), fill=(40, 40, 40))
    draw.rectangle((360, 300, 440, 320), fill=lighter(paint, 0.3))
    return image
