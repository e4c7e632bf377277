"""E-mails about government orders: each step tells whoever acts next, or whoever it
concerns, and never the one who took it. Written to the mail outbox in the step's own
transaction (marketplace/mail.py): a refused or rolled-back step tells nobody.

    submit, accept_quote → the office's PPK          (an order waits for approval)
    quote                → the pejabat pengadaan     (a seller's answer waits)
    reject               → the pejabat pengadaan
    approve, amend, cancel, withdraw, receive, pay → the store's owner
    accept, decline      → the pejabat pengadaan and the PPK
    ship                 → the PPK                   (goods to receive)
    invoice              → the bendahara             (an invoice to pay)
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.gov.models import GovOffice, GovOfficial, GovOrder
from marketplace.mail import batch, queue_mail
from marketplace.urls import absolute_url

TOLD = {
    "submit": ("ppk",),
    "accept_quote": ("ppk",),
    "quote": ("pp",),
    "reject": ("pp",),
    "approve": ("seller",),
    "amend": ("seller",),
    "cancel": ("seller",),
    "withdraw": ("seller",),
    "receive": ("seller",),
    "pay": ("seller",),
    "accept": ("pp", "ppk"),
    "decline": ("pp", "ppk"),
    "ship": ("ppk",),
    "invoice": ("bendahara",),
}


def step_taken(order: GovOrder, action: str, actor, *, step, status, note: str = "") -> None:
    """Tell the people of TOLD[action] that ``actor`` took ``action`` (named ``step``) on
    ``order``, which is now ``status`` (the state machine's labels)."""
    told = TOLD.get(action, ())
    if not told:
        return
    office = db.session.get(GovOffice, order.office_id)
    with batch():
        for user, side in _recipients(order, told):
            if actor is not None and user.id == getattr(actor, "id", None):
                continue
            endpoint = "seller_gov.order" if side == "seller" else "gov.order"
            queue_mail(
                user.email,
                _l("Pesanan instansi %(number)s: %(status)s", number=order.number, status=status),
                "gov/mail/step.txt",
                user.locale,
                user=user,
                order=order,
                office=office,
                step=step,
                status=status,
                actor_name=getattr(actor, "name", None),
                note=note,
                url=absolute_url(endpoint, number=order.number),
            )


def _recipients(order: GovOrder, told: tuple[str, ...]) -> list[tuple]:
    """(user, "seller" or the position) for each side told: the store's owner, and the active
    officials of the order's office in the positions named (one statement each)."""
    from marketplace.accounts.models import User
    from marketplace.stores.models import Store

    found: list[tuple] = []
    if "seller" in told and order.store_id is not None:
        owner = db.session.scalar(select(User).join(Store, Store.owner_id == User.id).where(Store.id == order.store_id))
        if owner is not None and owner.active:
            found.append((owner, "seller"))
    positions = [side for side in told if side != "seller"]
    if positions:
        rows = db.session.execute(
            select(User, GovOfficial.position)
            .join(GovOfficial, GovOfficial.user_id == User.id)
            .where(
                GovOfficial.office_id == order.office_id,
                GovOfficial.position.in_(positions),
                GovOfficial.active.is_(True),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
        found += [(user, position) for user, position in rows]
    return found
