"""The agency's search synonym list and the searches that found nothing. Registered on the
agency blueprint: the list (searchable) with the form to add a group and the most frequent
searches without results, one group's form, and the page that asks before a group is deleted."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from marketplace.agency import bp
from marketplace.agency.forms import ActionForm
from marketplace.catalog import misses, synonyms
from marketplace.errors import ServiceError
from marketplace.extensions import db
from marketplace.forms import failed
from marketplace.i18n import gettext as _
from marketplace.stores.forms import Needed

__all__ = ["bp"]


class SynonymForm(FlaskForm):
    terms = StringField(
        _l("Kata-kata dalam grup"),
        [Needed()],
        render_kw={
            "maxlength": synonyms.MAX_INPUT_CHARS,
            "placeholder": "keripik, kripik",
            "autocomplete": "off",
            "autocapitalize": "none",
            "spellcheck": "false",
        },
    )


def _days() -> int:
    """The period of the searches without results: ?days=7 (the default) or 30."""
    raw = request.args.get("days", "")
    return int(raw) if raw in {str(d) for d in misses.PERIODS} else misses.PERIODS[0]


def _added() -> str:
    """A missed search the officer chose to add (?add=), normalized; "" when none."""
    return synonyms.normalize_term((request.args.get("add") or "")[: misses.MAX_QUERY_CHARS])


def _render_list(form: SynonymForm | None = None, status: int = 200):
    added = _added()
    if form is None:
        form = SynonymForm(formdata=None, data={"terms": f"{added}, " if added else ""})
    q = (request.args.get("q") or "").strip()[: synonyms.MAX_TERM_CHARS]
    days = _days()
    groups = synonyms.list_groups(q)
    grouped = {term for group in synonyms.groups() for term in group}  # a missed search already listed
    first, last = misses.period(days)
    return render_template(
        "agency/synonyms.html",
        form=form,
        groups=groups,
        q=q,
        added=added,
        days=days,
        periods=misses.PERIODS,
        missed=misses.top_misses(days),
        grouped=grouped,
        first=first,
        last=last,
    ), status


@bp.route("/search/synonyms", methods=["GET", "POST"])
def synonyms_list():
    """The synonym list (?q= filters it), the form to add a group and the searches without
    results of the last ?days=7|30; POST adds a group. :raise 422: bad terms (nothing written)."""
    form = SynonymForm()
    if not form.is_submitted():
        return _render_list()
    if not form.validate_on_submit():
        return _render_list(form, 422)
    try:
        row = synonyms.add_group(current_user, form.terms.data)
        db.session.commit()
    except ServiceError as exc:
        return _render_list(form, failed(form, exc))
    flash(_("Grup sinonim ditambahkan: %(terms)s.", terms=row.terms), "success")
    return redirect(url_for(".synonyms_list"))


@bp.route("/search/synonyms/<int:group_id>", methods=["GET", "POST"])
def synonym_group(group_id: int):
    """One group's form (?add= appends a missed search); POST saves it.
    :raise 404: no such group. :raise 422: bad terms (nothing written)."""
    row = synonyms.get_group(group_id)
    form = SynonymForm()
    if not form.is_submitted():
        added = _added()
        terms = row.term_list + ([added] if added and added not in row.term_list else [])
        form = SynonymForm(formdata=None, data={"terms": synonyms.SEPARATOR.join(terms)})
        return _render_edit(row, form)
    if not form.validate_on_submit():
        return _render_edit(row, form, 422)
    try:
        synonyms.update_group(current_user, row, form.terms.data)
        db.session.commit()
    except ServiceError as exc:
        status = failed(form, exc)
        return _render_edit(synonyms.get_group(group_id), form, status)
    flash(_("Grup sinonim tersimpan: %(terms)s.", terms=row.terms), "success")
    return redirect(url_for(".synonyms_list"))


def _render_edit(row, form: SynonymForm, status: int = 200):
    return render_template("agency/synonym.html", group=row, form=form), status


@bp.route("/search/synonyms/<int:group_id>/delete", methods=["GET", "POST"])
def delete_synonym_group(group_id: int):
    """GET asks whether to delete the group; POST deletes it. :raise 404: no such group."""
    row = synonyms.get_group(group_id)
    action = ActionForm()
    if not action.validate_on_submit():
        return render_template("agency/synonym_delete.html", group=row, action=ActionForm(formdata=None))
    terms = row.terms
    synonyms.delete_group(current_user, row)
    db.session.commit()
    flash(_("Grup sinonim dihapus: %(terms)s.", terms=terms), "success")
    return redirect(url_for(".synonyms_list"))
