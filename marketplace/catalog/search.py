"""Product search and every filtered product listing.

Full text over ``product_search`` (the product's name, description, category
and store, kept by ``catalog.services.reindex_product``): SQLite FTS5 ranked by
bm25 with the name weighted above the rest, PostgreSQL ``tsvector`` ranked by
``ts_rank`` (name weight A, the rest B), chosen by the engine's dialect.

User input never reaches either query language as syntax: it is cut into
words of letters and digits, and each word is quoted. What is looked for comes
from catalog.readings: the words as typed with their synonyms, splits and joins;
when they find nothing, the words corrected (``btaik`` → batik, catalog.spelling),
then each as a prefix (``kerajin`` → kerajinan), then any word, shortened. Within
an attempt each branch has a penalty that ranks before the full-text rank, so
what was typed always comes first.

One search is one statement for the page (total included), after the synonym
list and the words' entry in the vocabulary (both remembered until the catalogue
changes; a word the vocabulary does not know adds one for its corrections); each
further attempt adds a statement, only when nothing was found. A listing without
words is the page and — unless the page is the last — a count remembered until
the catalogue changes (pagecache.memo). Its statements, and its facets', are built once per
shape (which filters it sets, :func:`shaped`) and executed with the filters' values as
parameters.

The filters are grouped by the facet that changes them (:func:`filter_groups`), so
catalog.facets counts each facet with every other filter applied but its own.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, Protocol, TypeVar, cast

from flask import current_app, has_app_context
from sqlalchemy import (
    CTE,
    ColumnElement,
    Executable,
    Select,
    Subquery,
    any_,
    bindparam,
    column,
    exists,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    true,
    union_all,
)

from marketplace import pagecache, reads
from marketplace.catalog import listing_counts, listing_tags, queries, readings
from marketplace.catalog.models import ProductListing
from marketplace.catalog.queries import Page
from marketplace.catalog.readings import Branch, Phrase
from marketplace.catalog.sectors import SECTORS
from marketplace.expo import queries as expo_queries
from marketplace.extensions import db
from marketplace.gov.models import GovOffer
from marketplace.i18n import gettext as _
from marketplace.inputs import digits

SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_WORD_CHARS = 40
MAX_PRICE = 1_000_000_000
MAX_PAGE = 100_000
NAME_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # FTS5 bm25 column weights
PG_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"  # ts_rank weights of D, C, B (rest), A (name)
PENALTY_SCALE = 1_000_000  # a branch's penalty outweighs any full-text rank
# a search counts its facets with its page, ranked over a CTE (see _ranked_page), when a word as
# typed is in this many listed products: below, the facets' own statement and the page's window
# read few rows, and the larger statement costs more than it saves (0.4 ms a rare word's page)
COUNT_ALONG_DOCS = 500

_WORD = re.compile(r"[^\W_]+")


@dataclass
class SearchParams:
    """What a listing asks for; every field optional. ``category_id`` and
    ``store_id`` are for pages that already hold the object."""

    q: str = ""
    sector: str | None = None
    category: str | None = None
    category_id: int | None = None
    city: str | None = None
    store: str | None = None
    store_id: int | None = None
    min_price: int | None = None
    max_price: int | None = None
    in_stock: bool = False  # ``?in_stock=1``: only products with a variant in stock
    expo: bool = False  # ``?expo=1``: only products of stores exhibiting in a running expo
    sort: str | None = None
    page: int = 1
    per_page: int = 24
    # for an office's official only (the pages decide): cards carry the store's offer to
    # offices, and ``offered_only`` keeps the offered products (``?instansi=1``)
    gov_terms: bool = False
    offered_only: bool = False

    @property
    def effective_sort(self) -> str:
        """The sort asked for; relevance needs words to rank, newest is the default."""
        words = bool(words_of(self.q))
        if self.sort in SORTS and (self.sort != "relevance" or words):
            return self.sort
        return "relevance" if words else "newest"


@dataclass
class Matches:
    """The products one attempt's words match. :attr:`ranked`: (product_id, score), what a page is
    ordered by; :attr:`plain`: product_id alone, the same matches without their full-text rank
    (bm25 or ts_rank over thousands of matches of a common word), which counts do not need;
    ``total``: how many listed products of them the listing's filters keep, once the page is read.
    Each is built when a statement first needs it: a page whose ranking and counts are remembered
    needs neither (building them was 7 % of such a page)."""

    ranking: Callable[[], Subquery | CTE]
    unranked: Callable[[], Subquery | CTE]
    branches: tuple[Branch, ...] = ()  # what it matches, as a key (the remembered ranked page)
    # what its statements are kept by (search.shaped): the branches' penalties, in order; their
    # words are the parameters ``values`` (w0, w1...), given at each execution
    shape: tuple[float, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    total: int | None = None
    later: list[bool] | None = None  # whether each later attempt matches any product at all (probed)
    # the facets' grouped pass over the listing's matches, when the page's statement counted it
    # (search_products' ``counted``): as the database aggregated it, catalog.facets reads it
    groups: object = None

    @cached_property
    def ranked(self) -> Subquery | CTE:
        return self.ranking()

    @property
    def plain(self) -> Subquery | CTE:
        return self.unranked()


class Counted(Protocol):
    """What a search's page statement may count along (catalog.facets.PagePass): a column over
    the matches' listing rows (with COUNTED_COLUMNS), unless it is remembered already."""

    def remembered(self) -> bool: ...

    def __call__(self, matched: CTE) -> ColumnElement: ...


