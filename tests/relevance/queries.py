"""The relevance set: queries people type on the expo's search, and what must come first.

Each case is checked against the catalogue of tests/relevance/catalogue.py (the demo's IKMs and
a few more) on SQLite and on PostgreSQL by tests/integration/test_relevance.py.

- ``first``: the name that must be the first result (top-1);
- ``top``: names that must all be among the first ``within`` results (default: as many as named);
- ``lead``: a word every one of the first ``within`` results' names carries;
- ``not_top``: names that must not be among the first ``within`` results;
- ``found``: names that must be found at all (on the first page of 60);
- ``empty``: nothing may be found (and nothing may fail);
- ``suggestion``: the "Maksud Anda" the search must offer (``None``: none); ``...``: not checked;
- ``corrected``: the results shown are the suggestion's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import EllipsisType


@dataclass(frozen=True)
class Case:
    q: str
    first: str | None = None
    top: tuple[str, ...] = ()
    within: int = 0
    lead: str | None = None
    not_top: tuple[str, ...] = ()
    found: tuple[str, ...] = ()
    empty: bool = False
    suggestion: str | None | EllipsisType = ...
    corrected: bool | None = None
    why: str = field(default="", compare=False)


BATIK_NAMES = (
    "Batik Tulis Motif Tegalan",
    "Batik Cap Motif Sawat",
    "Kemeja Batik Pria Lengan Panjang",
    "Blus Batik Wanita",
    "Selendang Batik Tegalan",
    "Masker Kain Batik isi 3",
)
FROZEN = (
    "Tahu Aci Frozen",
    "Sate Kambing Batibul Beku",
    "Gulai Kambing Beku 500 g",
    "Tongseng Kambing Beku 500 g",
    "Paket Kupat Glabed Beku (2 porsi)",
    "Bakso Ikan Beku",
    "Otak-otak Bandeng Beku isi 5",
    "Olos Frozen isi 20",
)
STONES = ("Gula Batu Kristal", "Sate Kambing Batibul Beku", "Cincin Batu Akik Pancawarna", "Gelang Batu Giok")

CASES = [
    # --- exact words, names, stores, categories ------------------------------------------
    Case("batik", lead="batik", within=6, suggestion=None, corrected=False),
    Case("Batik Tulis Motif Tegalan", first="Batik Tulis Motif Tegalan", why="an exact product name"),
    Case("Sate Kambing Batibul", first="Sate Kambing Batibul Beku", why="a store's name and its product"),
    Case("Teh Poci Mbok Darmi", top=("Teh Poci Gula Batu",), within=2, why="a store's name"),
    Case("Kopi Bumijawa", first="Kopi Robusta Bumijawa"),
    Case("Sarung Tenun Ujungrusi", first="Sarung Tenun ATBM Motif Kotak"),
    Case("gerabah", top=("Vas Bunga Gerabah", "Celengan Gerabah Ayam Jago"), why="a category's name"),
    Case("makanan beku", top=FROZEN, why="a category's Indonesian name (slug frozen-food): all of it first"),
    Case("peralatan dapur", top=("Wajan Besi Tempa", "Panci Aluminium Set 3"), why="a category's name"),
    Case("kopi jahe", first="Kopi Jahe Sachet isi 10", why="several words"),
    Case("poci tanah liat", top=("Poci Tanah Liat Besar", "Set Poci Tanah Liat dan 2 Cangkir")),
    Case("wajan besi", first="Wajan Besi Tempa"),
    Case("otak otak", first="Otak-otak Bandeng Beku isi 5", why="a hyphenated name"),
    Case("baling baling", first="Baling-baling Kapal Kuningan"),
    Case("jahe merah", first="Jahe Merah Instan"),
    Case("abon tuna", first="Abon Ikan Tuna"),
    Case("BaTiK TuLiS", first="Batik Tulis Motif Tegalan", why="mixed case"),
    Case("isi 10", lead="10", within=5, why="digits"),
    Case("500 g", top=("Gulai Kambing Beku 500 g", "Tongseng Kambing Beku 500 g"), why="digits and a unit"),
    Case("gula batu", top=("Gula Batu Kristal", "Teh Poci Gula Batu")),
    Case("  wajan,  besi!! ", first="Wajan Besi Tempa", why="punctuation around the words"),
    Case("kopi robusta", first="Kopi Robusta Bumijawa"),
    Case("tikar pandan", first="Tikar Pandan Lipat"),
    # --- letters swapped, missing, wrong, doubled ---------------------------------------
    Case("btaik", lead="batik", within=6, not_top=STONES, suggestion="batik", corrected=True, why="swapped"),
    Case("bstik", lead="batik", within=6, not_top=("Stik Bawang Keju", "Stik Balado Pedas"), suggestion="batik"),
    Case("batk", lead="batik", within=6, not_top=STONES, suggestion="batik", why="batik before batu"),
    Case("batikk", lead="batik", within=6, suggestion="batik", why="a doubled letter"),
    Case("kerajnan", first="Kerajinan Bambu Anyaman", suggestion="kerajinan", corrected=True),
    Case("kerajin", first="Kerajinan Bambu Anyaman", why="an unfinished word"),
    Case("slendang", first="Selendang Batik Tegalan", suggestion="selendang"),
    Case("temulwak", first="Temulawak Instan", suggestion="temulawak"),
    Case("cangkol", first="Cangkul Baja Tempa", suggestion="cangkul", why="a wrong vowel"),
    Case("krupuk", lead="kerupuk", within=3, suggestion="kerupuk"),
    Case("tnun", lead="tenun", within=3, suggestion="tenun", why="a short word: one edit"),
    Case("kmeja batik", first="Kemeja Batik Pria Lengan Panjang", suggestion="kemeja batik"),
    Case("kopi arabica", top=("Kopi Arabika Gunung Slamet", "Drip Bag Kopi Arabika isi 10"), suggestion="kopi arabika"),
    Case("kunyit asem", first="Jamu Kunyit Asam", suggestion="kunyit asam", why="one known word, one not"),
    Case("btaik tulsi", first="Batik Tulis Motif Tegalan", within=2, top=("Batik Tulis Motif Tegalan",)),
    Case("jamuu", lead="jamu", within=2, suggestion="jamu"),
    # --- joined and split words ----------------------------------------------------------
    Case("tehpoci", first="Tehpoci Celup Rasa Melati", top=("Teh Poci Gula Batu",), within=3),
    Case("teh poci", top=("Teh Poci Gula Batu",), within=2, found=("Tehpoci Celup Rasa Melati",)),
    Case("telorasin", top=("Telor Asin Asap Premium", "Telur Asin Rebus Masir", "Telur Asin Bakar isi 10")),
    # --- the synonym list (keripik/kripik, sambal/sambel, jamu/jamoe, batik tulis, telur asin)
    Case("kripik", first="Kripik Singkong Balado", top=("Keripik Tempe Sagu Original",), within=4),
    Case("keripik", lead="keripik", within=3, found=("Kripik Singkong Balado",), why="exact spellings first"),
    Case("kripik pedas", first="Keripik Usus Ayam Pedas"),
    Case("sambel", first="Sambel Terasi Tegal", top=("Sambal Bawang Pedas", "Sambal Cumi Asin"), within=3),
    Case("sambal", lead="sambal", within=3, found=("Sambel Terasi Tegal",)),
    Case("sambl", lead="samb", within=4, suggestion="sambal"),
    Case("jamu", lead="jamu", within=2, found=("Jamoe Galian Singset",)),
    Case("jamoe", first="Jamoe Galian Singset", top=("Jamu Kunyit Asam", "Jamu Beras Kencur"), within=3),
    Case("batik tulis", first="Batik Tulis Motif Tegalan", found=("Kain Batik Tulisan Tangan Motif Parang",)),
    Case("batik cap", first="Batik Cap Motif Sawat"),
    Case(
        "telor asin",
        first="Telor Asin Asap Premium",
        top=("Telur Asin Rebus Masir", "Telur Asin Bakar isi 10"),
        within=3,
    ),
    Case("telur asin", lead="telur", within=2, found=("Telor Asin Asap Premium",)),
    # --- nothing to find, odd input ------------------------------------------------------
    Case("komputer", empty=True, suggestion=None, why="a word no product has"),
    Case("zzzqqq xyzzy", empty=True, suggestion=None),
    Case("!!! ??? ...", empty=True, why="punctuation only"),
    Case("batik " * 120, lead="batik", within=3, why="very long input"),
    Case("b" * 300, empty=True, why="one very long word"),
    Case("batik xyzzy", lead="batik", within=6, suggestion=None, why="a missing word: the others still find"),
]
