"""Crafts and furniture: anyaman (baskets, mats, bags and hats woven of pandan), gerabah
(vases and a rooster money box), shell crafts, a Tegal fishing boat, and teak furniture."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import SIDE, Colour, backdrop, darker, lighter, nudge, oval, shadow, tiled

WALLS = [(236, 232, 222), (222, 232, 236), (238, 228, 216)]
WOOD = (168, 122, 78)
STRAW = (214, 180, 112)
CLAY = (176, 86, 48)


def _scene(rnd: random.Random, horizon: float = 0.62) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = backdrop(rnd, rnd.choice(WALLS), nudge(WOOD, rnd, 14), horizon)
    return image, ImageDraw.Draw(image)


def weave(rnd: random.Random, size: tuple[int, int]) -> Image.Image:
    """Plaited pandan: strips over and under, light and dark, with a dyed band now and then."""
    straw, step = nudge(STRAW, rnd, 16), rnd.randint(26, 36)
    tile = Image.new("RGB", (step * 2, step * 2), darker(straw, 0.82))
    draw = ImageDraw.Draw(tile)
    for x, y in ((0, 0), (step, step)):
        draw.rectangle((x + 2, y + 2, x + step - 2, y + step - 2), fill=straw)
        draw.line([(x + 4, y + step // 2), (x + step - 4, y + step // 2)], fill=lighter(straw, 0.3), width=2)
    woven = tiled(tile, size)
    if rnd.random() < 0.6:
        dye = rnd.choice([(150, 40, 50), (40, 90, 120), (40, 110, 70)])
        band = int(size[1] * rnd.uniform(0.3, 0.6))
        ImageDraw.Draw(woven).rectangle((0, band, size[0], band + step), fill=dye)
    return woven


def woven(rnd: random.Random, name: str) -> Image.Image:
    """A piece of anyaman cut to its shape: a basket, a rolled mat, a bag or a wide hat."""
    lowered = name.lower()
    image, _draw = _scene(rnd, 0.55)
    mask = Image.new("L", (SIDE, SIDE), 0)
    outline = ImageDraw.Draw(mask)
    if "tikar" in lowered:
        outline.polygon(oval(400, 560, 330, 150, rnd.uniform(-8, 8)), fill=255)
    elif "topi" in lowered:
        outline.polygon(oval(400, 560, 330, 110), fill=255)
        outline.chord((230, 320, 570, 660), 180, 360, fill=255)
    elif "tas" in lowered:
        outline.rounded_rectangle((200, 300, 600, 700), radius=40, fill=255)
        outline.arc((270, 120, 530, 420), 180, 360, fill=255, width=26)
    else:
        outline.polygon([(170, 300), (630, 300), (570, 700), (230, 700)], fill=255)
        outline.arc((200, 60, 600, 520), 180, 360, fill=255, width=28)
    shadow(image, (150, 600, 690, 760))
    image.paste(weave(rnd, (SIDE, SIDE)), (0, 0), mask)
    return image


def vase(rnd: random.Random, name: str) -> Image.Image:
    """A gerabah vase: a turned clay profile with incised bands."""
    image, draw = _scene(rnd)
    clay = nudge(CLAY, rnd, 16)
    belly, neck = rnd.randint(170, 220), rnd.randint(60, 90)
    shadow(image, (400 - belly - 20, 640, 400 + belly + 40, 740))
    draw.ellipse((400 - belly, 340, 400 + belly, 700), fill=clay)
    draw.polygon([(400 - neck, 140), (400 + neck, 140), (400 + neck * 0.8, 380), (400 - neck * 0.8, 380)], fill=clay)
    draw.ellipse((400 - neck - 30, 120, 400 + neck + 30, 160), fill=darker(clay, 0.8))
    for y in (440, 470, 600):
        draw.arc((400 - belly, y - 80, 400 + belly, y + 40), 20, 160, fill=darker(clay, 0.7), width=5)
    draw.arc((400 - belly + 40, 360, 400, 680), 150, 230, fill=lighter(clay, 0.3), width=12)
    return image


def rooster(rnd: random.Random, name: str) -> Image.Image:
    """A painted clay rooster money box (celengan ayam jago) with its coin slot."""
    image, draw = _scene(rnd)
    body = nudge((214, 120, 60), rnd, 20)
    shadow(image, (190, 640, 630, 740))
    for i, colour in enumerate([(40, 110, 60), (200, 40, 40), (240, 190, 40)]):  # the tail feathers
        draw.chord((390 + i * 20, 200 + i * 30, 650 + i * 10, 560), 250, 90, fill=colour)
    draw.ellipse((200, 340, 560, 680), fill=body)
    draw.ellipse((200, 200, 360, 360), fill=body)
    for x in (220, 250, 280):
        draw.ellipse((x, 165, x + 50, 225), fill=(210, 30, 30))
    draw.polygon([(200, 270), (150, 290), (200, 305)], fill=(240, 190, 40))
    draw.ellipse((250, 250, 274, 274), fill=(30, 20, 20))
    draw.rectangle((360, 330, 440, 344), fill=(60, 30, 20))
    draw.arc((260, 420, 500, 640), 200, 340, fill=(250, 240, 220), width=10)
    return image


def _scallop(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: Colour) -> None:
    draw.pieslice((cx - r, cy - r, cx + r, cy + r), 200, 340, fill=colour, outline=darker(colour, 0.75), width=3)
    for angle in range(210, 340, 18):
        draw.pieslice((cx - r, cy - r, cx + r, cy + r), angle, angle + 1, fill=darker(colour, 0.8))


def shells(rnd: random.Random, name: str) -> Image.Image:
    """Shell craft: a frame, a lamp or a bunch of keychains, each covered in scallops."""
    image, draw = _scene(rnd)
    lowered = name.lower()
    shadow(image, (150, 620, 690, 750))
    if "lampu" in lowered:
        draw.rectangle((380, 200, 420, 660), fill=(120, 90, 60))
        draw.polygon([(240, 200), (560, 200), (620, 440), (180, 440)], fill=(250, 236, 200))
    elif "bingkai" in lowered:
        draw.rectangle((180, 180, 620, 680), fill=(236, 224, 200))
        draw.rectangle((270, 270, 530, 590), fill=(170, 200, 220))
    area = (250, 210, 550, 430) if "lampu" in lowered else (190, 190, 610, 670)
    for _ in range(30):
        x, y = rnd.randint(area[0], area[2]), rnd.randint(area[1], area[3])
        if "bingkai" in lowered and 250 < x < 550 and 250 < y < 610:
            continue
        colour = nudge(rnd.choice([(248, 230, 214), (240, 196, 176), (230, 216, 184)]), rnd)
        _scallop(draw, x, y, rnd.randint(34, 56), colour)
    return image


def boat(rnd: random.Random, name: str) -> Image.Image:
    """A model of a Tegal fishing boat: a bright painted hull, a cabin and its flags."""
    image, draw = _scene(rnd)
    hull = nudge(rnd.choice([(30, 100, 170), (200, 40, 40), (30, 140, 90)]), rnd)
    shadow(image, (120, 600, 700, 730))
    draw.polygon([(110, 440), (700, 440), (620, 620), (190, 620)], fill=hull)
    for i, colour in enumerate([(250, 220, 40), (250, 250, 250), (220, 40, 40)]):
        draw.rectangle((150 + i * 10, 470 + i * 30, 660 - i * 12, 484 + i * 30), fill=colour)
    draw.rectangle((320, 330, 520, 440), fill=(246, 240, 226), outline=darker(hull, 0.7), width=4)
    draw.line([(260, 160), (260, 440)], fill=(110, 80, 50), width=10)
    for i, colour in enumerate([(220, 40, 40), (250, 250, 250), (40, 140, 200)]):
        draw.polygon([(265, 170 + i * 40), (350, 185 + i * 40), (265, 200 + i * 40)], fill=colour)
    return image


def furniture(rnd: random.Random, name: str) -> Image.Image:
    """Teak furniture: a garden chair, a low folding table, a wall shelf or a small bench."""
    lowered = name.lower()
    image, draw = _scene(rnd, 0.7)
    teak = nudge((150, 96, 52), rnd, 20)
    edge = darker(teak, 0.7)
    shadow(image, (140, 640, 680, 760))
    if "rak" in lowered:
        for y in (200, 380, 560):
            draw.rectangle((170, y, 630, y + 30), fill=teak, outline=edge, width=3)
        draw.rectangle((170, 200, 194, 590), fill=edge)
        draw.rectangle((606, 200, 630, 590), fill=edge)
        return image
    top = 420 if "kursi" in lowered else (540 if "meja" in lowered else 470)
    legs = ((200, top + 30), (570, top + 30))
    for x, y in legs:
        draw.rectangle((x, y, x + 36, 700), fill=edge)
    draw.rectangle((170, top, 630, top + 40), fill=teak, outline=edge, width=3)
    if "kursi" in lowered:
        draw.rectangle((170, 140, 630, 170), fill=teak, outline=edge, width=3)
        for x in range(200, 620, 70):
            draw.rectangle((x, 170, x + 26, top), fill=teak, outline=edge)
    for x in range(180, 620, 40):  # the grain of the top
        draw.line([(x, top + 6), (x + 20, top + 34)], fill=darker(teak, 0.85), width=2)
    return image
