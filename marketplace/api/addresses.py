"""API endpoints: the signed-in user's address book (``/me/addresses``)."""

from __future__ import annotations

from flask import url_for

from marketplace.api.base import auth_required, bp, committing, current_api_user, json_body
from marketplace.shipping import addresses
from marketplace.shipping.address_model import Address


def _iso(moment) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def address_json(address: Address) -> dict:
    """One address; ``name`` and ``default`` repeat ``recipient`` and ``is_default`` (CONTRACT.md's names)."""
    return {
        "id": address.id,
        "label": address.label,
        "recipient": address.recipient,
        "name": address.recipient,
        "phone": address.phone,
        "street": address.street,
        "village_code": address.village_code,
        "district_code": address.district_code,
        "regency_code": address.regency_code,
        "province_code": address.province_code,
        "postal_code": address.postal_code,
        "is_default": address.is_default,
        "default": address.is_default,
        "last_used_at": _iso(address.last_used_at),
        "region": addresses.region_names(address.district_code, address.village_code),
    }


@bp.get("/me/addresses")
@auth_required()
def my_addresses():
    """The user's addresses, the default first, then the last used: {"items": [Address]}."""
    return {"items": [address_json(a) for a in addresses.list_for(current_api_user())]}


@bp.post("/me/addresses")
@auth_required()
def add_address():
    """A new address: 201 with Location; 422 naming bad fields; 409 when the book is full (20)."""
    with committing():
        address = addresses.create(current_api_user(), json_body())
    return address_json(address), 201, {"Location": url_for("api.my_address", address_id=address.id)}


@bp.get("/me/addresses/<int:address_id>")
@auth_required()
def my_address(address_id: int):
    """One of the user's addresses; 404 for anyone else's."""
    return address_json(addresses.get_for(current_api_user(), address_id))


@bp.patch("/me/addresses/<int:address_id>")
@auth_required()
def change_address(address_id: int):
    """Changes the fields sent; ``{"is_default": true}`` makes it the default. 404, 422."""
    with committing():
        address = addresses.update(current_api_user(), address_id, json_body())
    return address_json(address)


@bp.delete("/me/addresses/<int:address_id>")
@auth_required()
def delete_address(address_id: int):
    """Removes it (the next becomes the default when it was): 204; 404 for anyone else's."""
    with committing():
        addresses.delete(current_api_user(), address_id)
    return "", 204