# the listing columns a search's matches carry when the page's statement also counts the facets:
# its order keys and what the facets' grouped pass reads (catalog.facets)
COUNTED_COLUMNS = ("created_at", "price_min", "sector", "category_id", "city_key", "in_stock", "store_id")


@dataclass
class SearchResult(Page):
    """A page of ProductCards; ``fallback`` tells that the words were matched loosely.
    ``suggestion``: a better spelling of the query to offer ("Maksud Anda"), when the words
    as typed find little; ``corrected``: the products shown are the suggestion's."""

    query: str = ""
    fallback: bool = False
    # the matches the page was cut from (None without words): the facets count over the same
    hits: Matches | None = None
    suggestion: str | None = None
    corrected: bool = False


# --- parsing --------------------------------------------------------------------


def _int_arg(raw: str, field: str, minimum: int, maximum: int, errors: dict, price: bool = False) -> int | None:
    cleaned = raw.strip()
    if price:
        cleaned = cleaned.replace("Rp", "").replace("rp", "").replace(".", "").replace(" ", "")
    if not digits(cleaned):
        errors[field] = _("Harus bilangan bulat.") if not price else _("Harga harus bilangan bulat rupiah.")
        return None
    value = int(cleaned)
    if not minimum <= value <= maximum:
        errors[field] = _("Harus antara %(a)d dan %(b)d.", a=minimum, b=maximum)
        return None
    return value


# a yes/no filter's values, as the API's other switches take them (GET /stores?featured=)
SWITCH_VALUES = {"": False, "0": False, "false": False, "1": True, "true": True}
SWITCHES = ("in_stock", "expo")


def parse_search_args(
    args: Mapping[str, str], per_page: int = 24, max_per_page: int | None = None
) -> tuple[SearchParams, dict[str, str]]:
    """SearchParams from query-string arguments, and the errors of the ones
    that were dropped. ``max_per_page=None`` ignores a ``per_page`` argument."""
    errors: dict[str, str] = {}
    params = SearchParams(per_page=per_page)
    params.q = (args.get("q") or "").strip()[:MAX_QUERY_CHARS]
    sector = (args.get("sector") or "").strip()
    if sector:
        if sector in SECTORS:
            params.sector = sector
        else:
            errors["sector"] = _("Sektor tidak dikenal.")
    for name in ("category", "city", "store"):
        value = (args.get(name) or "").strip()[:80]
        setattr(params, name, value or None)
    for name in ("min_price", "max_price"):
        raw = args.get(name) or ""
        if raw.strip():
            setattr(params, name, _int_arg(raw, name, 0, MAX_PRICE, errors, price=True))
    if params.min_price is not None and params.max_price is not None and params.min_price > params.max_price:
        errors["max_price"] = _("Harga maksimum harus lebih besar dari harga minimum.")
        params.max_price = None
    for name in SWITCHES:
        raw = args.get(name) or ""
        if raw in SWITCH_VALUES:
            setattr(params, name, SWITCH_VALUES[raw])
        else:
            errors[name] = _("Pilih 1 atau 0.")
    sort = (args.get("sort") or "").strip()
    if sort:
        if sort in SORTS:
            params.sort = sort
        else:
            errors["sort"] = _("Urutan tidak dikenal.")
    if (args.get("page") or "").strip():
        params.page = _int_arg(args["page"], "page", 1, MAX_PAGE, errors) or 1
    if max_per_page and (args.get("per_page") or "").strip():
        params.per_page = _int_arg(args["per_page"], "per_page", 1, max_per_page, errors) or per_page
    return params, errors


def words_of(q: str | None) -> list[str]:
    """The searchable words of what the user typed: letters and digits only, lower case."""
    words = _WORD.findall((q or "")[:MAX_QUERY_CHARS].lower())
    return [w[:MAX_WORD_CHARS] for w in words[:MAX_WORDS]]


