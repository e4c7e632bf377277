"""Printed documents on the web (HTTP only): an ordinary order's invoice as a PDF, and the
public verification page of a government document (marketplace/documents/verification.py)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from marketplace.documents import invoices, verification
from marketplace.documents.forms import CompareForm
from marketplace.gov.paperwork import TITLES
from marketplace.media import limit_uploads

bp = Blueprint("documents", __name__)


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF for the one reader the view has checked: shown in the browser, never kept by a
    shared cache."""
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/orders/<number>/invoice.pdf")
@login_required
def order_invoice(number: str):
    """The order's invoice, as its payment stands now; 404 for anyone who may not read it."""
    order = invoices.get_for_reader(current_user, number)
    return pdf_response(invoices.render(order), invoices.filename(order))


def _verify_page(found, form: CompareForm, result: bool | None = None, status: int = 200):
    response = Response(
        render_template(
            "documents/verify.html", found=found, title=TITLES[found.document.kind], form=form, result=result
        ),
        status=status,
    )
    # the page is reached by a private URL: search engines must not list it
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/documents/<token>")
def verify(token: str):
    """What was issued under this token, for anyone holding the printed URL or QR; 404 otherwise."""
    return _verify_page(verification.find(token), CompareForm())


@bp.post("/documents/<token>")
@limit_uploads
def compare(token: str):
    """Compare an uploaded PDF with the issued one: it is the same file, or it is not."""
    found = verification.find(token)
    form = CompareForm()
    if not form.validate_on_submit():
        return _verify_page(found, form, status=422)
    try:
        content = verification.read_upload(form.document.data)
    except verification.NotAPdf as exc:
        form.document.errors = [str(exc)]
        return _verify_page(found, form, status=422)
    return _verify_page(found, CompareForm(formdata=None), result=verification.matches(found.document, content))
