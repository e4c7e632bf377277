"""The order clock on the job queue: ``flask worker`` runs it every minute."""

from __future__ import annotations

from marketplace import jobs
from marketplace.extensions import db


@jobs.periodic("* * * * *", name="orders.clock")
def order_clock() -> None:
    """One pass of the order clock. Today: unpaid orders past their window expire (a batch a
    minute, each order once however many workers run it)."""
    from marketplace.orders.services import expire_due

    expire_due()
    db.session.commit()
