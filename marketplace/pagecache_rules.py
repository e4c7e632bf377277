"""What a write makes stale in the page cache, declared by each model.

Two generations, ``catalog`` and ``detail``, are part of every cached page's key
(marketplace/pagecache.py). ``catalog`` is anything a listing, storefront, expo
hall or the API listing shows: products, prices, photos, categories, stores and
their status, expos, exhibitors, featured vendors. ``detail`` is what only
product pages show: stock, reviews and their authors' names. Product pages use
both, so a write that changes the catalogue replaces both.

Every model says what its table's writes invalidate, as a class attribute of
plain data (a model imports nothing for it)::

    class Review(db.Model):
        __page_cache__ = "detail"       # every column: "catalog", "detail" or "nothing"

    class Variant(db.Model):
        __page_cache__ = {              # column by column: Invalidates(**this)
            "catalog": ("id", "product_id", "store_id", "name", "sku", "price", "created_at"),
            "detail": ("stock", "updated_at"),
        }

A declaration either gives one scope all the columns (a column added later is
covered by it) or names every column of the table in exactly one of
``catalog``, ``detail`` and ``nothing``; ``tests/unit/test_page_cache_rules.py``
walks every table of the metadata, core and bundled plugins, and fails naming
a table without a declaration or a column that is in none. A Core table
(``db.Table``) declares in ``info={"page_cache": ...}``; a table with no
``Table`` object at all (SQLite's full-text index) is in
:data:`TABLES_WITHOUT_MODEL`.

At run time a table the app maps but nobody declared invalidates everything
(a stale page is worse than a cold one), and an UPDATE of a column a
column-by-column declaration does not name invalidates everything its table
may show.

For the tables a product owns (products, variants, photos, reviews, its search
text), marketplace/pagecache_products.py narrows a write the declarations say
touches a scope down to the pages showing that product and the listings it is
in; what it cannot narrow replaces the generations as above.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from flask import g, has_app_context, has_request_context
from sqlalchemy import TextClause, event, inspect
from sqlalchemy.orm import Session

from marketplace import internals
from marketplace import pagecache_products as products
from marketplace.extensions import db
from marketplace.pagecache_storage import SCOPES, current, invalidate

log = logging.getLogger(__name__)
ALL = "all"  # every column of the table, including those added later

_NONE: frozenset[str] = frozenset()
_BOTH = frozenset(SCOPES)
_DETAIL = frozenset({"detail"})


class Invalidates:
    """What a write to a model's table makes stale, as ``__page_cache__`` on the model.

    ``catalog``, ``detail``, ``nothing``: the columns whose change invalidates that
    scope (``catalog`` implies ``detail``: product pages show the catalogue too), or
    ``ALL``. ``new_rows=False``: a new row shows on no page until another table
    refers to it (a new user has written no review), so an INSERT invalidates
    nothing; an UPDATE or DELETE still does."""

    __slots__ = ("catalog", "detail", "nothing", "new_rows", "everything", "_all")

    def __init__(
        self,
        *,
        catalog: Iterable[str] | str = (),
        detail: Iterable[str] | str = (),
        nothing: Iterable[str] | str = (),
        new_rows: bool = True,
    ):
        parts = {"catalog": catalog, "detail": detail, "nothing": nothing}
        lone = [name for name, columns in parts.items() if isinstance(columns, str) and columns != ALL]
        if lone:
            raise ValueError(f"{', '.join(lone)}: a tuple of column names or ALL, not one string")
        everywhere = [name for name, columns in parts.items() if columns == ALL]
        if len(everywhere) > 1:
            raise ValueError(f"only one of {', '.join(everywhere)} may be ALL")
        self._all = everywhere[0] if everywhere else None
        named = {name: frozenset() if columns == ALL else frozenset(columns) for name, columns in parts.items()}
        twice = (named["catalog"] & named["detail"]) | ((named["catalog"] | named["detail"]) & named["nothing"])
        if twice:
            raise ValueError(f"columns declared in two scopes: {sorted(twice)}")
        self.catalog, self.detail, self.nothing = named["catalog"], named["detail"], named["nothing"]
        self.new_rows = new_rows
        if catalog:
            self.everything = _BOTH
        elif detail:
            self.everything = _DETAIL
        else:
            self.everything = _NONE

    @property
    def all_columns_in(self) -> str | None:
        """The scope given ``ALL`` the columns, if any."""
        return self._all

    def columns(self) -> frozenset[str]:
        """The columns named one by one."""
        return self.catalog | self.detail | self.nothing

    def scopes(self, columns: Iterable[str] | None, updating: bool, inserting: bool) -> frozenset[str]:
        """The scopes a write invalidates. ``columns``: an UPDATE's, None when unknown."""
        if inserting and not self.new_rows:
            return _NONE
        if not updating or columns is None or not self.everything:
            return self.everything
        changed = set(columns)
        if self._all == "catalog" or changed & self.catalog:
            return _BOTH
        unknown = self._all is None and bool(changed - self.catalog - self.detail - self.nothing)
        if unknown:  # a column nobody declared (or a name that is no column): assume the worst
            return self.everything
        if self._all == "detail" or changed & self.detail:
            return _DETAIL
        return _NONE

    def __repr__(self) -> str:
        shown = {
            name: ALL if self._all == name else sorted(getattr(self, name))
            for name in ("catalog", "detail", "nothing")
            if self._all == name or getattr(self, name)
        }
        return f"Invalidates({shown}, new_rows={self.new_rows})"


