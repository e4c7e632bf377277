"""One way to make a PDF: a Jinja template under templates/documents/, rendered to HTML and
laid out by WeasyPrint. Nothing is fetched while laying out: the style sheet is read from the
app's static folder and a QR code is drawn inline (segno), so a document looks the same on
every machine and a template can never make the server call out.

A document that must stay as made (a Surat Pesanan, a BAST) is stored by its caller with
:func:`sha256_of` of these bytes and a :func:`new_token` for its public verification page.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

import segno
from flask import current_app, render_template

CSS_FILE = Path("css") / "document.css"
# WeasyPrint logs each layout step at INFO; its warnings (a CSS rule it ignores) still show
logging.getLogger("weasyprint").setLevel(logging.WARNING)


def render_pdf(template: str, **context) -> bytes:
    """The PDF of ``templates/documents/<template>`` with ``context``; the template extends
    ``documents/_page.html``, which carries the style sheet."""
    from weasyprint import HTML  # imported on use: loading Pango costs about 0.3 s at start-up

    html = render_template(f"documents/{template}", document_css=_css(), **context)
    return HTML(string=html, url_fetcher=_refuse_fetch, base_url=None).write_pdf()


def qr_svg(data: str) -> str:
    """An inline SVG QR code of ``data`` (a verification URL), for a document or a page; the
    template writes it with ``|safe`` (segno's own markup, the data escaped inside it)."""
    return segno.make(data, error="m").svg_inline(omitsize=True, border=2)


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def new_token() -> str:
    """The unguessable part of a document's verification URL (32 random bytes, 43 characters)."""
    return secrets.token_urlsafe(32)


def _css() -> str:
    """The style sheet, written into the page with ``|safe`` (our own static file)."""
    return (Path(current_app.static_folder or "") / CSS_FILE).read_text(encoding="utf-8")


def _refuse_fetch(url: str, *args, **kwargs):
    """WeasyPrint's fetcher: documents carry everything inline, so any URL is refused."""
    raise ValueError(f"documents fetch nothing: {url[:80]}")
