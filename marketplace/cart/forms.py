"""Cart forms: they carry CSRF and the raw values; cart.services judges quantities."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired

REQUIRED = _l("Wajib diisi.")


class AddToCartForm(FlaskForm):
    variant_id = StringField(_l("Varian"), validators=[InputRequired(message=REQUIRED)])
    # text, not IntegerField: cart.services explains what is wrong with "0", "-1" or "abc"
    quantity = StringField(
        _l("Jumlah"),
        default="1",
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "size": 3},
    )
    next = HiddenField()


class QuantityForm(FlaskForm):
    quantity = StringField(
        _l("Jumlah"),
        validators=[InputRequired(message=REQUIRED)],
        render_kw={"inputmode": "numeric", "pattern": "[0-9]*", "size": 3},
    )
    # the stepper's - and + buttons: one less or one more than the quantity in the field
    step = HiddenField()

    def stepped_quantity(self) -> str:
        """The quantity asked for: the field's, moved by the step when a step button was pressed
        (left as typed when it is not a number: cart.services says what is wrong with it)."""
        typed = (self.quantity.data or "").strip()
        if self.step.data in ("-1", "1") and typed.isdigit():
            return str(int(typed) + int(self.step.data))
        return typed


class RemoveForm(FlaskForm):
    """No fields: the CSRF token is the point."""
