"""Payout e-mails to a store's owner: the payout account changed, a payout failed. Queued in
the caller's transaction (the outbox sends them after the commit)."""

from __future__ import annotations

from marketplace import mail
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.payments import banks
from marketplace.stores.models import Store


def _owner(store_id: int):
    from marketplace.accounts.models import User

    store = db.session.get(Store, store_id)
    owner = db.session.get(User, store.owner_id) if store is not None and store.owner_id else None
    return store, owner


def queue_account_changed(account, actor) -> None:
    """Tell the owner the store's payout account changed (masked): if it was not them, the
    agency can stop payouts before any is made to it."""
    store, owner = _owner(account.store_id)
    if owner is None:
        return
    mail.queue_mail(
        owner.email,
        _("Rekening pencairan toko diubah: %(store)s", store=store.name),
        "ledger/mail/payout_account_changed.txt",
        locale=owner.locale,
        store=store,
        bank=banks.get(account.bank),
        masked=banks.mask(account.account_number),
        holder=account.holder_name,
        by=getattr(actor, "name", "") or "",
        at=account.updated_at,
    )


def queue_payout_failed(payout) -> None:
    """Tell the owner a payout failed, why, and that the money is back in the balance."""
    store, owner = _owner(payout.store_id)
    if owner is None:
        return
    mail.queue_mail(
        owner.email,
        _("Pencairan dana toko %(store)s gagal", store=store.name),
        "ledger/mail/payout_failed.txt",
        locale=owner.locale,
        store=store,
        payout=payout,
        masked=banks.mask(payout.account_number),
    )
