"""A write to a product's own rows drops the pages showing that product and the listings it is
in, not every page.

pagecache_rules.py still says WHETHER a write touches what pages show (the per-table
declarations: catalog, detail or nothing); for the tables a product owns (:data:`PRODUCT_ROWS`)
this module says WHICH pages, as the tags of marketplace/pagecache_tags.py:

- any change of a catalogue column: ``p:<id>`` (the product's cards and page); of a detail
  column: ``d:<id>`` (its page);
- the product entered or left the listings, moved between categories or got another date
  (``status``, ``category_id``, ``created_at``, a new product): the tags of its dimensions
  (``all``, ``store:``, ``category:`` old and new, ``sector:``, ``city:``);
- its price range changed: ``price@`` each dimension; it went out of stock or back
  (``in_stock`` of its listing row): ``stock@``; its search text: ``text@``.

A sale that leaves stock (the checkout's ``stock - q`` or a seller's new count above zero) is a
detail change: the product's page only. A product that is not listed and did not change
whether it is shows on no page: only ``*catalog`` / ``*detail`` (for memos) are published.

The dimensions come from the products' listing rows: one statement, read where the
transaction ends (``before_commit``, and after a flush inside the commit), for the products
whose tags depend on them (a price, a status, stock that may have run out, variants named only
by id); a stock count that stays above zero, a photo or a review need none. The checkout's
sale reports what it left (catalog.stock.reserve: ``note_stock_left``), so the statement is
read only when a variant sells out. Whatever cannot be narrowed falls
back to the generations, as before: a row moved to another product or store, a deleted
product, a statement whose WHERE names no ids, a raw SQL statement, another table, a
transaction touching more than :data:`MAX_PRODUCTS` products.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, inspect, null, select, union_all
from sqlalchemy.orm import Session

from marketplace import internals
from marketplace import pagecache_tags as tags
from marketplace.extensions import db

log = logging.getLogger(__name__)

MEMBER = "member"  # enters or leaves listings, moves among them, or its date (the default order) changes
MOVE = "move"  # the row now belongs to another product or store: not narrowed
STOCK_IF_OUT = "stock-if-out"  # stock went down: out of stock is a change of the listing
MAX_PRODUCTS = 200  # more in one transaction (an import): every page is dropped instead

PENDING = "pagecache_products"  # Session.info: (kind, id) -> Change, not yet read from the listing rows
TAGS = "pagecache_tags"  # Session.info: the tags this transaction changed
COMMITTING = "pagecache_committing"
FALLBACK = "pagecache_scopes"  # Session.info: the scopes not narrowed (pagecache_rules' own key)
COUNTED = "pagecache_products_counted"  # products narrowed so far; at MAX_PRODUCTS the rest falls back


@dataclass(frozen=True)
class ProductRows:
    """How a table's rows belong to a product, and what a change of each column means for the
    listings the product is in (a column not named changes only what its cards or page show)."""

    product_column: str
    columns: dict[str, str]
    new_or_gone: frozenset[str] | None  # an INSERT's or DELETE's meaning; None: not narrowed


# What the listing rows (migration 0028's triggers) take from each table, by what it changes.
PRODUCT_ROWS = {
    "products": ProductRows(
        "id",
        {
            "status": MEMBER,
            "category_id": MEMBER,
            "created_at": MEMBER,
            "store_id": MOVE,
            "price_min": tags.PRICE,
        },
        None,  # a new product is MEMBER (see _aspects); a deleted one is not narrowed
    ),
    "variants": ProductRows(
        "product_id",
        {"product_id": MOVE, "store_id": MOVE, "price": tags.PRICE, "stock": tags.STOCK},
        frozenset({tags.PRICE, tags.STOCK}),
    ),
    "product_images": ProductRows("product_id", {"product_id": MOVE}, frozenset()),
    "reviews": ProductRows("product_id", {"product_id": MOVE}, frozenset()),
    "product_search": ProductRows("product_id", {"name": tags.TEXT, "body": tags.TEXT}, frozenset({tags.TEXT})),
}


@dataclass
class Change:
    """What a transaction changed of one product (or of the product of one variant)."""

    scopes: set[str] = field(default_factory=set)
    aspects: set[str] = field(default_factory=set)
    old_categories: set[int] = field(default_factory=set)

    @property
    def needs_row(self) -> bool:
        """Do its tags depend on the listing row (which listings the product is in, whether it
        is listed or in stock)? A change of what a card or page shows alone does not."""
        return bool(self.aspects)

    def tags(self, product_id: int, row=None) -> set[str]:
        """The tags to publish, given the product's listing row as the transaction leaves it
        (None when :attr:`needs_row` is false)."""
        catalog = "catalog" in self.scopes
        shown = tags.product(product_id) if catalog else tags.product_detail(product_id)
        if row is None:
            return {tags.ANY_CATALOG if catalog else tags.ANY_DETAIL, shown}
        aspects = set(self.aspects)
        if STOCK_IF_OUT in aspects:
            aspects.discard(STOCK_IF_OUT)
            if not row.in_stock:
                aspects.add(tags.STOCK)
        # out of stock or back: the listing row changed, so did whatever counts it
        out = {tags.ANY_CATALOG if catalog or tags.STOCK in aspects else tags.ANY_DETAIL}
        if not row.listed and MEMBER not in aspects:
            return out  # on no page before or after
        out.add(shown)
        dims = tags.dimensions(row.store_id, row.category_id, row.sector, row.city_key)
        dims += [tags.category(c) for c in self.old_categories if c is not None and c != row.category_id]
        if MEMBER in aspects:  # every listing of these dimensions: their aspects' tags add nothing
            out.add(tags.product(product_id))
            out.update(dims)
            return out
        for aspect in aspects & set(tags.ASPECTS):
            out.update(f"{aspect}@{dim}" for dim in dims)
        return out


# --- what a write changed ---------------------------------------------------------------------


def _aspects(rows: ProductRows, table: str, columns, inserting: bool, deleting: bool) -> set[str] | None:
    """What a write means for listings; None when it cannot be narrowed."""
    if inserting or deleting:
        if table == "products":
            return {MEMBER} if inserting else None
        return set(rows.new_or_gone) if rows.new_or_gone is not None else None
    if columns is None:
        return None
    found = {rows.columns[c] for c in columns if c in rows.columns}
    return None if MOVE in found else found


def note_object(session: Session, obj, table: str, scopes, columns=None, inserting=False, deleting=False) -> bool:
    """Record a flushed object's write (``after_flush``); False when it is not narrowed and the
    caller falls back to the generations."""
    rows = PRODUCT_ROWS.get(table)
    if rows is None or _given_up(session):
        return False
    aspects = _aspects(rows, table, columns, inserting, deleting)
    if aspects is None:
        return False
    state = inspect(obj)
    if table == "products" and not _listed_before_or_after(obj, state, inserting):
        aspects.discard(MEMBER)  # a draft made, or moved between draft and archived: in no listing
    old_categories: set[int] = set()
    if tags.STOCK in aspects and not inserting and not deleting and not _stock_crossed_zero(state):
        aspects.discard(tags.STOCK)  # still on the shelf (or still not): the product page only
    if MEMBER in aspects and table == "products" and "category_id" in (columns or ()):
        before = state.attrs.category_id.history.deleted
        if not before:
            return False  # the old category is not known: its pages cannot be named
        old_categories = set(before)
    product_id = getattr(obj, rows.product_column, None)
    if product_id is None:
        return False
    return _record(session, ("p", product_id), scopes, aspects, old_categories)


def note_statement(session: Session, statement, parameters, table: str, scopes, columns) -> bool:
    """Record an UPDATE or DELETE statement's write (``do_orm_execute``) when its WHERE names
    the rows by id; False when it is not narrowed."""
    rows = PRODUCT_ROWS.get(table)
    if rows is None or _given_up(session):
        return False
    deleting = getattr(statement, "is_delete", False)
    aspects = _aspects(rows, table, None if deleting else columns, False, deleting)
    if aspects is None or (MEMBER in aspects and "category_id" in (columns or ())):
        return False  # the old category is not known
    if tags.STOCK in aspects and internals.is_decrement(internals.dml_value(statement, "stock"), "stock"):
        aspects = (aspects - {tags.STOCK}) | {STOCK_IF_OUT}  # a sale: out of stock or still in
    pinned = internals.dml_where_values(statement, parameters)
    if rows.product_column in pinned:
        keys = [("p", product_id) for product_id in pinned[rows.product_column]]
    elif table == "variants" and "id" in pinned:
        keys = [("v", variant_id) for variant_id in pinned["id"]]
    else:
        return False
    return all(_record(session, key, scopes, aspects, set()) for key in keys)


def note_stock_left(session: Session, product_id: int, left: int) -> None:
    """A sale's statement that reports itself (``execution_options(pagecache="reported")``,
    catalog.stock.reserve): ``left`` units of the variant remain. Still some: the product's
    page only, and no statement to find out more."""
    aspects = set() if left > 0 else {STOCK_IF_OUT}
    if _given_up(session) or not _record(session, ("p", product_id), {"detail"}, aspects, set()):
        session.info.setdefault(FALLBACK, set()).update(fallback_scopes("variants", ["stock"], {"detail"}))


def fallback_scopes(table: str, columns, scopes) -> set[str]:
    """The scopes of a write that was not narrowed. A variant's stock is declared ``detail``
    (only product pages show it), but whether any variant is in stock is in the listing row
    (``in_stock``): a stock write whose effect on it is unknown touches the catalogue too."""
    scopes = set(scopes)
    if table == "variants" and "detail" in scopes and (columns is None or "stock" in columns):
        scopes.add("catalog")
    return scopes


def _listed_before_or_after(obj, state, inserting: bool) -> bool:
    """Could the product be listed before or after the write (active then or now)? Whether its
    store sells is a store's write, never narrowed."""
    status = internals.value_in_hand(obj, "status")
    if status is None or status == "active":
        return True  # active now, or not loaded (never loaded here: a flush must not read)
    if inserting:
        return False  # a new draft
    history = state.attrs.status.history
    if history.added:
        return not history.deleted or "active" in history.deleted  # the old status, when known
    return False  # neither active before nor now


