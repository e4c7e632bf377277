"""JSON shapes of the insurance API."""

from __future__ import annotations

from flask import url_for

from . import claims, policies


def product_json(product) -> dict:
    return {
        "insurer": product.insurer.code,
        "insurer_name": product.insurer.name,
        "code": product.code,
        "name": product.name,
        "object_kind": product.object_kind,
        "description": product.coverage,
        "coverage": product.coverage,
        "causes": product.cause_list,
        "sum_insured": product.sum_insured,
        "premium": product.premium,
        "period_months": product.period_months,
        "active": product.active,
    }


def policy_json(policy) -> dict:
    return {
        "id": policy.id,
        "number": policy.number,
        "store": policy.store.slug,
        "store_name": policy.store.name,
        "insurer": policy.insurer.code,
        "product": policy.product.code,
        "insured_object": {"kind": policy.insured_kind, "address": policy.insured_address},
        "sum_insured": policy.sum_insured,
        "premium": policy.premium,
        "starts_on": policy.starts_on.isoformat(),
        "ends_on": policy.ends_on.isoformat(),
        "status": policies.state(policy),
        "expo_id": policy.expo_id,
    }


def claim_json(claim) -> dict:
    order = claim.protection.order.number if claim.protection is not None else None
    return {
        "id": claim.id,
        "policy": claim.policy.number if claim.policy is not None else None,
        "order": order,
        "insurer": claim.insurer.code,
        "incident_date": claim.incident_date.isoformat(),
        "cause": claim.cause,
        "description": claim.description,
        "amount": claim.amount,
        "status": claim.status,
        "paid_amount": claim.paid_amount,
        "note": claim.decision_note,
        "photos": [url_for("insurance.claim_photo", claim_id=claim.id, photo_id=p.id) for p in claim.photos],
        "documents_complete_at": claim.documents_complete_at and claim.documents_complete_at.isoformat(),
        "days_since_documents": claims.days_since_documents(claim),
        "created_at": claim.created_at.isoformat(),
    }
