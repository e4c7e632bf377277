"""Tracking shipped parcels on the job queue: ``flask worker`` runs it every five minutes."""

from __future__ import annotations

from marketplace import jobs


@jobs.periodic("*/5 * * * *", name="shipping.tracking")
def track_parcels() -> None:
    """One batch of shipped orders whose courier was not asked for TRACKING_REFRESH_MINUTES
    (marketplace/shipping/tracking.py): new steps stored, deliveries recorded. Each order is its
    own transaction; a failed one is retried on a later run."""
    from marketplace.shipping import tracking

    run = tracking.refresh_due()
    if run.failed:
        # recorded as the schedule's outcome (flask jobs status); the orders refreshed stay refreshed
        raise RuntimeError(f"{len(run.failed)} of {run.asked} orders failed: " + "; ".join(run.failed[:10]))
