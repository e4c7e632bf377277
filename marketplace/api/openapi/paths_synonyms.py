"""The paths and schemas of the search synonym list and the searches that found nothing
(marketplace/api/synonyms.py; marketplace/catalog/synonyms.py and misses.py say the rules)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    DATE,
    DATETIME,
    ID,
    STRING,
    answer,
    array,
    body,
    items_of,
    obj,
    operation,
    path_param,
    query,
    ref,
)
from marketplace.catalog import misses, synonyms

GROUP_ID = path_param("group_id", ID, "the group's id")
_RULES = (
    "Each term is normalized (lower case, letters and digits, single spaces); after that the group needs "
    f"{synonyms.MIN_TERMS} to {synonyms.MAX_TERMS} distinct terms of {synonyms.MIN_TERM_CHARS} to "
    f"{synonyms.MAX_TERM_CHARS} characters, at most {synonyms.STORED_CHARS} characters joined by `, ` (422 "
    "otherwise). A term another group already holds is a 409 whose message names that group."
)


def synonym_paths() -> dict:
    return {
        "/agency/search-synonyms": {
            "get": operation(
                "listSearchSynonyms",
                "The search synonym list: groups of words a search treats as one",
                "agency",
                {"200": answer("The groups, by their text.", items_of(ref("SearchSynonymGroup")))},
                auth="agency",
                params=[query("q", STRING, "keeps the groups with a term containing it")],
            ),
            "post": operation(
                "addSearchSynonyms",
                "Add a group to the search synonym list",
                "agency",
                {"201": answer("The group.", ref("SearchSynonymGroup"))},
                auth="agency",
                request=body(ref("SearchSynonymInput")),
                errors=("409",),
                description=_RULES,
            ),
        },
        "/agency/search-synonyms/{group_id}": {
            "patch": operation(
                "updateSearchSynonyms",
                "Replace a group's terms (without `terms` nothing changes)",
                "agency",
                {"200": answer("The group.", ref("SearchSynonymGroup"))},
                auth="agency",
                params=[GROUP_ID],
                request=body(ref("SearchSynonymPatch")),
                errors=("404", "409"),
                description=_RULES,
            ),
            "delete": operation(
                "deleteSearchSynonyms",
                "Remove a group from the search synonym list",
                "agency",
                {"204": answer("Removed.")},
                auth="agency",
                params=[GROUP_ID],
                errors=("404",),
            ),
        },
        "/agency/search-misses": {
            "get": operation(
                "listSearchMisses",
                "The searches that found nothing most often over the last days",
                "agency",
                {"200": answer("The most frequent, at most 50.", ref("SearchMisses"))},
                auth="agency",
                params=[
                    query(
                        "days",
                        {"type": "integer", "minimum": 1, "maximum": misses.RETENTION_DAYS, "default": 7},
                        "today and the days before it (Asia/Jakarta)",
                    )
                ],
                description="A miss is counted when a search page or `GET /products?q=` is rendered with no result: "
                "one answered again from the page cache is not, so `count` is of distinct searches without results. "
                "Not counted: crawlers, searches narrowed by a filter, pages past the first, queries over "
                f"{misses.MAX_QUERY_CHARS} characters or with an e-mail address or 8 digits in a row. Rows are kept "
                f"{misses.RETENTION_DAYS} days.",
            )
        },
    }


def _terms() -> dict:
    term = {"type": "string", "minLength": synonyms.MIN_TERM_CHARS, "maxLength": synonyms.MAX_TERM_CHARS}
    return array(
        term,
        minItems=synonyms.MIN_TERMS,
        maxItems=synonyms.MAX_TERMS,
        description='the words or phrases searched as one, e.g. `["keripik", "kripik"]`',
    )


def synonym_schemas() -> dict:
    return {
        "SearchSynonymGroup": obj(
            {
                "id": ID,
                "terms": array(STRING, description="normalized: lower case, letters and digits, single spaces"),
                "created_at": DATETIME,
                "updated_at": DATETIME,
            },
            ["id", "terms", "created_at", "updated_at"],
        ),
        "SearchSynonymInput": obj({"terms": _terms()}, ["terms"]),
        "SearchSynonymPatch": obj({"terms": _terms()}),
        "SearchMisses": obj(
            {
                "items": array(
                    obj(
                        {
                            "query": {"type": "string", "description": "the normalized query"},
                            "count": {"type": "integer", "minimum": 1},
                            "last_day": DATE,
                        },
                        ["query", "count", "last_day"],
                    )
                ),
                "days": {"type": "integer", "minimum": 1},
                "from": DATE,
                "to": DATE,
            },
            ["items", "days", "from", "to"],
        ),
    }
