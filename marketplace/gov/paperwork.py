"""The documents of a government order, made once as PDFs and kept as made.

:func:`issue` renders ``templates/documents/gov_<kind>.html`` (falling back to the shared
``gov_document.html``) with the order, its purchase, office, store and lines, stores the bytes
with their SHA-256 and a random token, and returns the GovDocument. The PDF carries the token's
public verification URL (``/documents/<token>``) as text and as a QR code. Nothing rewrites a
document: a change to a Surat Pesanan is a new ``sp_addendum`` that ``amends`` the last one.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from marketplace.clock import now
from marketplace.documents import pdf
from marketplace.extensions import db
from marketplace.gov.models import GovDocument, GovOffice, GovOrder, GovOrderLine, GovPurchase
from marketplace.urls import absolute_path

TITLES = {
    "sp": _l("Surat Pesanan"),
    "sp_addendum": _l("Adendum Surat Pesanan"),
    "bast": _l("Berita Acara Serah Terima"),
    "invoice": _l("Faktur Tagihan"),
    "kuitansi": _l("Kuitansi"),
}
PREFIXES = {"sp": "SP", "bast": "BAST", "invoice": "INV", "kuitansi": "KWT"}


def document_number(order: GovOrder, kind: str) -> str:
    """SP-2612-000123 for the Surat Pesanan (the order's number), BAST-/INV-/KWT- with the same
    tail, and SP-2612-000123/ADD-2 for the second addendum."""
    tail = order.number.split("-", 1)[1]
    if kind == "sp_addendum":
        count = db.session.scalar(
            select(func.count(GovDocument.id)).where(GovDocument.order_id == order.id, GovDocument.kind == kind)
        )
        return f"{order.number}/ADD-{count + 1}"
    return f"{PREFIXES[kind]}-{tail}"


def latest(order: GovOrder, *kinds: str) -> GovDocument | None:
    """The order's newest document of one of ``kinds``, without its bytes."""
    return db.session.scalar(
        select(GovDocument)
        .where(GovDocument.order_id == order.id, GovDocument.kind.in_(kinds))
        .order_by(GovDocument.id.desc())
        .limit(1)
    )


def issue(
    order: GovOrder,
    kind: str,
    actor,
    *,
    amends: GovDocument | None = None,
    changes: list[str] | None = None,
    extra: dict | None = None,
) -> GovDocument:
    """Make, store and return the order's ``kind`` document (the caller commits). ``changes``
    are the sentences of an addendum; ``extra`` more context for the template (a payment)."""
    purchase = db.session.get(GovPurchase, order.purchase_id)
    office = db.session.get(GovOffice, order.office_id)
    lines = list(
        db.session.scalars(select(GovOrderLine).where(GovOrderLine.order_id == order.id).order_by(GovOrderLine.id))
    )
    from marketplace.stores.models import Store

    store = db.session.get(Store, order.store_id) if order.store_id else None
    number, token, made_at = document_number(order, kind), pdf.new_token(), now()
    verify_url = absolute_path(f"/documents/{token}")
    context = dict(
        kind=kind,
        title=TITLES[kind],
        number=number,
        order=order,
        purchase=purchase,
        office=office,
        store=store,
        lines=lines,
        actor=actor,
        amends=amends,
        changes=changes or [],
        made_at=made_at,
        verify_url=verify_url,
        qr=pdf.qr_svg(verify_url),
        **(extra or {}),
    )
    content = pdf.render_pdf(_template(kind), **context)
    document = GovDocument(
        order_id=order.id,
        kind=kind,
        number=number,
        token=token,
        sha256=pdf.sha256_of(content),
        size=len(content),
        content=content,
        amount=order.total,
        amends_id=amends.id if amends is not None else None,
        created_by_id=getattr(actor, "id", None),
        created_at=made_at,
    )
    db.session.add(document)
    db.session.flush()
    return document


def _template(kind: str) -> str:
    try:
        current_app.jinja_env.get_template(f"documents/gov_{kind}.html")
    except TemplateNotFound:
        return "gov_document.html"
    return f"gov_{kind}.html"
