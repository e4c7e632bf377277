"""Pure rules of the insurance plugin: premiums, policy periods, causes."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.insurance import policies, protection, terms


@pytest.mark.parametrize(
    "goods,rate,floor,premium",
    [
        (2_000_000, 20, 1000, 4_000),  # 0,2 %
        (100_000, 20, 1000, 1_000),  # below the minimum
        (500_001, 20, 1000, 1_001),  # rounded up to a whole rupiah
        (1_000_000, 50, 2500, 5_000),  # another rate
        (0, 20, 1000, 0),  # nothing to protect
    ],
)
def test_premium_is_a_rate_of_the_goods_value_with_a_minimum(goods, rate, floor, premium):
    assert protection.premium_for(goods, rate, floor) == premium


@pytest.mark.parametrize(
    "start,months,end",
    [
        (date(2026, 11, 28), 12, date(2027, 11, 27)),
        (date(2026, 1, 31), 1, date(2026, 2, 27)),  # 31 Jan + 1 month → 28 Feb, last day included before it
        (date(2028, 2, 29), 12, date(2029, 2, 27)),
        (date(2026, 12, 1), 6, date(2027, 5, 31)),
    ],
)
def test_a_policy_period_runs_its_months_with_the_last_day_included(start, months, end):
    product = type("P", (), {"period_months": months})()
    assert policies.period_for(product, start) == (start, end)


def test_order_protection_causes_are_not_offered_to_aid_policies():
    assert set(terms.PROTECTION_CAUSES).isdisjoint(terms.POLICY_CAUSES)
    assert {"kebakaran", "petir", "ledakan", "kejatuhan_pesawat", "asap", "pencurian"} <= set(terms.POLICY_CAUSES)
