"""The E-Smart sync's part of /api/v1/openapi.json (the ``openapi_spec`` hook)."""

from __future__ import annotations

from marketplace.api.openapi import (
    API,
    BOOLEAN,
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
    query,
    ref,
)

PLUGIN = "esmart_sync"


def openapi_spec() -> dict:
    return {"paths": paths(), "schemas": schemas()}


def paths() -> dict:
    """The sync's paths: its runs, pulling and pushing."""
    return {
        **_run_paths(),
        **_sync_paths(),
    }


def _run_paths() -> dict:
    """The sync runs: the list and one run with its row errors."""
    return {
        API + "/esmart/runs": {
            "get": operation(
                "esmartRuns",
                "Catalogue sync runs with their counts and row errors",
                "plugins",
                {"200": answer("Runs, newest first.", items_of(ref("EsmartRun")))},
                auth="agency",
                plugin=PLUGIN,
                params=PAGE_PARAMS,
                errors=("422",),
            )
        },
        API + "/esmart/runs/{id}": {
            "get": operation(
                "esmartRun",
                "One sync run with its row errors, paged",
                "plugins",
                {"200": answer("The run.", ref("EsmartRun"))},
                auth="agency",
                plugin=PLUGIN,
                params=[
                    path_param("id", ID),
                    query("page", {"type": "integer", "minimum": 1, "maximum": 100_000}),
                    query("per_page", {"type": "integer", "minimum": 1, "maximum": 500}),
                ],
                errors=("404",),
            )
        },
    }


def _queued(what: str) -> dict:
    return {
        "description": f"{what} is queued as a job; the run (status `queued`, or further along) with "
        "its progress. Follow it at the Location, GET /api/v1/esmart/runs/{id}.",
        "headers": {"Location": {"schema": STRING, "description": "the run's URL"}},
        "content": {"application/json": {"schema": ref("EsmartRun")}},
    }


def _sync_paths() -> dict:
    """Queueing a pull or a push."""
    return {
        API + "/esmart/pull": {
            "post": operation(
                "esmartPull",
                "Queue a pull of IKMs and products from a file or the configured E-Smart source",
                "plugins",
                {"202": _queued("The pull")},
                auth="agency",
                plugin=PLUGIN,
                request={
                    "required": False,
                    "content": {
                        "multipart/form-data": {"schema": ref("EsmartPullUpload")},
                        "application/json": {"schema": ref("EsmartDryRunInput")},
                    },
                },
                errors=("409",),
                description="Without a file: from the configured ESMART_BASE_URL. A file is read "
                "through before the answer: 422 (on `file`) when it is unreadable or larger than "
                "ESMART_UPLOAD_MAX_BYTES; 422 when E-Smart is not configured; 409 while another pull is "
                "queued or running. A run that fails later ends `failed` with its message.",
            )
        },
        API + "/esmart/push": {
            "post": operation(
                "esmartPush",
                "Queue a push of new and changed products to E-Smart",
                "plugins",
                {"202": _queued("The push")},
                auth="agency",
                plugin=PLUGIN,
                request=body(ref("EsmartDryRunInput"), required=False),
                errors=("409",),
            )
        },
    }


def schemas() -> dict:
    """The sync's schemas: a run and what starts one."""
    return {
        **_run_schemas(),
        **_input_schemas(),
    }


def _run_schemas() -> dict:
    """A run and its row errors (its progress: :func:`_progress_schemas`)."""
    return {
        "EsmartRun": obj(
            {
                "id": INTEGER,
                "kind": {"type": "string", "examples": ["pull", "push"]},
                "source": STRING,
                "dry_run": BOOLEAN,
                "status": STRING,
                "started_at": DATETIME,
                "finished_at": {"type": ["string", "null"], "format": "date-time"},
                "updated_since": {"type": ["string", "null"], "format": "date-time"},
                "message": NULLABLE_STRING,
                "counts": {"type": "object", "additionalProperties": INTEGER},
                "error_count": INTEGER,
                "errors": array(ref("EsmartIssue")),
                "page": INTEGER,
                "per_page": INTEGER,
                "progress": ref("EsmartProgress"),
            },
            ["id", "dry_run", "status", "counts", "errors"],
        ),
        "EsmartIssue": obj(
            {
                "kind": STRING,
                "row": {"type": ["integer", "null"]},
                "record_id": NULLABLE_STRING,
                "field": NULLABLE_STRING,
                "reason": STRING,
            }
        ),
        **_progress_schemas(),
    }


def _progress_schemas() -> dict:
    """A run's progress: the jobs doing it and its photo downloads."""
    return {
        "EsmartProgress": obj(
            {
                "rows": {"oneOf": [ref("EsmartJob"), {"type": "null"}]},
                "photos": {"oneOf": [ref("EsmartJob"), {"type": "null"}]},
            },
            ["rows", "photos"],
        ),
        "EsmartJob": obj(
            {
                "id": INTEGER,
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "done": INTEGER,
                "total": {"type": ["integer", "null"]},
                "message": STRING,
            },
            ["id", "status", "done", "total", "message"],
        ),
    }


def _input_schemas() -> dict:
    """What the agency sends to start a run."""
    return {
        "EsmartDryRunInput": obj({"dry_run": {"type": "boolean", "default": False}}),
        "EsmartPullUpload": obj(
            {
                "file": {
                    "type": "string",
                    "contentMediaType": "application/octet-stream",
                    "description": "JSON, CSV or XLSX in the ESMART.md format",
                },
                "dry_run": BOOLEAN,
            },
            ["file"],
        ),
    }
