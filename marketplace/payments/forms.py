"""Forms of the refunds owed to a bank account: the shopper's account and finance's record."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField

from marketplace.payments import banks


class RefundAccountForm(FlaskForm):
    bank = SelectField(_l("Bank"), validate_choice=False)
    account_number = StringField(
        _l("Nomor rekening"), render_kw={"maxlength": 40, "inputmode": "numeric", "autocomplete": "off"}
    )
    holder_name = StringField(_l("Nama pemilik rekening"), render_kw={"maxlength": 120, "autocomplete": "name"})
    back = HiddenField()


class RefundSentForm(FlaskForm):
    bank_reference = StringField(_l("Referensi transfer bank"), render_kw={"maxlength": 120})
    paid_on = DateField(_l("Tanggal transfer"), default=date.today)


def account_form(row, formdata=None, back: str = "") -> RefundAccountForm:
    """The account form of refund ``row`` (its own field ids, several on one page), filled with
    what the shopper entered before; ``formdata`` None: not a submission."""
    kwargs = {} if formdata is not None else {"formdata": None}
    form = RefundAccountForm(prefix=f"r{row.id}", **kwargs)
    form.bank.choices = [("", str(_l("Pilih bank")))] + banks.choices()
    if formdata is None:
        form.bank.data, form.account_number.data, form.holder_name.data = row.bank, row.account_number, row.holder_name
        form.back.data = back
    return form


def sent_form(row, formdata=None) -> RefundSentForm:
    kwargs = {} if formdata is not None else {"formdata": None}
    return RefundSentForm(prefix=f"s{row.id}", **kwargs)
