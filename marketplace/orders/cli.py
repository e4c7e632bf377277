"""``flask orders expire``: cancel unpaid orders past their window and give their stock back.
``flask orders tick``: one pass of the whole order clock (marketplace/orders/clock.py)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from marketplace.extensions import db

orders_cli = AppGroup("orders", help="Pesanan: kedaluwarsa pembayaran dan jam pesanan.")


@orders_cli.command("expire")
def expire_command() -> None:
    """Cancel unpaid orders past their payment window; their stock goes back (once).

    One transaction per order: an order that cannot be expired is reported and
    skipped, the others go on. Safe to run while the site serves (and twice)."""
    from marketplace.errors import ServiceError
    from marketplace.orders.services import due_order_ids, expire_one

    expired = failed = 0
    seen: set[int] = set()
    while True:
        batch = [order_id for order_id in due_order_ids(limit=200) if order_id not in seen]
        if not batch:
            break
        for order_id in batch:
            seen.add(order_id)
            try:
                expired += expire_one(order_id)
                db.session.commit()
            except ServiceError as exc:
                db.session.rollback()
                failed += 1
                click.echo(f"order {order_id}: {exc.message}", err=True)
    click.echo(f"{expired} order(s) expired." + (f" {failed} could not be expired." if failed else ""))


@orders_cli.command("tick")
def tick_command() -> None:
    """One pass of the order clock: expiry, auto-cancel of paid orders the seller did not
    accept, auto-complete of shipped orders, and any step a plugin added. Prints the counts
    per step. Safe to run twice at once: each order moves once."""
    from marketplace.orders import clock

    result = clock.tick()
    for line in result.lines():
        click.echo(line)
    if result.failed:
        raise SystemExit(1)


def register_cli(app: Flask) -> None:
    app.cli.add_command(orders_cli)
