"""One IKM of the directory onto one marketplace store.

Matching: the store linked to the E-Smart id, else an unlinked store with the
same NIB, else a new approved store with no owner (the agency invites the
owner to claim it). Ownership: E-Smart owns the profile (name, NIB, KBLI,
address, city, sector); a profile field that the marketplace changed since the
last sync is kept and reported as a conflict. Contact numbers are set only
when the store is created. Every write goes through stores.services.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from marketplace.accounts.services import clean_phone
from marketplace.catalog.sectors import DEFAULT_SECTOR
from marketplace.clock import now
from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.stores import services as stores
from marketplace.stores.models import Store

from .adapter import IkmData, Issue
from .models import EsmartStoreLink

FIELD_LABELS = {"name": "nama_usaha", "nib": "nib", "address": "alamat", "city": "kota", "sector": "sektor"}
LINK_FIELDS = ("kbli", "sentra", "owner_name", "contact_email")


def sync_store(ikm: IkmData, actor, report) -> tuple[int, str]:
    """(store id, "created" | "updated" | "unchanged"); ``report(issue)`` hears warnings and conflicts."""
    link = db.session.scalar(select(EsmartStoreLink).where(EsmartStoreLink.esmart_id == ikm.esmart_id))
    if link is None:
        store = _unlinked_store_with_nib(ikm.profile.get("nib"))
        if store is None:
            return _create(ikm, actor, report), "created"
        link = EsmartStoreLink(store_id=store.id, esmart_id=ikm.esmart_id, snapshot="{}")
        db.session.add(link)
    else:
        store = db.session.get(Store, link.store_id)
    changed = _merge_profile(store, link, ikm, actor, report)
    changed = _apply_link_fields(link, ikm.link) or changed
    link.last_synced_at = now()
    return store.id, "updated" if changed else "unchanged"


def _unlinked_store_with_nib(nib: str | None) -> Store | None:
    if not nib:
        return None
    return db.session.scalar(
        select(Store)
        .outerjoin(EsmartStoreLink, EsmartStoreLink.store_id == Store.id)
        .where(Store.nib == nib, EsmartStoreLink.id.is_(None))
        .order_by(Store.id)
    )


def _create(ikm: IkmData, actor, report) -> int:
    data: dict[str, Any] = dict(ikm.profile)
    if "sector" not in data:
        data["sector"] = DEFAULT_SECTOR
        report(Issue("warning", _("Sektor kosong; memakai %(d)s.", d=DEFAULT_SECTOR), "sektor", ikm.row, ikm.esmart_id))
    phone = ikm.contact.get("whatsapp")
    if phone:
        try:
            data["whatsapp"] = clean_phone(phone, "telepon")
        except ValidationError:
            report(Issue("warning", _("Nomor telepon tidak valid; diabaikan."), "telepon", ikm.row, ikm.esmart_id))
    store = stores.register_store(actor, data, status="approved")
    snapshot = {f: getattr(store, f) for f in ikm.profile}
    db.session.add(
        EsmartStoreLink(
            store_id=store.id,
            esmart_id=ikm.esmart_id,
            snapshot=_dump(snapshot),
            last_synced_at=now(),
            **_present(ikm.link),
        )
    )
    return store.id


def _merge_profile(store: Store, link: EsmartStoreLink, ikm: IkmData, actor, report) -> bool:
    """Three-way: apply E-Smart's value where the marketplace kept the last synced one."""
    base = link.snapshot_values
    new_base, changes = dict(base), {}
    for field, incoming in ikm.profile.items():
        current = getattr(store, field)
        new_base[field] = incoming
        if current == incoming:
            continue
        if (field in base and current == base[field]) or (field not in base and not current):
            changes[field] = incoming
        else:
            report(conflict_issue(FIELD_LABELS[field], current, incoming, ikm.row, ikm.esmart_id))
    if changes:
        stores.update_store(store, actor, changes)
    if new_base != base:
        link.snapshot = _dump(new_base)
    return bool(changes)


def conflict_issue(label: str, here: Any, there: Any, row: int | None, record_id: str | None) -> Issue:
    reason = _(
        "Diubah di marketplace sejak sinkron terakhir; nilai marketplace dipertahankan "
        "(marketplace: “%(here)s”, E-Smart: “%(there)s”).",
        here=_short(here),
        there=_short(there),
    )
    return Issue("conflict", reason, label, row, record_id)


def _short(value: Any, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _apply_link_fields(link: EsmartStoreLink, values: dict) -> bool:
    """KBLI, sentra, owner and e-mail live only in the link; a missing value keeps the old one."""
    changed = False
    for field in LINK_FIELDS:
        value = values.get(field)
        if value is not None and getattr(link, field) != value:
            setattr(link, field, value)
            changed = True
    return changed


def _present(values: dict) -> dict:
    return {k: v for k, v in values.items() if k in LINK_FIELDS and v is not None}


def _dump(values: dict) -> str:
    return json.dumps(values, sort_keys=True, ensure_ascii=False)
