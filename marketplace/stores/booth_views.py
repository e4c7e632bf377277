"""The seller's booth pages: what the store shows in each expo it exhibits in (banner, tagline,
video, pinned products, opening hours). Registered on the stores blueprint.

HTTP only: the posted form becomes expo.booths' shapes, expo.booths validates and saves, its
errors are shown next to their fields and nothing changes. Any member of the store and the
agency officer assisting it may change a booth (day-to-day work, like shipping). Also hooks
the "online now" sighting (stores.presence) before every seller page.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, user_logged_in
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from marketplace.errors import ServiceError
from marketplace.expo import booths
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads
from marketplace.stores import presence
from marketplace.stores.blueprint import bp, member_store, uploaded

__all__ = ["bp"]

bp.before_app_request(presence.before_seller_page)
bp.after_app_request(presence.after_sign_in)
user_logged_in.connect(presence.on_sign_in)


class BannerForm(FlaskForm):
    banner = FileField(_l("Spanduk stan"), render_kw={"accept": "image/jpeg,image/png,image/webp"})


@bp.get("/seller/stores/<slug>/booths")
@login_required
def booths_list(slug: str):
    """The store's booths in every expo. :raise 404: not a member (nor the agency assisting it)."""
    store, member = member_store(slug)
    return render_template("stores/booths.html", store=store, member=member, booths=booths.booths_of(store))


@bp.route("/seller/stores/<slug>/booths/<expo_slug>", methods=["GET", "POST"])
@login_required
def booth_edit(slug: str, expo_slug: str):
    """Edit the booth's tagline, video, hours and pinned products. :raise 404: not a member, or
    the store does not exhibit in that expo."""
    store, member = member_store(slug)
    exhibitor = booths.exhibitor_of(expo_slug, store)
    expo = exhibitor.expo  # kept: a rollback expires the exhibitor's loaded expo
    form = FlaskForm()
    if request.method == "GET":
        return _render(store, member, exhibitor, expo, form, _shown(exhibitor), {})
    shown = _posted()
    if not form.validate_on_submit():
        return _render(
            store, member, exhibitor, expo, form, shown, {"form": _("Sesi formulir habis; kirim ulang.")}, 422
        )
    try:
        booths.update_booth(
            exhibitor, current_user, shown["tagline"], shown["video_url"], shown["hours"], pins=shown["pins"]
        )
        db.session.commit()
    except ServiceError as exc:
        db.session.rollback()
        errors = exc.fields or {"form": exc.message}
        return _render(
            store, member, exhibitor, expo, form, shown, errors, 422 if exc.status in (400, 422) else exc.status
        )
    flash(_("Stan tersimpan."), "success")
    return redirect(url_for(".booth_edit", slug=store.slug, expo_slug=expo_slug))


@bp.post("/seller/stores/<slug>/booths/<expo_slug>/banner")
@limit_uploads
@login_required
def booth_banner(slug: str, expo_slug: str):
    """Replace the booth's banner. :raise 404: not a member, or not an exhibitor of that expo."""
    store, member = member_store(slug)
    exhibitor = booths.exhibitor_of(expo_slug, store)
    expo = exhibitor.expo
    banner_form = BannerForm()
    upload = uploaded(banner_form, "banner") if banner_form.validate_on_submit() else None
    status = 422
    if upload is not None:
        try:
            booths.set_banner(exhibitor, current_user, upload.stream)
            db.session.commit()
        except ServiceError as exc:
            status = failed(banner_form, exc)
        else:
            flash(_("Spanduk stan diperbarui."), "success")
            return redirect(url_for(".booth_edit", slug=store.slug, expo_slug=expo_slug))
    return _render(store, member, exhibitor, expo, FlaskForm(), _shown(exhibitor), {}, status, banner_form)


def _posted() -> dict:
    """The form in expo.booths' shapes (an unticked box is not sent)."""
    f = request.form
    return {
        "tagline": f.get("tagline", ""),
        "video_url": f.get("video_url", ""),
        "hours": {
            day: {
                "closed": f"hours_{day}_closed" in f,
                "open": f.get(f"hours_{day}_open", ""),
                "close": f.get(f"hours_{day}_close", ""),
            }
            for day in booths.WEEKDAYS
        },
        "pins": [f.get(f"pin_{i}", "") for i in range(booths.MAX_PINS)],
    }


def _shown(exhibitor) -> dict:
    """The booth as the form shows it."""
    pins = [str(pid) for pid in booths.pinned_ids(exhibitor.id)]
    return {
        "tagline": exhibitor.tagline,
        "video_url": exhibitor.video_url,
        "hours": {
            row.day: {"closed": row.closed, "open": row.opens, "close": row.closes}
            for row in booths.hours_rows(exhibitor.hours)
        },
        "pins": pins + [""] * (booths.MAX_PINS - len(pins)),
    }


def _render(store, member, exhibitor, expo, form, shown: dict, errors: dict, status: int = 200, banner_form=None):
    return render_template(
        "stores/booth_edit.html",
        store=store,
        member=member,
        exhibitor=exhibitor,
        expo=expo,
        form=form,
        banner_form=banner_form or BannerForm(formdata=None),
        s=shown,
        errors=errors,
        days=booths.DAY_NAMES,
        choices=booths.pin_choices(store.id),
    ), status
