"""The insurance plugin's part of /api/v1/openapi.json (the ``openapi_spec`` hook): its enums are the
plugin's own vocabulary (statuses, object kinds, claim causes and decisions, the insurers)."""

from __future__ import annotations

from marketplace.accounts.services import INSURERS
from marketplace.api.openapi import (
    API,
    BOOLEAN,
    DATE,
    DATETIME,
    ID,
    INTEGER,
    MAX_ID,
    NULLABLE_STRING,
    PAGE_PARAMS,
    RUPIAH,
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
    text,
)
from plugins.insurance.claims import DECISIONS
from plugins.insurance.models import CLAIM_STATUSES, OBJECT_KINDS, POLICY_STATUSES
from plugins.insurance.terms import CAUSES

PLUGIN = "insurance"


def openapi_spec() -> dict:
    return {
        "paths": {**policy_paths(), **claim_paths(), **premium_paths()},
        "schemas": {**policy_schemas(), **claim_schemas(), **premium_schemas()},
    }


def premium_paths() -> dict:
    """Order-protection premiums per insurer and month (read from the core ledger)."""
    return {
        API + "/insurance/premiums": {
            "get": operation(
                "insurancePremiums",
                "Order-protection premiums per insurer and month: collected, refunded, remitted, outstanding",
                "plugins",
                {"200": answer("Premiums per month, newest first.", items_of(ref("PremiumMonth")))},
                auth="an insurer: its own insurer's; agency and admin: all",
                plugin=PLUGIN,
            )
        },
    }


def premium_schemas() -> dict:
    return {
        "PremiumMonth": obj(
            {
                "insurer": {"type": "string", "examples": list(INSURERS)},
                "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "examples": ["2026-11"]},
                "collected": RUPIAH,
                "refunded": RUPIAH,
                "remitted": RUPIAH,
                "outstanding": {"type": "integer", "description": "collected - refunded - remitted"},
            },
            ["insurer", "month", "collected", "refunded", "remitted", "outstanding"],
        )
    }


def policy_paths() -> dict:
    """The insurance products and the policies."""
    return {
        **_products_paths(),
        **_policies_paths(),
        **_policy_paths(),
    }


def _products_paths() -> dict:
    """The insurers' products."""
    return {
        API + "/insurance/products": {
            "get": operation(
                "insuranceProducts",
                "Insurers and their products (warungku, kiosku, gerobakku ...)",
                "plugins",
                {"200": answer("Insurance products.", items_of(ref("InsuranceProduct")))},
                plugin=PLUGIN,
            )
        },
    }


def _policies_paths() -> dict:
    """Granting a policy; the policies the user may see."""
    return {
        API + "/insurance/policies": {
            "post": operation(
                "grantPolicy",
                "Grant a store (or every exhibitor of an expo) a policy",
                "plugins",
                {
                    "201": answer(
                        "The policy (with expo: the grant result).",
                        {"oneOf": [ref("Policy"), ref("PolicyGrantResult")]},
                    )
                },
                auth="agency",
                plugin=PLUGIN,
                request=body(ref("PolicyInput")),
                errors=("404", "409"),
            ),
            "get": operation(
                "listPolicies",
                "Policies the user may see",
                "plugins",
                {"200": answer("Policies.", items_of(ref("Policy"), paged=True))},
                auth="a seller: its store's; an insurer: its own insurer's; agency: all",
                plugin=PLUGIN,
                params=PAGE_PARAMS,
                errors=("422",),
            ),
        },
    }


def _policy_paths() -> dict:
    """One policy."""
    return {
        API + "/insurance/policies/{ref}": {
            "get": operation(
                "getPolicy",
                "One policy, by id or number",
                "plugins",
                {"200": answer("The policy.", ref("Policy"))},
                auth="those who may list it",
                plugin=PLUGIN,
                params=[path_param("ref", STRING, "policy id or number")],
                errors=("404",),
            )
        },
    }


def claim_paths() -> dict:
    """The claims and the insurer's decisions."""
    return {
        **_claims_paths(),
        **_claim_paths(),
    }


def _claims_paths() -> dict:
    """Filing a claim; the claims the user may see."""
    return {
        API + "/insurance/claims": {
            "post": operation(
                "fileClaim",
                "File a claim on a policy (or on a protected order)",
                "plugins",
                {"201": answer("The claim.", ref("Claim"))},
                auth="the insured store's members; for an order: its shopper",
                plugin=PLUGIN,
                request={
                    "required": True,
                    "content": {
                        "application/json": {"schema": ref("ClaimInput")},
                        "multipart/form-data": {"schema": ref("ClaimInput")},
                    },
                },
                errors=("404", "409"),
            ),
            "get": operation(
                "listClaims",
                "Claims the user may see",
                "plugins",
                {"200": answer("Claims.", items_of(ref("Claim"), paged=True))},
                auth="members: their store's; shoppers: their own; an insurer: its own; agency: all",
                plugin=PLUGIN,
                params=[*PAGE_PARAMS, query("status", {"enum": list(CLAIM_STATUSES)})],
                errors=("422",),
            ),
        },
    }


