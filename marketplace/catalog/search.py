"""Product search and every filtered product listing.

Full text over ``product_search`` (the product's name, description, category
and store, kept by ``catalog.services.reindex_product``): SQLite FTS5 ranked by
bm25 with the name weighted above the rest, PostgreSQL ``tsvector`` ranked by
``ts_rank`` (name weight A, the rest B), chosen by the engine's dialect.

User input never reaches either query language as syntax: it is cut into
words of letters and digits, and each word is quoted. When the words as typed
find nothing, each is tried as a prefix (``kerajin`` → kerajinan), then any
word, shortened, as a prefix (``batikk`` → batik).

One search is one statement for the page (total included) and one for the
photos; the fallbacks add a statement each, only when nothing was found. A
listing without words is the page, its photos, and — unless the page is the
last — a count remembered until the catalogue changes (pagecache.memo).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Subquery, column, func, literal_column, select, table

from marketplace import pagecache
from marketplace.catalog import listing_tags, queries
from marketplace.catalog.models import ProductListing
from marketplace.catalog.queries import Page
from marketplace.catalog.sectors import SECTORS
from marketplace.extensions import db
from marketplace.gov.models import GovOffer
from marketplace.inputs import digits

SORTS = ("relevance", "newest", "price_asc", "price_desc")
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_WORD_CHARS = 40
MAX_PRICE = 1_000_000_000
MAX_PAGE = 100_000
NAME_WEIGHT, BODY_WEIGHT = 10.0, 1.0  # FTS5 bm25 column weights
PG_WEIGHTS = "{0.1, 0.1, 0.2, 1.0}"  # ts_rank weights of D, C, B (rest), A (name)

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
class SearchResult(Page):
    """A page of ProductCards; ``fallback`` tells that the words were matched loosely."""

    query: str = ""
    fallback: bool = False


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


def _fts5_expression(words: list[str], mode: str) -> str:
    # each word double-quoted: inside quotes FTS5 sees a string, never an operator
    if mode == "all":
        return " ".join(f'"{w}"' for w in words)
    if mode == "prefix":
        return " ".join(f'"{w}"*' for w in words)
    return " OR ".join(f'"{w}"*' for w in words)


def _tsquery_expression(words: list[str], mode: str) -> str:
    # each word single-quoted: a lexeme to to_tsquery, never an operator
    if mode == "all":
        return " & ".join(f"'{w}'" for w in words)
    if mode == "prefix":
        return " & ".join(f"'{w}':*" for w in words)
    return " | ".join(f"'{w}':*" for w in words)


def _loosened(words: list[str]) -> list[str]:
    """Each word without its last letters, to forgive a typo at the end (batikk, pocii)."""
    return [w[: max(3, len(w) - 2)] if len(w) > 3 else w for w in words]


def _matches(words: list[str], mode: str) -> Subquery:
    """(product_id, score) of the products matching ``words``; lower score ranks first."""
    if db.session.get_bind().dialect.name == "postgresql":
        search = table("product_search", column("product_id"), column("tsv"))
        query = func.to_tsquery(literal_column("'simple'::regconfig"), _tsquery_expression(words, mode))
        score = -func.ts_rank(literal_column(f"'{PG_WEIGHTS}'::float4[]"), search.c.tsv, query)
        return (
            select(search.c.product_id.label("product_id"), score.label("score"))
            .where(search.c.tsv.op("@@")(query))
            .subquery("hits")
        )
    fts = table("product_fts", column("rowid"))
    score = func.bm25(
        literal_column("product_fts"), literal_column(repr(NAME_WEIGHT)), literal_column(repr(BODY_WEIGHT))
    )
    # MATERIALIZED: left as a subquery, SQLite flattens it and runs the text match once
    # per active product (seconds at 100,000 products); as a CTE the matches drive the join.
    return (
        select(fts.c.rowid.label("product_id"), score.label("score"))
        .where(literal_column("product_fts").op("MATCH")(_fts5_expression(words, mode)))
        .cte("hits")
        .prefix_with("MATERIALIZED")
    )


def _attempts(words: list[str]) -> list[tuple[str, list[str]]]:
    """The matches to try in turn: as typed, each word as a prefix, any shortened word."""
    attempts = [("all", words), ("prefix", words)]
    loose = _loosened(words)
    if loose != words or len(words) > 1:
        attempts.append(("any", loose))
    return attempts


# --- filters, order, page ---------------------------------------------------------


def _filters(params: SearchParams) -> list:
    row = ProductListing
    conditions = []
    if params.sector:
        conditions.append(row.sector == params.sector)
    if params.category_id is not None:
        conditions.append(row.category_id == params.category_id)
    elif params.category:
        conditions.append(row.category_slug == params.category)
    if params.city:
        conditions.append(row.city_key == params.city.lower())
    if params.store_id is not None:
        conditions.append(row.store_id == params.store_id)
    elif params.store:
        conditions.append(row.store_slug == params.store)
    if params.min_price is not None:
        conditions.append(row.price_min >= params.min_price)
    if params.max_price is not None:
        conditions.append(row.price_min <= params.max_price)
    if params.offered_only:
        conditions.append(GovOffer.product_id.is_not(None))
    return conditions


def _order(sort: str, hits: Subquery | None) -> list:
    row = ProductListing
    newest = [row.created_at.desc(), row.product_id.desc()]
    if sort == "relevance" and hits is not None:
        return [hits.c.score.asc(), *newest]
    if sort == "price_asc":
        return [row.price_min.asc(), row.product_id.desc()]
    if sort == "price_desc":
        return [row.price_min.desc(), row.product_id.desc()]
    return newest


def _count(params: SearchParams) -> int:
    """Listed products matching the filters (no words): remembered per catalogue generation,
    so a busy unfiltered listing counts its 100,000 rows once per change."""

    def compute() -> int:
        listed = ProductListing.listed.is_(True)
        stmt = select(func.count()).select_from(ProductListing).where(listed, *_filters(params))
        if params.offered_only:
            stmt = stmt.outerjoin(
                GovOffer, (GovOffer.product_id == ProductListing.product_id) & GovOffer.active.is_(True)
            )
        return int(db.session.scalar(stmt) or 0)

    key = (
        "listing-count",
        params.sector,
        params.category_id,
        params.category,
        params.city.lower() if params.city else None,
        params.store_id,
        params.store,
        params.min_price,
        params.max_price,
        params.offered_only,
    )
    return pagecache.memo(key, compute, depends=listing_tags.listing(params, words=False))


def _run(params: SearchParams, hits: Subquery | None, full: bool, with_total: bool = True) -> SearchResult:
    """One page of a listing. A ranked search (``hits``) counts its matches with a window in
    the same statement: ranking visits every match anyway. A listing without words lets the
    database stop at the page (no window) and takes its total from the page itself when it
    is the last one, else from :func:`_count`."""
    window = with_total and hits is not None
    pagecache.depends_on(*listing_tags.listing(params, words=hits is not None))
    gov_terms = params.gov_terms or params.offered_only
    stmt = queries.listing_select(with_total=window, gov_terms=gov_terms).where(*_filters(params))
    if hits is not None:
        stmt = stmt.join(hits, hits.c.product_id == ProductListing.product_id)
    offset = (params.page - 1) * params.per_page
    stmt = stmt.order_by(*_order(params.effective_sort, hits)).limit(params.per_page).offset(offset)
    rows = db.session.execute(stmt).all()
    if not with_total:
        total = offset + len(rows)
    elif window and rows:
        total = rows[0].total
    elif window and params.page > 1:  # past the last page: the window count saw no row, count apart
        count = select(func.count()).select_from(stmt.order_by(None).limit(None).offset(None).subquery())
        total = db.session.scalar(count)
    elif window:
        total = 0
    elif rows and len(rows) < params.per_page or not rows and params.page == 1:
        total = offset + len(rows)  # the last page: nothing to count
    else:
        total = _count(params)
    return SearchResult(queries.cards(rows, full=full), total, params.page, params.per_page, query=params.q)


def search_products(params: SearchParams, full: bool = False) -> SearchResult:
    """Active products of approved stores matching ``params``, a page of ProductCards.

    ``full=True`` also loads descriptions (the API shows them; grids do not).
    """
    words = words_of(params.q)
    if not words:
        if params.q:  # only punctuation: nothing to look for
            return SearchResult([], 0, params.page, params.per_page, query=params.q)
        return _run(params, None, full)
    result = SearchResult([], 0, params.page, params.per_page, query=params.q)
    for mode, attempt_words in _attempts(words):
        result = _run(params, _matches(attempt_words, mode), full)
        if result.total:
            result.fallback = mode != "all"
            return result
    return result


def latest_products(limit: int = 24, **filters) -> list:
    """The newest ProductCards, e.g. ``latest_products(4, store_id=3)``, without
    counting every match (for the home page and "more from this store")."""
    params = SearchParams(per_page=limit, sort="newest", **filters)
    return _run(params, None, full=False, with_total=False).items
