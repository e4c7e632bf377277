"""The public check of a government document: anyone holding its verification URL (printed on
it, and in its QR code) sees what was issued, and may upload a file to learn whether it is the
very PDF that was issued, byte for byte (its SHA-256 against the stored one)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from marketplace.documents import pdf
from marketplace.errors import NotFound
from marketplace.extensions import db
from marketplace.gov.models import GovDocument, GovOffice, GovOrder
from marketplace.i18n import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Verified:
    """A document as its verification page shows it: ``superseded_by`` the newest addendum
    that amends it (None: nothing has)."""

    document: GovDocument
    order: GovOrder
    office: GovOffice
    superseded_by: GovDocument | None


class NotAPdf(ValueError):
    """The upload is empty, too large or not a PDF; the message says which."""


def find(token: str) -> Verified:
    """The document with this verification token; NotFound, with no hint, for any other."""
    row = db.session.execute(
        select(GovDocument, GovOrder, GovOffice)
        .join(GovOrder, GovOrder.id == GovDocument.order_id)
        .join(GovOffice, GovOffice.id == GovOrder.office_id)
        .where(GovDocument.token == (token or "")[:43])
    ).first()
    if row is None:
        raise NotFound(_("Dokumen tidak ditemukan."))
    document, order, office = row
    return Verified(document, order, office, _superseded_by(document))


def _superseded_by(document: GovDocument) -> GovDocument | None:
    """A Surat Pesanan or an addendum is superseded by any later addendum of the same order."""
    if document.kind not in ("sp", "sp_addendum"):
        return None
    return db.session.scalar(
        select(GovDocument)
        .where(
            GovDocument.order_id == document.order_id,
            GovDocument.kind == "sp_addendum",
            GovDocument.id > document.id,
        )
        .order_by(GovDocument.id.desc())
        .limit(1)
    )


def read_upload(stream) -> bytes:
    """The uploaded file's bytes. :raise NotAPdf: empty, over 5 MB, or not a PDF."""
    content = stream.read(MAX_UPLOAD_BYTES + 1) if stream is not None else b""
    if not content:
        raise NotAPdf(_("Pilih berkas PDF dokumen ini."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise NotAPdf(_("Berkas lebih dari 5 MB; dokumen asli jauh lebih kecil."))
    if not content.startswith(PDF_MAGIC):
        raise NotAPdf(_("Berkas ini bukan PDF."))
    return content


def matches(document: GovDocument, content: bytes) -> bool:
    """Whether ``content`` is, byte for byte, the PDF that was issued."""
    return pdf.sha256_of(content) == document.sha256
