"""Assisted selling: an agency officer works in a store whose owner allowed it.

The owner turns on ``Store.allow_agency_assist`` in the store's settings. An
agency user (or admin) who is not a member then gets an *assistant*
membership from :func:`stores.services.require_member` — never stored, made
for the request — and sees the seller pages as the seller would, except the
owner's own pages (settings, staff invites). Every audit row the officer's
writes add in that request names the officer as actor and the store as
``on_behalf_of_store_id`` and carries ``"assisted": true`` in its data; the
store's dashboard lists them ("Riwayat bantuan Disnakerin").
A store that did not allow it answers 403 with a message saying so.
"""

from __future__ import annotations

import json

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select

from marketplace import audit
from marketplace.audit import AuditLog
from marketplace.errors import PermissionDenied
from marketplace.extensions import db
from marketplace.i18n import gettext as _

ASSISTANT = "assistant"
ACTION_LABELS = {
    "assist.started": _l("Mulai membantu toko"),
    "product.created": _l("Menambah produk"),
    "product.updated": _l("Mengubah produk"),
    "product.image_added": _l("Menambah foto produk"),
    "product.image_removed": _l("Menghapus foto produk"),
    "variant.created": _l("Menambah varian"),
    "variant.updated": _l("Mengubah varian (harga/stok)"),
    "variant.deleted": _l("Menghapus varian"),
    "order.processing": _l("Menerima pesanan"),
    "order.shipped": _l("Mengirim pesanan"),
    "order.completed": _l("Menyelesaikan pesanan"),
    "order.cancelled": _l("Membatalkan pesanan"),
    "store.shipping_updated": _l("Mengubah pengaturan pengiriman"),
}
ASSISTED_MARK = '"assisted": true'  # as json.dumps writes it in AuditLog.data


def action_label(action: str) -> str:
    """A person's words for an audit action ("Menambah produk"); the code itself when unknown."""
    label = ACTION_LABELS.get(action)
    return str(label) if label else action


def is_officer(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.has_role("agency"))


def check_allowed(store, user) -> None:
    """:raise PermissionDenied: the store's owner has not allowed the agency to help."""
    if not store.allow_agency_assist:
        raise PermissionDenied(
            _(
                "Toko %(store)s belum mengizinkan bantuan petugas dinas. Pemilik toko dapat "
                "menyalakannya di Pengaturan toko.",
                store=store.name,
            )
        )


def assistant_membership(store, user):
    """A transient ``assistant`` membership for an agency officer in a store that allows it;
    None for anyone else. :raise PermissionDenied: an officer, but the store did not allow it."""
    from marketplace.stores.models import StoreMember

    if not is_officer(user):
        return None
    check_allowed(store, user)
    if has_app_context():
        g.agency_assist = (store.id, user.id)
    return StoreMember(store_id=store.id, user_id=user.id, role=ASSISTANT)


def start(officer, store) -> None:
    """The officer starts helping a store from the console (audited)."""
    check_allowed(store, officer)
    audit.record(officer, "assist.started", "store", store.id, store_id=store.id, assisted=True)


def history(store, limit: int = 50) -> list[tuple[AuditLog, str | None]]:
    """What agency officers did for the store, newest first, with the officer's name (one statement)."""
    from marketplace.accounts.models import User

    rows = db.session.execute(
        select(AuditLog, User.name)
        .outerjoin(User, User.id == AuditLog.actor_id)
        .where(AuditLog.on_behalf_of_store_id == store.id, AuditLog.data.contains(ASSISTED_MARK))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


@event.listens_for(AuditLog, "before_insert")
def _mark_assisted(mapper, connection, row: AuditLog) -> None:
    """In a request where an officer works as an assistant, mark the officer's audit rows."""
    if not has_app_context():
        return
    assisting = g.get("agency_assist")
    if not assisting:
        return
    store_id, officer_id = assisting
    if row.actor_id != officer_id or row.on_behalf_of_store_id not in (None, store_id):
        return
    row.on_behalf_of_store_id = store_id
    data = json.loads(row.data or "{}")
    data["assisted"] = True
    row.data = json.dumps(data, default=str, ensure_ascii=False)
