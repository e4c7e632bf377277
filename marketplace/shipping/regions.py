"""Indonesia's regions by their Kemendagri codes: 38 provinces ("33"), 514 regencies and cities
("33.76"), 7,285 districts or kecamatan ("33.76.01") and 83,762 villages ("33.76.01.1001").

The data ships with the app (``data/regions.csv.gz``, see ``data/README.md``) and never changes
while it runs, so it is read once per process and kept in memory: provinces, regencies and
districts on first use (a few thousand rows), the villages only when something asks for one,
because most requests (a district search, a picker's first three selects) never do.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

LEVELS = ("province", "regency", "district", "village")
CODE_RE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?$")
MIN_QUERY = 2  # characters of a search without a parent


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: str  # one of LEVELS
    parent: str | None  # the code one level up; None for a province

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level, "parent": self.parent}


def level_of(code: str) -> str:
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    head, dot, _tail = code.rpartition(".")
    return head if dot else None


# --- loading --------------------------------------------------------------------------


class _Table:
    """What has been read so far. Rows are in code order, so children lists come out sorted.

    Search runs over two texts of one line per region, " folded name\tcode\n" (upper levels,
    villages): a word that begins with "teg" is the C-speed ``str.find`` of " teg"."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.upper: dict[str, Region] | None = None  # provinces, regencies, districts
        self.children: dict[str | None, list[str]] = {}
        self.context: dict[str, tuple[str, ...]] = {}  # upper code → the words of its own and its parents' names
        self.upper_text = ""
        self.villages: dict[str, str] | None = None  # code → name (a Region is made when asked)
        self.village_children: dict[str, list[str]] = {}
        self.village_text = ""


_table = _Table()


def _rows(villages: bool) -> Iterator[tuple[str, str]]:
    """(code, name) of the bundled file: the villages, or everything above them."""
    data = resources.files("marketplace.shipping").joinpath("data", "regions.csv.gz")
    with data.open("rb") as raw, io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8", newline="") as text:
        for code, name in csv.reader(text):
            if (code.count(".") == 3) == villages:
                yield code, name.strip()


def _upper() -> dict[str, Region]:
    if _table.upper is None:
        with _table.lock:
            if _table.upper is None:
                upper: dict[str, Region] = {}
                lines = []
                for code, name in _rows(villages=False):
                    region = Region(code, name, level_of(code), parent_of(code))
                    upper[code] = region
                    _table.children.setdefault(region.parent, []).append(code)
                    folded = _fold(name)
                    above = _table.context.get(region.parent, ()) if region.parent else ()
                    _table.context[code] = (*folded.split(), *above)
                    lines.append(f" {folded}\t{code}\n")
                _table.upper_text = "".join(lines)
                _table.upper = upper
    return _table.upper


def _villages() -> dict[str, str]:
    _upper()
    if _table.villages is None:
        with _table.lock:
            if _table.villages is None:
                villages: dict[str, str] = {}
                lines = []
                for code, name in _rows(villages=True):
                    villages[code] = name
                    _table.village_children.setdefault(code[:8], []).append(code)
                    lines.append(f" {_fold(name)}\t{code}\n")
                _table.village_text = "".join(lines)
                _table.villages = villages
    return _table.villages


def load(villages: bool = False) -> None:
    """Read the data now rather than on the first request (a worker's start-up may call it)."""
    _upper()
    if villages:
        _villages()


# --- lookups --------------------------------------------------------------------------


def get(code: str | None) -> Region | None:
    """The region of this Kemendagri code, or None (unknown, or not a code at all)."""
    if not isinstance(code, str) or not CODE_RE.match(code):
        return None
    if code.count(".") < 3:
        return _upper().get(code)
    name = _villages().get(code)
    return Region(code, name, "village", code[:8]) if name is not None else None


def is_district(code: str | None) -> bool:
    return isinstance(code, str) and code.count(".") == 2 and get(code) is not None


