from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField


class ReviewForm(FlaskForm):
    line_id = HiddenField()
    rating = StringField(_l("Nilai"))  # reviews.services explains a missing or bad rating
    comment = TextAreaField(_l("Komentar"), render_kw={"rows": 2, "maxlength": 2000})
