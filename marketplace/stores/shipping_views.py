"""The seller's shipping page: origin, pickup, the store's own local delivery and couriers.

HTTP only: the posted form becomes the settings' JSON shape, marketplace.shipping.offer_settings
validates and saves it, errors are shown next to their fields. Any member of the store and the
agency officer assisting it may change it (shipping is day-to-day work, like orders).
Without JavaScript, choosing another regency or city reloads the page with its districts
("Tampilkan kecamatan") without saving anything.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.errors import ValidationError
from marketplace.extensions import db
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping import offer_settings
from marketplace.stores.blueprint import bp, member_store


@bp.route("/seller/stores/<slug>/shipping", methods=["GET", "POST"])
@login_required
def shipping(slug: str):
    """The store's shipping settings. :raise 404: not a member (nor the agency assisting it)."""
    store, member = member_store(slug)
    form = FlaskForm()
    if request.method == "GET":
        return _render(store, member, form, offer_settings.get_settings(store), {})
    raw = _posted()
    if not form.validate_on_submit():
        return _render(store, member, form, _shown(store, raw), {"form": _("Sesi formulir habis; kirim ulang.")}, 422)
    if request.form.get("action") == "regency":
        return _render(store, member, form, _shown(store, raw), {})
    try:
        offer_settings.update_settings(store, raw, current_user)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        return _render(store, member, form, _shown(store, raw), exc.fields, 422)
    flash(_("Pengaturan pengiriman tersimpan."), "success")
    return redirect(url_for(".shipping", slug=store.slug))


def _posted() -> dict:
    """The form as the settings' JSON shape (an unticked box is false)."""
    f = request.form

    def ticked(name: str) -> bool:  # a checkbox is sent only when ticked
        return name in f

    return {
        "origin": {
            "district_code": f.get("origin_district_code", ""),
            "postal_code": f.get("origin_postal_code", ""),
            "address": f.get("origin_address", ""),
        },
        "pickup": {
            "enabled": ticked("pickup_enabled"),
            "place": f.get("pickup_place", "shop"),
            **{key: f.get(f"pickup_{key}", "") for key in ("address", "hours", "instructions")},
            "cod": ticked("pickup_cod"),
        },
        "local": {
            "enabled": ticked("local_enabled"),
            "prices": {
                name.removeprefix("local_price_"): value
                for name, value in f.items()
                if name.startswith("local_price_") and value.strip()
            },
            "free_above": f.get("local_free_above", ""),
            "etd_days": [f.get("local_etd_min", ""), f.get("local_etd_max", "")],
            "cod": ticked("local_cod"),
        },
        "couriers": {
            "enabled": ticked("couriers_enabled"),
            "services": {code: f.getlist(f"courier_{code}") for code in courier_catalogue.COURIERS},
            "cod": ticked("courier_cod"),
        },
    }


def _shown(store, raw: dict) -> dict:
    """What the seller sent, in the shape the template reads, to show it again with its errors."""
    shown = offer_settings.get_settings(store)
    for section in ("origin", "pickup", "couriers"):
        shown[section].update(raw[section])
    local = dict(raw["local"])
    local["prices"] = [{"district_code": code, "price": price} for code, price in raw["local"]["prices"].items()]
    shown["local"].update(local)
    return shown


def _render(store, member, form, settings: dict, errors: dict, status: int = 200):
    regency = request.form.get("origin_regency") or None
    return render_template(
        "stores/shipping.html",
        store=store,
        member=member,
        form=form,
        s=settings,
        errors=errors,
        picker=offer_settings.origin_picker(store, settings["origin"]["district_code"], regency),
        couriers=offer_settings.courier_choices(),
        prices={p["district_code"]: p["price"] for p in settings["local"]["prices"]},
    ), status
