"""Store e-mails a request sends at once: a staff invite's link."""

from __future__ import annotations

from flask_babel import gettext as _

from marketplace.accounts import mails as account_mails
from marketplace.accounts.models import User
from marketplace.stores.models import Store, StoreInvite
from marketplace.urls import absolute_url


def send_invite_mail(store: Store, invite: StoreInvite, token: str, inviter: User) -> bool:
    """E-mail a staff invite's link at once; False when delivery failed (logged; the invite stays)."""
    return account_mails.send_link_now(
        invite.email,
        _("Undangan bergabung dengan toko %(store)s", store=store.name),
        "stores/mail/invite.txt",
        store=store,
        inviter=inviter,
        invite=invite,
        accept_url=absolute_url("stores.accept_invite", token=token),
    )
