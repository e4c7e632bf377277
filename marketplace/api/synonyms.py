"""API endpoints of the search synonym list and the searches that found nothing (agency tokens).

Listed in BLUEPRINT_MODULES after ``marketplace.api``, so importing it adds its routes to the
API blueprint before the app registers that blueprint."""

from __future__ import annotations

from flask import request

from marketplace.api.base import auth_required, bp, committing, current_api_user, int_arg, json_body
from marketplace.catalog import misses, synonyms
from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _
from marketplace.inputs import Body

__all__ = ["bp"]


def group_json(row) -> dict:
    return {
        "id": row.id,
        "terms": row.term_list,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }


def _terms(body: Body) -> list[str] | None:
    """``terms``, a list of texts; None when the body has none. :raise ValidationError: anything else."""
    if "terms" not in body:
        return None
    value = body["terms"]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(fields={"terms": _("Harus daftar teks.")})
    return value


@bp.get("/agency/search-synonyms")
@auth_required("agency")
def list_search_synonyms():
    """Every group of the synonym list; ?q= keeps those with a term containing it."""
    return {"items": [group_json(row) for row in synonyms.list_groups(request.args.get("q") or "")]}


@bp.post("/agency/search-synonyms")
@auth_required("agency")
def add_search_synonyms():
    """Add a group {"terms": ["keripik", "kripik"]}. 201. :raise 422: fewer than 2 or more than 20
    distinct terms, a term under 2 or over 60 characters. :raise 409: a term already in another
    group (the message names it)."""
    terms = _terms(json_body())
    with committing():
        row = synonyms.add_group(current_api_user(), terms)
    return group_json(row), 201


@bp.patch("/agency/search-synonyms/<int:group_id>")
@auth_required("agency")
def update_search_synonyms(group_id: int):
    """Replace a group's terms {"terms": [...]}; without ``terms`` nothing changes.
    :raise 404: no such group. :raise 409, 422: as when adding."""
    row = synonyms.get_group(group_id)
    terms = _terms(json_body())
    if terms is not None:
        with committing():
            synonyms.update_group(current_api_user(), row, terms)
    return group_json(synonyms.get_group(group_id))


@bp.delete("/agency/search-synonyms/<int:group_id>")
@auth_required("agency")
def delete_search_synonyms(group_id: int):
    """Remove a group. 204. :raise 404: no such group."""
    row = synonyms.get_group(group_id)
    with committing():
        synonyms.delete_group(current_api_user(), row)
    return "", 204


@bp.get("/agency/search-misses")
@auth_required("agency")
def search_misses():
    """The searches that found nothing most often over the last ?days= (7 by default, at most
    180), most frequent first: {"items": [{"query", "count", "last_day"}], "days", "from", "to"}.
    :raise 422: days outside 1..180."""
    days = int_arg("days", misses.PERIODS[0], 1, misses.RETENTION_DAYS)
    first, last = misses.period(days)
    items = [{"query": m.query, "count": m.count, "last_day": m.last_day.isoformat()} for m in misses.top_misses(days)]
    return {"items": items, "days": days, "from": first.isoformat(), "to": last.isoformat()}
