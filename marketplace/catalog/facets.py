"""Counts for the filters of a listing (facets): how many listed products each choice shows.

Disjunctive, as shoppers know it from the big marketplaces: each facet is counted with every
other chosen filter applied but not its own, so its counts say what choosing one of its values
gives while the other choices stay. One statement for all of them whatever the catalogue: one
grouped pass over the rows the listing shows, a group per sector, category and city with the
sums of the six price bands and the two switches (in stock, exhibiting in a running expo),
which Python adds up per facet; a UNION ALL (SQLite has no GROUPING SETS) adds a branch for
each facet with a chosen value (its counts leave its own filter out) and the cities' spelling.
It reads ``product_listings`` alone and, with search words, the same matches as the page
(``SearchResult.hits``); a search's page statement may count the grouped pass and the cities'
spelling itself (:class:`PagePass`), leaving this statement only the chosen facets' branches, or
nothing to read. The expo switch
filters by the live exhibitors' store ids (search.live_store_ids, the statement the cards'
badges make anyway): no join.

Without search words the statement is built once per shape of the listing (search.shaped) and
executed with the filters' values as parameters. The counts are remembered like a listing's
total (pagecache.memo, keyed by the words and the filters, search.filter_key): an unfiltered
listing counts its rows once per catalogue change, and the pages and sorts of one search share
one count. The price bands' and the in-stock
switch's own counts may lag by up to :data:`COUNT_MAX_AGE` seconds after a change (see there).
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    FromClause,
    Select,
    String,
    Subquery,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.sql.util import ClauseAdapter

from marketplace import pagecache, reads
from marketplace import pagecache_tags as tags
from marketplace.catalog import listing_counts, listing_tags, queries
from marketplace.catalog.models import ProductListing
from marketplace.catalog.search import (
    FACETS,
    SWITCHES,
    Matches,
    SearchParams,
    chosen_facets,
    expo_condition,
    filter_groups,
    filter_key,
    filter_shape,
    filter_values,
    shaped,
)
from marketplace.catalog.sectors import SECTORS, category_name, sector_name
from marketplace.extensions import db
from marketplace.gov.models import GovOffer
from marketplace.i18n import gettext as _
from marketplace.i18n import translations
from marketplace.stores.models import Store

# a price band's label per translations object (a language of an app), as sectors._NAMES
_BAND_LABELS: WeakKeyDictionary = WeakKeyDictionary()


@dataclass(frozen=True)
class PriceBand:
    """A band of the price facet: ``min_price`` and ``max_price`` as the filter takes them
    (``max`` None: no upper end). Prices compare with a product's cheapest variant."""

    min: int
    max: int | None

    @property
    def value(self) -> str:
        return f"{self.min}-{self.max if self.max is not None else ''}"

    @property
    def label(self) -> str:
        """``< Rp 25 rb``, ``Rp 25–50 rb``, ``Rp 250 rb–1 jt``, ``> Rp 1 jt``: made once per
        language (six bands of two or three translated strings each were a twentieth of a
        sector page's render)."""
        labels = _BAND_LABELS.get(current := translations())
        if labels is None:
            labels = _BAND_LABELS[current] = {}
        found = labels.get(self)
        if found is None:
            found = labels[self] = self._label()
        return found

    def _label(self) -> str:
        if self.max is None:
            return _("> Rp %(a)s", a=short_rupiah(self.min))
        high = short_rupiah(self.max + 1)
        if self.min == 0:
            return _("< Rp %(a)s", a=high)
        same_unit = (self.min >= 1_000_000) == (self.max + 1 >= 1_000_000)
        low = str(self.min // (1_000_000 if self.min >= 1_000_000 else 1000)) if same_unit else short_rupiah(self.min)
        return _("Rp %(a)s–%(b)s", a=low, b=high)

    def chosen(self, params: SearchParams) -> bool:
        return (params.min_price or 0) == self.min and params.max_price == self.max


PRICE_BANDS = tuple(PriceBand(low, high) for low, high in listing_counts.BAND_LIMITS)


# How old the price bands' and the in-stock switch's counts may be, in seconds. During the expo
# an order that sells a product out or a seller's new stock or price changes them, and with
# exact counts each such write dropped every search, sector and category page from the page
# cache (their counts read every product's price and stock). Their tags lag instead
# (pagecache_tags.lagging): after such a write a page is kept until it is this old, then
# rendered anew. The products a page lists, and every count a chosen price or stock filter
# narrows, stay exact.
COUNT_MAX_AGE = tags.LAG_SECONDS
_COUNTS_SIZE = pagecache.sized(200)  # a remembered count: a few short strings and numbers


def short_rupiah(amount: int) -> str:
    """``25 rb``, ``1 jt``: a band's end as a price tag says it."""
    if amount >= 1_000_000 and amount % 1_000_000 == 0:
        return _("%(n)d jt", n=amount // 1_000_000)
    return _("%(n)d rb", n=amount // 1000)


@dataclass
class Choice:
    """One value of a facet: what its filter parameter takes, its label, how many products."""

    value: str
    label: str
    count: int
    chosen: bool = False
    band: PriceBand | None = None  # the price facet's


@dataclass
class Facets:
    """The counts of a listing's facets. A facet the page fixes (the sector of a sector page)
    is not counted: its list is empty and ``offered`` leaves it out."""

    offered: tuple[str, ...]
    sector: list[Choice] = field(default_factory=list)
    category: list[Choice] = field(default_factory=list)
    city: list[Choice] = field(default_factory=list)
    price: list[Choice] = field(default_factory=list)
    in_stock: int = 0
    expo: int = 0


# --- the statement ---------------------------------------------------------------------------
# Most listings choose no value of most facets, and a facet whose own filter is not chosen counts
# the very rows the listing shows. So one grouped pass counts them all: the rows every chosen
# filter keeps, grouped by sector, category and city, each group with its sums for the price
# bands, in stock and exhibiting; Python adds the groups up per facet. Only a facet with a chosen
# value reads a branch of its own (its counts leave its own filter out), and a chosen switch's
# count is the pass's total. The groups follow the covering indexes' column order (migration
# 0032), so SQLite streams a sector's or a category's rows from one index without a sort. Before,
# a branch per facet read every row of the listing again (five times on a sector page).

_NULL: ColumnElement[Any] = literal_column("NULL")
_ZERO: ColumnElement[Any] = literal_column("0")
_KEYS = {"sector": "sector", "category": "category_id", "city": "city_key"}  # the grouping facets' columns
_BANDS = tuple(f"p{i}" for i in range(len(PRICE_BANDS)))
# a row: which branch, the group's keys, the city's spelling, how many, and the pass's sums
_COLUMNS = ("facet", "sector", "category", "city", "label", "n", *_BANDS, "stock", "expo")
_ROW_COLUMNS = ("product_id", "sector", "category_id", "category_slug", "city_key", "price_min", "in_stock", "store_id")


def _text(value: str) -> ColumnElement[Any]:
    # constants inlined: PostgreSQL matches a GROUP BY expression to the select list's only
    # without parameters, and cannot type a parameter that is only a UNION's column
    return literal_column("'" + value.replace("'", "''") + "'")


def _row(facet: str, **values: ColumnElement[Any]) -> list[ColumnElement[Any]]:
    """The columns of one branch: ``values`` by name, the others NULL (keys) or 0 (counts)."""
    columns: list[ColumnElement[Any]] = [_text(facet).label("facet")]
    for name in _COLUMNS[1:]:
        blank = _NULL if name in ("sector", "category", "city", "label") else _ZERO
        columns.append(values.get(name, blank).label(name))
    return columns


@dataclass
class _Source:
    """The rows every branch counts: listed, kept by the filters no facet changes (and matching
    the words), and the facets' own filters, applied branch by branch. ``summed``: the rows are
    the groups of listing_counts or listing_totals (catalog/listing_counts.py), whose counts are
    summed, not products."""

    rows: FromClause
    where: list
    groups: dict[str, list]
    adapt: Callable[[Any], Any]
    summed: Table | None = None
    bound: bool = False  # the filters' values are named parameters (search.filter_values)
    # where the rows tell no store (listing_totals): the branch counting the exhibitors' products
    exhibitors: Select | None = None

    def column(self, name: str) -> ColumnElement[Any]:
        return self.adapt(ProductListing.__table__.c[name])

    def count(self) -> ColumnElement[Any]:
        """How many products the rows are."""
        return func.coalesce(func.sum(self.summed.c.n), _ZERO) if self.summed is not None else func.count()

    def count_if(self, condition: ColumnElement[Any]) -> ColumnElement[Any]:
        """How many of the products ``condition`` (on the rows' columns: :meth:`column`) keeps."""
        if self.summed is not None:
            products = case((condition, self.summed.c.n), else_=_ZERO)
            return func.coalesce(func.sum(products), _ZERO)
        return _sum(condition)

    def grouped(self, stmt: Select) -> Select:
        """``stmt`` grouped as every grouped branch is; on groups, without the sums that
        cancelled out (a group whose last product went keeps its rows until folded)."""
        stmt = stmt.group_by(*[self.column(column) for column in _KEYS.values()])
        return stmt.having(func.sum(self.summed.c.n) != _ZERO) if self.summed is not None else stmt

    def branch(self, columns: list, without: Iterable[str] = ()) -> Select:
        """``columns`` over the rows every facet's filter keeps but those of ``without``."""
        left_out = set(without)
        conditions = [c for name, group in self.groups.items() if name not in left_out for c in group]
        stmt = select(*columns).select_from(self.rows).where(*self.where)
        return stmt.where(*[self.adapt(c) for c in conditions])


def _source(params: SearchParams, hits: Subquery | CTE | None, shared: bool, bound: bool = False) -> _Source:
    """``shared``: several branches read the rows, so with words the matches are joined to their
    listing rows once (a materialised CTE of a few narrow columns) for all of them. ``bound``
    (without words): the filters' values are named parameters (search.filter_groups)."""
    groups = filter_groups(params, bound)
    if hits is None and (table := listing_counts.table(params)) is not None:
        grouped = listing_counts.grouped_filters(groups, params, bound, table)
        fixed = grouped.pop("fixed")
        exhibitors = None if table is listing_counts.COUNTS else _exhibitors(params, groups, bound)
        adapt = partial(listing_counts.on_groups, groups=table)
        return _Source(table, fixed, grouped, adapt, summed=table, bound=bound, exhibitors=exhibitors)
    row = ProductListing.__table__
    where = [row.c.listed.is_(True), *groups.pop("fixed")]
    rows: FromClause = row
    if params.offered_only:
        rows = row.outerjoin(GovOffer, (GovOffer.product_id == row.c.product_id) & GovOffer.active.is_(True))
    if hits is None:
        return _Source(rows, where, groups, lambda clause: clause, bound=bound)
    matched = rows.join(hits, hits.c.product_id == row.c.product_id)
    if not shared:
        return _Source(matched, where, groups, lambda clause: clause, bound=bound)
    columns = [row.c[name] for name in _ROW_COLUMNS]
    base = select(*columns).select_from(matched).where(*where).cte("facet_rows").prefix_with("MATERIALIZED")
    return _Source(base, [], groups, ClauseAdapter(base).traverse, bound=bound)


def _exhibitors(params: SearchParams, groups: dict[str, list], bound: bool) -> Select:
    """The count of the exhibitors' products among those every filter keeps (``groups``: as
    search.filter_groups gives them), from listing_counts' groups of the live exhibitors."""
    counts = listing_counts.COUNTS
    on_counts = listing_counts.grouped_filters(groups, params, bound, counts)
    conditions = [c for group in on_counts.values() for c in group]
    exhibiting = expo_condition(counts.c.store_id, bound=bound)
    n = func.coalesce(func.sum(counts.c.n), _ZERO)
    return select(*_row("expo", n=n)).select_from(counts).where(*conditions, exhibiting)


def _band_sums(source: _Source) -> dict[str, ColumnElement[Any]]:
    if source.summed is not None:
        index = source.summed.c.band
        return {name: source.count_if(index == literal_column(str(i))) for i, name in enumerate(_BANDS)}
    price = source.column("price_min")
    sums = {}
    for name, band in zip(_BANDS, PRICE_BANDS, strict=True):
        inside = price >= literal_column(str(band.min))
        if band.max is not None:
            inside = and_(inside, price <= literal_column(str(band.max)))
        sums[name] = _sum(inside)
    return sums


_ONE: ColumnElement[Any] = literal_column("1")


def _sum(condition: ColumnElement[Any]) -> ColumnElement[Any]:
    # constants, not parameters: each parameter is one more to key, bind and send per statement
    return func.coalesce(func.sum(case((condition, _ONE), else_=_ZERO)), _ZERO)


def _pass(source: _Source, offered: Sequence[str], chosen: set[str]) -> Select:
    """The grouped pass: every chosen filter applied, a group per sector, category and city, with
    the sums of the price bands and the switches. It groups by all three even where a filter
    fixes one (a single value then, no more groups): so the groups follow a covering index's
    order and SQLite streams them; grouped by the city alone, it read the city index whole."""
    values: dict[str, ColumnElement[Any]] = {**_keys(source), "n": source.count()}
    if "price" in offered and "price" not in chosen:
        values.update(_band_sums(source))
    if "in_stock" not in chosen:
        values["stock"] = source.count_if(source.column("in_stock").is_(True))
    if "expo" not in chosen and source.exhibitors is None:  # else counted by that branch
        values["expo"] = source.count_if(expo_condition(source.column("store_id"), bound=source.bound))
    return source.grouped(source.branch(_row("all", **values)))


def _keys(source: _Source) -> dict[str, ColumnElement[Any]]:
    """The grouping facets' values of a row, by facet."""
    keys = {name: source.column(column) for name, column in _KEYS.items()}
    keys["category"] = cast(keys["category"], String)
    return keys


def _grouped(source: _Source, facet: str) -> Select:
    """The products of each value of a chosen ``facet`` (sector, category or city), its own filter
    left out; grouped by all three as the pass is (see there), and added up in Python."""
    return source.grouped(source.branch(_row(facet, **_keys(source), n=source.count()), [facet]))


def _price(source: _Source) -> Select:
    """One row: the products of each price band, a chosen price left out."""
    return source.branch(_row("price", **_band_sums(source)), ["price"])


def _city_names() -> Select:
    """How the stores write each city (``city_key`` is its lower case): the city facet's labels."""
    key = func.lower(Store.city)
    stmt = select(*_row("city_name", city=key, label=func.min(Store.city)))
    return stmt.where(Store.status == "approved", Store.city != "").group_by(key)


def _own_branches(offered: Sequence[str], chosen: set[str]) -> list[str]:
    """The facets counted in a branch of their own: those with a chosen value (a chosen switch
    counts as the pass's total)."""
    return [name for name in ("sector", "category", "city", "price") if name in offered and name in chosen]


def _statement(
    params: SearchParams,
    hits: Subquery | CTE | None,
    offered: Sequence[str],
    chosen: set[str],
    counted: bool = False,
    bound: bool = False,
) -> Select | CompoundSelect | None:
    """``counted``: the grouped pass and the cities' spelling were counted with the search's
    page (:class:`PagePass`); None when nothing is left to read. ``bound``: see :func:`_source`."""
    own = _own_branches(offered, chosen)
    source = _source(params, hits, shared=len(own) + (not counted) > 1, bound=bound)
    branches = [] if counted else [_pass(source, offered, chosen)]
    if source.exhibitors is not None:  # only on listing_totals: no words, no expo filter
        branches.append(source.exhibitors)
    branches += [_price(source) if name == "price" else _grouped(source, name) for name in own]
    if "city" in offered and not counted:
        branches.append(_city_names())
    if not branches:
        return None
    return branches[0] if len(branches) == 1 else union_all(*branches)


# --- the grouped pass, counted by a search's page statement ------------------------------------

_GROUP = namedtuple("_GROUP", _COLUMNS)  # type: ignore[misc]


@dataclass
class PagePass:
    """The grouped pass of a listing's facets, for search_products to count with a search's page
    (search.Counted): the page's statement then reads the matches' listing rows once for the
    page and the counts (search._ranked_page). ``fixed``: as for :func:`facet_counts`."""

    params: SearchParams
    fixed: tuple[str, ...] = ()

    def remembered(self) -> bool:
        """Whether the counts are remembered (facet_counts reads them without a statement)."""
        offered = tuple(name for name in FACETS if name not in set(self.fixed))
        return pagecache.remembered(_key(self.params, offered, words=True))

    def __call__(self, matched: CTE) -> ColumnElement[Any]:
        """The pass over ``matched`` (the matches' listing rows, every filter applied, with
        search.COUNTED_COLUMNS) and the cities' spelling, as one value. Every sum is counted;
        :func:`_add_up` takes those the listing needs."""
        # its columns by name: a ClauseAdapter copied every expression of the pass, 1 ms a page
        source = _Source(matched, [], {}, lambda column: matched.c[column.name], bound=True)
        grouped = union_all(_pass(source, FACETS, set()), _city_names()).subquery("grouped")
        if db.session.get_bind().dialect.name == "postgresql":
            return select(func.json_agg(func.json_build_array(*grouped.c))).scalar_subquery()
        return select(func.json_group_array(func.json_array(*grouped.c))).scalar_subquery()


def _page_groups(hits: Matches | None) -> list | None:
    """The grouped pass's rows that the search's page statement counted, None when it did not."""
    if hits is None or hits.groups is None:
        return None
    groups: Any = hits.groups
    if isinstance(groups, str):  # SQLite's JSON is text; psycopg decodes PostgreSQL's
        groups = json.loads(groups)
    return [_GROUP(*values) for values in groups or ()]


# each column's position in a row: rows are read by position, as a Row's attribute costs ~20
# times its index (the sector page's 61 rows were added up in 1.4 ms by name)
_AT = {name: i for i, name in enumerate(_COLUMNS)}
_N, _STOCK, _EXPO, _CITY, _LABEL = (_AT[name] for name in ("n", "stock", "expo", "city", "label"))
_BAND_AT = tuple(_AT[name] for name in _BANDS)


def _add_up(rows: Iterable[Any], offered: Sequence[str], chosen: set[str]) -> tuple:
    """``((facet, value, label, (n0, ..., n5)), ...)`` from the statement's rows (in the order of
    _COLUMNS): the grouped pass's groups summed per value of each facet, the branches' rows as
    they are."""
    by_value: dict[str, dict[str, int]] = {name: {} for name in _KEYS if name in offered}
    summed = [(_AT[facet], counts) for facet, counts in by_value.items() if facet not in chosen]
    bands = [0] * len(PRICE_BANDS)
    total = stock = expo = 0
    out: list[tuple] = []
    for r in rows:
        facet = r[0]
        if facet == "all":
            n = int(r[_N])
            total += n
            stock += int(r[_STOCK] or 0)
            expo += int(r[_EXPO] or 0)
            for i, at in enumerate(_BAND_AT):
                bands[i] += int(r[at] or 0)
            for at, counts in summed:
                value = r[at]
                if value is not None:
                    counts[value] = counts.get(value, 0) + n
        elif facet == "price":
            out.append(("price", None, None, tuple(int(r[at] or 0) for at in _BAND_AT)))
        elif facet == "city_name":
            out.append(("city_name", r[_CITY], r[_LABEL], (0,) * len(_BANDS)))
        elif facet == "expo":  # the pass's groups tell no store (_Source.exhibitors)
            expo += int(r[_N] or 0)
        elif (value := r[_AT[facet]]) is not None:  # a chosen facet's own branch
            counts = by_value[facet]
            counts[value] = counts.get(value, 0) + int(r[_N])
    for facet, counts in by_value.items():
        out += [(facet, value, None, (n,)) for value, n in counts.items()]
    if "price" in offered and "price" not in chosen:
        out.append(("price", None, None, tuple(bands)))
    out.append(("in_stock", None, None, (total if "in_stock" in chosen else stock,)))
    out.append(("expo", None, None, (total if "expo" in chosen else expo,)))
    return tuple(out)


def _counts(params: SearchParams, hits: Matches | None, offered: Sequence[str]) -> tuple:
    """``((facet, value, label, (n0, ..., n5)), ...)``, remembered until the catalogue changes."""
    chosen = chosen_facets(params)
    depends = _depends(params, offered, hits is not None)
    if hits is not None and hits.total == 0 and not chosen & set(offered) - set(SWITCHES):
        # the words found nothing the listing's filters keep, and no facet with a branch of its
        # own is chosen (its counts leave its filter out): every count is 0, known without a
        # statement or the live exhibitors' (the memo's key); a missing word's page
        pagecache.depends_on(*depends)
        return _add_up((), offered, chosen)

    def compute() -> tuple:
        if hits is None:
            return _add_up(_listing_rows(params, offered, chosen), offered, chosen)
        counted = _page_groups(hits)
        rows = list(counted or ())
        if counted is None or _own_branches(offered, chosen):  # else nothing is left to read
            rows += _search_rows(params, hits, offered, chosen, counted is not None)
        return _add_up(rows, offered, chosen)

    return pagecache.memo(_key(params, offered, hits is not None), compute, size=_COUNTS_SIZE, depends=depends)


def _search_rows(params: SearchParams, hits: Matches, offered: Sequence[str], chosen: set[str], counted: bool) -> list:
    """The statement's rows for a search: kept by the search's shape (its branches' penalties and
    the listing's filters, search.shaped), the words and the filters' values given as parameters."""
    key = ("facets-search", hits.shape, filter_shape(params), tuple(offered), tuple(sorted(chosen)), counted)

    def build() -> Select | CompoundSelect:
        statement = _statement(params, hits.plain, offered, chosen, counted, bound=True)
        assert statement is not None  # the caller reads it only when something is left
        return statement

    values = {**filter_values(params, live=True), **hits.values}
    return list(reads.execute(shaped(key, build), values).all())


def _listing_rows(params: SearchParams, offered: Sequence[str], chosen: set[str]) -> list:
    """The statement's rows for a listing without words: its statement is kept by the listing's
    shape (search.shaped), the filters' values given as parameters."""
    covers = listing_counts.covers(params)  # the table follows from it and the filters set
    key = ("facets", filter_shape(params), covers, tuple(offered), tuple(sorted(chosen)))

    def build() -> Select | CompoundSelect:
        statement = _statement(params, None, offered, chosen, bound=True)
        assert statement is not None  # without words the grouped pass is always read
        return statement

    values = filter_values(params, live=True)  # the exhibitors' count reads them, chosen or not
    if covers:
        values.update(listing_counts.band_values(params))
    return list(reads.execute(shaped(key, build), values).all())


def _key(params: SearchParams, offered: Sequence[str], words: bool) -> tuple:
    """What the counts are remembered by: the words (``words``: the listing searches them), the
    facets offered and the filters."""
    return ("facets", params.q if words else None, tuple(offered), *filter_key(params, switches=True))


# the filters each offered facet ignores when it counts (the others' counts still apply them)
_IGNORED: dict[str, dict[str, Any]] = {
    "sector": {"sector": None},
    "category": {"category": None, "category_id": None},
    "city": {"city": None},
    "price": {"min_price": None, "max_price": None},
    "in_stock": {"in_stock": False},
}


def _depends(params: SearchParams, offered: Sequence[str], words: bool) -> tuple[str, ...]:
    """The page cache tags the counts depend on. Each offered facet counts the listing's
    products with its own filter left out, so it reads the products of that wider dimension,
    and their prices or stock where a price or stock filter applies; a search's counts read its
    words' text too. The price bands and the in-stock switch also count by every product's
    price and stock without a filter asking for it: those tags lag (see :data:`COUNT_MAX_AGE`)."""
    found: set[str] = set()
    for name in offered:
        counted = replace(params, **_IGNORED.get(name, {}))
        dimension = listing_tags.dimension(counted)
        aspects = [tags.TEXT] if words else []
        if counted.min_price is not None or counted.max_price is not None:
            aspects.append(tags.PRICE)
        elif name == "price":
            found.add(tags.lagging(f"{tags.PRICE}@{dimension}"))
        if counted.in_stock:
            aspects.append(tags.STOCK)
        elif name == "in_stock":
            found.add(tags.lagging(f"{tags.STOCK}@{dimension}"))
        found.update(tags.listing(dimension, aspects))
    return tuple(sorted(found))


# --- the counts, labelled ----------------------------------------------------------------------


def facet_counts(
    params: SearchParams,
    hits: Matches | None = None,
    categories: Sequence[queries.CategoryEntry] | None = None,
    fixed: Iterable[str] = (),
) -> Facets:
    """The facets of the listing ``params`` selects (``hits``: the search's matches, see
    ``SearchResult.hits``), in one statement or none when remembered. ``fixed``: facets the page
    decides itself (its filter still applies; they are not counted). ``categories`` name the
    category facet's values: every category (read here, one more statement, when not given)."""
    if categories is None:
        categories = queries.categories()
    offered = tuple(name for name in FACETS if name not in set(fixed))
    facets = Facets(offered)
    by_id = {str(c.id): c for c in categories}
    rows = _counts(params, hits, offered)
    cities = {value: label for facet, value, label, _n in rows if facet == "city_name"}
    for facet, value, _label, counts in rows:
        n = counts[0]
        if facet == "sector":
            facets.sector.append(Choice(value, sector_name(value), n))
        elif facet == "category" and value in by_id:
            category = by_id[value]
            facets.category.append(Choice(category.slug, category_name(category), n))
        elif facet == "city" and value:  # a store without a city is in no city
            name = cities.get(value) or value
            facets.city.append(Choice(name, name, n))
        elif facet == "price":
            bands = zip(PRICE_BANDS, counts, strict=True)
            facets.price = [Choice(b.value, b.label, c, b.chosen(params), b) for b, c in bands]
        elif facet == "in_stock":
            facets.in_stock = n
        elif facet == "expo":
            facets.expo = n
    _finish(facets, params, {c.slug: c for c in categories})
    return facets


def _finish(facets: Facets, params: SearchParams, by_slug: dict) -> None:
    """Order each facet, mark what is chosen, and keep a chosen value that counts nothing (the
    other filters left it no product) so it can still be seen and removed."""
    order = {slug: i for i, slug in enumerate(SECTORS)}
    facets.sector.sort(key=lambda c: order.get(c.value, len(order)))
    facets.category.sort(key=lambda c: (-c.count, c.label.lower()))
    facets.city.sort(key=lambda c: (-c.count, c.label.lower()))
    chosen = {
        "sector": params.sector,
        "category": params.category,
        "city": params.city.lower() if params.city else None,
    }
    for name, value in chosen.items():
        choices: list[Choice] = getattr(facets, name)
        if name not in facets.offered or not value:
            continue
        for choice in choices:
            choice.chosen = (choice.value.lower() if name == "city" else choice.value) == value
        if not any(c.chosen for c in choices):
            choices.insert(0, _nothing_left(name, params, by_slug))
    if "price" in facets.offered and not facets.price:
        facets.price = [Choice(b.value, b.label, 0, b.chosen(params), b) for b in PRICE_BANDS]


def _nothing_left(name: str, params: SearchParams, by_slug: dict) -> Choice:
    """A chosen value the other filters left no product."""
    if name == "sector" and params.sector:
        return Choice(params.sector, sector_name(params.sector), 0, True)
    if name == "category" and params.category:
        category = by_slug.get(params.category)
        label = category_name(category) if category else params.category
        return Choice(params.category, label, 0, True)
    return Choice(params.city or "", params.city or "", 0, True)
