"""Draw the home-screen icons and the default share image from the logo (static/img/logo.svg).

Run once; the PNGs and the JPEG are committed under marketplace/static/img/. The logo is
redrawn with Pillow (no SVG renderer is needed): the teal square #0f766e and the
yellow "A" #fde68a of logo.svg, scaled from its 32-unit grid. Fonts: DejaVu Sans Bold
(Debian's fonts-dejavu-core), for the share image's words only.

    .venv/bin/python scripts/draw_share_images.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

TEAL = "#0f766e"
SAND = "#fde68a"
A_SHAPE = [(8, 23), (16, 8), (24, 23), (20, 23), (16, 15), (12, 23)]  # logo.svg's path
OUT = Path(__file__).resolve().parent.parent / "marketplace" / "static" / "img"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
SCALE = 4  # drawn at 4x then reduced: smooth edges without an antialiasing renderer


def logo(side: int, *, rounded: bool = True, inset: float = 0.0) -> Image.Image:
    """The logo ``side`` px square; ``inset`` shrinks the "A" toward the centre (maskable icons
    keep their mark inside the 80 % safe zone) and ``rounded`` cuts the corners as logo.svg does."""
    big = side * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 8 // 32, fill=TEAL)
    else:
        draw.rectangle((0, 0, big, big), fill=TEAL)
    unit = big / 32 * (1 - inset)
    offset = big * inset / 2
    draw.polygon([(offset + x * unit, offset + y * unit) for x, y in A_SHAPE], fill=SAND)
    return image.resize((side, side), Image.Resampling.LANCZOS)


def share_image() -> Image.Image:
    """1200x630: the logo and the market's name on the brand colour."""
    image = Image.new("RGB", (1200, 630), TEAL)
    mark = logo(220, rounded=False)
    image.paste(mark, (140, 205), mark)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((132, 197, 368, 433), radius=60, outline=SAND, width=6)  # the square on its own colour
    draw.text((400, 225), "Apik Market", font=ImageFont.truetype(FONT, 96), fill=SAND)
    draw.text((404, 350), "Pasar daring IKM Kota Tegal", font=ImageFont.truetype(FONT, 44), fill="#ffffff")
    return image


def main() -> None:
    logo(192).save(OUT / "icon-192.png", optimize=True)
    logo(512).save(OUT / "icon-512.png", optimize=True)
    logo(512, rounded=False, inset=0.3).save(OUT / "icon-maskable-512.png", optimize=True)
    logo(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    share_image().save(OUT / "share.jpg", quality=85, optimize=True, progressive=True)


if __name__ == "__main__":
    main()
