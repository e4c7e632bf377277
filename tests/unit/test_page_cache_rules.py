"""Every table declares what its writes make stale in the page cache
(marketplace/pagecache_rules.py), and a new table or column cannot be forgotten."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy import inspect as sa_inspect

from marketplace import create_app, pagecache_rules
from marketplace.extensions import db
from marketplace.pagecache_rules import ALL, Invalidates, as_rule, scopes_for

PLUGINS_DIR = Path(__file__).resolve().parents[2] / "plugins"
BUNDLED = sorted(path.name for path in PLUGINS_DIR.iterdir() if (path / "__init__.py").is_file())


def problems(table: Table) -> list[str]:
    """What is wrong with ``table``'s declaration, in words naming the table and columns."""
    try:
        rule = pagecache_rules.declaration(table)
    except ValueError as exc:
        return [str(exc)]
    if rule is None:
        return [
            f"{table.name}: no declaration of what its writes invalidate (__page_cache__ on its model, "
            f"see marketplace/pagecache_rules.py)"
        ]
    actual = {column.name for column in table.columns}
    out = []
    stale = rule.columns() - actual
    if stale:
        out.append(f"{table.name}: __page_cache__ names columns it does not have: {sorted(stale)}")
    missing = actual - rule.columns()
    if rule.all_columns_in is None and missing:
        out.append(
            f"{table.name}: columns in no scope of __page_cache__ (catalog, detail or nothing): {sorted(missing)}"
        )
    return out


@pytest.fixture(scope="module")
def every_table():
    """The metadata with the core and every bundled plugin loaded."""
    assert {"insurance", "esmart_sync", "stripe_payments"} <= set(BUNDLED)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": "sqlite://",
            "MARKETPLACE_PLUGINS": ",".join(BUNDLED),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        }
    )
    assert app.extensions["sqlalchemy"].metadatas[None] is db.metadata
    return dict(db.metadata.tables)


def test_every_table_and_column_is_declared(every_table):
    assert {
        "products",
        "variants",
        "users",
        "orders",
        "insurance_policies",
        "esmart_runs",
        "stripe_events",
        "bank_transfers",
    } <= set(every_table)  # core and plugin tables are walked
    found = [problem for table in every_table.values() for problem in problems(table)]
    assert not found, "\n".join(found)


# the tables SQLite's FTS5 keeps for a full-text index, written by SQLite itself
FTS5_SHADOWS = ("_config", "_content", "_data", "_docsize", "_idx")


def test_every_table_the_migrations_make_is_declared(make_app):
    """A table a migration creates without a model (a full-text index) is declared too."""
    app = make_app(plugins=",".join(BUNDLED))
    with app.app_context():
        names = set(sa_inspect(db.engine).get_table_names()) - {"alembic_version"}
    shadows = {f"{table}{suffix}" for table in pagecache_rules.TABLES_WITHOUT_MODEL for suffix in FTS5_SHADOWS}
    unknown = sorted(names - shadows - set(db.metadata.tables) - set(pagecache_rules.TABLES_WITHOUT_MODEL))
    assert not unknown, f"tables without a model nor an entry in pagecache_rules.TABLES_WITHOUT_MODEL: {unknown}"


def test_a_new_column_or_table_is_caught():
    metadata = MetaData()
    listed = Table(
        "listed",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String),
        Column("added_later", String),
        info={"page_cache": {"catalog": ("id",), "detail": ("name",)}},
    )
    assert problems(listed) == [
        "listed: columns in no scope of __page_cache__ (catalog, detail or nothing): ['added_later']"
    ]
    everything = Table(
        "everything",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("new", String),
        info={"page_cache": "detail"},
    )
    assert problems(everything) == []  # "all the columns" covers a column added later
    renamed = Table(
        "renamed",
        metadata,
        Column("id", Integer, primary_key=True),
        info={"page_cache": {"nothing": ("id", "old_name")}},
    )
    assert problems(renamed) == ["renamed: __page_cache__ names columns it does not have: ['old_name']"]
    undeclared = Table("undeclared", metadata, Column("id", Integer, primary_key=True))
    assert problems(undeclared)[0].startswith("undeclared: no declaration")
    wrong = Table("wrong", metadata, Column("id", Integer, primary_key=True), info={"page_cache": "catalogue"})
    assert "wrong: __page_cache__ is 'catalogue'" in problems(wrong)[0]


def test_declarations_make_sense():
    with pytest.raises(ValueError, match="two scopes"):
        Invalidates(catalog=("price",), detail=("price",))
    with pytest.raises(ValueError, match="only one"):
        Invalidates(catalog=ALL, nothing=ALL)
    with pytest.raises(ValueError, match="not one string"):
        Invalidates(detail="name")
    with pytest.raises(ValueError, match="t: __page_cache__"):
        as_rule({"catalogue": ("id",)}, "t")


def test_what_a_write_invalidates(every_table):
    both, detail, nothing = {"catalog", "detail"}, {"detail"}, set()
    assert scopes_for("products") == both
    assert scopes_for("variants", ["stock"], updating=True) == detail  # only product pages show stock
    assert scopes_for("variants", ["stock", "price"], updating=True) == both
    assert scopes_for("variants", ["not_a_column"], updating=True) == both  # unknown: the worst
    assert scopes_for("variants", inserting=True) == both
    assert scopes_for("reviews", inserting=True) == detail
    assert scopes_for("users", inserting=True) == nothing  # a new user has written no review
    assert scopes_for("users", ["name"], updating=True) == detail
    assert scopes_for("users", ["password_hash", "session_version"], updating=True) == nothing
    assert scopes_for("users", None, updating=True) == detail
    assert scopes_for("users") == detail  # a deleted author
    assert scopes_for("orders") == nothing
    assert scopes_for("insurance_policies", ["status"], updating=True) == nothing
    assert scopes_for("product_fts") == both  # written by SQL only, declared in TABLES_WITHOUT_MODEL
    assert scopes_for("no_such_table") == nothing  # a CTE's name in a textual statement


def test_an_undeclared_mapped_table_invalidates_everything(every_table, monkeypatch):
    from marketplace.orders.models import Order

    monkeypatch.setattr(pagecache_rules, "_built_for", -1)
    monkeypatch.delattr(Order, "__page_cache__")
    assert scopes_for("orders", ["status"], updating=True) == {"catalog", "detail"}  # a stale page is worse
    monkeypatch.undo()
    pagecache_rules._built_for = -1
    assert scopes_for("orders", ["status"], updating=True) == set()
