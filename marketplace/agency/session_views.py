"""The agency's programme pages of an expo: add, change and remove sessions. Registered on the
agency blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from marketplace.agency import bp
from marketplace.agency.forms import ActionForm
from marketplace.errors import ServiceError
from marketplace.expo import programme
from marketplace.expo import services as expos
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.stores.forms import Needed

__all__ = ["bp"]


class SessionForm(FlaskForm):
    kind = SelectField(_l("Jenis sesi"), [Needed()], choices=[], validate_choice=False)
    title = StringField(_l("Judul"), [Needed()], render_kw={"maxlength": 160})
    speaker = StringField(_l("Pembicara"), render_kw={"maxlength": 160})
    starts_at = StringField(_l("Mulai (WIB)"), [Needed()], render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("Selesai (WIB)"), [Needed()], render_kw={"type": "datetime-local"})
    zone = SelectField(_l("Zona"), choices=[], validate_choice=False)
    booth = SelectField(_l("Stan"), choices=[], validate_choice=False)
    video_url = StringField(
        _l("Tautan video (YouTube atau Facebook)"),
        render_kw={"type": "url", "maxlength": 500, "placeholder": "https://youtu.be/…"},
    )
    description = TextAreaField(_l("Deskripsi"), render_kw={"maxlength": 5000, "rows": 3})


def _form(expo, form: SessionForm | None = None, row=None) -> SessionForm:
    if form is None:
        data = programme.session_input(row) if row is not None else programme.SessionInput()
        form = SessionForm(formdata=None, data=vars(data))
    form.kind.choices = [(k, str(label)) for k, label in programme.KIND_LABELS.items()]
    form.zone.choices = [("", _("— Tanpa zona —"))] + sorted(programme.zone_names(expo).items(), key=lambda z: z[1])
    form.booth.choices = [("", _("— Bukan di stan —"))] + [(b, b) for b in programme.booths_of(expo)]
    return form


def _input(form: SessionForm) -> programme.SessionInput:
    return programme.SessionInput(
        kind=form.kind.data or "",
        title=form.title.data or "",
        description=form.description.data or "",
        speaker=form.speaker.data or "",
        starts_at=form.starts_at.data or "",
        ends_at=form.ends_at.data or "",
        zone=form.zone.data or "",
        booth=form.booth.data or "",
        video_url=form.video_url.data or "",
    )


def _render_list(expo, form: SessionForm | None = None, status: int = 200):
    return render_template(
        "agency/sessions.html",
        expo=expo,
        days=programme.programme(expo),
        form=_form(expo, form),
        action=ActionForm(formdata=None),
        kinds=programme.KIND_LABELS,
        earliest=programme.earliest_start(expo),
    ), status


@bp.route("/expos/<slug>/sessions", methods=["GET", "POST"])
def expo_sessions(slug: str):
    """The expo's programme by day and the form to add a session. :raise 404: unknown expo."""
    expo = expos.get_expo(slug)
    form = SessionForm()
    if not form.is_submitted():
        return _render_list(expo)
    if not form.validate_on_submit():
        return _render_list(expo, form, 422)
    try:
        row = programme.add_session(current_user, expo, _input(form))
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_list(expos.get_expo(slug), form, status)
    flash(_("Sesi %(title)s ditambahkan.", title=row.title), "success")
    return redirect(url_for(".expo_sessions", slug=slug))


@bp.route("/expos/<slug>/sessions/<int:session_id>", methods=["GET", "POST"])
def expo_session(slug: str, session_id: int):
    """One session's form; POST saves it. :raise 404: unknown expo or session."""
    expo = expos.get_expo(slug)
    row = programme.get_session(expo, session_id)
    form = SessionForm()
    if not form.is_submitted():
        return _render_edit(expo, row, _form(expo, row=row))
    if not form.validate_on_submit():
        return _render_edit(expo, row, _form(expo, form), 422)
    try:
        programme.update_session(current_user, expo, row, _input(form))
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        expo = expos.get_expo(slug)
        return _render_edit(expo, programme.get_session(expo, session_id), _form(expo, form), status)
    flash(_("Sesi tersimpan."), "success")
    return redirect(url_for(".expo_sessions", slug=slug))


def _render_edit(expo, row, form: SessionForm, status: int = 200):
    return render_template(
        "agency/session.html",
        expo=expo,
        session=row,
        form=form,
        earliest=programme.earliest_start(expo),
    ), status


@bp.post("/expos/<slug>/sessions/<int:session_id>/delete")
def delete_expo_session(slug: str, session_id: int):
    """Remove a session from the programme. :raise 404: unknown expo or session."""
    expo = expos.get_expo(slug)
    row = programme.get_session(expo, session_id)
    if ActionForm().validate_on_submit():
        title = row.title
        programme.delete_session(current_user, expo, row)
        db.session.commit()
        flash(_("Sesi %(title)s dihapus.", title=title), "success")
    return redirect(url_for(".expo_sessions", slug=slug))
