"""The two money conversions: rupiah ↔ Stripe's IDR hundredths, and the commission's rounding."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.ledger.services import commission_of
from plugins.stripe_payments.stripe_api import from_stripe_amount, to_stripe_amount


def test_rp_25000_is_2500000_hundredths_and_back():
    assert to_stripe_amount(25000) == 2500000
    assert from_stripe_amount(2500000) == 25000
    assert to_stripe_amount(0) == 0


@pytest.mark.parametrize("bad", [-1, 2.5, "25000", True, None])
def test_only_whole_non_negative_rupiah_convert(bad):
    with pytest.raises(ValueError):
        to_stripe_amount(bad)


@pytest.mark.parametrize("minor", [2500050, 1, -100, 99.0, True])
def test_fractions_of_a_rupiah_from_stripe_are_a_mismatch(minor):
    assert from_stripe_amount(minor) is None


@given(st.integers(min_value=0, max_value=10**13))
def test_conversion_round_trips(rupiah):
    assert from_stripe_amount(to_stripe_amount(rupiah)) == rupiah


@pytest.mark.parametrize(
    "total,bps,expected",
    [
        (100000, 250, 2500),  # 2,5 % of Rp 100.000
        (25000, 0, 0),  # 0 % allowed
        (19, 250, 0),  # 0,475 → 0 (below half)
        (20, 250, 1),  # 0,5 → 1 (half rounds up)
        (33333, 1000, 3333),  # 3.333,3 → 3.333
        (33335, 1000, 3334),  # 3.333,5 → 3.334
        (1, 10000, 1),  # 100 %
    ],
)
def test_commission_rounds_half_up_to_a_whole_rupiah(total, bps, expected):
    assert commission_of(total, bps) == expected


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10000))
def test_commission_is_within_half_a_rupiah_of_the_exact_value(total, bps):
    c = commission_of(total, bps)
    assert 0 <= c <= total
    assert abs(c * 10000 - total * bps) <= 5000


@pytest.mark.parametrize("total,bps", [(-1, 0), (10, -1), (10, 10001)])
def test_commission_refuses_nonsense(total, bps):
    with pytest.raises(ValueError):
        commission_of(total, bps)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_rupiah_is_written_as_babel_writes_it_in_indonesian(amount):
    from babel.numbers import format_decimal

    from marketplace.i18n import rupiah

    assert rupiah(amount) == "Rp " + format_decimal(amount, format="#,##0", locale="id_ID")
