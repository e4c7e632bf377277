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


def _sync_paths() -> dict:
    """Starting a pull or a push."""
    esmart_failed = answer("The run failed; the error shape with the run beside it.", ref("EsmartFailure"))
    return {
        API + "/esmart/pull": {
            "post": operation(
                "esmartPull",
                "Pull IKMs and products from a file or the configured E-Smart source",
                "plugins",
                {"201": answer("The run.", ref("EsmartRun")), "422": esmart_failed},
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
                description="Without a file: from the configured ESMART_BASE_URL.",
            )
        },
        API + "/esmart/push": {
            "post": operation(
                "esmartPush",
                "Push new and changed products to E-Smart",
                "plugins",
                {"201": answer("The run.", ref("EsmartRun")), "422": esmart_failed},
                auth="agency",
                plugin=PLUGIN,
                request=body(ref("EsmartDryRunInput"), required=False),
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
    """A run, its row errors, a failed run's answer."""
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
        "EsmartFailure": {
            "allOf": [ref("Error"), obj({"run": ref("EsmartRun")})],
            "description": "the error shape; `run` beside it when a run was recorded and failed",
        },
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
