from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField


class UploadForm(FlaskForm):
    file = FileField(_l("Berkas IKM (JSON, CSV, atau XLSX)"), validators=[FileRequired(_l("Pilih berkas."))])
    dry_run = BooleanField(_l("Uji coba: laporkan saja, jangan simpan apa pun"))


class PullForm(FlaskForm):
    dry_run = BooleanField(_l("Uji coba: laporkan saja, jangan simpan apa pun"))
    full = BooleanField(_l("Ambil semua IKM, bukan hanya yang berubah sejak tarikan terakhir"))


class PushForm(FlaskForm):
    dry_run = BooleanField(_l("Uji coba: laporkan saja, jangan kirim apa pun"))
