"""Food and drink: a bowl of soto, snacks in a bag, frozen packs, sate on a plate, dried fish,
bottles, jars, boxes of cakes, tea and coffee packs, sugar and a teh poci pot with its cups."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import (
    Colour,
    backdrop,
    darker,
    label,
    lighter,
    nudge,
    oval,
    shadow,
)

WALLS = [(244, 236, 220), (232, 238, 228), (240, 228, 214), (226, 234, 240)]
WOOD = (160, 112, 70)
BROTHS = {"soto": (222, 170, 60), "gulai": (206, 120, 40), "tongseng": (150, 86, 40), "glabed": (226, 160, 40)}
LIQUIDS = {
    "kunyit": (226, 150, 20),
    "kencur": (236, 222, 180),
    "tebu": (200, 200, 110),
    "sirup": (170, 96, 30),
    "kecap": (50, 26, 16),
    "sambal": (150, 40, 20),
    "petis": (70, 40, 30),
}


def _scene(rnd: random.Random) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = backdrop(rnd, rnd.choice(WALLS), nudge(WOOD, rnd, 14))
    return image, ImageDraw.Draw(image)


def _pick(table: dict[str, Colour], name: str, default: Colour) -> Colour:
    lowered = name.lower()
    return next((colour for key, colour in table.items() if key in lowered), default)


def bowl(rnd: random.Random, name: str) -> Image.Image:
    """A bowl of soto (or gulai, tongseng, glabed): broth, meat, greens, a spoon beside it."""
    image, draw = _scene(rnd)
    broth = nudge(_pick(BROTHS, name, BROTHS["soto"]), rnd, 14)
    china = rnd.choice([(246, 246, 240), (230, 240, 236), (250, 236, 210)])
    shadow(image, (150, 520, 690, 720))
    draw.chord((160, 280, 640, 700), 0, 180, fill=china, outline=darker(china, 0.8), width=3)
    draw.ellipse((160, 380, 640, 520), fill=china, outline=darker(china, 0.85), width=3)
    draw.ellipse((190, 395, 610, 505), fill=broth)
    for _ in range(18):  # what floats: meat, sliced egg, spring onion, fried shallots
        x, y = rnd.randint(230, 560), rnd.randint(410, 480)
        colour = rnd.choice([(120, 70, 40), (250, 246, 230), (80, 150, 50), (170, 90, 40)])
        r = rnd.randint(8, 20)
        draw.polygon(oval(x, y, r, r * 0.55, rnd.randint(0, 180), 10), fill=colour)
    draw.polygon(oval(660, 600, 70, 24, -30), fill=(200, 200, 204))
    draw.line([(700, 580), (780, 530)], fill=(190, 190, 196), width=14)
    return image


def snack_bag(rnd: random.Random, name: str) -> Image.Image:
    """A standing pouch of keripik or kerupuk with a window showing the chips, and a few spilled."""
    image, draw = _scene(rnd)
    bag = nudge(rnd.choice([(200, 40, 40), (240, 180, 30), (30, 120, 80), (230, 110, 30)]), rnd)
    shadow(image, (200, 640, 600, 760))
    draw.polygon([(220, 150), (580, 150), (610, 700), (190, 700)], fill=bag)
    draw.rectangle((220, 150, 580, 190), fill=darker(bag, 0.8))
    draw.rounded_rectangle((260, 420, 540, 640), radius=30, fill=(250, 238, 200))
    chip = rnd.choice([(236, 196, 110), (244, 220, 160), (214, 150, 70)])
    for _ in range(14):
        x, y = rnd.randint(280, 520), rnd.randint(440, 620)
        draw.polygon(
            oval(x, y, rnd.randint(20, 34), rnd.randint(12, 22), rnd.randint(0, 180), 9),
            fill=chip,
            outline=darker(chip, 0.8),
        )
    label(draw, (250, 220, 550, 380), name, (252, 248, 236), darker(bag, 0.6))
    for _ in range(5):
        x, y = rnd.randint(80, 720), rnd.randint(700, 770)
        draw.polygon(oval(x, y, 30, 18, rnd.randint(0, 180), 9), fill=chip, outline=darker(chip, 0.8))
    return image


def frozen(rnd: random.Random, name: str) -> Image.Image:
    """A vacuum pack from the freezer: frost, the pieces pressed inside, the label on top."""
    image, draw = _scene(rnd)
    piece = nudge(rnd.choice([(214, 170, 90), (150, 90, 50), (236, 226, 200), (190, 130, 70)]), rnd)
    shadow(image, (120, 560, 700, 740))
    draw.rounded_rectangle((140, 220, 660, 680), radius=40, fill=(226, 236, 244), outline=(190, 206, 220), width=6)
    round_pieces = rnd.random() < 0.5
    for row in range(3):
        for col in range(4):
            x, y = 200 + col * 120 + rnd.randint(-8, 8), 420 + row * 80 + rnd.randint(-6, 6)
            if round_pieces:
                draw.ellipse((x, y, x + 80, y + 66), fill=piece, outline=darker(piece, 0.8), width=3)
            else:
                draw.rounded_rectangle((x, y, x + 96, y + 60), radius=14, fill=piece, outline=darker(piece, 0.8))
    for _ in range(40):  # frost
        x, y = rnd.randint(160, 640), rnd.randint(240, 660)
        draw.ellipse((x, y, x + 6, y + 6), fill=(248, 252, 255))
    label(draw, (200, 250, 600, 390), name, (30, 90, 160), (255, 255, 255))
    return image


def sate(rnd: random.Random, name: str) -> Image.Image:
    """Sate on a banana leaf: skewers of grilled meat, kecap and sliced shallots."""
    image, draw = _scene(rnd)
    meat = nudge((130, 66, 30) if "kerang" not in name.lower() else (190, 110, 60), rnd)
    shadow(image, (110, 520, 720, 740))
    draw.polygon(oval(410, 520, 320, 150, rnd.uniform(-6, 6)), fill=(60, 130, 50))
    draw.polygon(oval(410, 520, 280, 120, rnd.uniform(-6, 6)), fill=(246, 244, 236))
    for i in range(rnd.randint(3, 4)):
        y = 410 + i * 58
        draw.line([(190, y + 40), (640, y - 30)], fill=(222, 196, 140), width=6)
        for j in range(4):
            x = 260 + j * 80
            cy = y + 40 - (x + 29 - 190) * 70 / 450  # on the skewer, at the piece's middle
            draw.rounded_rectangle((x, cy - 18, x + 58, cy + 18), radius=10, fill=meat, outline=darker(meat, 0.6))
    draw.ellipse((560, 600, 700, 660), fill=(40, 20, 10))
    return image


def fish(rnd: random.Random, name: str) -> Image.Image:
    """Dried salted fish (jambal roti) on a woven tray."""
    image, draw = _scene(rnd)
    skin = nudge((196, 170, 130), rnd, 14)
    shadow(image, (90, 500, 730, 760))
    draw.ellipse((100, 380, 700, 720), fill=(214, 184, 120), outline=(160, 120, 70), width=8)
    for n in range(3):
        cx, cy = 380 + (n - 1) * 30, 460 + n * 80
        draw.polygon(oval(cx, cy, 200, 44, rnd.uniform(-8, 8)), fill=skin, outline=darker(skin, 0.7))
        draw.polygon([(cx + 190, cy), (cx + 260, cy - 40), (cx + 260, cy + 40)], fill=darker(skin, 0.85))
        draw.ellipse((cx - 170, cy - 12, cx - 150, cy + 8), fill=(60, 50, 40))
    return image


def bottle(rnd: random.Random, name: str) -> Image.Image:
    """A bottle of jamu, juice, syrup, kecap or sambal: its colour through the glass, a label."""
    image, draw = _scene(rnd)
    liquid = nudge(_pick(LIQUIDS, name, (190, 120, 40)), rnd, 12)
    small = "sambal" in name.lower() or "petis" in name.lower()
    top = 260 if small else 140
    shadow(image, (250, 640, 560, 740))
    draw.rounded_rectangle((270, top + 160, 530, 700), radius=50, fill=liquid, outline=lighter(liquid), width=6)
    draw.polygon([(330, top + 170), (350, top + 60), (450, top + 60), (470, top + 170)], fill=liquid)
    draw.rectangle((340, top, 460, top + 60), fill=rnd.choice([(200, 30, 30), (240, 200, 40), (40, 40, 40)]))
    draw.rectangle((300, top + 190, 320, 660), fill=lighter(liquid, 0.5))  # the glint of the glass
    label(draw, (285, 440, 515, 600), name, (252, 246, 228), darker(liquid, 0.5) if sum(liquid) > 300 else (60, 30, 20))
    return image


def jar(rnd: random.Random, name: str) -> Image.Image:
    """A toples: a clear jar showing its granules or rolls, with a coloured lid and a label."""
    image, draw = _scene(rnd)
    fill = nudge(rnd.choice([(176, 110, 50), (222, 190, 130), (236, 200, 90), (160, 90, 40)]), rnd)
    shadow(image, (190, 640, 610, 750))
    draw.rounded_rectangle((210, 260, 590, 700), radius=40, fill=(236, 240, 240), outline=(200, 210, 214), width=6)
    draw.rounded_rectangle((226, 320, 574, 686), radius=30, fill=fill)
    for _ in range(70):
        x, y = rnd.randint(240, 560), rnd.randint(330, 670)
        draw.ellipse((x, y, x + rnd.randint(4, 12), y + rnd.randint(3, 8)), fill=darker(fill, rnd.uniform(0.7, 0.9)))
    draw.rounded_rectangle((200, 200, 600, 270), radius=16, fill=nudge((200, 40, 40), rnd, 40))
    label(draw, (260, 430, 540, 580), name, (252, 248, 236), (80, 40, 20))
    return image


def box(rnd: random.Random, name: str) -> Image.Image:
    """An open box of cakes (kamir, bolu gulung, semprong) or sachets, seen from above."""
    image = backdrop(rnd, rnd.choice(WALLS), nudge(WOOD, rnd, 14), horizon=0.05)
    draw = ImageDraw.Draw(image)
    carton = nudge((238, 226, 200), rnd, 10)
    shadow(image, (110, 160, 720, 760), 90)
    draw.rectangle((120, 140, 680, 680), fill=carton, outline=darker(carton, 0.75), width=8)
    cake = nudge(rnd.choice([(214, 150, 70), (120, 170, 80), (196, 120, 60), (110, 70, 40)]), rnd)
    rolled = "gulung" in name.lower()
    for row in range(3):
        for col in range(3):
            x, y = 160 + col * 170, 180 + row * 165
            draw.ellipse((x, y, x + 140, y + 140), fill=cake, outline=darker(cake, 0.7), width=4)
            if rolled:  # a swiss roll's spiral, seen end on
                for r in (50, 32, 14):
                    draw.arc((x + 70 - r, y + 70 - r, x + 70 + r, y + 70 + r), 0, 300, fill=(250, 246, 230), width=7)
            else:
                draw.ellipse((x + 30, y + 30, x + 110, y + 110), fill=lighter(cake, 0.25))
    label(draw, (180, 690, 620, 790), name, (250, 246, 236), (90, 50, 20))
    return image
