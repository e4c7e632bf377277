"""Cloth: batik (parang and kawung motifs in sogan colours), shirts, t-shirts, woven sarongs,
a tote bag and a cap."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

from marketplace.demo_images.canvas import (
    SIDE,
    Colour,
    backdrop,
    darker,
    fitted_font,
    lighter,
    nudge,
    oval,
    placed,
    shadow,
    tiled,
)

SOGAN = [(150, 92, 44), (118, 70, 34), (176, 116, 58)]  # the browns of soga dye
CREAM = (236, 218, 178)
INDIGO = (38, 44, 82)
WALLS = [(226, 232, 236), (238, 230, 218), (220, 228, 218)]
TABLE = (196, 160, 118)


def batik_cloth(rnd: random.Random, size: tuple[int, int]) -> Image.Image:
    """A piece of batik of ``size``: parang (diagonal blades) or kawung (four-petal circles)."""
    ground, ink = nudge(rnd.choice(SOGAN), rnd, 12), rnd.choice([(62, 36, 18), INDIGO])
    tile = _parang if rnd.random() < 0.5 else _kawung
    return tiled(tile(ground, ink, rnd.randint(90, 130)), size)


def _parang(ground: Colour, ink: Colour, step: int) -> Image.Image:
    image = Image.new("RGB", (step * 2, step * 2), ground)
    draw = ImageDraw.Draw(image)
    for k in range(-2, 4):  # diagonal bands; each tile repeats seamlessly every two steps
        x0 = k * step
        draw.line([(x0, 0), (x0 + step * 2, step * 2)], fill=ink, width=max(6, step // 12))
        for j in range(3):
            cx, cy = x0 + step * (j + 0.5) - step * 0.1, step * (j - 0.1) + step * 0.6
            draw.polygon(oval(cx, cy, step * 0.42, step * 0.16, 45), fill=CREAM, outline=ink)
            draw.polygon(oval(cx, cy, step * 0.22, step * 0.06, 45), fill=ink)
            dot = step * 0.07
            draw.ellipse(
                (cx + step * 0.3 - dot, cy - step * 0.3 - dot, cx + step * 0.3 + dot, cy - step * 0.3 + dot), fill=ink
            )
    return image


def _kawung(ground: Colour, ink: Colour, step: int) -> Image.Image:
    image = Image.new("RGB", (step, step), ground)
    draw = ImageDraw.Draw(image)
    for cx, cy in ((0, 0), (step, 0), (0, step), (step, step), (step / 2, step / 2)):
        for angle in (45, 135):
            for sign in (-1, 1):
                off = step * 0.2 * sign
                dx, dy = (off, off) if angle == 45 else (off, -off)
                draw.polygon(oval(cx + dx, cy + dy, step * 0.24, step * 0.12, angle), fill=CREAM, outline=ink)
        draw.ellipse((cx - step * 0.05, cy - step * 0.05, cx + step * 0.05, cy + step * 0.05), fill=ink)
    return image


def batik(rnd: random.Random, name: str) -> Image.Image:
    """A folded length of batik on a table, the top fold showing its pattern."""
    image = backdrop(rnd, rnd.choice(WALLS), TABLE, horizon=0.45)
    width, height = rnd.randint(520, 600), rnd.randint(380, 470)
    cloth = batik_cloth(rnd, (width, height))
    draw = ImageDraw.Draw(cloth)
    for fold in range(1, 3):  # the folds of the stack: a shaded crease every third of the height
        y = height * fold // 3
        draw.rectangle((0, y - 6, width, y + 6), fill=darker(cloth.getpixel((4, y)), 0.6))
    draw.rectangle((0, 0, width, 14), fill=CREAM)  # the border (pinggiran)
    mask = Image.new("L", cloth.size, 255)
    placed(image, cloth, mask, rnd.uniform(-14, 14), (SIDE // 2, int(SIDE * 0.56)))
    return image


def _shirt_mask(short: bool) -> Image.Image:
    mask = Image.new("L", (SIDE, SIDE), 0)
    sleeve = 0.44 if short else 0.74
    body = [(290, 150), (510, 150), (640, 230), (690, 800 * sleeve), (610, 800 * sleeve + 20), (560, 330)]
    body += [(560, 700), (240, 700), (240, 330), (190, 800 * sleeve + 20), (110, 800 * sleeve), (160, 230)]
    ImageDraw.Draw(mask).polygon(body, fill=255)
    return mask


def shirt(rnd: random.Random, name: str) -> Image.Image:
    """A batik shirt or blouse laid flat: the pattern cut to a shirt, its collar and buttons."""
    image = backdrop(rnd, rnd.choice(WALLS), lighter(TABLE, 0.3), horizon=0.1)
    short = "blus" in name.lower() or rnd.random() < 0.3
    mask = _shirt_mask(short)
    shadow(image, (120, 620, 700, 740), 80)
    image.paste(batik_cloth(rnd, (SIDE, SIDE)), (0, 0), mask)
    draw = ImageDraw.Draw(image)
    draw.polygon([(330, 150), (400, 240), (470, 150), (440, 140), (400, 190), (360, 140)], fill=CREAM)
    for y in range(270, 680, 80):
        draw.ellipse((392, y, 408, y + 16), fill=(240, 236, 226), outline=(90, 70, 50))
    draw.line([(400, 240), (400, 700)], fill=(70, 44, 24), width=3)
    return image


def kaos(rnd: random.Random, name: str) -> Image.Image:
    """A plain t-shirt with its screen print: the words of its name in a round badge."""
    image = backdrop(rnd, rnd.choice(WALLS), lighter(TABLE, 0.4), horizon=0.1)
    colour = nudge(rnd.choice([(34, 40, 49), (200, 40, 46), (240, 240, 236), (28, 94, 140), (22, 110, 80)]), rnd)
    ink = (250, 246, 236) if sum(colour) < 400 else (40, 34, 30)
    shadow(image, (120, 620, 700, 740), 80)
    image.paste(colour, (0, 0), _shirt_mask(True))
    draw = ImageDraw.Draw(image)
    draw.ellipse((340, 130, 460, 200), fill=darker(colour, 0.8))
    draw.ellipse((290, 280, 510, 500), outline=ink, width=8)
    words = [w for w in name.split() if w.lower() not in ("kaos",)][:3]
    for row, word in enumerate(words):
        chosen = fitted_font(draw, word.upper(), 170, 40)
        draw.text((400, 340 + row * 50), word.upper(), font=chosen, fill=ink, anchor="mm")
    return image


def tenun(rnd: random.Random, name: str) -> Image.Image:
    """A folded woven sarong: checks (kotak) of two thread colours, or lurik's thin stripes."""
    image = backdrop(rnd, rnd.choice(WALLS), TABLE, horizon=0.45)
    palette = [
        nudge(c, rnd, 20)
        for c in rnd.choice(
            [
                [(120, 24, 40), (30, 60, 110), (230, 200, 120)],
                [(22, 80, 70), (190, 160, 90), (40, 40, 40)],
                [(90, 40, 100), (210, 180, 200), (30, 30, 60)],
            ]
        )
    ]
    width, height = rnd.randint(480, 580), rnd.randint(360, 440)
    lurik = "lurik" in name.lower()
    vertical = _stripes(palette, (width, height), rnd.randint(10, 16) if lurik else rnd.randint(30, 50), True)
    cloth = vertical if lurik else Image.blend(vertical, _stripes(palette, (width, height), 40, False), 0.5)
    mask = Image.new("L", cloth.size, 255)
    if "syal" in name.lower():  # a scarf: long and narrow, fringed
        cloth, mask = cloth.resize((width, 170)), Image.new("L", (width, 170), 255)
        ImageDraw.Draw(cloth).rectangle((0, 0, 24, 170), fill=palette[2])
    placed(image, cloth, mask, rnd.uniform(-12, 12), (SIDE // 2, int(SIDE * 0.57)))
    return image


def _stripes(palette: list[Colour], size: tuple[int, int], width: int, vertical: bool) -> Image.Image:
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image)
    for i, start in enumerate(range(0, size[0] if vertical else size[1], width)):
        colour = palette[i % len(palette)]
        box = (start, 0, start + width - 4, size[1]) if vertical else (0, start, size[0], start + width - 4)
        draw.rectangle(box, fill=colour)
    return image


def tote(rnd: random.Random, name: str) -> Image.Image:
    """A canvas tote bag with its handles and a batik band printed across."""
    image = backdrop(rnd, rnd.choice(WALLS), TABLE)
    canvas_colour = nudge((226, 212, 182), rnd, 10)
    shadow(image, (160, 650, 660, 760))
    draw = ImageDraw.Draw(image)
    for x in (280, 420):
        draw.arc((x, 90, x + 110, 330), 180, 360, fill=darker(canvas_colour, 0.75), width=22)
    draw.rectangle((200, 200, 600, 700), fill=canvas_colour, outline=darker(canvas_colour, 0.8), width=4)
    image.paste(batik_cloth(rnd, (400, 150)), (200, 380))
    return image


def cap(rnd: random.Random, name: str) -> Image.Image:
    """A cap with an embroidered round badge on its front."""
    image = backdrop(rnd, rnd.choice(WALLS), TABLE)
    colour = nudge(rnd.choice([(30, 40, 60), (150, 30, 36), (40, 90, 60)]), rnd)
    shadow(image, (150, 560, 690, 680))
    draw = ImageDraw.Draw(image)
    draw.polygon(oval(500, 452, 230, 46, -4), fill=darker(colour, 0.8))
    draw.pieslice((170, 230, 590, 650), 180, 360, fill=colour)
    draw.rectangle((170, 438, 590, 470), fill=darker(colour, 0.85))
    draw.ellipse((330, 300, 430, 400), fill=(245, 200, 60), outline=(250, 250, 240), width=6)
    draw.ellipse((372, 224, 388, 240), fill=darker(colour, 0.7))
    return image
