"""The paths of Indonesia's regions and the signed-in user's address book (shipping, issue 18)."""

from __future__ import annotations

from marketplace.api.openapi.builders import ID, answer, body, items_of, operation, path_param, query, ref
from marketplace.shipping.regions import LEVELS

ADDRESS_ID = path_param("address_id", ID, "the address's id")


def address_paths() -> dict:
    """Every path of the regions and the address book."""
    return {**_regions(), **_address_book()}


def _regions() -> dict:
    params = [
        query("q", {"type": "string", "maxLength": 100}, "words of the name (at least 2 characters without parent)"),
        query("level", {"type": "string", "enum": [*LEVELS, ""]}, "only regions of this level"),
        query("parent", {"type": "string", "pattern": r"^\d{2}(\.\d{2}(\.\d{2})?)?$"}, "beneath this region"),
        query("limit", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "at most this many found"),
    ]
    return {
        "/regions": {
            "get": operation(
                "listRegions",
                "Indonesia's regions by Kemendagri code",
                "meta",
                {
                    "200": answer(
                        "Regions, best match first (or in code order when listing children).", items_of(ref("Region"))
                    )
                },
                params=params,
                description=(
                    "`q` searches the names (every word must begin a word of the region's name or of a region "
                    "it lies in), provinces then regencies then districts then villages. `parent` alone lists "
                    "its children; `level=province` alone lists the provinces. 422 for a `q` shorter than 2 "
                    "characters without `parent`, an unknown `level` or `parent`. Cacheable for a day."
                ),
            )
        },
    }


def _address_book() -> dict:
    who = "any signed-in user (their own addresses)"
    return {
        "/me/addresses": {
            "get": operation(
                "myAddresses",
                "The user's address book",
                "accounts",
                {"200": answer("The default first, then the last used, then the newest.", items_of(ref("Address")))},
                auth=who,
            ),
            "post": operation(
                "addAddress",
                "Add an address",
                "accounts",
                {
                    "201": answer(
                        "The new address (Location: its URL). The first one becomes the default.", ref("Address")
                    )
                },
                auth=who,
                request=body(ref("AddressInput")),
                errors=("409",),
                description="409 when the book already holds 20 addresses.",
            ),
        },
        "/me/addresses/{address_id}": {
            "get": operation(
                "myAddress",
                "One address",
                "accounts",
                {"200": answer("The address.", ref("Address"))},
                auth=who,
                params=[ADDRESS_ID],
                errors=("404",),
            ),
            "patch": operation(
                "changeAddress",
                "Change an address, or make it the default",
                "accounts",
                {"200": answer("The address as changed.", ref("Address"))},
                auth=who,
                params=[ADDRESS_ID],
                request=body(ref("AddressPatch")),
                errors=("404",),
                description="Only the fields sent change; a new district drops the old village unless one is sent.",
            ),
            "delete": operation(
                "deleteAddress",
                "Delete an address",
                "accounts",
                {"204": answer("Deleted; when it was the default, the next one is.")},
                auth=who,
                params=[ADDRESS_ID],
                errors=("404",),
            ),
        },
    }
