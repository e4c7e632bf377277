"""Helpers for the agency tests: many orders inserted cheaply, an expo with zones.

``seed_orders`` writes order rows with one bulk INSERT (no lines, no payment):
what a sales report reads — store, shopper, status, total, placed_at — and
nothing more. Tests of the buying rules build orders through checkout instead
(tests/buying_factories.py); the report tests only need the numbers.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import column, insert, table

from marketplace.extensions import db

_numbers = itertools.count(1)
SHIP = {
    "ship_name": "Siti Aminah",
    "ship_phone": "+6281234567890",
    "ship_address": "Jl. Kapten Sudibyo No. 12",
    "ship_city": "Kota Tegal",
    "ship_postal_code": "52131",
}


def order_row(store, user, total: int, placed_at: datetime, status: str = "completed") -> dict:
    n = next(_numbers)
    return {
        "number": f"TST-{n:08d}",
        "user_id": getattr(user, "id", user),
        "store_id": store.id,
        "store_name": store.name,
        "status": status,
        "payment_method": "cash_on_delivery",
        "pay_on_delivery": True,
        "subtotal": total,
        "extras_total": 0,
        "total": total,
        "placed_at": placed_at,
        "updated_at": placed_at,
        **SHIP,
    }


def seed_orders(rows: list[dict]) -> None:
    """Insert order rows (from ``order_row``) in one statement and commit. Only the columns given
    are written (a lightweight table: columns added later keep their database defaults)."""
    orders = table("orders", *(column(name) for name in rows[0]))
    naive = [
        {k: (v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) else v) for k, v in row.items()}
        for row in rows
    ]
    db.session.execute(insert(orders), naive)
    db.session.commit()


def wib(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Jakarta wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone(timedelta(hours=7))).astimezone(UTC)


# --- people ----------------------------------------------------------------------------


def gen_people():
    """An agency officer, a seller with an approved store, a shopper, an insurer user."""
    from tests.factories import gen_store, gen_user

    people = {
        "agency": gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno"),
        "seller": gen_user("sari@test.id", role="seller", name="Sari Rahayu"),
        "shopper": gen_user("siti@test.id", name="Siti Aminah"),
        "insurer": gen_user("jasindo@test.id", role="insurer", name="Dewi Lestari", insurer="jasindo"),
    }
    people["store"] = gen_store(people["seller"], name="Batik Sari", sector="fesyen")
    return people


def login(client, email: str):
    from tests.factories import PASSWORD

    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def text(response) -> str:
    import html

    return html.unescape(response.get_data(as_text=True))
