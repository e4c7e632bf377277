"""The lines a government order holds and the stock it gives back: one place for purchasing
(an addendum lowering a quantity, a cancel) and delivery (a seller declining)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.catalog import stock
from marketplace.extensions import db
from marketplace.gov.models import GovOrder, GovOrderLine


def lines_of(order: GovOrder) -> list[GovOrderLine]:
    """The order's lines as they are now, not as an earlier read of this session left them
    (the step has locked the order: machine.lock)."""
    return list(
        db.session.scalars(
            select(GovOrderLine)
            .where(GovOrderLine.order_id == order.id)
            .order_by(GovOrderLine.id)
            .execution_options(populate_existing=True)
        )
    )


def release(quantities: dict[GovOrderLine, int]) -> None:
    """Put ``quantities`` (line → units) back on the shelf, in variant order (the order in which
    approval takes them, so two requests never wait on each other's rows)."""
    for line in sorted(quantities, key=lambda line: line.variant_id or 0):
        if line.variant_id is not None and quantities[line] > 0:
            stock.release(line.variant_id, quantities[line])


def release_all(order: GovOrder) -> None:
    """Give back everything the order holds; the caller has just closed it by a compare-and-set
    move out of machine.RESERVING, so this runs once per order."""
    release({line: line.quantity for line in lines_of(order)})
