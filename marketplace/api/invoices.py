"""API endpoint: an ordinary order's invoice as a PDF (marketplace/documents/invoices.py).

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its route to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from flask import Response

from marketplace.api.base import auth_required, bp, current_api_user
from marketplace.documents import invoices

__all__ = ["api_order_invoice", "bp"]


@bp.get("/orders/<number>/invoice.pdf")
@auth_required()
def api_order_invoice(number: str):
    """The order's invoice as its payment stands now, for the buyer, the store's people and the
    agency; 404 for anyone else."""
    order = invoices.get_for_reader(current_api_user(), number)
    response = Response(invoices.render(order), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{invoices.filename(order)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
