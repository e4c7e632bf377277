"""The account's address book pages: list, add, edit, delete, make default.

HTTP only: the forms and the region picker parse, ``shipping.addresses`` decides.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from marketplace.errors import ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.forms import apply_errors
from marketplace.i18n import gettext as _
from marketplace.i18n import phone_display
from marketplace.shipping import addresses, picker, regions
from marketplace.shipping.address_forms import AddressActionForm, AddressForm

bp = Blueprint("addresses", __name__, template_folder="templates")


@bp.app_template_global()
def region_label(code: str | None) -> str:
    """ "Tegal Barat, Kota Tegal, Jawa Tengah" for a Kemendagri code ("" when unknown)."""
    return regions.label(code)


@bp.route("/account/addresses")
@login_required
def index():
    """The signed-in user's addresses, the default first, each with edit, delete and make-default."""
    user = current_user._get_current_object()
    return render_template(
        "shipping/addresses.html",
        addresses=addresses.list_for(user),
        form=AddressActionForm(),
        limit=addresses.MAX_ADDRESSES,
        phone_display=phone_display,
    )


def _render(form: AddressForm, state: picker.PickerState, address=None, errors=None, status: int = 200):
    return render_template(
        "shipping/address_form.html", form=form, picker=state, address=address, errors=errors or {}
    ), status


def _save(form: AddressForm, address=None):
    """Validate and write the posted address, or render the form again with every error next to its field."""
    user = current_user._get_current_object()
    raw = {**form.values(), **picker.values(request.form)}
    if form.is_default.data:
        raw["is_default"] = True
    try:
        if address is None:
            addresses.create(user, raw)
        else:
            addresses.update(user, address.id, raw)
    except ServiceError as exc:
        db.session.rollback()
        codes = {k: v for k, v in exc.fields.items() if k in picker.FIELDS}
        rest = ValidationError(exc.message, {k: v for k, v in exc.fields.items() if k not in codes})
        apply_errors(form, rest)
        status = 422 if exc.status in (400, 422) else exc.status
        return _render(form, picker.state(request.form), address, codes, status)
    db.session.commit()
    flash(_("Alamat disimpan."), "success")
    return redirect(url_for("addresses.index"))


def _form_page(address=None):
    form = AddressForm(obj=address) if request.method == "GET" else AddressForm()
    if request.method == "GET":
        if address is not None:
            form.phone.data = phone_display(address.phone)
        codes = {name: getattr(address, name) or "" for name in picker.FIELDS} if address else {}
        return _render(form, picker.state(codes), address)
    if picker.searching(request.form):
        return _render(form, picker.state(request.form, search=True), address)
    if not form.validate_on_submit():
        return _render(form, picker.state(request.form), address, status=422)
    return _save(form, address)


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def new():
    """Add an address (422 with errors next to the fields; 409 when the book is full)."""
    return _form_page()


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit(address_id: int):
    """Change one of the user's addresses; 404 for anyone else's."""
    return _form_page(addresses.get_for(current_user._get_current_object(), address_id))


def _action(address_id: int, act, message: str):
    form = AddressActionForm()
    if not form.validate_on_submit():
        flash(_("Sesi formulir kedaluwarsa. Coba lagi."), "error")
        return redirect(url_for("addresses.index"))
    act(current_user._get_current_object(), address_id)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("addresses.index"))


@bp.route("/account/addresses/<int:address_id>/delete", methods=["POST"])
@login_required
def delete(address_id: int):
    """Deletes one of the user's addresses (CSRF-checked); 404 for anyone else's."""
    return _action(address_id, addresses.delete, _("Alamat dihapus."))


@bp.route("/account/addresses/<int:address_id>/default", methods=["POST"])
@login_required
def make_default(address_id: int):
    """Makes one of the user's addresses the default (CSRF-checked); 404 for anyone else's."""
    return _action(address_id, addresses.set_default, _("Alamat utama diganti."))