def _claim_paths() -> dict:
    """One claim and the insurer's decision on it."""
    return {
        API + "/insurance/claims/{id}": {
            "get": operation(
                "getClaim",
                "One claim",
                "plugins",
                {"200": answer("The claim.", ref("Claim"))},
                auth="those who may list it",
                plugin=PLUGIN,
                params=[path_param("id", ID)],
                errors=("404",),
            )
        },
        API + "/insurance/claims/{id}/decision": {
            "post": operation(
                "decideClaim",
                "Approve, reject or mark a claim paid",
                "plugins",
                {"200": answer("The claim.", ref("Claim"))},
                auth="the policy's insurer",
                plugin=PLUGIN,
                params=[path_param("id", ID)],
                request=body(ref("ClaimDecisionInput")),
                errors=("404", "409"),
                description="Another insurer's claim is 404.",
            ),
        },
    }


def policy_schemas() -> dict:
    """The insurance products and the policies."""
    return {
        **_product_schemas(),
        **_grant_schemas(),
        **_policy_schemas(),
    }


def _product_schemas() -> dict:
    """An insurer's product."""
    return {
        "InsuranceProduct": obj(
            {
                "insurer": {"enum": list(INSURERS)},
                "insurer_name": STRING,
                "code": {"type": "string", "examples": ["warungku", "kiosku", "gerobakku"]},
                "name": STRING,
                "object_kind": {"enum": list(OBJECT_KINDS)},
                "coverage": STRING,
                "description": STRING,
                "causes": array(STRING),
                "sum_insured": RUPIAH,
                "premium": RUPIAH,
                "period_months": INTEGER,
                "active": BOOLEAN,
            },
            ["insurer", "code", "name", "sum_insured", "premium", "period_months"],
        ),
    }


def _grant_schemas() -> dict:
    """What the agency sends to grant a policy, and the answer for an expo."""
    return {
        "PolicyInput": obj(
            {
                "store": {"type": "string", "description": "the store's slug"},
                "product": {"type": "string", "examples": ["warungku"]},
                "expo": {
                    "type": "string",
                    "description": "instead of store: every exhibitor of this expo that has no active policy",
                },
            },
            ["product"],
        ),
        "PolicyGrantResult": obj(
            {"items": array(ref("Policy")), "granted": INTEGER, "skipped": array(STRING)},
            ["items", "granted", "skipped"],
        ),
    }


def _policy_schemas() -> dict:
    """A policy."""
    return {
        "Policy": obj(
            {
                "id": INTEGER,
                "number": {"type": "string", "examples": ["JSD-2611-000123"]},
                "store": STRING,
                "store_name": STRING,
                "insurer": STRING,
                "product": STRING,
                "insured_object": obj({"kind": {"enum": list(OBJECT_KINDS)}, "address": STRING}),
                "sum_insured": RUPIAH,
                "premium": RUPIAH,
                "starts_on": DATE,
                "ends_on": DATE,
                "status": {"enum": list(POLICY_STATUSES)},
                "expo_id": {"type": ["integer", "null"]},
            },
            ["id", "number", "store", "insurer", "product", "status", "starts_on", "ends_on"],
        ),
    }


def claim_schemas() -> dict:
    """The claims and the insurer's decisions."""
    return {
        **_claim_input_schemas(),
        **_claim_schemas(),
    }


def _claim_input_schemas() -> dict:
    """What a claimant files and what an insurer decides."""
    return {
        "ClaimInput": obj(
            {
                "policy": {"anyOf": [ID, {"type": "string"}], "description": "policy id or number"},
                "order": {"type": "string", "description": "instead of policy: the shopper's protected order number"},
                "incident_date": DATE,
                "cause": {"enum": list(CAUSES), "description": "one the policy's product covers"},
                "description": text(2000, minLength=10),
                "amount": {**ID, "description": "whole rupiah, at most the sum insured"},
                "photos": array(
                    {"type": "string", "contentMediaType": "image/*"},
                    description="multipart only: JPEG, PNG or WebP, up to 5",
                ),
            },
            ["incident_date", "cause", "description", "amount"],
        ),
        "ClaimDecisionInput": obj(
            {
                "decision": {"enum": list(DECISIONS)},
                "note": {"type": ["string", "null"], "description": "required to reject; cut to 2000 characters"},
                "amount": {
                    "type": ["integer", "null"],
                    "minimum": 1,
                    "maximum": MAX_ID,
                    "description": "approve: the amount to pay (default: the claim's)",
                },
            },
            ["decision"],
        ),
    }


def _claim_schemas() -> dict:
    """A claim."""
    return {
        "Claim": obj(
            {
                "id": INTEGER,
                "policy": NULLABLE_STRING,
                "order": NULLABLE_STRING,
                "insurer": STRING,
                "incident_date": DATE,
                "cause": STRING,
                "description": STRING,
                "amount": RUPIAH,
                "status": {"enum": list(CLAIM_STATUSES)},
                "paid_amount": {"type": ["integer", "null"]},
                "note": NULLABLE_STRING,
                "photos": array(STRING),
                "documents_complete_at": {"type": ["string", "null"], "format": "date-time"},
                "days_since_documents": {"type": ["integer", "null"]},
                "created_at": DATETIME,
            },
            ["id", "policy", "order", "status", "amount", "incident_date", "cause"],
        ),
    }
