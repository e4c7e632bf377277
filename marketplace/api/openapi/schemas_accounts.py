"""The accounts' and stores' schemas: users, tokens, stores as the public sees them and as a seller
opens one."""

from __future__ import annotations

from marketplace.accounts.models import ROLES
from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATETIME,
    EMAIL,
    INTEGER,
    NULLABLE_STRING,
    PHONE,
    SECTOR,
    STRING,
    array,
    obj,
    ref,
    text,
)
from marketplace.stores.models import STORE_STATUSES


def account_schemas() -> dict:
    """Every schema of the accounts and the stores."""
    return {
        **_accounts(),
        **_stores(),
        **_store_input(),
    }


def _accounts() -> dict:
    """Sign-up, tokens, the signed-in user."""
    return {
        "Credentials": obj({"email": {**EMAIL, "maxLength": 254}, "password": STRING}, ["email", "password"]),
        "Registration": obj(
            {
                "email": {**EMAIL, "maxLength": 254},
                "password": {"type": "string", "minLength": 8, "maxLength": 200},
                "name": text(120),
            },
            ["email", "password", "name"],
        ),
        "Token": obj({"token": STRING, "id": INTEGER, "expires_at": DATETIME}, ["token"]),
        "TokenInfo": obj(
            {
                "id": INTEGER,
                "label": NULLABLE_STRING,
                "created_at": DATETIME,
                "last_used_at": DATETIME,
                "expires_at": DATETIME,
                "current": BOOLEAN,
            },
            ["id", "label", "created_at", "last_used_at", "expires_at", "current"],
        ),
        "User": obj(
            {
                "email": EMAIL,
                "name": STRING,
                "email_confirmed": BOOLEAN,
                "roles": array({"type": "string", "enum": list(ROLES)}),
            },
            ["email", "name", "roles"],
        ),
        "Me": {"allOf": [ref("User"), obj({"stores": array(ref("StoreMembership"))}, ["stores"])]},
        "StoreMembership": obj(
            {"slug": STRING, "name": STRING, "status": {"enum": list(STORE_STATUSES)}}, ["slug", "name", "status"]
        ),
    }


def _stores() -> dict:
    """Stores as the public sees them."""
    return {
        "Store": obj(
            {
                "slug": STRING,
                "name": STRING,
                "city": STRING,
                "sector": SECTOR,
                "sector_name": STRING,
                "status": {"enum": list(STORE_STATUSES)},
                "logo_url": {"type": ["string", "null"], "format": "uri-reference"},
            },
            ["slug", "name", "city", "sector", "status"],
        ),
        "StoreDetail": {
            "allOf": [
                ref("Store"),
                obj(
                    {
                        "description": STRING,
                        "nib": NULLABLE_STRING,
                        "address": STRING,
                        "whatsapp": NULLABLE_STRING,
                    }
                ),
            ]
        },
    }


def _store_input() -> dict:
    """What a seller sends to open a store."""
    return {
        "StoreInput": obj(
            {
                "name": text(120),
                "nib": {
                    "type": ["string", "null"],
                    "pattern": "^ *(?:[0-9] *){13}$|^ *$",
                    "description": "NIB, 13 digits (spaces ignored); empty or null: none",
                },
                "city": {"type": ["string", "null"], "description": "trimmed, cut to 80 characters"},
                "sector": SECTOR,
                "whatsapp": {
                    "type": ["string", "null"],
                    "pattern": f"^ *$|{PHONE}",
                    "examples": ["081234567890"],
                    "description": "an Indonesian mobile number; empty or null: none. Stored in E.164.",
                },
                "address": {"type": ["string", "null"], "description": "trimmed, cut to 255 characters"},
                "description": {"type": ["string", "null"], "description": "trimmed, cut to 5000 characters"},
            },
            ["name", "sector"],
        ),
    }
