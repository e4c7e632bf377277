"""E-mails about complaints: each step goes to the shopper and to the store's owner (not to
whoever made it), in the recipient's language, once the transaction commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.complaints.models import ACTIONS, REASONS, STATUSES, Complaint
from marketplace.extensions import db
from marketplace.mail import queue_mail
from marketplace.notify import notify
from marketplace.orders.models import Order
from marketplace.urls import absolute_url


def _parties(order: Order) -> list[tuple[object, str]]:
    """(user, the page they follow the complaint on) for the shopper and the store's owner."""
    from marketplace.accounts.models import User
    from marketplace.stores.models import Store

    found = []
    shopper = db.session.get(User, order.user_id) if order.user_id else None
    if shopper is not None:
        found.append((shopper, absolute_url("orders.detail", number=order.number)))
    store = db.session.get(Store, order.store_id) if order.store_id else None
    owner = db.session.get(User, store.owner_id) if store is not None and store.owner_id else None
    if owner is not None:
        found.append((owner, None))
    return found


# The steps a channel (WhatsApp) notice announces besides the e-mail; the others are e-mail only.
NOTICE_OF_ACTION = {
    "opened": "complaint_opened",
    "decided_refund": "complaint_decided",
    "decided_reject": "complaint_decided",
}


def step(complaint: Complaint, order: Order, action: str, actor) -> None:
    """Tell the parties what ``action`` did to the complaint."""
    for user, url in _parties(order):
        if actor is not None and user.id == actor.id:
            continue
        _tell(
            user, url or absolute_url("seller_complaints.detail", complaint_id=complaint.id), complaint, order, action
        )


def _tell(user, url: str, complaint: Complaint, order: Order, action: str) -> None:
    def email() -> None:
        queue_mail(
            user.email,
            _l("Komplain #%(id)d pesanan %(number)s: %(status)s", id=complaint.id, number=order.number,
               status=STATUSES[complaint.status]),
            "complaints/mail/step.txt",
            user.locale,
            user=user,
            complaint=complaint,
            order=order,
            action=ACTIONS[action],
            url=url,
        )  # fmt: skip

    notice = NOTICE_OF_ACTION.get(action)
    if notice is None:
        email()
        return
    params = {"name": user.name, "number": order.number, "url": url}
    if notice == "complaint_opened":
        params["reason"] = REASONS.get(complaint.reason, complaint.reason)
    else:
        params["decision"] = ACTIONS[action]
    notify(user, notice, params, email)
