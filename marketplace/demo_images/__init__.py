"""The demo's pictures, drawn at ``flask demo load`` time (no downloads, no files shipped):
product photos recognisable per kind of product, store logos, the expo's banner.

A product's kind comes from its name, then its unit, then its category (:func:`kind_for`);
each kind has a drawing, seeded by the product's name so two products of a kind differ
and a second load would draw the same pictures."""

from __future__ import annotations

import random
from collections.abc import Callable
from io import BytesIO

from PIL import Image

from marketplace.demo_images import craft, drinks, food, metal, textiles
from marketplace.demo_images.canvas import close_up, jpeg, seeded
from marketplace.demo_images.logos import banner, logo

Drawing = Callable[[random.Random, str], Image.Image]

DRAWINGS: dict[str, Drawing] = {
    "batik": textiles.batik,
    "shirt": textiles.shirt,
    "kaos": textiles.kaos,
    "tenun": textiles.tenun,
    "tote": textiles.tote,
    "cap": textiles.cap,
    "bowl": food.bowl,
    "snack_bag": food.snack_bag,
    "frozen": food.frozen,
    "sate": food.sate,
    "fish": food.fish,
    "bottle": food.bottle,
    "jar": food.jar,
    "box": food.box,
    "poci": drinks.poci,
    "tea": drinks.tea,
    "coffee": drinks.coffee,
    "sugar": drinks.sugar,
    "soap": drinks.soap,
    "woven": craft.woven,
    "vase": craft.vase,
    "rooster": craft.rooster,
    "shells": craft.shells,
    "boat": craft.boat,
    "furniture": craft.furniture,
    "wok": metal.wok,
    "blade": metal.blade,
    "gear": metal.gear,
    "propeller": metal.propeller,
    "brake": metal.brake,
    "bolts": metal.bolts,
    "pump": metal.pump,
}

# the first of these words found in the product's name decides, in this order: "Bumbu Kecap Sate"
# is a bottle, "Gulai Kambing Beku" a bowl (not sugar), "Teh Poci Gula Batu" a pack of tea,
# "Baling-baling Kapal" a propeller (not a boat)
NAME_KINDS = [
    ("kaos", "kaos"),
    ("kemeja", "shirt"),
    ("blus", "shirt"),
    ("masker", "batik"),
    ("syal", "tenun"),
    ("bordir", "cap"),
    ("tote", "tote"),
    ("bumbu kecap sate", "bottle"),
    ("sirup", "bottle"),
    ("sate", "sate"),
    ("gulai", "bowl"),
    ("tongseng", "bowl"),
    ("kupat", "bowl"),
    ("soto", "bowl"),
    ("cangkir", "poci"),
    ("tanah liat", "poci"),
    ("teh ", "tea"),
    ("celup", "tea"),
    ("kopi", "coffee"),
    ("gula", "sugar"),
    ("celengan", "rooster"),
    ("vas ", "vase"),
    ("baling", "propeller"),
    ("kapal", "boat"),
    ("kerang", "shells"),
    ("gir ", "gear"),
    ("kampas", "brake"),
    ("baut", "bolts"),
    ("pompa", "pump"),
    ("wajan", "wok"),
    ("panci", "wok"),
    ("pisau", "blade"),
    ("cangkul", "blade"),
    ("ikan asin", "fish"),
    ("sabun", "soap"),
    ("beku", "frozen"),
    ("frozen", "frozen"),
    ("kerupuk", "snack_bag"),
    ("keripik", "snack_bag"),
]
UNIT_KINDS = {"botol": "bottle", "toples": "jar", "kotak": "box"}
CATEGORY_KINDS = {
    "batik": "batik",
    "tenun-tekstil": "tenun",
    "pakaian": "shirt",
    "tas-aksesoris": "tote",
    "anyaman": "woven",
    "furnitur": "furniture",
    "makanan-ringan": "snack_bag",
    "sambal-bumbu": "snack_bag",
    "olahan-ikan": "snack_bag",
    "frozen-food": "frozen",
    "kue-roti": "box",
    "jamu-herbal": "bottle",
    "minuman-olahan": "bottle",
    "keramik-gerabah": "vase",
    "dekorasi-rumah": "vase",
    "kerajinan-tangan": "shells",
    "kosmetik": "jar",
    "perawatan-tubuh": "soap",
    "kopi": "coffee",
    "teh": "tea",
    "peralatan-dapur": "wok",
    "perkakas-logam": "blade",
    "suku-cadang": "gear",
}
# what a buyer wants to see packed (fragile, or food that travels): these get a third photo, their
# parcel; a cloth or a gear gets the item and its close-up (each photo costs four encodes at upload)
PACKED = frozenset({"bowl", "sate", "fish", "bottle", "jar", "box", "frozen", "poci", "vase", "rooster", "shells"})
SECTOR_TAPE = {
    "kuliner": (200, 80, 40),
    "minuman-herbal": (40, 120, 70),
    "fesyen": (120, 70, 140),
    "kriya": (150, 100, 50),
    "logam-furnitur": (60, 90, 130),
    "kosmetik": (190, 80, 120),
}


def kind_for(name: str, unit: str, category: str) -> str:
    """The drawing a product gets: by a word of its name, else its unit, else its category."""
    lowered = f"{name.lower()} "
    for word, kind in NAME_KINDS:
        if word in lowered:
            return kind
    return UNIT_KINDS.get(unit) or CATEGORY_KINDS.get(category, "box")


def product_photos(name: str, kind: str, sector: str) -> list[BytesIO]:
    """800x800 JPEG photos: the product, a close-up of its texture, and for the kinds in
    ``PACKED`` the parcel it travels in."""
    rnd = seeded(name, kind)
    item = DRAWINGS[kind](rnd, name)
    photos = [jpeg(item), jpeg(close_up(item, rnd))]
    if kind in PACKED:
        photos.append(jpeg(drinks.in_its_pack(rnd, name, SECTOR_TAPE.get(sector, (120, 90, 60)))))
    return photos


__all__ = ["DRAWINGS", "banner", "kind_for", "logo", "product_photos"]
