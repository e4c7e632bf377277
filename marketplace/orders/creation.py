"""Creating orders at checkout: one order per store from its priced lines, with the lines,
extras and shipping snapshotted, written in a fixed number of statements. The checkout
(marketplace/checkout/services.py) calls :func:`create_orders` inside its transaction.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime

from marketplace import audit, rows
from marketplace.clock import now, to_jakarta
from marketplace.ledger.models import EXTRA_KINDS
from marketplace.orders.models import Order, OrderEvent, OrderExtra, OrderLine
from marketplace.site_settings import commission_bps_sql

log = logging.getLogger(__name__)


def order_number(order: Order) -> str:
    """APK-<yymm in WIB>-<id>: short to read out on the phone, unique by the id."""
    return f"APK-{to_jakarta(order.placed_at):%y%m}-{order.id:06d}"


def create_orders(
    *, checkout_id: int, payment_id: int, user, parts: list, address: dict, method, shipping: dict | None = None
) -> list[Order]:
    """One order per store from its priced cart lines, snapshotting names and prices.

    ``parts`` is a list of ``(group, extras)``: a store's lines (a cart StoreGroup)
    and the ``(CheckoutExtra, amount)`` pairs priced for its order; ``shipping`` maps a
    store id to the option chosen for it (marketplace.shipping.options.Option), whose
    price is the order's ongkir (none: no ongkir, as orders before shipping). One INSERT per
    table for all the orders (see :mod:`marketplace.rows`), then one UPDATE for
    their numbers, which are made from the ids. The caller holds every row it
    wrote: ``order.lines`` and ``order.extras`` are loaded, nothing lazy-loads."""
    placed = now()
    made = rows.insert_returning(
        Order,
        [
            _with_shipping(
                _order_values(checkout_id, payment_id, user, group, extras, address, method, placed),
                (shipping or {}).get(group.store_id),
                address,
            )
            for group, extras in parts
        ],
        computed=_snapshots,
    )
    lines = rows.insert_returning(OrderLine, _line_values(made, parts))
    order_extras = rows.insert_returning(OrderExtra, _extra_values(made, parts))
    rows.insert_plain(
        OrderEvent,
        [
            dict(order_id=order.id, at=placed, actor_id=user.id, from_status=None, to_status="pending_payment", note="")
            for order in made
        ],
    )
    rows.write_each([(order, {"number": order_number(order)}) for order in made])
    _attach_children(made, lines, order_extras)
    audit.record_many(
        user,
        "order.placed",
        "order",
        [
            (order.id, order.store_id, {"number": order.number, "total": order.total, "method": method.id})
            for order in made
        ],
    )
    return made


def _order_values(
    checkout_id: int, payment_id: int, user, group, extras: list, address: dict, method, placed: datetime
) -> dict:
    """The columns of one store's order; its number is a placeholder until the id is known."""
    window = method.reservation_window
    extras_total = sum(amount for _extra, amount in extras)
    return dict(
        number=f"TMP-{secrets.token_hex(8)}",
        checkout_id=checkout_id,
        payment_id=payment_id,
        user_id=user.id,
        store_id=group.store_id,
        store_name=group.store_name,
        status="pending_payment",
        payment_method=method.id,
        pay_on_delivery=bool(method.pay_on_delivery),
        subtotal=group.subtotal,
        extras_total=extras_total,
        shipping_cost=0,
        total=group.subtotal + extras_total,
        placed_at=placed,
        updated_at=placed,
        expires_at=placed + window if window else None,
        ship_name=address["name"],
        ship_phone=address["phone"],
        ship_address=address["address"],
        ship_city=address["city"],
        ship_postal_code=address["postal_code"],
    )


def _with_shipping(values: dict, option, address: dict) -> dict:
    """The order's columns with the option the buyer chose; the total grows by the ongkir."""
    values = values | _shipping_values(option, address)
    values["total"] = values["subtotal"] + values["extras_total"] + values["shipping_cost"]
    return values


def _shipping_values(option, address: dict) -> dict:
    """The option the buyer chose and the address's regions (none: no ongkir)."""
    regions = dict(
        ship_region_code=address.get("region_code"),
        ship_province=_cut(address.get("province"), 80),
        ship_district=_cut(address.get("district"), 80),
        ship_village=_cut(address.get("village"), 80),
    )
    if option is None:
        return regions
    return regions | dict(
        shipping_cost=option.price,
        shipping_method=option.method,
        shipping_courier=option.courier,
        shipping_service=option.service,
        shipping_label=_cut(str(option.label), 160),
        shipping_etd=option.etd_days,
        shipping_source=_cut(option.source, 40),
    )


def _cut(value, limit: int):
    return value[:limit] if isinstance(value, str) else value


def _line_values(made: list[Order], parts: list) -> list[dict]:
    """The order lines of every order, snapshotting the product's names and price."""
    return [
        dict(
            order_id=order.id,
            product_id=line.facts.product_id,
            variant_id=line.facts.variant_id,
            product_name=line.facts.product_name,
            variant_name=line.facts.variant_name,
            sku=line.facts.sku,
            unit_price=line.facts.price,
            quantity=line.quantity,
            line_total=line.facts.price * line.quantity,
        )
        for order, (group, _extras) in zip(made, parts, strict=True)
        for line in group.lines
    ]


def _extra_values(made: list[Order], parts: list) -> list[dict]:
    """The priced extras of every order, their names cut to the column's length."""
    return [
        dict(
            order_id=order.id,
            extra_id=extra.id,
            name=str(extra.name)[:160],
            amount=amount,
            payee=str(getattr(extra, "payee", "store") or "store")[:60],
            ledger_kind=_ledger_kind(extra),
        )
        for order, (_group, extras) in zip(made, parts, strict=True)
        for extra, amount in extras
    ]


def _ledger_kind(extra) -> str:
    """The ledger kind an extra is credited as; a plugin's unknown kind is a plain "extra"."""
    kind = getattr(extra, "ledger_kind", "extra")
    return kind if kind in EXTRA_KINDS else "extra"


def _attach_children(made: list[Order], lines: list[OrderLine], order_extras: list[OrderExtra]) -> None:
    """Load ``order.lines``/``order.extras`` (and each line's order) so nothing lazy-loads later."""
    for order in made:
        rows.attach(order, "lines", [line for line in lines if line.order_id == order.id])
        rows.attach(order, "extras", [extra for extra in order_extras if extra.order_id == order.id])
        for line in order.lines:
            rows.attach(line, "order", order)


def _snapshots() -> dict:
    """What an order snapshots as its row is written: the commission (no read of its own)."""
    return {"commission_bps": commission_bps_sql()}
