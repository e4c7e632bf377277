"""marketplace/reads.py: a SELECT of columns on the session's connection gives the session's
rows, sees what the session holds unflushed (its autoflush), and stays in its transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from marketplace import reads
from marketplace.catalog.models import Category, ProductListing
from marketplace.extensions import db
from tests.factories import gen_category, gen_product, gen_store


def test_the_rows_are_the_sessions_rows(app):
    store = gen_store(name="Batik Sari")
    for name in ("Batik Kawung", "Batik Parang", "Teh Poci"):
        gen_product(store, name=name)
    db.session.commit()
    # an ORM statement (a mapped attribute in its WHERE) of columns only
    statement = (
        select(ProductListing.__table__.c.product_id, ProductListing.__table__.c.name)
        .where(ProductListing.listed.is_(True))
        .order_by(ProductListing.product_id)
    )
    through_session = db.session.execute(statement).all()
    rows = reads.execute(statement).all()
    assert rows == through_session and len(rows) == 3
    assert [row.name for row in rows] == ["Batik Kawung", "Batik Parang", "Teh Poci"]
    assert rows[0]._fields == ("product_id", "name")
    assert reads.scalar(select(func.count()).where(ProductListing.listed.is_(True))) == 3
    assert reads.scalar(select(ProductListing.name).where(ProductListing.product_id == -1)) is None


def test_what_the_session_holds_unflushed_is_read_as_session_execute_would(app):
    db.session.add(Category(slug="wayang", name="Wayang", sector="kriya", position=90))
    count = select(func.count()).select_from(Category).where(Category.slug == "wayang")
    assert reads.scalar(count) == 1  # flushed first
    with db.session.no_autoflush:
        db.session.add(Category(slug="topeng", name="Topeng", sector="kriya", position=91))
        unflushed = select(func.count()).select_from(Category).where(Category.slug == "topeng")
        assert reads.scalar(unflushed) == 0  # autoflush off: as the session would read
    assert reads.scalar(unflushed) == 1
    db.session.rollback()  # the same transaction: the rows go with it
    assert reads.scalar(count) == 0


def test_a_category_renamed_in_the_transaction_is_read_renamed(app):
    category = gen_category("anyaman", name="Anyaman")
    category_id = category.id
    category.name = "Anyaman Bambu"  # pending, not flushed
    assert reads.scalar(select(Category.name).where(Category.id == category_id)) == "Anyaman Bambu"
