"""Insurance figures for the agency report: policies granted per expo and
product, claims filed / approved / paid with their amounts, order protections.

``report_figures(expo_id=None, date_from=None, date_to=None)`` is what the
agency report calls (its panel is insurance/_report_panel.html, around _report_figures.html).
Dates bound when the policy was granted / the claim filed / the order placed
(aware datetimes, or dates taken as whole WIB days)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import case, func, select

from marketplace.clock import JAKARTA
from marketplace.extensions import db

from .models import Claim, InsuranceProduct, Insurer, OrderProtection, Policy


def _bound(value, end: bool = False):
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time.min, tzinfo=JAKARTA)
    return None


def _in_period(column, date_from, date_to) -> list:
    start, end = _bound(date_from), _bound(date_to, end=True)
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end if not isinstance(date_to, datetime) else column <= end)
    return conditions


def report_figures(expo_id: int | None = None, date_from=None, date_to=None) -> dict:
    """Three statements: policies per expo and product, claim totals, protection totals."""
    policies = _policies(expo_id, date_from, date_to)
    return {
        "policies": policies,
        "policies_total": sum(r["count"] for r in policies),
        "sum_insured_total": sum(r["sum_insured"] for r in policies),
        "claims": _claim_totals(expo_id, date_from, date_to),
        "protections": _protection_totals(date_from, date_to),
    }


def _policies(expo_id: int | None, date_from, date_to) -> list[dict]:
    """Policies granted in the period, counted and summed per expo and product."""
    from marketplace.expo.models import Expo

    policy_rows = db.session.execute(
        select(
            Expo.slug,
            Expo.name,
            InsuranceProduct.code,
            InsuranceProduct.name,
            Insurer.name,
            func.count(Policy.id),
            func.coalesce(func.sum(Policy.sum_insured), 0),
        )
        .join(InsuranceProduct, InsuranceProduct.id == Policy.product_id)
        .join(Insurer, Insurer.id == Policy.insurer_id)
        .outerjoin(Expo, Expo.id == Policy.expo_id)
        .where(
            *(_in_period(Policy.created_at, date_from, date_to)),
            *([Policy.expo_id == expo_id] if expo_id is not None else []),
        )
        .group_by(Expo.slug, Expo.name, InsuranceProduct.code, InsuranceProduct.name, Insurer.name)
        .order_by(Expo.name, InsuranceProduct.code)
    ).all()
    return [
        {
            "expo": r[0],
            "expo_name": r[1],
            "product": r[2],
            "product_name": r[3],
            "insurer": r[4],
            "count": r[5],
            "sum_insured": int(r[6]),
        }
        for r in policy_rows
    ]


def _claim_totals(expo_id: int | None, date_from, date_to) -> dict:
    """Claims filed in the period: how many and how much, by where they stand."""
    claim_query = select(
        func.count(Claim.id),
        func.coalesce(func.sum(Claim.amount), 0),
        func.sum(case((Claim.status.in_(("approved", "paid")), 1), else_=0)),
        func.coalesce(func.sum(case((Claim.status.in_(("approved", "paid")), Claim.paid_amount), else_=0)), 0),
        func.sum(case((Claim.status == "paid", 1), else_=0)),
        func.coalesce(func.sum(case((Claim.status == "paid", Claim.paid_amount), else_=0)), 0),
        func.sum(case((Claim.status == "rejected", 1), else_=0)),
        func.sum(case((Claim.status == "filed", 1), else_=0)),
    ).where(*_in_period(Claim.created_at, date_from, date_to))
    if expo_id is not None:
        claim_query = claim_query.join(Policy, Policy.id == Claim.policy_id).where(Policy.expo_id == expo_id)
    c = db.session.execute(claim_query).one()
    return {
        "filed": c[0] or 0,
        "amount_filed": int(c[1] or 0),
        "approved": int(c[2] or 0),
        "amount_approved": int(c[3] or 0),
        "paid": int(c[4] or 0),
        "amount_paid": int(c[5] or 0),
        "rejected": int(c[6] or 0),
        "open": int(c[7] or 0),
    }


def _protection_totals(date_from, date_to) -> dict:
    """Active order protections placed in the period and their premiums."""
    p = db.session.execute(
        select(func.count(OrderProtection.id), func.coalesce(func.sum(OrderProtection.premium), 0)).where(
            OrderProtection.status == "active", *_in_period(OrderProtection.created_at, date_from, date_to)
        )
    ).one()
    return {"count": p[0] or 0, "premium": int(p[1] or 0)}
