"""The seller's shipping page: origin, pickup, the store's own local delivery and couriers.

HTTP only: the posted form becomes the settings' JSON shape, marketplace.shipping.offer_settings
validates and saves it, errors are shown next to their fields. Any member of the store and the
agency officer assisting it may change it (shipping is day-to-day work, like orders).
The origin is chosen with the shared region picker (templates/_region_picker.html, prefix
``origin_``): without JavaScript its district search reloads the page with the matches, saving
nothing.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.shipping import couriers as courier_catalogue
from marketplace.shipping import offer_settings
from marketplace.shipping import picker as region_picker
from marketplace.stores.blueprint import bp, member_store

PREFIX = "origin_"  # the region picker's fields: origin_district_code, origin_district_q ...


@bp.route("/seller/stores/<slug>/shipping", methods=["GET", "POST"])
@login_required
def shipping(slug: str):
    """The store's shipping settings. :raise 404: not a member (nor the agency assisting it)."""
    store, member = member_store(slug)
    form = FlaskForm()
    if request.method == "GET":
        return _render(store, member, form, offer_settings.get_settings(store), {})
    raw = _posted()
    _drop_other_city_prices(raw)
    if not form.validate_on_submit():
        return _render(store, member, form, _shown(store, raw), {"form": _("Sesi formulir habis; kirim ulang.")}, 422)
    if region_picker.searching(request.form, PREFIX):
        return _render(store, member, form, _shown(store, raw), {}, search=True)
    try:
        offer_settings.update_settings(store, raw, current_user)
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        errors = exc.fields or {"form": exc.message}
        return _render(store, member, form, _shown(store, raw), errors, 422 if exc.status in (400, 422) else exc.status)
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


def _drop_other_city_prices(raw: dict) -> None:
    """The price fields listed were those of the city the store shipped from; when the seller picks a
    district elsewhere, they no longer apply (the page lists the new city's districts instead)."""
    own = {code for code, _name in offer_settings.local_districts(raw["origin"]["district_code"])}
    if own:
        raw["local"]["prices"] = {code: p for code, p in raw["local"]["prices"].items() if code in own}


def _shown(store, raw: dict) -> dict:
    """What the seller sent, in the shape the template reads, to show it again with its errors."""
    shown = offer_settings.get_settings(store)
    for section in ("origin", "pickup", "couriers"):
        shown[section].update(raw[section])
    local = dict(raw["local"])
    local["prices"] = [{"district_code": code, "price": price} for code, price in raw["local"]["prices"].items()]
    shown["local"].update(local)
    return shown


def _render(store, member, form, settings: dict, errors: dict, status: int = 200, search: bool = False):
    district = settings["origin"]["district_code"]
    if request.method == "POST":
        codes = request.form
    elif district:
        codes = {PREFIX + "district_code": district}
    else:  # a first visit: the regency or city of the store's profile, its districts ready to pick
        regency = offer_settings.city_regency(store) or ""
        codes = {PREFIX + "province_code": regency[:2], PREFIX + "regency_code": regency}
    return render_template(
        "stores/shipping.html",
        store=store,
        member=member,
        form=form,
        s=settings,
        errors=errors,
        picker=region_picker.state(codes, prefix=PREFIX, search=search),
        picker_errors={k.removeprefix(PREFIX): v for k, v in errors.items() if k.startswith(PREFIX)},
        local_districts=offer_settings.local_districts(district),
        couriers=offer_settings.courier_choices(),
        prices={p["district_code"]: p["price"] for p in settings["local"]["prices"]},
    ), status
