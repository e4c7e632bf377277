"""The lines a government order holds, the stock it takes and the stock it gives back: one
place for purchasing (approval, an addendum, a cancel) and delivery (a seller declining)."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.catalog import stock
from marketplace.errors import Conflict
from marketplace.extensions import db
from marketplace.gov.models import GovOrder, GovOrderLine
from marketplace.i18n import gettext as _


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


def reserve(order: GovOrder, wanted: dict[GovOrderLine, int]) -> None:
    """Take each line's quantity off the shelf, in variant id order (two approvals never wait
    on each other crosswise); Conflict naming the first product short. The caller's savepoint
    gives back what was taken before it."""
    for line in sorted(wanted, key=lambda line: line.variant_id or 0):
        quantity = wanted[line]
        if quantity <= 0:
            continue
        if line.variant_id is None or not stock.reserve(line.variant_id, quantity):
            left = _stock_left(line.variant_id)
            raise Conflict(
                _(
                    "Stok %(name)s tinggal %(left)d %(unit)s, kurang untuk %(n)d %(unit)s pesanan %(number)s.",
                    name=line.product_name,
                    left=left,
                    unit=line.unit,
                    n=quantity,
                    number=order.number,
                )
            )


def _stock_left(variant_id: int | None) -> int:
    if variant_id is None:
        return 0
    from marketplace.catalog.models import Variant

    return int(db.session.scalar(select(Variant.stock).where(Variant.id == variant_id)) or 0)


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
