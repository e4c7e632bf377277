"""Store e-mails: a staff invite's link, through the mail outbox."""

from __future__ import annotations

from marketplace.accounts import mails as account_mails
from marketplace.accounts.models import User
from marketplace.i18n import gettext as _
from marketplace.stores.models import Store, StoreInvite
from marketplace.urls import absolute_url


def queue_invite_mail(store: Store, invite: StoreInvite, token: str, inviter: User) -> None:
    """Queue a staff invite's link in the transaction that makes the invite (the outbox sends it)."""
    account_mails.queue_link(
        invite.email,
        _("Undangan bergabung dengan toko %(store)s", store=store.name),
        "stores/mail/invite.txt",
        store=store,
        inviter=inviter,
        invite=invite,
        accept_url=absolute_url("stores.accept_invite", token=token),
    )
