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
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from flask import has_app_context
from sqlalchemy import TextClause, event, inspect
from sqlalchemy.orm import Session

from marketplace import internals
from marketplace.extensions import db
from marketplace.pagecache_storage import SCOPES, invalidate

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
# UPDATE/INSERT/DELETE statements (a textual one by its table names); ``after_commit`` then
# replaces the tokens of what the transaction wrote, ``after_rollback`` forgets them.

_SESSION_SCOPES = "pagecache_scopes"  # Session.info key: the scopes this transaction wrote
# the tables a textual statement writes, wherever the verb stands (after a WITH, in a trigger-like batch)
_TEXT_DML = re.compile(
    r"\b(?:update|insert\s+(?:or\s+\w+\s+)?into|delete\s+from|replace\s+into)\s+[\"`]?(\w+)", re.IGNORECASE
)


def note_change(table: str, columns: Iterable[str] | None = None) -> None:
    """For a write the session events cannot see (``db.session.connection().execute(...)``,
    a driver-level statement): the pages showing ``table`` (``columns``: an UPDATE's) are
    invalidated when the current transaction commits, and not at all if it rolls back."""
    _note(db.session(), scopes_for(table, columns, updating=columns is not None))


def _note(session: Session, scopes: set[str]) -> None:
    if scopes:
        session.info.setdefault(_SESSION_SCOPES, set()).update(scopes)


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
                scopes |= scopes_for(table, inserting=inserting)
    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if table and session.is_modified(obj, include_collections=False):
            scopes |= scopes_for(table, _changed_columns(obj), updating=True)
    _note(session, scopes)


def _do_orm_execute(state) -> None:
    statement = state.statement
    if isinstance(statement, TextClause):
        for match in _TEXT_DML.finditer(statement.text):
            _note(state.session, scopes_for(match.group(1).lower()))
        return
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(statement, "table", None), "name", None)
    if table is None:  # a DML statement we cannot read: assume the worst
        _note(state.session, set(SCOPES))
        return
    updating = bool(state.is_update)
    _note(
        state.session,
        scopes_for(
            table, internals.dml_columns(statement) if updating else None, updating, inserting=bool(state.is_insert)
        ),
    )


def _after_commit(session: Session) -> None:
    scopes = session.info.pop(_SESSION_SCOPES, None)
    if scopes and has_app_context():
        invalidate(*scopes)


def _after_rollback(session: Session) -> None:
    session.info.pop(_SESSION_SCOPES, None)


_events_installed = False
_events_lock = threading.Lock()


def install_session_events() -> None:
    global _events_installed
    with _events_lock:
        if _events_installed:
            return
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _do_orm_execute)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
        _events_installed = True