# --- the full-text match, per dialect ---------------------------------------------
# Every word reaching a query language is letters and digits only (words_of, the vocabulary,
# the synonym list's normalized terms), and quoted besides: never an operator.


def _fts5_phrase(phrase: Phrase, prefix: bool) -> str:
    return f'"{" ".join(phrase)}"' + ("*" if prefix else "")


def _tsquery_phrase(phrase: Phrase, prefix: bool) -> str:
    lexemes = [f"'{w}'" for w in phrase]
    if prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def _positive(branch: Branch, postgres: bool) -> str:
    """The branch's own match: any conjunction, every slot of it, any phrase of a slot."""
    phrase, either, every = (_tsquery_phrase, " | ", " & ") if postgres else (_fts5_phrase, " OR ", " AND ")
    return either.join(
        "(" + every.join("(" + either.join(phrase(p, branch.prefix) for p in slot) + ")" for slot in conjunction) + ")"
        for conjunction in branch.conjunctions
    )


def _expression(branch: Branch, cheaper: list[Branch], postgres: bool) -> str:
    """What the branch finds that no cheaper branch of its attempt does: each product is matched
    once, at its best penalty, with no grouping of the matches afterwards."""
    own = _positive(branch, postgres)
    if not cheaper:
        return own
    before = (" | " if postgres else " OR ").join(f"({_positive(b, postgres)})" for b in cheaper)
    return f"({own}) & !({before})" if postgres else f"({own}) NOT ({before})"


def _branch_select(branch: Branch, postgres: bool, name: str, ranked: bool = True, cheaper: bool = False):
    """(product_id, score) of one branch: its penalty first, then the full-text rank; without
    ``ranked``, product_id alone. Its words are the parameter ``name`` (the query's text, see
    :func:`_branch_values`) and, on PostgreSQL with ``cheaper`` branches before it, ``name_own``
    (its own words, which it is ranked by): the statement serves every query of its shape."""
    penalty: ColumnElement[float] = literal_column(repr(branch.penalty * PENALTY_SCALE))
    expression = bindparam(name, required=True)
    if postgres:
        search = table("product_search", column("product_id"), column("tsv"))
        simple = literal_column("'simple'::regconfig")
        query = func.to_tsquery(simple, expression)
        found = select(search.c.product_id.label("product_id")).where(search.c.tsv.op("@@")(query))
        if not ranked:
            return found
        # ranked by its own words: ts_rank weighs a negated lexeme as if it were sought
        own = func.to_tsquery(simple, bindparam(f"{name}_own", required=True)) if cheaper else query
        score = penalty - func.ts_rank(literal_column(f"'{PG_WEIGHTS}'::float4[]"), search.c.tsv, own)
        return found.add_columns(score.label("score"))
    fts = table("product_fts", column("rowid"))
    found = select(fts.c.rowid.label("product_id")).where(literal_column("product_fts").op("MATCH")(expression))
    if not ranked:
        return found
    rank = func.bm25(
        literal_column("product_fts"), literal_column(repr(NAME_WEIGHT)), literal_column(repr(BODY_WEIGHT))
    )
    return found.add_columns((penalty + rank).label("score"))


def _branch_values(ordered: Sequence[Branch], postgres: bool, prefix: str, cheaper: bool = True) -> dict[str, str]:
    """The parameters of ``ordered``'s branch selects named ``prefix0``, ``prefix1``...: each
    branch's match (``cheaper``: less what the branches before it match) and on PostgreSQL its own
    words (``_own``)."""
    values = {}
    for i, branch in enumerate(ordered):
        before = list(ordered[:i]) if cheaper else []
        values[f"{prefix}{i}"] = _expression(branch, before, postgres)
        if postgres and before:
            values[f"{prefix}{i}_own"] = _positive(branch, True)
    return values


