"""`flask demo load` gives the demo shopper an address book: home in Jakarta, office in Tegal."""

from __future__ import annotations

import pytest

from marketplace.accounts import services as accounts
from marketplace.shipping import addresses
from tests.conftest import DEMO_ON_SQLITE_ONLY, ON_POSTGRES
from tests.integration.test_demo import load_demo

pytestmark = pytest.mark.skipif(ON_POSTGRES, reason=DEMO_ON_SQLITE_ONLY)


def test_the_demo_shopper_has_a_jakarta_default_and_a_tegal_address_once(app, runner):
    load_demo(runner)
    shopper = accounts.get_user_by_email("shopper@demo.test")
    book = addresses.list_for(shopper)
    assert [(a.label, a.regency_code, a.district_code, a.is_default) for a in book] == [
        ("Rumah", "31.74", "31.74.07", True),
        ("Kantor", "33.76", "33.76.02", False),
    ]
    assert addresses.snapshot(book[1])["district"] == "Tegal Timur"

    assert "nothing changed" in load_demo(runner)
    assert len(addresses.list_for(shopper)) == 2
