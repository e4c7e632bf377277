"""The schemas of Indonesia's regions and the address book (shipping, issue 18)."""

from __future__ import annotations

from marketplace.api.openapi.builders import (
    BOOLEAN,
    DATETIME,
    ID,
    NULLABLE_STRING,
    PHONE,
    STRING,
    obj,
    text,
)
from marketplace.shipping.regions import LEVELS

PROVINCE = {"type": "string", "pattern": r"^\d{2}$", "examples": ["33"]}
REGENCY = {"type": "string", "pattern": r"^\d{2}\.\d{2}$", "examples": ["33.76"]}
DISTRICT = {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{2}$", "examples": ["33.76.01"]}
VILLAGE = {"type": "string", "pattern": r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", "examples": ["33.76.01.1001"]}
POSTAL = {"type": "string", "pattern": "^[1-9][0-9]{4}$"}


def _nullable(schema: dict) -> dict:
    return {**schema, "type": ["string", "null"]}


def address_schemas() -> dict:
    """Every schema of the regions and the address book."""
    fields = {
        "label": text(40, required=False, nullable=True, description='"Rumah", "Kantor"'),
        "recipient": text(120),
        "name": text(120, description="the same as recipient (the checkout's older name)"),
        "phone": {"type": "string", "pattern": PHONE, "description": "Indonesian number; answered in E.164"},
        "province_code": _nullable(PROVINCE),
        "regency_code": _nullable(REGENCY),
        "district_code": _nullable(DISTRICT),
        "village_code": _nullable(VILLAGE),
        "street": text(500, minLength=10, description="jalan, nomor, RT/RW"),
        "postal_code": POSTAL,
        "is_default": BOOLEAN,
    }
    codes = "The district is required (or a village, which names it); province and regency follow from it."
    return {
        "Region": obj(
            {
                "code": STRING,
                "name": STRING,
                "level": {"type": "string", "enum": list(LEVELS)},
                "parent": NULLABLE_STRING,
                "label": {"type": "string", "examples": ["Tegal Barat, Kota Tegal, Jawa Tengah"]},
            },
            ["code", "name", "level", "parent"],
        ),
        "AddressInput": obj(
            fields, ["phone", "street", "postal_code"], description="`recipient` (or `name`) is required. " + codes
        ),
        "AddressPatch": obj(fields, description="Any of the fields; " + codes),
        "Address": obj(
            {
                "id": ID,
                "label": NULLABLE_STRING,
                "recipient": STRING,
                "name": STRING,
                "phone": STRING,
                "street": STRING,
                "village_code": _nullable(VILLAGE),
                "district_code": DISTRICT,
                "regency_code": REGENCY,
                "province_code": PROVINCE,
                "postal_code": STRING,
                "is_default": BOOLEAN,
                "default": BOOLEAN,
                "last_used_at": {**DATETIME, "type": ["string", "null"]},
                "region": obj(
                    {"province": STRING, "regency": STRING, "district": STRING, "village": NULLABLE_STRING},
                    ["province", "regency", "district", "village"],
                ),
            },
            [
                "id",
                "label",
                "recipient",
                "phone",
                "street",
                "village_code",
                "district_code",
                "regency_code",
                "province_code",
                "postal_code",
                "is_default",
                "last_used_at",
                "region",
            ],
        ),
    }