CATALOG = Invalidates(catalog=ALL)  # listings show it: every change renders every page anew
DETAIL = Invalidates(detail=ALL)  # only product pages show it
NOTHING = Invalidates(nothing=ALL)  # no cached page shows it
_BY_NAME = {"catalog": CATALOG, "detail": DETAIL, "nothing": NOTHING}

# Tables written only by SQL (triggers, a rebuild) with no Table object in the metadata.
TABLES_WITHOUT_MODEL = {
    "product_fts": CATALOG,  # SQLite's full-text index of product_search
    "search_words_fts": CATALOG,  # SQLite's trigram index of search_words
}

_EVERYTHING = Invalidates(catalog=ALL)  # an undeclared mapped table
_by_table: dict[str, Invalidates | None] = {}
_built_for = -1


def declaration(table) -> Invalidates | None:
    """The declaration of a ``Table``: its ``info["page_cache"]``, else the ``__page_cache__``
    of the class mapped to it; None when there is none. ValueError for one that makes no sense."""
    found = table.info.get("page_cache")
    if found is None:
        found = next(
            (
                mapper.class_.__dict__.get("__page_cache__")
                for mapper in db.Model.registry.mappers
                if mapper.local_table is table
            ),
            None,
        )
    return None if found is None else as_rule(found, table.name)


def as_rule(declared, table: str = "?") -> Invalidates:
    """A declaration as written on a model (a scope's name, a dict of :class:`Invalidates`'s
    arguments, or an ``Invalidates``) as an ``Invalidates``."""
    if isinstance(declared, Invalidates):
        return declared
    if isinstance(declared, str) and declared in _BY_NAME:
        return _BY_NAME[declared]
    if isinstance(declared, dict):
        try:
            return Invalidates(**declared)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{table}: __page_cache__ {declared!r}: {exc}") from None
    raise ValueError(f"{table}: __page_cache__ is {declared!r}; expected one of {sorted(_BY_NAME)} or a dict")


def rule_for(table: str) -> Invalidates | None:
    """The declaration for the table named ``table``; None for a name that is no table of the
    app (a textual statement's CTE, say)."""
    if table in TABLES_WITHOUT_MODEL:
        return TABLES_WITHOUT_MODEL[table]
    tables = db.metadata.tables
    if _built_for != len(tables):  # a plugin's models were imported since
        _rebuild(tables)
    return _by_table.get(table)


def _rebuild(tables) -> None:
    global _built_for, _by_table
    built: dict[str, Invalidates | None] = {}
    for name, table in tables.items():
        try:
            found = declaration(table)
        except ValueError:  # the rules test names it; meanwhile a write must not become an error
            log.exception("page cache: table %s has a declaration that makes no sense", name)
            found = None
        if found is None:
            log.warning(
                "page cache: table %s declares nothing (__page_cache__): its writes invalidate every page", name
            )
            found = _EVERYTHING
        built[name] = found
    _by_table = built  # replaced whole: a reader in another thread sees the old map or the new one
    _built_for = len(tables)


def scopes_for(
    table: str, columns: Iterable[str] | None = None, updating: bool = False, inserting: bool = False
) -> frozenset[str]:
    """The generations a write to ``table`` invalidates. ``columns`` (an UPDATE's), None when unknown."""
    rule = rule_for(table)
    if rule is None:
        return _NONE
    return rule.scopes(columns, updating, inserting)


# --- the writes of a transaction, seen by the session's events ----------------------------
# ``after_flush`` looks at the changed columns of the ORM objects, ``do_orm_execute`` at
# UPDATE/INSERT/DELETE statements (a textual one by its table names); a product's own writes
# are narrowed to tags (pagecache_products), read from the listing rows when the transaction
# ends (``before_commit``, and after a flush inside the commit). ``after_commit`` of the
# outermost transaction then replaces the tokens of the scopes that were not narrowed and
# publishes the tags; a transaction's end forgets them. A savepoint's commit or rollback
# does neither: the outer transaction has not committed yet (and what a rolled-back savepoint
# wrote may be invalidated all the same).

