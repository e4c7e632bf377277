"""The demo's drawn pictures: every demo product gets photos of its own kind, not a placeholder."""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageChops, ImageStat

from marketplace import demo_images
from marketplace.demo_data import STORES


def decoded(stream: BytesIO) -> Image.Image:
    image = Image.open(stream)
    image.load()
    return image


def palette(image: Image.Image) -> tuple[int, float]:
    """How many coarse colours a picture has, and the share of the commonest: a flat placeholder
    (one colour, a disc and initials) has few and one that covers most of it."""
    counts: dict[tuple[int, ...], int] = {}
    for pixel in image.convert("RGB").resize((100, 100)).getdata():
        key = tuple(channel // 24 for channel in pixel)
        counts[key] = counts.get(key, 0) + 1
    return len(counts), max(counts.values()) / 10_000


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean per-channel difference of two pictures, 0 (same) to 255."""
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def test_every_demo_product_has_a_kind_with_a_drawing():
    kinds = {p.name: p.kind or demo_images.kind_for(p.name, p.unit, p.category) for s in STORES for p in s.products}

    assert set(kinds.values()) <= set(demo_images.DRAWINGS)
    assert kinds["Batik Tulis Motif Tegalan"] == "batik"
    assert kinds["Set Poci Tanah Liat dan 2 Cangkir"] == "poci"
    assert kinds["Gulai Kambing Beku 500 g"] == "bowl"  # not sugar, for the "gula" in "gulai"
    assert kinds["Teh Poci Gula Batu"] == "tea"
    assert kinds["Baling-baling Kapal Kuningan"] == "propeller"
    assert kinds["Kerupuk Ikan Tengiri"] == "snack_bag"
    assert kinds["Tas Anyaman Pandan"] == "woven"
    assert kinds["Gir Set Motor"] == "gear"
    assert len(set(kinds.values())) >= 25


def test_each_kind_draws_a_detailed_800px_jpeg_with_a_close_up():
    for kind in demo_images.DRAWINGS:
        photos = demo_images.product_photos(f"Produk {kind}", kind, "kriya")
        images = [decoded(photo) for photo in photos]

        assert 2 <= len(images) <= 3, kind
        assert all(image.format == "JPEG" and image.size == (800, 800) for image in images), kind
        colours, commonest = palette(images[0])
        assert colours >= 20 and commonest < 0.62, kind  # drawn, not a flat placeholder
        assert all(palette(image)[0] >= 8 for image in images), kind
        assert min(difference(a, b) for a in images for b in images if a is not b) > 8, kind  # three views
        assert all(len(photo.getvalue()) < 300_000 for photo in photos), kind


def test_two_products_of_a_kind_differ_and_kinds_differ_from_each_other():
    firsts = {kind: decoded(demo_images.product_photos("Sama", kind, "fesyen")[0]) for kind in demo_images.DRAWINGS}
    batik_a = decoded(demo_images.product_photos("Batik Tulis Motif Tegalan", "batik", "fesyen")[0])
    batik_b = decoded(demo_images.product_photos("Batik Cap Motif Sawat", "batik", "fesyen")[0])
    again = decoded(demo_images.product_photos("Batik Tulis Motif Tegalan", "batik", "fesyen")[0])

    assert difference(batik_a, batik_b) > 5
    assert difference(batik_a, again) < 1  # the same product draws the same photo on every load
    assert min(difference(firsts["batik"], image) for kind, image in firsts.items() if kind != "batik") > 5
    assert difference(firsts["poci"], firsts["gear"]) > 5


def test_store_logos_are_emblems_in_each_stores_colours():
    logos = {s.name: decoded(demo_images.logo(s.name, s.sector)) for s in STORES}

    assert all(image.format == "JPEG" and image.size == (480, 480) for image in logos.values())
    assert all(palette(image)[0] >= 20 for image in logos.values())
    assert difference(logos["Tahu Aci Murni"], logos["Sate Kambing Batibul"]) > 2  # one sector, two stores
    assert difference(logos["Tahu Aci Murni"], logos["Batik Tegalan Sari"]) > 10
