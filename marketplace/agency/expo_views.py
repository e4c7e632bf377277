"""The agency's expo pages: create an expo, edit its dates and banner, its zones
and its exhibitors (booth and zone). Registered on the agency blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from marketplace.agency import bp, flash_error, services
from marketplace.agency.forms import ActionForm, BannerForm, ExhibitorForm, ExpoForm, ZoneForm
from marketplace.clock import to_jakarta
from marketplace.errors import ServiceError, ValidationError
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.media import limit_uploads
from marketplace.stores import services as stores


def _local(value) -> str:
    """An aware UTC time as the value of a datetime-local input, in WIB."""
    return to_jakarta(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def _dates(form: ExpoForm):
    """The form's start and end as UTC; the errors of both fields at once."""
    errors, values = {}, []
    for name, end_of_day in (("starts_at", False), ("ends_at", True)):
        try:
            values.append(expos.parse_local_datetime(getattr(form, name).data, name, end_of_day=end_of_day))
        except ValidationError as exc:
            errors.update(exc.fields)
            values.append(None)
    if errors:
        raise ValidationError(fields=errors)
    return values


@bp.get("/expos")
def expos_index():
    """Every expo (newest first) and the form to create one."""
    return _render_index(ExpoForm(formdata=None))


def _render_index(form, status: int = 200):
    rows = expos.list_expos()
    return render_template(
        "agency/expos.html", expos=rows, states={e.id: expos.expo_state(e) for e in rows}, form=form
    ), status


@bp.post("/expos")
def create_expo():
    """Create an expo with its zones (one name per line); to its page."""
    form = ExpoForm()
    if not form.validate_on_submit():
        return _render_index(form, 422)
    zones = [line.strip() for line in (form.zones.data or "").splitlines() if line.strip()]
    try:
        starts_at, ends_at = _dates(form)
        expo = expos.create_expo(
            current_user, form.slug.data, form.name.data, starts_at, ends_at, form.description.data, zones=zones
        )
        db.session.commit()
    except ServiceError as exc:
        return _render_index(form, failed(form, exc))
    flash(_("Expo %(name)s dibuat. Tambahkan banner dan peserta.", name=expo.name), "success")
    return redirect(url_for(".expo", slug=expo.slug))


def _expo_form(expo) -> ExpoForm:
    return ExpoForm(
        formdata=None,
        data={
            "name": expo.name,
            "slug": expo.slug,
            "description": expo.description,
            "starts_at": _local(expo.starts_at),
            "ends_at": _local(expo.ends_at),
        },
    )


def _exhibitor_form(expo, zones, exhibitors, form=None) -> ExhibitorForm:
    form = form or ExhibitorForm(formdata=None)
    taken = {e.store_id for e in exhibitors}
    form.store.choices = [("", _("— Pilih toko —"))] + [
        (s.slug, f"{s.name} · {s.city}") for s in services.approved_stores() if s.id not in taken
    ]
    form.zone.choices = [(z.slug, z.name) for z in zones] or [("", _("— Zona sesuai sektor —"))]
    return form


def _render_expo(expo, status: int = 200, form=None, banner_form=None, zone_form=None, exhibitor_form=None):
    zones = expos.zones_of(expo)
    exhibitors = expos.exhibitors_for_console(expo)
    return render_template(
        "agency/expo.html",
        expo=expo,
        state=expos.expo_state(expo),
        zones=zones,
        exhibitors=exhibitors,
        form=form or _expo_form(expo),
        banner_form=banner_form or BannerForm(formdata=None),
        zone_form=zone_form or ZoneForm(formdata=None),
        action=ActionForm(formdata=None),
        exhibitor_form=_exhibitor_form(expo, zones, exhibitors, exhibitor_form),
        zone_names={z.slug: z.name for z in zones},
    ), status


