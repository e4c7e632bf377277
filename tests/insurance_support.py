"""Helpers for the insurance plugin's tests: an app with the plugin on, and a
cast of people with one policy and one claim at each insurer.

    store A (seller_a) — Warungku (Jasindo) — claim_a
    store B (seller_b) — Gerobakku (Askrindo) — claim_b
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from marketplace.extensions import db
from plugins.insurance import claims, policies, terms
from tests.factories import PASSWORD, gen_store, gen_user

PLUGINS = "cash_on_delivery,insurance"
ROLES = ("anonymous", "shopper", "seller_a", "seller_b", "agency", "jasindo", "askrindo", "admin")


@dataclass
class Cast:
    users: dict
    store_a: object
    store_b: object
    policy_a: object
    policy_b: object
    claim_a: object
    claim_b: object

    def email(self, role: str) -> str | None:
        user = self.users.get(role)
        return user.email if user else None


@pytest.fixture
def ins_app(make_app):
    """An app with the insurance (and cash-on-delivery) plugins on, in an app context."""
    app = make_app(plugins=PLUGINS)
    with app.app_context():
        yield app


@pytest.fixture
def ins_client(ins_app):
    return ins_app.test_client()


def gen_people() -> dict:
    return {
        "shopper": gen_user("pembeli@test.id", name="Siti Aminah"),
        "seller_a": gen_user("sari@test.id", role="seller", name="Sari Rahayu"),
        "seller_b": gen_user("joko@test.id", role="seller", name="Joko Susilo"),
        "agency": gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno"),
        "jasindo": gen_user("klaim@jasindo.test", role="insurer", name="Dewi Lestari", insurer="jasindo"),
        "askrindo": gen_user("klaim@askrindo.test", role="insurer", name="Agus Prasetyo", insurer="askrindo"),
        "admin": gen_user("admin@test.id", role="admin", name="Admin"),
    }


def grant(agency, store, code: str):
    policy = policies.grant(agency, store, terms.get_product(code))
    db.session.commit()
    return policy


def file_claim(user, policy, **overrides):
    data = {
        "incident_date": policies.today().isoformat(),
        "cause": "kebakaran",
        "description": "Kebakaran kecil di dapur membakar etalase.",
        "amount": 1_500_000,
        **overrides,
    }
    claim = claims.file_policy_claim(user, policy.id, data)
    db.session.commit()
    return claim


@pytest.fixture
def cast(ins_app) -> Cast:
    users = gen_people()
    store_a = gen_store(users["seller_a"], name="Batik Sari", address="Jl. Kapten Sudibyo No. 12")
    store_b = gen_store(users["seller_b"], name="Sate Kambing Pak Joko", sector="kuliner")
    policy_a = grant(users["agency"], store_a, "warungku")
    policy_b = grant(users["agency"], store_b, "gerobakku")
    claim_a = file_claim(users["seller_a"], policy_a)
    claim_b = file_claim(users["seller_b"], policy_b, cause="pencurian", amount=800_000)
    return Cast(users, store_a, store_b, policy_a, policy_b, claim_a, claim_b)


def token(client, email: str | None) -> str | None:
    if email is None:
        return None
    response = client.post("/api/v1/auth/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["token"]


def bearer(tok: str | None) -> dict:
    return {"Authorization": f"Bearer {tok}"} if tok else {}


def login(client, email: str | None) -> None:
    if email:
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]


def yesterday_iso() -> str:
    return (policies.today() - timedelta(days=1)).isoformat()