def _matches(branches: list[Branch]) -> Matches:
    """The products any branch matches, each once, at its best (lowest) score when ranked."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    ordered = sorted(branches, key=lambda b: b.penalty)

    def hits(ranked: bool) -> Subquery | CTE:
        selects = [_branch_select(b, postgres, f"w{i}", ranked, cheaper=i > 0) for i, b in enumerate(ordered)]
        found = selects[0] if len(selects) == 1 else union_all(*selects)
        if postgres:
            # a CTE: PostgreSQL sorted the wide text rows by their rank before joining them (its
            # "incremental sort" of the page), 45 ms of a common word's 70 at 100,000 products
            return found.cte("hits").prefix_with("MATERIALIZED") if ranked else found.subquery("hits")
        # MATERIALIZED: left as a subquery, SQLite flattens it and runs the text match once
        # per active product (seconds at 100,000 products); as a CTE the matches drive the join.
        return found.cte("hits").prefix_with("MATERIALIZED")

    return Matches(
        lambda: hits(ranked=True),
        lambda: hits(ranked=False),
        tuple(ordered),
        shape=tuple(b.penalty for b in ordered),
        values=_branch_values(ordered, postgres, "w"),
    )


# --- filters, order, page ---------------------------------------------------------


FACETS = ("sector", "category", "city", "price", "in_stock", "expo")


def live_store_ids() -> frozenset[int]:
    """Stores exhibiting in a running expo (one statement a request, shared with the cards'
    "Peserta Expo" badge): what ``?expo=1`` keeps, by store id, without a join."""
    return expo_queries.live_exhibitor_ids()


def expo_condition(store_id: ColumnElement[int] = ProductListing.store_id, bound: bool = False) -> ColumnElement[bool]:
    """Listing rows of stores exhibiting now (``store_id``: where the rows' store is read);
    ``bound``: the exhibitors are the parameter ``live`` (:func:`filter_values`)."""
    if bound:
        return reads.one_of(store_id, "live")
    live = live_store_ids()
    return store_id.in_(sorted(live)) if live else false()


def _set_filters(params: SearchParams) -> tuple[str, ...]:
    """The filters ``params`` sets, by the name of the parameter that holds each one's value."""
    names = []
    if params.sector:
        names.append("sector")
    if params.category_id is not None:
        names.append("category_id")
    elif params.category:
        names.append("category")
    if params.city:
        names.append("city")
    if params.min_price is not None:
        names.append("min_price")
    if params.max_price is not None:
        names.append("max_price")
    if params.in_stock:
        names.append("in_stock")
    if params.expo:
        names.append("expo")
    if params.store_id is not None:
        names.append("store_id")
    elif params.store:
        names.append("store")
    if params.offered_only:
        names.append("offered_only")
    return tuple(names)


def filter_groups(params: SearchParams, bound: bool = False) -> dict[str, list]:
    """The conditions of ``params`` on listing rows, by the facet that changes them (FACETS), and
    under "fixed" the ones no facet offers (the store, offices' offers). ``bound``: each value
    is a named parameter instead (:func:`filter_values` gives them), so that a statement built
    from them serves every listing of the same shape (:func:`shaped`)."""
    row = ProductListing
    set_ = _set_filters(params)
    values = {} if bound else filter_values(params)

    def value(name: str) -> object:
        return bindparam(name, required=True) if bound else values[name]

    conditions: dict[str, Callable[[], ColumnElement[bool]]] = {
        "sector": lambda: row.sector == value("sector"),
        "category_id": lambda: row.category_id == value("category_id"),
        "category": lambda: row.category_slug == value("category"),
        "city": lambda: row.city_key == value("city"),
        "min_price": lambda: _compared_price(params) >= value("min_price"),
        "max_price": lambda: _compared_price(params) <= value("max_price"),
        "in_stock": lambda: row.in_stock.is_(True),
        "expo": lambda: expo_condition(bound=bound),
        "store_id": lambda: row.store_id == value("store_id"),
        "store": lambda: row.store_slug == value("store"),
        "offered_only": lambda: GovOffer.product_id.is_not(None),
    }
    groups: dict[str, list] = {name: [] for name in (*FACETS, "fixed")}
    for name in set_:
        groups[FACET_OF.get(name, "fixed")].append(conditions[name]())
    return groups


# the facet (FACETS) whose choice each filter of _set_filters is; the others (a store, offices'
# offers) are fixed by the page
FACET_OF = {
    "sector": "sector",
    "category_id": "category",
    "category": "category",
    "city": "city",
    "min_price": "price",
    "max_price": "price",
    "in_stock": "in_stock",
    "expo": "expo",
}


def chosen_facets(params: SearchParams) -> set[str]:
    """The facets whose filter ``params`` sets (those :func:`filter_groups` gives a condition),
    without building the conditions."""
    return {FACET_OF[name] for name in _set_filters(params) if name in FACET_OF}


def filter_values(params: SearchParams, live: bool = False) -> dict[str, object]:
    """The values of the filters ``params`` sets, by the names :func:`filter_groups` binds them
    to; ``live``: also the stores exhibiting now (``live``), for a statement that reads them
    without the expo filter (the facets' count of exhibitors)."""
    values: dict[str, object] = {
        "sector": params.sector,
        "category_id": params.category_id,
        "category": params.category,
        "city": params.city.lower() if params.city else None,
        "min_price": params.min_price,
        "max_price": params.max_price,
        "store_id": params.store_id,
        "store": params.store,
    }
    if live or params.expo:
        values["live"] = sorted(live_store_ids())
    return values


def filter_shape(params: SearchParams) -> tuple:
    """What the filters of ``params`` make of a statement whatever their values: the filters set,
    how the price compares (:func:`_compared_price`) and the database's dialect."""
    dialect = db.session.get_bind().dialect.name
    return (dialect, _set_filters(params), _price_unindexed(params) and dialect == "sqlite")


# Statements kept by their shape (a listing's filters but not their values, see filter_shape;
# for a search, also how its words read, Matches.shape, but not the words): building a sector
# page's facet statement and computing its SQLAlchemy cache key cost 1.1 ms of Python at every
# render, more than the database's work, and a rare word's page and facets 1.9 ms of its 4.4;
# kept, the statement object keeps its cache key too. The shapes a market's pages make are a
# few dozen (which filters, facets and sort), but a client could ask for every combination, and
# a facet statement with its cache key holds about 100 KiB: the store empties when full, so it
# never holds more than about 25 MiB.
_SHAPED: dict[tuple, Executable] = {}
SHAPED_MAX = 256
_Statement = TypeVar("_Statement", bound=Executable)


def shaped(key: tuple, build: Callable[[], _Statement]) -> _Statement:
    """``build()``, built once per process for ``key``. The statement must hold no value of one
    listing: only named parameters, given at each execution (:func:`filter_values`)."""
    found = _SHAPED.get(key)
    if found is None:
        if len(_SHAPED) >= SHAPED_MAX:
            _SHAPED.clear()
        found = _SHAPED[key] = build()
    return cast(_Statement, found)  # what build() made for this key


def _price_unindexed(params: SearchParams) -> bool:
    narrowed = params.sector or params.category or params.category_id or params.city or params.store
    narrowed = narrowed or params.store_id is not None
    return bool(narrowed) and params.effective_sort not in ("price_asc", "price_desc")


def _compared_price(params: SearchParams) -> ColumnElement[int]:
    """The price column as the price filter compares it. SQLite keeps no statistics of how many
    rows a price range holds, and with a sector, category, city or store filter beside it took
    the price index anyway, then sorted every product of the range by date: 40 ms at 100,000
    products against 4 by the sector's index. There, unless the listing is sorted by price (the
    price index then gives the order), the range compares ``price_min + 0``, which no index
    serves."""
    if _price_unindexed(params) and db.session.get_bind().dialect.name == "sqlite":
        return ProductListing.price_min + literal_column("0")
    return ProductListing.price_min


def _filters(params: SearchParams, bound: bool = False) -> list:
    return [condition for group in filter_groups(params, bound).values() for condition in group]


def filter_key(params: SearchParams, switches: bool = False) -> tuple:
    """What the filters of ``params`` select, as a key for remembered counts (pagecache.memo);
    ``switches``: the counts also tell how many are in stock and exhibiting (the facets).

    Two things change what they count without a new catalogue generation: a sale that empties a
    product's stock (a "detail" change: every order is one) moves it out of ``in_stock``, and an
    expo opening or closing changes which stores exhibit now. So the key holds the live
    exhibitors, and the time cut in PAGE_CACHE_TTL slices: a count is never older than a cached
    page may be."""
    ttl = float(current_app.config.get("PAGE_CACHE_TTL") or 300) if has_app_context() else 300.0
    return (
        params.sector,
        params.category_id,
        params.category,
        params.city.lower() if params.city else None,
        params.store_id,
        params.store,
        params.min_price,
        params.max_price,
        params.in_stock,
        params.expo,
        params.offered_only,
        int(time.time() // ttl) if params.in_stock or switches else None,
        hash(frozenset(live_store_ids())) if params.expo or switches else None,
    )


def _order(sort: str, hits: Subquery | CTE | None, row=ProductListing) -> list:
    """The listing's order; ``row``: where its columns are read (a page's subquery)."""
    newest = [row.created_at.desc(), row.product_id.desc()]
    if sort == "relevance" and hits is not None:
        return [hits.c.score.asc(), *newest]
    if sort == "price_asc":
        return [row.price_min.asc(), row.product_id.desc()]
    if sort == "price_desc":
        return [row.price_min.desc(), row.product_id.desc()]
    return newest


def _count(params: SearchParams) -> int:
    """Listed products matching the filters (no words): summed from the groups of listing_counts
    or listing_totals where they tell (catalog/listing_counts.py), else counted; remembered per
    catalogue generation."""

    def build() -> Executable:
        if (groups := listing_counts.table(params)) is not None:
            grouped = listing_counts.grouped_filters(filter_groups(params, bound=True), params, True, groups)
            return listing_counts.total([c for group in grouped.values() for c in group], groups)
        listed = ProductListing.listed.is_(True)
        stmt = select(func.count()).select_from(ProductListing).where(listed, *_filters(params, bound=True))
        if params.offered_only:
            stmt = stmt.outerjoin(
                GovOffer, (GovOffer.product_id == ProductListing.product_id) & GovOffer.active.is_(True)
            )
        return stmt

    def compute() -> int:
        covers = listing_counts.covers(params)
        stmt = shaped(("listing-count", filter_shape(params), covers), build)
        values = filter_values(params)
        if covers:
            values.update(listing_counts.band_values(params))
        return int(reads.scalar(stmt, values) or 0)

    key = ("listing-count", *filter_key(params))
    return pagecache.memo(key, compute, depends=listing_tags.listing(params, words=False))


def _anything(branches: list[Branch], prefix: str) -> ColumnElement[bool]:
    """Whether any branch's words match any product at all (listed or not, whatever the filters);
    the branches' words are the parameters ``prefix0``, ``prefix1``... (:func:`_branch_values`
    without ``cheaper``)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    selects = [_branch_select(b, postgres, f"{prefix}{i}", ranked=False) for i, b in enumerate(branches)]
    if postgres:
        # counted, not EXISTS: for EXISTS PostgreSQL expects a match soon and reads the whole
        # table in order instead of the text index (50 ms at 100,000 products when none is)
        found = selects[0] if len(selects) == 1 else union_all(*selects)
        return select(func.count()).select_from(found.subquery()).scalar_subquery() > 0
    return or_(*[exists(s) for s in selects])  # the text index first: FTS5 stops at the first match


def _ranked_page(
    params: SearchParams,
    hits: Matches,
    gov_terms: bool,
    later: Sequence[list[Branch]],
    counted: Counted | None = None,
    many: bool = True,
) -> tuple[Select, Select]:
    """A search's page, and the statement that counts its matches (past the last page), for every
    search of the same shape (:func:`shaped`): the words, the filters' values (bound), the page's
    ``limit`` and ``offset`` and the probes' words are parameters (:func:`_search_values`). The
    matches are ranked by narrow rows (id, order keys, the total) and only the page's rows are
    read whole: ranked with every column, each of a common word's thousands of matches was
    carried whole through the sort. ``many`` (a word in COUNT_ALONG_DOCS products or more): the
    matches' listing rows are read into a materialised CTE and counted there once, so the sort
    keeps only the page where a window buffered every match first; for a few matches the
    window costs less than building the CTE.

    ``later``: the branches of the attempts that follow, probed in the same statement (one row
    even when the page is empty): an attempt that matches nothing at all costs no statement.

    ``counted``: the facets' grouped pass over the matches (catalog.facets.PagePass), a column
    of the same statement: the CTE then also carries what the pass reads, so the matches'
    listing rows are read once for the page and the counts. Apart, the facets' statement
    matched the words again and read every match's listing row again (on PostgreSQL by hashing
    every listed row)."""
    ranked = hits.ranked
    row = ProductListing
    matched = (
        select(row.product_id)
        .join(ranked, ranked.c.product_id == row.product_id)
        .where(row.listed.is_(True), *_filters(params, bound=True))
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # the matches' listing rows by their primary key: joined alone, PostgreSQL (no statistics
        # on the CTE) hashed every listed row to join a common word's thousands of matches
        # (18 ms of 8,880 matches at 100,000 products; 13.5 by key)
        ids = func.array(select(ranked.c.product_id).scalar_subquery())
        matched = matched.where(row.product_id == any_(ids))
    if params.offered_only:
        matched = matched.outerjoin(GovOffer, (GovOffer.product_id == row.product_id) & GovOffer.active.is_(True))
    sort = params.effective_sort
    count = select(func.count()).select_from(matched.subquery())
    extra: list = []
    if counted is None and not many:
        keys = [ranked.c.score, row.created_at, row.price_min, func.count().over().label("total")]
        page = matched.add_columns(*keys).order_by(*_order(sort, ranked))
    else:
        carried = [row.__table__.c[name] for name in (COUNTED_COLUMNS if counted else ("created_at", "price_min"))]
        found = matched.add_columns(ranked.c.score, *carried).cte("matched").prefix_with("MATERIALIZED")
        # counted once rather than by a window (3 ms of SQLite's 21 for a common word, 1 of
        # PostgreSQL's 19)
        total = select(func.count()).select_from(found).scalar_subquery().label("total")
        keys = [found.c.product_id, found.c.score, found.c.created_at, found.c.price_min, total]
        page = select(*keys).order_by(*_order(sort, found, found.c))
        extra = [counted(found).label("groups")] if counted else []
    limit, skip = bindparam("limit", required=True), bindparam("offset", required=True)
    page = page.limit(limit).offset(skip).subquery("page")
    order = _order(sort, page, page.c)
    if not later:
        stmt = queries.listing_select(with_total=False, gov_terms=gov_terms).add_columns(page.c.total, *extra)
        return stmt.join(page, page.c.product_id == row.product_id).order_by(*order), count
    probes = [_anything(branches, f"p{i}_").label(f"later_{i}") for i, branches in enumerate(later)]
    probe = select(*probes).subquery("probe")
    rows = page.join(row.__table__, page.c.product_id == row.product_id)
    columns = [*queries.LISTING_COLUMNS, page.c.total, *extra, *probe.c]
    stmt = select(*columns).select_from(probe.outerjoin(rows, true()))
    return stmt.order_by(*order), count


def _run(
    params: SearchParams,
    hits: Matches | None,
    full: bool,
    with_total: bool = True,
    later: Sequence[list[Branch]] = (),
    counted: Counted | None = None,
    many: bool = True,
) -> SearchResult:
    """One page of a listing. A ranked search (``hits``) counts its matches in the same
    statement: ranking visits every match anyway; ``later``: see :func:`_ranked_page`. What the
    ranking found (the page's products in order, the total, the probe) is remembered
    (pagecache.memo) until a product of the listing's dimension changes its words, listing or,
    where the listing depends on them, price or stock (listing_tags); a page from the memo reads
    its rows by id, so each card's name, price and stock are current. Ranking a common word's
    thousands of matches was most of its page's time, at every request.
    A listing without words lets the database stop at the page (no window) and takes its total
    from the page itself when it is the last one, else from :func:`_count`."""
    pagecache.depends_on(*listing_tags.listing(params, words=hits is not None))
    gov_terms = params.gov_terms or params.offered_only
    offset = (params.page - 1) * params.per_page
    if hits is not None:
        read: list = []  # the page's rows when the ranking was run now

        def rank() -> RankedPage:
            shape = (hits.shape, tuple(len(b) for b in later), params.effective_sort, gov_terms)
            shape += (filter_shape(params), counted is not None, many)

            def build(part: int) -> Callable[[], Select]:
                return lambda: _ranked_page(params, hits, gov_terms, later, counted, many)[part]

            values = _search_values(params, hits, later, live=counted is not None)
            page = {**values, "limit": params.per_page, "offset": offset}
            rows = reads.execute(shaped(("search-page", *shape), build(0)), page).all()
            if counted is not None and rows:  # an empty page (past the last) did not count them
                hits.groups = rows[0].groups
            probed = tuple(bool(getattr(rows[0], f"later_{i}")) for i in range(len(later))) if later else None
            if later:
                rows = [r for r in rows if r.product_id is not None]  # the probe's row of an empty page
            if rows:
                total = rows[0].total
            elif params.page > 1:  # past the last page: no row carries the total, count apart
                total = int(reads.scalar(shaped(("search-count", *shape), build(1)), values) or 0)
            else:
                total = 0
            read.extend(rows)
            return RankedPage(tuple(r.product_id for r in rows), total, probed)

        later_key = tuple(tuple(branches) for branches in later)
        key = ("ranked-page", hits.branches, later_key, params.effective_sort, offset, params.per_page, gov_terms)
        depends = listing_tags.listing(params, words=True)
        ranked = pagecache.memo((*key, *filter_key(params)), rank, depends=depends, size=_ranked_size)
        hits.total = ranked.total
        hits.later = list(ranked.probed) if ranked.probed is not None else None
        rows = read or _rows_by_id(ranked.ids, gov_terms)
        cards = queries.cards(rows, full=full)
        return SearchResult(cards, ranked.total, params.page, params.per_page, query=params.q, hits=hits)
    sort = params.effective_sort

    def build() -> Executable:
        stmt = queries.listing_select(with_total=False, gov_terms=gov_terms).where(*_filters(params, bound=True))
        limit, skip = bindparam("limit", required=True), bindparam("offset", required=True)
        return stmt.order_by(*_order(sort, None)).limit(limit).offset(skip)

    stmt = shaped(("listing-page", filter_shape(params), gov_terms, sort), build)
    rows = reads.execute(stmt, {**filter_values(params), "limit": params.per_page, "offset": offset}).all()
    if not with_total:
        total = offset + len(rows)
    elif rows and len(rows) < params.per_page or not rows and params.page == 1:
        total = offset + len(rows)  # the last page: nothing to count
    else:
        total = _count(params)
    cards = queries.cards(rows, full=full)
    return SearchResult(cards, total, params.page, params.per_page, query=params.q)


def _search_values(params: SearchParams, hits: Matches, later: Sequence[list[Branch]], live: bool) -> dict:
    """The parameters of a search's shaped statements: the filters' values (``live``: the
    exhibitors too), the words of the matches and of each probed attempt (:func:`_anything`)."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    values = {**filter_values(params, live=live), **hits.values}
    for i, branches in enumerate(later):
        values.update(_branch_values(branches, postgres, f"p{i}_", cheaper=False))
    return values


class RankedPage(NamedTuple):
    """What ranking a search's matches found for one page: the page's products in order, how
    many the listing keeps, and whether each later attempt matches anything (``Matches.later``)."""

    ids: tuple[int, ...]
    total: int
    probed: tuple[bool, ...] | None


def _ranked_size(page: RankedPage) -> int:
    return 120 + 40 * len(page.ids)


def _rows_by_id(ids: Sequence[int], gov_terms: bool) -> list:
    """Listing rows of these products, in this order (a remembered ranked page); a product no
    longer listed is left out."""
    if not ids:
        return []

    def build() -> Executable:
        # by the primary key alone: asked for listed rows too, SQLite read every listed row by
        # the index that starts with ``listed`` (4.8 ms at 100,000 products, 0.08 by key)
        by_id = ProductListing.product_id.in_(bindparam("ids", expanding=True, required=True))
        return queries.listing_select(with_total=False, gov_terms=gov_terms, listed_only=False).where(by_id)

    rows = reads.execute(shaped(("listing-by-id", gov_terms), build), {"ids": list(ids)}).all()
    place = {product_id: i for i, product_id in enumerate(ids)}
    return sorted((row for row in rows if row.listed), key=lambda row: place[row.product_id])


def search_products(params: SearchParams, full: bool = False, counted: Counted | None = None) -> SearchResult:
    """Active products of approved stores matching ``params``, a page of ProductCards.

    ``full=True`` also loads descriptions (the API shows them; grids do not). ``counted``: the
    facets' grouped pass, counted by a search's page statement (see :func:`_ranked_page`).
    """
    words = words_of(params.q)
    if not words:
        if params.q:  # only punctuation: nothing to look for
            return SearchResult([], 0, params.page, params.per_page, query=params.q)
        return _run(params, None, full)
    result = SearchResult([], 0, params.page, params.per_page, query=params.q)
    plan = readings.plan(words)
    # words the vocabulary does not know may find nothing attempt after attempt: the first
    # attempt's statement then also probes whether each later one (but the corrections) matches
    # anything at all, and those that match nothing are skipped (an office's official's page,
    # with its offers' join, is not probed)
    probe = plan.doubtful and not (params.gov_terms or params.offered_only)
    # the counts read the live exhibitors (the expo switch, and the memo's key), a statement a
    # page of cards makes anyway; words the vocabulary does not know, or hardly (plan.doubtful),
    # may find none, and their counts are then known without it (facets._counts): they do not
    # count along, nor do rarer words (COUNT_ALONG_DOCS)
    many = plan.docs >= COUNT_ALONG_DOCS
    if counted is not None and (plan.doubtful or not many or counted.remembered()):
        counted = None
    probed = [k for k, a in enumerate(plan.attempts) if k and a.probed] if probe else []
    skipped: set[int] = set()
    for i, attempt in enumerate(plan.attempts):
        if i in skipped:
            continue
        later = [plan.attempts[k].branches for k in probed] if i == 0 else []
        result = _run(params, _matches(attempt.branches), full, later=later, counted=counted, many=many)
        if result.total:
            result.fallback = attempt.loose
            result.corrected = attempt.corrected is not None
            result.suggestion = attempt.corrected
            if not attempt.loose and result.total <= readings.FEW:
                result.suggestion = plan.suggestion
            return result
        found = result.hits.later if result.hits is not None else None
        if found is not None:
            skipped = {k for k, anything in zip(probed, found, strict=True) if not anything}
    return result


def latest_products(limit: int = 24, **filters) -> list:
    """The newest ProductCards, e.g. ``latest_products(4, store_id=3)``, without
    counting every match (for the home page and "more from this store")."""
    params = SearchParams(per_page=limit, sort="newest", **filters)
    return _run(params, None, full=False, with_total=False).items
