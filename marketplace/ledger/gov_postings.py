"""Ledger postings of a paid government order (issue #21).

A government order is not a shop order: its rows carry no ``order_id`` (that column points at
``orders``) and name the order by its number in ``note``. When the bendahara records the
payment the store is credited once, with keys of their own so that a shop order and a
government order with the same id never collide:

- ``gov-sale:<id>`` ``sale`` +subtotal on the store, with the commission snapshotted at approval;
- ``gov-commission:<id>`` −c on the store and ``gov-commission-mp:<id>`` +c on the marketplace,
  c = commission_of(subtotal, bps) — goods only, none when c is 0;
- ``gov-shipping:<id>`` ``shipping`` +ongkir on the store, with no commission.
"""

from __future__ import annotations

import logging

from marketplace.ledger.models import MARKETPLACE, store_account
from marketplace.ledger.postings import add_once, commission_of

log = logging.getLogger(__name__)


def credit_gov_order(order) -> None:
    """Credit the paid government ``order`` to its store less the government commission, and
    the commission to the marketplace; a second call writes nothing."""
    if order.store_id is None:
        log.error("government order %s has no store; not credited", order.number)
        return
    store, bps = store_account(order.store_id), order.commission_bps or 0
    common = dict(note=order.number)
    if add_once(
        f"gov-sale:{order.id}", account=store, kind="sale", amount=order.subtotal, commission_bps=bps, **common
    ):
        commission = commission_of(order.subtotal, bps)
        if commission:
            add_once(
                f"gov-commission:{order.id}",
                account=store,
                kind="commission",
                amount=-commission,
                commission_bps=bps,
                **common,
            )
            add_once(
                f"gov-commission-mp:{order.id}",
                account=MARKETPLACE,
                kind="commission",
                amount=commission,
                commission_bps=bps,
                **common,
            )
    if order.shipping_cost > 0:
        add_once(f"gov-shipping:{order.id}", account=store, kind="shipping", amount=order.shipping_cost, **common)


def gov_net(order) -> int:
    """What a paid government order earns its store: goods and ongkir less the commission."""
    return order.subtotal + order.shipping_cost - commission_of(order.subtotal, order.commission_bps or 0)
