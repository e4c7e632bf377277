"""What the agency's pages read: the audit log with names, the expos it speaks of, and a
store's products for the officer who verifies it. Reads only (they may join other domains'
tables); the decisions are in ``services``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from marketplace.accounts.models import User
from marketplace.extensions import db
from marketplace.stores.models import Store


def products_for_review(store: Store, limit: int = 24) -> tuple[list, int]:
    """What the store sells, newest first, with photos and variants, for the officer who verifies
    it (whatever the products' status: a pending store's are drafts), and how many there are."""
    from marketplace.catalog.models import Product

    products = list(
        db.session.scalars(
            select(Product)
            .options(selectinload(Product.images), selectinload(Product.variants))
            .where(Product.store_id == store.id)
            .order_by(Product.id.desc())
            .limit(limit)
        )
    )
    total = db.session.scalar(select(func.count()).select_from(Product).where(Product.store_id == store.id)) or 0
    return products, total


def audit_page(page: int = 1, per_page: int = 50, store: Store | None = None) -> tuple[list, int]:
    """Audit rows, newest first, with actor and store names (two statements)."""
    from marketplace.audit import AuditLog

    actor = aliased(User)
    query = (
        select(AuditLog, actor.name, actor.email, Store.name, Store.slug)
        .outerjoin(actor, actor.id == AuditLog.actor_id)
        .outerjoin(Store, Store.id == AuditLog.on_behalf_of_store_id)
    )
    count = select(func.count()).select_from(AuditLog)
    if store is not None:
        query = query.where(AuditLog.on_behalf_of_store_id == store.id)
        count = count.where(AuditLog.on_behalf_of_store_id == store.id)
    rows = db.session.execute(
        query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), db.session.scalar(count) or 0


def audit_expos(rows) -> dict[str, tuple[str, str]]:
    """Name and slug of each expo the audit rows speak of, by id (one statement when there are any)."""
    from marketplace.expo.models import Expo

    ids = {int(r[0].object_id) for r in rows if r[0].object_type == "expo" and str(r[0].object_id).isdigit()}
    if not ids:
        return {}
    found = db.session.execute(select(Expo.id, Expo.name, Expo.slug).where(Expo.id.in_(ids))).all()
    return {str(i): (name, slug) for i, name, slug in found}
