"""E-mails about orders, sent only once the transaction that caused them commits.

Each message is rendered while the data is at hand (inside the transaction, in
the recipient's language) and written to the mail outbox in the same transaction
(``marketplace.mail.queue_mail``): a rollback drops it, so nobody is told about an
order that was never written; a commit keeps it, and the job queue sends it (with
retries). A mail failure never changes what the request answered.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.ledger import services as ledger
from marketplace.mail import batch, queue_mail
from marketplace.notify import notify
from marketplace.orders import status_names
from marketplace.orders.deadlines import deadlines
from marketplace.orders.models import extras_of, lines_of
from marketplace.payments import bank_refunds
from marketplace.shipping import couriers
from marketplace.urls import absolute_url

log = logging.getLogger(__name__)
# A link for an e-mail, always under BASE_URL (marketplace/urls.py); the old name stays for plugins.
external_url = absolute_url


# --- who is told what --------------------------------------------------------------------


def _user(user_id: int | None):
    from marketplace.accounts.models import User

    return db.session.get(User, user_id) if user_id else None


def _store_owner(store_id: int | None):
    from marketplace.stores.models import Store

    store = db.session.get(Store, store_id) if store_id else None
    return _user(store.owner_id) if store else None


def _store_owners(store_ids) -> dict:
    """The owners of these stores, by store id, in one statement."""
    from marketplace.accounts.models import User
    from marketplace.stores.models import Store

    ids = sorted(set(store_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Store.id, User).join(User, User.id == Store.owner_id).where(Store.id.in_(ids)))
    return dict(rows)


def order_placed(orders: list, instructions: str | None, owners: dict | None = None) -> None:
    """The shopper gets one confirmation for the checkout; each store's owner gets its new order.
    ``owners``: the stores' owners by store id when the caller has them (no statement then)."""
    if not orders:
        return
    with batch():  # one INSERT for the checkout's messages
        _order_placed(orders, instructions, owners)


def _order_placed(orders: list, instructions: str | None, owners: dict | None) -> None:
    shopper = _user(orders[0].user_id)
    if shopper:
        numbers = ", ".join(o.number for o in orders)
        notify(
            shopper,
            "order_placed",  # one notice per checkout, as the e-mail: its orders' numbers and total
            {
                "name": shopper.name,
                "number": numbers,
                "total": sum(o.total for o in orders),
                "url": external_url("orders.detail", number=orders[0].number)
                if len(orders) == 1
                else external_url("orders.index"),
            },
            lambda: queue_mail(
                shopper.email,
                _l("Pesanan Anda diterima: %(numbers)s", numbers=numbers),
                "orders/mail/placed.txt",
                shopper.locale,
                user=shopper,
                instructions=instructions,
                orders=[(o, lines_of(o), extras_of(o), external_url("orders.detail", number=o.number)) for o in orders],
            ),
        )
    if owners is None:
        owners = _store_owners(o.store_id for o in orders)
    for order in orders:
        new_order_for_seller(order, owners.get(order.store_id))


def new_order_for_seller(order, owner) -> None:
    """Tell the store's ``owner`` (None: a store without one, nobody to tell) of its new order. An
    order that already waits for the seller to accept it (cash on delivery) is also a
    ``seller_order_waiting`` notice, as a paid order is: the mail stands in for it."""
    if not owner:
        return
    url = external_url("seller_orders.detail", number=order.number)

    def seller_mail() -> None:
        queue_mail(
            owner.email,
            _l("Pesanan baru %(number)s", number=order.number),
            "orders/mail/new_order.txt",
            owner.locale,
            user=owner,
            order=order,
            lines=lines_of(order),
            split=ledger.order_split(order),
            url=url,
        )

    accept_by = deadlines(order).accept_by
    if accept_by is None:
        seller_mail()
        return
    params = {"name": owner.name, "number": order.number, "total": order.total, "deadline": accept_by, "url": url}
    notify(owner, "seller_order_waiting", params, seller_mail)


def status_changed(order, old_status: str, actor) -> None:
    """The shopper hears of every change; the seller of payments and of cancellations it did not make.
    ``actor`` None is the system (the order clock, a payment confirmation): the mails say so."""
    shopper = _user(order.user_id)
    if shopper:
        url = external_url("orders.detail", number=order.number)

        def shopper_mail() -> None:
            queue_mail(
                shopper.email,
                _l("Pesanan %(number)s: %(status)s", number=order.number, status=status_names.lazy_order_label(order)),
                "orders/mail/status.txt",
                shopper.locale,
                user=shopper,
                order=order,
                by_system=actor is None,
                deadlines=deadlines(order),
                url=url,
                to_bank=order.status == "cancelled" and bool(order.paid_at) and bool(bank_refunds.of_order(order.id)),
            )

        if order.status == "paid":
            params = {"name": shopper.name, "number": order.number, "total": order.total, "url": url}
            notify(shopper, "order_paid", params, shopper_mail)
        elif order.status == "shipped":
            notify(shopper, "order_shipped", _shipped_params(order, shopper, url), shopper_mail)
        else:
            shopper_mail()
    seller_should_know = order.status == "paid" or (
        order.status in ("cancelled", "completed", "refunded") and (actor is None or actor.id == order.user_id)
    )
    owner = _store_owner(order.store_id)
    if owner and seller_should_know and (actor is None or actor.id != owner.id):
        url = external_url("seller_orders.detail", number=order.number)
        due = deadlines(order)

        def seller_mail() -> None:
            queue_mail(
                owner.email,
                _l(
                    "Pesanan %(number)s: %(status)s",
                    number=order.number,
                    status=status_names.lazy_order_label(order, seller=True),
                ),
                "orders/mail/status_seller.txt",
                owner.locale,
                user=owner,
                order=order,
                by_system=actor is None,
                deadlines=due,
                url=url,
            )

        if order.status == "paid":  # it waits for the seller to accept it before the clock cancels it
            params = {
                "name": owner.name,
                "number": order.number,
                "total": order.total,
                "deadline": due.accept_by,
                "url": url,
            }
            notify(owner, "seller_order_waiting", params, seller_mail)
        else:
            seller_mail()


def _shipped_params(order, shopper, url: str) -> dict:
    """The shipped notice's parameters: the courier, the waybill and the courier's tracking page
    as the link when it has one (else the order's page)."""
    return {
        "name": shopper.name,
        "number": order.number,
        "courier": couriers.name_of(order.courier) if order.courier else "",
        "tracking_number": order.tracking_number or "",
        "url": couriers.tracking_link(order.courier, order.tracking_number) or url,
    }
