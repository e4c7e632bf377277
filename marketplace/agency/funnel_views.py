"""The agency's expo funnel: visitors, WhatsApp taps, carts and orders per booth and zone,
during and after the expo. Registered on the agency blueprint; the report page shows it
(report_views.py, "Corong pengunjung"), this module serves its CSV."""

from __future__ import annotations

from flask import request

from marketplace.agency import bp, funnel, funnel_csv


@bp.get("/reports/funnel.csv")
def funnel_csv_download():
    """The funnel of ?expo= over ?from=&to= (the expo's period by default) as a CSV file.
    :raise 404: unknown expo. :raise 422: no expo, bad dates."""
    args = (request.args.get(k) or None for k in ("expo", "from", "to"))
    return funnel_csv.csv_response(funnel.funnel_for(*args))
