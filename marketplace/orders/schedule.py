"""The order clock on the job queue: ``flask worker`` runs it every minute."""

from __future__ import annotations

from marketplace import jobs


@jobs.periodic("* * * * *", name="orders.clock")
def order_clock() -> None:
    """One pass of the order clock (marketplace/orders/clock.py): expiry, auto-cancel,
    auto-complete and the steps others add. Each order is its own transaction, moved
    once however many workers run it."""
    from marketplace.orders import clock

    result = clock.tick()
    if result.failed:
        # recorded as the schedule's outcome (flask jobs status); the orders that moved stay moved
        raise RuntimeError("; ".join(result.lines()))
