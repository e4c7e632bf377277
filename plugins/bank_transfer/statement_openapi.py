"""The bank-statement import's part of /api/v1/openapi.json (the ``openapi_spec`` hook)."""

from __future__ import annotations

from marketplace.api.openapi import (
    API,
    DATE,
    DATETIME,
    ID,
    INTEGER,
    NULLABLE_STRING,
    PAGE_PARAMS,
    STRING,
    answer,
    array,
    body,
    items_of,
    obj,
    operation,
    path_param,
    ref,
)

PLUGIN = "bank_transfer"
BASE = API + "/finance/bank-statements"
FORMAT = {"type": "string", "enum": ["detect", "bca", "mandiri", "generic"]}


def openapi_spec() -> dict:
    return {"paths": paths(), "schemas": schemas()}


def paths() -> dict:
    """Upload a statement, list uploads, read one, decide a row."""
    return {
        BASE: {
            "post": operation(
                "bankStatementUpload",
                "Import a bank statement CSV; matching transfers are confirmed at once",
                "plugins",
                {"201": answer("What it confirmed, what waits, what matched nothing.", ref("BankStatementResult"))},
                auth="agency",
                plugin=PLUGIN,
                request={"required": True, "content": {"multipart/form-data": {"schema": ref("BankStatementUpload")}}},
                errors=("409",),
                description="422 (on `file`) for a file that is not CSV, has no recognised header, is larger "
                "than 5 MB or has no readable row; nothing is stored then. Rows that cannot be read are listed "
                "in `errors` and the rest is imported. A credit already imported (same account, date, amount, "
                "description and occurrence) is skipped as `duplicate`: an upload confirms nothing twice.",
            ),
            "get": operation(
                "bankStatements",
                "Past statement uploads, newest first",
                "plugins",
                {"200": answer("Uploads.", items_of(ref("BankStatement"), paged=True))},
                auth="agency",
                plugin=PLUGIN,
                params=PAGE_PARAMS,
            ),
        },
        BASE + "/{id}": {
            "get": operation(
                "bankStatement",
                "One statement upload with its rows by status",
                "plugins",
                {"200": answer("The upload.", ref("BankStatementDetail"))},
                auth="agency",
                plugin=PLUGIN,
                params=[path_param("id", ID)],
                errors=("404",),
            )
        },
        BASE + "/{id}/rows/{row}/decision": {
            "post": operation(
                "bankStatementRowDecision",
                "Finance's decision for an ambiguous or unmatched row",
                "plugins",
                {"200": answer("The row, now confirmed or ignored.", ref("BankStatementRow"))},
                auth="agency",
                plugin=PLUGIN,
                params=[path_param("id", ID), path_param("row", ID)],
                request=body(ref("BankStatementDecision")),
                errors=("404", "409"),
                description="`transfer` must be one of the row's candidates (422 otherwise); 409 when the "
                "row was decided already or the transfer cannot be confirmed (the message says why).",
            )
        },
    }


def schemas() -> dict:
    counts = obj(dict.fromkeys(_COUNTS, INTEGER), list(_COUNTS))
    statement = {
        "id": ID,
        "format": {"type": "string", "enum": ["bca", "mandiri", "generic"]},
        "file_name": STRING,
        "account": STRING,
        "uploaded_at": DATETIME,
        "counts": counts,
    }
    rows = {status: array(ref("BankStatementRow")) for status in ("confirmed", "ambiguous", "unmatched")}
    errors = array(obj({"line": INTEGER, "message": STRING}, ["line", "message"]))
    return {
        "BankStatementUpload": obj(
            {"file": {"type": "string", "contentMediaType": "text/csv"}, "format": FORMAT}, ["file"]
        ),
        "BankStatement": obj(statement, list(statement)),
        "BankStatementDetail": obj({**statement, **rows, "ignored": array(ref("BankStatementRow")), "errors": errors}),
        "BankStatementResult": obj(
            {"statement": ID, **statement, **rows, "skipped": array(ref("BankStatementSkipped")), "errors": errors},
            ["statement", "confirmed", "ambiguous", "unmatched", "skipped", "errors"],
        ),
        "BankStatementRow": obj(_row(), ["row", "line", "date", "amount", "description", "status"]),
        "BankStatementCandidate": obj(
            {
                "transfer": ID,
                "payment": ID,
                "orders": array(STRING),
                "amount": INTEGER,
                "created_at": DATETIME,
                "deadline": DATETIME,
                "status": STRING,
            },
            ["transfer", "payment", "orders", "amount"],
        ),
        "BankStatementSkipped": obj(
            {
                "line": INTEGER,
                "date": {"type": ["string", "null"], "format": "date"},
                "amount": {"type": "string", "description": "as read; negative for a debit"},
                "description": STRING,
                "reason": {"type": "string", "enum": ["debit", "pending", "duplicate", "fraction"]},
            },
            ["line", "amount", "reason"],
        ),
        "BankStatementDecision": obj(
            {"transfer": ID, "ignore": {"type": "boolean"}},
            description='`{"transfer": id}` or `{"ignore": true}`',
        ),
    }


_COUNTS = ("rows", "credits", "confirmed", "ambiguous", "unmatched", "skipped", "duplicates", "errors")


def _row() -> dict:
    return {
        "row": ID,
        "line": INTEGER,
        "date": DATE,
        "amount": INTEGER,
        "description": STRING,
        "status": {"type": "string", "enum": ["confirmed", "ambiguous", "unmatched", "ignored"]},
        "note": NULLABLE_STRING,
        "transfer": ID,
        "payment": ID,
        "orders": array(STRING),
        "candidates": array(ref("BankStatementCandidate")),
    }
