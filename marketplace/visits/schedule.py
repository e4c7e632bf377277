"""The visitor figures on the job queue: ``flask worker`` rolls them up every 5 minutes."""

from __future__ import annotations

from marketplace import jobs


@jobs.periodic("*/5 * * * *", name="visits.rollup")
def visits_rollup() -> None:
    """Today's and yesterday's ``visit_daily`` rows again; older tallies and salts deleted
    (marketplace/visits/rollup.py)."""
    from marketplace.visits import rollup

    rollup.run()