_SESSION_SCOPES = products.FALLBACK  # Session.info key: the scopes this transaction wrote (not narrowed)
# the tables a textual statement writes, wherever the verb stands (after a WITH, in a trigger-like batch)
_TEXT_DML = re.compile(
    r"\b(?:update|insert\s+(?:or\s+\w+\s+)?into|delete\s+from|replace\s+into)\s+[\"`]?(\w+)", re.IGNORECASE
)


def note_change(table: str, columns: Iterable[str] | None = None) -> None:
    """For a write the session events cannot see (``db.session.connection().execute(...)``,
    a driver-level statement): the pages showing ``table`` (``columns``: an UPDATE's) are
    invalidated when the current transaction commits, and not at all if it rolls back."""
    _note(db.session(), scopes_for(table, columns, updating=columns is not None))


def _note(session: Session, scopes: set[str] | frozenset[str]) -> None:
    if scopes:
        session.info.setdefault(_SESSION_SCOPES, set()).update(scopes)


def _narrowing(session: Session, scopes) -> bool:
    """Worth narrowing: the write touches a scope, and the transaction does not drop every page anyway."""
    return bool(scopes) and "catalog" not in session.info.get(_SESSION_SCOPES, ())


def _changed_columns(obj) -> list[str]:
    """The names of the columns a dirty object changes (a relationship: its local columns),
    as the declarations name them."""
    state = inspect(obj)
    names: list[str] = []
    for attr in state.attrs:
        if attr.history.has_changes():
            prop = state.mapper.attrs[attr.key]
            columns = getattr(prop, "columns", None) or getattr(prop, "local_columns", None) or ()
            names += [column.name for column in columns] or [attr.key]
    return names


def _after_flush(session: Session, flush_context) -> None:
    scopes: set[str] = set()
    for objects, inserting in ((session.new, True), (session.deleted, False)):
        for obj in objects:
            table = getattr(obj, "__tablename__", None)
            if table:
                found = scopes_for(table, inserting=inserting)
                if not _narrowing(session, found) or not products.note_object(
                    session, obj, table, found, inserting=inserting, deleting=not inserting
                ):
                    scopes |= products.fallback_scopes(table, None, found)
    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if table and session.is_modified(obj, include_collections=False):
            columns = _changed_columns(obj)
            found = scopes_for(table, columns, updating=True)
            if not _narrowing(session, found) or not products.note_object(session, obj, table, found, columns):
                scopes |= products.fallback_scopes(table, columns, found)
    _note(session, scopes)
    if session.info.get(products.COMMITTING):  # the commit's own flush: before_commit has passed
        _resolve(session)


def _do_orm_execute(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        for match in _TEXT_DML.finditer(statement.text):
            _note(state.session, scopes_for(match.group(1).lower()))
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.execution_options.get("pagecache") == "reported":  # its caller says what it changed
        return
    table = getattr(getattr(statement, "table", None), "name", None)
    if table is None:  # a DML statement we cannot read: assume the worst
        _note(state.session, set(SCOPES))
        return
    updating = bool(state.is_update)
    columns = internals.dml_columns(statement) if updating else None
    found = scopes_for(table, columns, updating, inserting=bool(state.is_insert))
    narrowed = (
        _narrowing(state.session, found)
        and not state.is_insert
        and products.note_statement(state.session, statement, state.parameters, table, found, columns)
    )
    if not narrowed:
        _note(state.session, products.fallback_scopes(table, columns, found))


def _before_commit(session: Session) -> None:
    # a savepoint's too: harmless (its tags wait for the outer commit), and a commit of the
    # outer transaction while a savepoint is still open looks like one from here
    if not session.in_nested_transaction():
        session.info[products.COMMITTING] = True
    _resolve(session)


def _resolve(session: Session) -> None:
    """The product changes recorded so far as tags (one statement), unless every page goes anyway."""
    if "catalog" in session.info.get(_SESSION_SCOPES, ()):
        session.info.pop(products.PENDING, None)
        return
    _note(session, products.resolve(session))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the transaction has not committed yet
        return
    scopes = session.info.pop(_SESSION_SCOPES, None) or set()
    tags = session.info.pop(products.TAGS, None)
    scopes |= products.unresolved(session)  # flushed after before_commit: can no longer be read
    if not has_app_context():
        return
    if scopes:
        invalidate(*scopes)
    cache = current()
    if tags and cache is not None and not (scopes and "catalog" in scopes):  # else every page is dropped anyway
        cache.publish(tags)
        if has_request_context():  # this request reads the log again before it renders a page
            g.pop("pagecache_generations", None)


def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.parent is None:
        for key in (_SESSION_SCOPES, products.PENDING, products.TAGS, products.COMMITTING, products.COUNTED):
            session.info.pop(key, None)


_events_installed = False
_events_lock = threading.Lock()


def install_session_events() -> None:
    global _events_installed
    with _events_lock:
        if _events_installed:
            return
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
        _events_installed = True
