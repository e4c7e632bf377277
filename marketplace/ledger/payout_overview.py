"""What finance reads of payout runs: the finance page's section (the plan a run would pay now,
the payouts waiting for their outcome) and a run's outcome as JSON (API, ``--json``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.ledger.models import FILE_RAIL, Payout
from marketplace.ledger.payout_runs import Planned, RailUnavailable, RunResult, current_rail, minimum, plan
from marketplace.stores.models import Store


def result_json(result: RunResult, dry_run: bool) -> dict:
    """What a run did (or, dry, would do), for the API and ``--json``."""
    return {
        "dry_run": dry_run,
        "batch": None if dry_run else result.batch,
        "rail": result.rail,
        "minimum": minimum(),
        "total": result.total,
        "items": [{"store": p.store.slug, "amount": p.amount, "bank": p.account.bank} for p in result.planned],
        "payouts": result.payouts,
        "skipped": result.skipped,
        "states": result.states,
    }


def pending(limit: int = 200) -> list[Payout]:
    """Payouts of runs still waiting for their outcome, oldest first (the finance page)."""
    return list(db.session.scalars(select(Payout).where(Payout.status == "pending").order_by(Payout.id).limit(limit)))


def batch_payouts(batch: str) -> list[Payout]:
    return list(db.session.scalars(select(Payout).where(Payout.batch == batch).order_by(Payout.id)))


@dataclass
class Overview:
    """The finance page's payout run section: what a run would pay now and what is pending."""

    rail: str  # the rail's name, or "" for the bank file
    rail_id: str
    problem: str  # why the rail cannot be used now ("" when it can)
    minimum: int
    plan: list[Planned]
    pending: list[Payout]
    store_names: dict[int, str]

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.plan)

    @property
    def file_batches(self) -> list[str]:
        """Runs whose bank file still has payouts waiting to be marked, newest first."""
        return sorted({p.batch for p in self.pending if p.rail == FILE_RAIL and p.batch}, reverse=True)


def overview() -> Overview:
    try:
        rail, problem = current_rail(), ""
    except RailUnavailable as exc:
        rail, problem = None, exc.message
    waiting = pending()
    ids = {p.store_id for p in waiting}
    names = dict(db.session.execute(select(Store.id, Store.name).where(Store.id.in_(ids or {-1}))).tuples().all())
    name = rail.name or rail.id if rail else ""
    return Overview(name, rail.id if rail else "", problem, minimum(), plan(), waiting, names)
