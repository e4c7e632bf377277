"""The form of the public verification page: one PDF to compare with the issued document."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class CompareForm(FlaskForm):
    document = FileField(_l("Berkas PDF yang ingin diperiksa"), render_kw={"accept": "application/pdf,.pdf"})
