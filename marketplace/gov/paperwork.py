"""The documents of a government order, made once as PDFs and kept as made.

:func:`issue` renders ``templates/documents/gov_<kind>.html`` (falling back to the shared
``gov_document.html``) with the order, its purchase, office, store and lines, stores the bytes
with their SHA-256 and a random token, and returns the GovDocument. The PDF carries the token's
public verification URL (``/documents/<token>``) as text and as a QR code. Nothing rewrites a
document: a change to a Surat Pesanan is a new ``sp_addendum`` that ``amends`` the last one.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from sqlalchemy import func, select

from marketplace.clock import now
from marketplace.documents import pdf, terbilang
from marketplace.extensions import db
from marketplace.gov.models import GovDocument, GovOffice, GovOfficial, GovOrder, GovOrderLine, GovPurchase
from marketplace.gov.officials import official_of
from marketplace.i18n import wib
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
        return f"{order.number}/ADD-{(count or 0) + 1}"
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
    office = db.session.get_one(GovOffice, order.office_id)
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
        **_signing_context(order, kind, store, office, actor, made_at),
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


@dataclass(frozen=True)
class Signer:
    """A name under a signature line, with the civil servant number (NIP) of an official."""

    name: str
    nip: str | None = None


def _signing_context(order: GovOrder, kind: str, store, office: GovOffice, actor, made_at) -> dict:
    """What the templates add to the lines: who signs (the PPK with name and NIP, the seller),
    the place and date above the signature, the total in words, and for the invoice the BAST it
    follows and the store's payout account."""
    ppk_id = order.received_by_id if kind in ("bast", "invoice", "kuitansi") else order.approved_by_id
    actor_official = official_of(actor)
    if actor_official is not None and actor_official.office_id == order.office_id and actor_official.position == "ppk":
        ppk_id = actor.id  # the PPK signing now (approve, amend, receive) before the order names them
    ppk = _official_signer(ppk_id)
    seller = _seller_signer(store, actor)
    context: dict = dict(
        ppk=ppk,
        seller=seller,
        amount_words=terbilang.rupiah_words(order.total),
        place_date=f"{office.city or office.name}, {wib(made_at, 'date')}",
        received_on=order.received_at or made_at,
        payout=None,
        bast=None,
    )
    if kind == "invoice":
        context["payout"] = _payout_of(store)
        context["bast"] = latest(order, "bast")
    return context


def _official_signer(user_id: int | None) -> Signer | None:
    if user_id is None:
        return None
    from marketplace.accounts.models import User

    row = db.session.execute(
        select(User.name, GovOfficial.nip)
        .select_from(User)
        .outerjoin(GovOfficial, GovOfficial.user_id == User.id)
        .where(User.id == user_id)
    ).first()
    return Signer(row.name, row.nip) if row is not None else None


def _seller_signer(store, actor) -> Signer | None:
    """The seller signing now (issuing the invoice) or, for documents the office issues, the
    store's owner, who accepts them."""
    if store is None:
        return None
    from marketplace.accounts.models import User
    from marketplace.stores import services as stores

    if actor is not None and stores.membership(store, actor) is not None:
        return Signer(actor.name)
    owner = db.session.get(User, store.owner_id) if store.owner_id else None
    return Signer(owner.name) if owner is not None else None


@dataclass(frozen=True)
class Payout:
    bank_name: str
    account_number: str
    holder_name: str


def _payout_of(store) -> Payout | None:
    """Where the office pays the invoice: the store's payout account, written in full (the office
    transfers to it), or None when the store has set none."""
    if store is None:
        return None
    from marketplace.ledger import payout_accounts
    from marketplace.payments import banks

    account = payout_accounts.get(store.id)
    if account is None:
        return None
    bank = banks.get(account.bank)
    return Payout(bank.name if bank else account.bank, account.account_number, account.holder_name)


def _template(kind: str) -> str:
    try:
        current_app.jinja_env.get_template(f"documents/gov_{kind}.html")
    except TemplateNotFound:
        return "gov_document.html"
    return f"gov_{kind}.html"