@bp.route("/expos/<slug>", methods=["GET", "POST"])
def expo(slug: str):
    """An expo's details (editable), banner, zones and exhibitors. :raise 404: unknown expo."""
    expo = expos.get_expo(slug)
    if request.method == "GET":
        return _render_expo(expo)
    form = ExpoForm()
    if not form.validate_on_submit():
        return _render_expo(expo, 422, form=form)
    try:
        starts_at, ends_at = _dates(form)
        expos.update_expo(current_user, expo, form.name.data, starts_at, ends_at, form.description.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_expo(expos.get_expo(slug), status, form=form)
    flash(_("Expo tersimpan."), "success")
    return redirect(url_for(".expo", slug=slug))


@bp.post("/expos/<slug>/banner")
@limit_uploads
def expo_banner(slug: str):
    """Upload the expo's banner (JPEG, PNG or WebP). :raise 404: unknown expo."""
    expo = expos.get_expo(slug)
    form = BannerForm()
    upload = form.banner.data if form.validate_on_submit() else None
    if upload is None or not getattr(upload, "filename", ""):
        form.banner.errors = [*form.banner.errors, _("Pilih berkas gambar terlebih dahulu.")]
        return _render_expo(expo, 422, banner_form=form)
    try:
        expos.set_banner(current_user, expo, upload.stream)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_expo(expos.get_expo(slug), status, banner_form=form)
    flash(_("Banner expo diperbarui."), "success")
    return redirect(url_for(".expo", slug=slug))


@bp.post("/expos/<slug>/zones")
def add_zone(slug: str):
    """Add a zone at the end of the hall."""
    expo = expos.get_expo(slug)
    form = ZoneForm()
    if not form.validate_on_submit():
        return _render_expo(expo, 422, zone_form=form)
    try:
        expos.add_zone(current_user, expo, form.zone_name.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_expo(expos.get_expo(slug), status, zone_form=form)
    flash(_("Zona %(zone)s ditambahkan.", zone=form.zone_name.data.strip()), "success")
    return redirect(url_for(".expo", slug=slug) + "#zones")


@bp.post("/expos/<slug>/zones/<zone>/<any(up, down, remove, rename):action>")
def change_zone(slug: str, zone: str, action: str):
    """Move a zone up or down, rename it, or remove it when it is empty."""
    expo = expos.get_expo(slug)
    if ActionForm().validate_on_submit():
        try:
            if action in ("up", "down"):
                expos.move_zone(current_user, expo, zone, -1 if action == "up" else 1)
            elif action == "rename":
                expos.rename_zone(current_user, expo, zone, request.form.get("zone_name", ""))
            else:
                expos.remove_zone(current_user, expo, zone)
            db.session.commit()
        except ServiceError as exc:
            flash_error(exc)
        else:
            flash(_zone_done(action), "success")
    return redirect(url_for(".expo", slug=slug) + "#zones")


def _zone_done(action: str) -> str:
    if action == "rename":
        return _("Nama zona diganti.")
    return _("Zona dihapus.") if action == "remove" else _("Urutan zona diubah.")


@bp.post("/expos/<slug>/exhibitors")
def add_exhibitor(slug: str):
    """Add an approved store to the expo at a booth and a zone."""
    expo = expos.get_expo(slug)
    form = ExhibitorForm()
    if not form.validate_on_submit():
        return _render_expo(expo, 422, exhibitor_form=form)
    try:
        store = stores.get_store(form.store.data or "")
        expos.add_exhibitor(current_user, expo, store, booth=form.booth.data, zone=form.zone.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_expo(expos.get_expo(slug), status, exhibitor_form=form)
    flash(_("%(store)s ikut expo di stan %(booth)s.", store=store.name, booth=form.booth.data or "-"), "success")
    return redirect(url_for(".expo", slug=slug) + "#exhibitors")


@bp.post("/expos/<slug>/exhibitors/<store_slug>/<any(update, remove):action>")
def change_exhibitor(slug: str, store_slug: str, action: str):
    """Change an exhibitor's booth and zone, or take the store out of the expo."""
    expo = expos.get_expo(slug)
    store = stores.get_store(store_slug)
    if ActionForm().validate_on_submit():
        try:
            if action == "update":
                expos.update_exhibitor(
                    current_user, expo, store, request.form.get("booth", ""), request.form.get("zone", "")
                )
            else:
                expos.remove_exhibitor(current_user, expo, store)
            db.session.commit()
        except ServiceError as exc:
            flash_error(exc)
        else:
            done = _("Stan %(store)s disimpan.") if action == "update" else _("%(store)s keluar dari expo.")
            flash(done % {"store": store.name}, "success")
    return redirect(url_for(".expo", slug=slug) + "#exhibitors")
