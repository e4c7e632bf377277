"""The filter sheet of a listing page (search, sector, category): each facet's choices as links
that keep every other choice, the chosen filters as chips that remove one, and a link that
removes them all. No JavaScript: every choice is a plain link or a GET form.

Links are built from the parsed filters, not the raw query string, in one fixed order of
parameters: a value the page refused is not carried on, and two ways to the same listing are
one URL (one page in the page cache). A link is a string join: a url_for per link cost more
than the counts' statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote_plus

from markupsafe import Markup, escape

from marketplace.catalog.facets import PRICE_BANDS, Choice, Facets
from marketplace.catalog.search import SORTS, SearchParams
from marketplace.i18n import gettext as _
from marketplace.i18n import rupiah

ORDER = ("q", "sector", "category", "city", "min_price", "max_price", "in_stock", "expo", "instansi", "sort")
CITIES_SHOWN = 8  # the rest behind "Semua kota"


@dataclass
class Link:
    """A choice of the sheet. ``{{ link }}`` renders it (``__html__``): ~50 of them on a listing
    page, where a macro call each cost more than the string."""

    label: str
    href: str
    count: int | None = None
    on: bool = False

    def __html__(self) -> Markup:
        """``<a href="…" class="on" aria-current="true">label <span class="n">count</span>
        <span aria-hidden="true">×</span></a>``, byte for byte what the template's macro wrote:
        the class and the cross only when on, the count only when there is one; label and href
        escaped as Jinja escapes them (``markupsafe.escape``)."""
        on = ' class="on" aria-current="true"' if self.on else ""
        count = "" if self.count is None else f' <span class="n">{self.count}</span>'
        cross = ' <span aria-hidden="true">×</span>' if self.on else ""
        return Markup(f'<a href="{escape(self.href)}"{on}>{escape(self.label)}{count}{cross}</a>')


@dataclass
class Group:
    """One facet of the sheet: its links, the ones behind "more", the error of its parameter."""

    name: str
    title: str
    links: list[Link]
    more: list[Link] = field(default_factory=list)
    error: str | None = None


@dataclass
class Sheet:
    groups: list[Group]
    switches: list[Link]  # in stock, expo: also shown beside the sheet's button
    chosen: list[Link]  # each removes its filter
    clear: str | None  # removes every chosen filter (None: none chosen)
    args: dict[str, str]  # the current filters, for the hidden fields of the sheet's forms
    sort_links: dict[str, str] = field(default_factory=dict)  # each sort with the current filters

    @property
    def open_for(self) -> bool:
        """Whether the sheet opens by itself: a field inside it has an error to show."""
        return any(group.error for group in self.groups)


def current_args(params: SearchParams, fixed: Iterable[str] = ()) -> dict[str, str]:
    """The query arguments that select ``params``'s listing (the page's own fixed filters and
    the page number left out), in ORDER."""
    fixed = set(fixed)
    values: dict[str, object] = {
        "q": params.q,
        "sector": params.sector if "sector" not in fixed else None,
        "category": params.category if "category" not in fixed else None,
        "city": params.city,
        "min_price": params.min_price,
        "max_price": params.max_price,
        "in_stock": "1" if params.in_stock else None,
        "expo": "1" if params.expo else None,
        "instansi": "1" if params.offered_only else None,
        "sort": params.sort,
    }
    return {name: str(values[name]) for name in ORDER if values[name] not in (None, "")}


def href(base: str, args: dict[str, str], **changes: object) -> str:
    """``base`` with ``args`` changed by ``changes`` (None removes one), in ORDER."""
    return Hrefs(base, args)(**changes)


class Hrefs:
    """``href(base, args, **changes)`` for the many links of one sheet: ``args`` quoted once,
    then each link joins the quoted pairs it keeps with the one or two it changes. The same
    string (urlencode writes ``quote_plus(name)=quote_plus(value)`` joined by ``&``, and every
    name in ORDER quotes as itself), without a merge and an urlencode of every pair per link."""

    def __init__(self, base: str, args: dict[str, str]) -> None:
        self.base = base
        kept = [name for name in ORDER if args.get(name) not in (None, "")]
        self.quoted = {name: f"{name}={quote_plus(str(args[name]))}" for name in kept}

    def __call__(self, **changes: object) -> str:
        parts = []
        for name in ORDER:
            if name in changes:
                value = changes[name]
                if value not in (None, ""):
                    parts.append(f"{name}={quote_plus(str(value))}")
            elif name in self.quoted:
                parts.append(self.quoted[name])
        return self.base + "?" + "&".join(parts) if parts else self.base


def _choice_links(hrefs: Hrefs, name: str, choices: list[Choice]) -> list[Link]:
    return [
        Link(c.label, hrefs(**{name: None if c.chosen else c.value}), c.count, c.chosen)
        for c in choices
        if c.count or c.chosen
    ]


def _price_links(hrefs: Hrefs, facets: Facets) -> list[Link]:
    links = []
    for c in facets.price:
        band = c.band or PRICE_BANDS[0]
        if not (c.count or c.chosen):
            continue
        if c.chosen:
            target = hrefs(min_price=None, max_price=None)
        else:
            target = hrefs(min_price=band.min or None, max_price=band.max)
        links.append(Link(c.label, target, c.count, c.chosen))
    return links


def _price_label(params: SearchParams) -> str:
    band = next((b for b in PRICE_BANDS if b.chosen(params)), None)
    if band is not None:
        return band.label
    if params.min_price is not None and params.max_price is not None:
        return f"{rupiah(params.min_price)} – {rupiah(params.max_price)}"
    if params.min_price is not None:
        return _("≥ %(a)s", a=rupiah(params.min_price))
    return _("≤ %(a)s", a=rupiah(params.max_price))


def _chosen(hrefs: Hrefs, args: dict[str, str], params: SearchParams, sheet_groups: list[Group]) -> list[Link]:
    """A chip per chosen filter, labelled as its facet shows it, linking to the listing without it."""
    labels = {group.name: next((link.label for link in group.links if link.on), None) for group in sheet_groups}
    chips = []
    for name in ("sector", "category", "city"):
        if name in args:
            chips.append(Link(labels.get(name) or args[name], hrefs(**{name: None}), on=True))
    if params.min_price is not None or params.max_price is not None:
        chips.append(Link(_price_label(params), hrefs(min_price=None, max_price=None), on=True))
    if params.in_stock:
        chips.append(Link(_("Ada stok"), hrefs(in_stock=None), on=True))
    if params.expo:
        chips.append(Link(_("Peserta Expo"), hrefs(expo=None), on=True))
    return chips


def filter_sheet(
    base: str, params: SearchParams, facets: Facets, errors: dict[str, str], fixed: Iterable[str] = ()
) -> Sheet:
    """The sheet of ``facets`` for the listing at path ``base`` showing ``params``."""
    args = current_args(params, fixed)
    hrefs = Hrefs(base, args)
    titles = {"sector": _("Sektor"), "category": _("Kategori"), "city": _("Kota"), "price": _("Harga")}
    groups = []
    for name in ("sector", "category", "city"):
        if name in facets.offered:
            links = _choice_links(hrefs, name, getattr(facets, name))
            more = links[CITIES_SHOWN:] if name == "city" else []
            groups.append(Group(name, titles[name], links[: len(links) - len(more)], more, errors.get(name)))
    if "price" in facets.offered:
        price_error = errors.get("min_price") or errors.get("max_price")
        groups.append(Group("price", titles["price"], _price_links(hrefs, facets), error=price_error))
    switches = []
    if facets.in_stock or params.in_stock:
        target = hrefs(in_stock=None if params.in_stock else "1")
        switches.append(Link(_("Ada stok"), target, facets.in_stock, params.in_stock))
    if facets.expo or params.expo:
        target = hrefs(expo=None if params.expo else "1")
        switches.append(Link(_("Peserta Expo"), target, facets.expo, params.expo))
    chosen = _chosen(hrefs, args, params, groups)
    keep: dict[str, str] = {name: args[name] for name in ("q", "instansi", "sort") if name in args}
    clear = href(base, keep) if chosen else None
    sorts = {sort: hrefs(sort=sort) for sort in SORTS}
    return Sheet(groups, switches, chosen, clear, args, sorts)