def children(code: str | None = None) -> list[Region]:
    """The regions one level below ``code`` in code order; None: the provinces. [] for an unknown code."""
    if code is not None and (not isinstance(code, str) or not CODE_RE.match(code)):
        return []
    upper = _upper()
    if code is not None and code.count(".") == 2:
        names = _villages()
        return [Region(c, names[c], "village", code) for c in _table.village_children.get(code, ())]
    return [upper[c] for c in _table.children.get(code, ())]


def path(code: str | None) -> list[Region]:
    """The province, regency, ... down to the region itself; [] for an unknown code."""
    region = get(code)
    if region is None:
        return []
    out = [region]
    while out[0].parent is not None:
        out.insert(0, _upper()[out[0].parent])
    return out


def label(region: Region | str | None) -> str:
    """ "Tegal Barat, Kota Tegal, Jawa Tengah": the region and what it lies in, nearest first."""
    code = region.code if isinstance(region, Region) else region
    return ", ".join(r.name for r in reversed(path(code)))


# --- search ---------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['`’]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """Lower case, apostrophes dropped ("Ma'rang" is found as "marang"), other marks a space."""
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def _hits(text: str, word: str) -> Iterator[tuple[str, str]]:
    """(folded name, code) of every line of ``text`` where a word of the name begins with ``word``."""
    needle = " " + word
    at = text.find(needle)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        tab = text.find("\t", at)
        end = text.find("\n", tab)
        if tab != -1 and end != -1:  # the needle lies in a name, before its line's tab
            yield text[start + 1 : tab], text[tab + 1 : end]
        at = text.find(needle, end)


def _score(query: tuple[str, ...], code: str, own: list[str], above: tuple[str, ...]) -> tuple | None:
    """How well a region answers, smaller first; None when it does not. Every query word must begin a
    word of its name or of a region it lies in ("kebayoran jakarta"); at least one begins a word of its
    own name, so "tegal" lists the districts of Kota Tegal after those named Tegal and never every
    village beneath them. Whole words ("kota tegal") count before word beginnings ("tegalrejo")."""
    mine = elsewhere = whole = 0
    for q in query:
        whole += q in own or q in above
        if q in own or any(w.startswith(q) for w in own):
            mine += 1
        elif q in above or any(w.startswith(q) for w in above):
            elsewhere += 1
        else:
            return None
    if not mine:
        return None
    exact = own == list(query)
    return (LEVELS.index(level_of(code)), elsewhere > 0, -whole, not exact, len(own), code)


def _candidates(text: str, query: tuple[str, ...], prefix: str) -> dict[str, str]:
    """code → folded name of the lines where some query word begins a word of the name."""
    found: dict[str, str] = {}
    for word in query:
        for folded, code in _hits(text, word):
            if code.startswith(prefix):
                found[code] = folded
    return found


def search(q: str, level: str | None = None, parent: str | None = None, limit: int = 20) -> list[Region]:
    """Regions whose name (with the names above it) holds every word of ``q``, case-insensitive:
    provinces, then regencies, then districts, then villages; within a level those whose own name
    holds all the words first. ``level`` and ``parent`` (any code above) narrow it."""
    query = tuple(dict.fromkeys(_fold(q or "").split()))
    if not query or limit < 1:
        return []
    upper = _upper()
    prefix = f"{parent}." if parent else ""
    scored = []
    if level != "village":
        for code, folded in _candidates(_table.upper_text, query, prefix).items():
            if level is None or level_of(code) == level:
                region = upper[code]
                above = _table.context[region.parent] if region.parent else ()
                score = _score(query, code, folded.split(), above)
                if score is not None:
                    scored.append(score)
    scored.sort()
    out = [upper[s[-1]] for s in scored[:limit]]
    if len(out) < limit and level in (None, "village"):
        out += _search_villages(query, prefix, limit - len(out))
    return out


def _search_villages(query: tuple[str, ...], prefix: str, limit: int) -> list[Region]:
    names = _villages()
    scored = []
    for code, folded in _candidates(_table.village_text, query, prefix).items():
        score = _score(query, code, folded.split(), _table.context[code[:8]])
        if score is not None:
            scored.append(score)
    scored.sort()
    return [Region(s[-1], names[s[-1]], "village", s[-1][:8]) for s in scored[:limit]]