def _stock_crossed_zero(state) -> bool:
    history = state.attrs.stock.history
    if not history.added or not history.deleted:
        return True  # the old count was not loaded: assume it did
    return ((history.deleted[0] or 0) > 0) != ((history.added[0] or 0) > 0)


def _record(session: Session, key: tuple[str, int], scopes, aspects: set[str], old_categories: set[int]) -> bool:
    pending = session.info.setdefault(PENDING, {})
    if key not in pending and len(pending) + session.info.get(COUNTED, 0) >= MAX_PRODUCTS:
        session.info[COUNTED] = MAX_PRODUCTS  # from now on every write of the transaction falls back
        return False
    change = pending.setdefault(key, Change())
    change.scopes.update(scopes)
    change.aspects.update(aspects)
    change.old_categories.update(old_categories)
    return True


def _given_up(session: Session) -> bool:
    return session.info.get(COUNTED, 0) >= MAX_PRODUCTS


# --- what it changed, as tags ----------------------------------------------------------------


def resolve(session: Session) -> set[str]:
    """Turn the product changes recorded so far into tags (Session.info[TAGS]), reading the
    listing rows of those that need them in one statement; returns the scopes to fall back to
    for what could not be (a product whose row is gone)."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return set()
    session.info[COUNTED] = session.info.get(COUNTED, 0) + len(pending)
    found: set[str] = session.info.setdefault(TAGS, set())
    reading = {}
    for (kind, key), change in pending.items():
        if kind == "p" and not change.needs_row:
            found |= change.tags(key)
        else:
            reading[kind, key] = change
    if not reading:
        return set()
    try:
        rows = _listing_rows(session, reading)
    except Exception:  # noqa: BLE001 - the write must not fail for the cache: drop every page instead
        log.exception("page cache: cannot read the listing rows of a change; every page is dropped")
        return {"catalog", "detail"}
    by_product = {row.product_id: row for row in rows}
    product_of = {row.variant_id: row.product_id for row in rows if row.variant_id is not None}
    fallback: set[str] = set()
    for (kind, key), change in reading.items():
        product_id = key if kind == "p" else product_of.get(key)
        row = by_product.get(product_id) if product_id is not None else None
        if row is None:
            fallback |= {"catalog", "detail"} if "catalog" in change.scopes or change.aspects else {"detail"}
            continue
        found |= change.tags(product_id, row)
    return fallback


def unresolved(session: Session) -> set[str]:
    """The scopes of changes recorded too late to be read (after the commit's last chance):
    they fall back to the generations."""
    pending = session.info.pop(PENDING, None) or {}
    scopes: set[str] = set()
    for change in pending.values():
        scopes |= {"catalog", "detail"} if "catalog" in change.scopes or change.aspects else {"detail"}
    return scopes


def _listing_rows(session: Session, pending: dict) -> list:
    """One statement: the listing rows of the products, and of the variants' products."""
    tables = db.metadata.tables
    listing, variants = tables["product_listings"], tables["variants"]
    columns = [
        listing.c.product_id,
        listing.c.listed,
        listing.c.in_stock,
        listing.c.store_id,
        listing.c.category_id,
        listing.c.sector,
        listing.c.city_key,
    ]
    product_ids = sorted({key for kind, key in pending if kind == "p"})
    variant_ids = sorted({key for kind, key in pending if kind == "v"})
    parts = []
    if product_ids:
        parts.append(
            select(cast(null(), Integer).label("variant_id"), *columns).where(listing.c.product_id.in_(product_ids))
        )
    if variant_ids:
        parts.append(
            select(variants.c.id.label("variant_id"), *columns)
            .join_from(variants, listing, listing.c.product_id == variants.c.product_id)
            .where(variants.c.id.in_(variant_ids))
        )
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return list(session.connection().execute(statement))
