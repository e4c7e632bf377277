"""The agency console: verifying stores, featured vendors, the commission, the audit log."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from marketplace import site_settings
from marketplace.audit import AuditLog
from marketplace.expo import services as expo
from marketplace.extensions import db
from marketplace.stores import services as stores
from tests.agency_support import gen_people, login, text
from tests.factories import gen_product, gen_store, gen_user


@pytest.fixture
def people(app):
    return gen_people()


@pytest.fixture
def officer(client, people):
    login(client, people["agency"].email)
    return people


def audit_rows(action: str) -> list[AuditLog]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)))


def test_the_queue_shows_pending_stores_with_nib_sector_and_owner(client, officer):
    owner = gen_user("tarni@test.id", role="seller", name="Bu Tarni")
    gen_store(owner, name="Tahu Aci Bu Tarni", sector="kuliner", approved=False, nib="9120101234599")
    page = text(client.get("/agency/stores?status=pending"))
    assert "Tahu Aci Bu Tarni" in page and "9120101234599" in page and "Kuliner" in page
    assert "Bu Tarni" in page and "tarni@test.id" in page
    assert "Batik Sari" not in page  # approved: not in the pending queue
    assert "Batik Sari" in text(client.get("/agency/stores?status=approved"))
    assert 'id="count-pending">1<' in client.get("/agency/").get_data(as_text=True)


def test_officer_approves_a_pending_store_and_it_sells(client, officer):
    store = gen_store(name="Tahu Aci Bu Tarni", sector="kuliner", approved=False)
    gen_product(store, "Tahu Aci Frozen", category=None)
    assert client.get("/stores/tahu-aci-bu-tarni").status_code == 404

    response = client.post("/agency/stores/tahu-aci-bu-tarni/approve")

    assert response.status_code == 302 and response.headers["Location"] == "/agency/stores/tahu-aci-bu-tarni"
    assert "disetujui" in text(client.get(response.headers["Location"]))
    assert client.get("/stores/tahu-aci-bu-tarni").status_code == 200
    assert "Tahu Aci Frozen" in text(client.get("/search?q=tahu"))
    [row] = audit_rows("store.approved")[-1:]
    assert row.actor_id == officer["agency"].id and row.on_behalf_of_store_id == store.id


def test_rejecting_needs_a_reason_which_the_seller_then_reads(client, officer):
    owner = gen_user("tarni@test.id", role="seller")
    gen_store(owner, name="Tahu Aci Bu Tarni", approved=False)
    missing = client.post("/agency/stores/tahu-aci-bu-tarni/reject", data={"reason": " "})
    assert missing.status_code == 422 and "Tuliskan alasannya untuk penjual." in text(missing)

    client.post("/agency/stores/tahu-aci-bu-tarni/reject", data={"reason": "NIB tidak cocok dengan OSS."})

    client.post("/logout")
    login(client, "tarni@test.id")
    dashboard = text(client.get("/seller/stores/tahu-aci-bu-tarni/"))
    assert "Pengajuan toko ditolak." in dashboard and "NIB tidak cocok dengan OSS." in dashboard
    assert json.loads(audit_rows("store.rejected")[0].data) == {"reason": "NIB tidak cocok dengan OSS."}


def test_suspend_and_reinstate_a_store(client, officer):
    product = gen_product(officer["store"], "Batik Tulis Motif Tegalan")
    response = client.post("/agency/stores/batik-sari/suspend", data={"reason": "Izin usaha kedaluwarsa."})
    assert response.status_code == 302
    assert client.get(f"/products/{product.id}").status_code == 404
    assert "Batik Tulis Motif Tegalan" not in text(client.get("/search?q=batik"))
    assert "Dibekukan" in text(client.get("/agency/stores/batik-sari"))

    client.post("/agency/stores/batik-sari/reinstate")

    assert client.get(f"/products/{product.id}").status_code == 200
    assert [r.action for r in audit_rows("store.suspended")] == ["store.suspended"]
    assert len(audit_rows("store.approved")) == 2  # the approval at opening, and the reinstatement


def test_an_illegal_decision_is_a_409_with_the_page(client, officer):
    response = client.post("/agency/stores/batik-sari/reject", data={"reason": "x"})  # approved: cannot reject
    assert response.status_code == 409 and "tidak bisa diubah" in text(response)
    assert client.post("/agency/stores/batik-sari/reinstate").status_code == 409  # not suspended
    assert client.post("/agency/stores/tidak-ada/approve").status_code == 404


def test_featured_vendors_are_chosen_and_ordered_with_plain_forms(client, officer):
    for name in ("Teh Poci Mas", "Anyaman Slawi"):
        gen_store(name=name)
    pending = gen_store(name="Toko Menunggu", approved=False)
    client.post("/agency/featured/add", data={"store": "teh-poci-mas"})
    client.post("/agency/featured/add", data={"store": "batik-sari"})
    client.post("/agency/featured/add", data={"store": "anyaman-slawi"})
    client.post("/agency/featured/up", data={"store": "anyaman-slawi"})
    client.post("/agency/featured/down", data={"store": "teh-poci-mas"})
    assert stores_in_order(client.get("/agency/featured")) == ["anyaman-slawi", "teh-poci-mas", "batik-sari"]
    home = client.get("/").get_data(as_text=True)
    assert home.index("Anyaman Slawi") < home.index("Teh Poci Mas") < home.index("Batik Sari")

    client.post("/agency/featured/remove", data={"store": "teh-poci-mas"})
    assert stores_in_order(client.get("/agency/featured")) == ["anyaman-slawi", "batik-sari"]
    refused = client.post("/agency/featured/add", data={"store": pending.slug})
    assert refused.status_code == 422 and "Hanya toko yang sudah disetujui" in text(refused)
    assert len(audit_rows("featured.set")) == 6


def stores_in_order(response) -> list[str]:
    listing = response.get_data(as_text=True).split('id="featured-list"')[1].split("</ol>")[0]
    return re.findall(r'href="/agency/stores/([^"]+)"', listing)


@pytest.mark.parametrize("typed,bps", [("2,5", 250), ("2.5", 250), ("0", 0), ("10", 1000), ("0,75 %", 75)])
def test_the_commission_accepts_a_comma_or_a_point(client, officer, typed, bps):
    response = client.post("/agency/commission", data={"percent": typed})
    assert response.status_code == 302
    db.session.rollback()
    assert site_settings.get_commission_bps() == bps
    assert site_settings.percent_label(bps) in text(client.get("/agency/commission"))


@pytest.mark.parametrize("typed", ["", "abc", "101", "-1", "2,555"])
def test_a_bad_commission_is_refused_next_to_the_field(client, officer, typed):
    response = client.post("/agency/commission", data={"percent": typed})
    assert response.status_code == 422 and 'id="percent-error"' in response.get_data(as_text=True)
    db.session.rollback()
    assert site_settings.get_commission_bps() == 0


def test_changing_the_commission_is_audited(app, people):
    site_settings.set_commission(people["agency"], "2,5")
    site_settings.set_commission(people["agency"], 0)
    db.session.commit()
    rows = audit_rows("settings.changed")
    assert [json.loads(r.data) for r in rows] == [{"old": None, "new": "250"}, {"old": "250", "new": "0"}]
    assert site_settings.get_commission_bps() == 0


def test_the_audit_log_names_who_did_what_for_which_store(client, officer):
    client.post("/agency/stores/batik-sari/suspend", data={"reason": "Izin usaha kedaluwarsa."})
    page = text(client.get("/agency/audit"))
    assert "store.suspended" in page and "Bambang Sutrisno" in page and "Batik Sari" in page
    assert "Izin usaha kedaluwarsa." in page


def test_the_store_page_offers_the_decisions_its_status_allows(client, officer):
    gen_store(name="Toko Menunggu", approved=False)
    pending = text(client.get("/agency/stores/toko-menunggu"))
    assert 'id="approve-store"' in pending and 'id="reject-store"' in pending and 'id="suspend-store"' not in pending
    approved = text(client.get("/agency/stores/batik-sari"))
    assert 'id="suspend-store"' in approved and 'id="approve-store"' not in approved
    stores.set_status(stores.get_store("batik-sari"), None, "suspended", "x")
    db.session.commit()
    assert 'id="reinstate-store"' in text(client.get("/agency/stores/batik-sari"))


def test_exhibitions_of_a_store_are_listed_on_its_page(client, officer):
    from datetime import timedelta

    from marketplace.clock import now

    fair = expo.create_expo(None, "apik", "Apik Banget", now(), now() + timedelta(days=3))
    expo.add_exhibitor(None, fair, officer["store"], booth="F-01")
    db.session.commit()
    assert "Apik Banget" in text(client.get("/agency/stores/batik-sari")) and "Stan F-01" in text(
        client.get("/agency/stores/batik-sari")
    )


def test_the_report_page_runs_a_fixed_number_of_statements(client, officer, count_queries):
    from datetime import timedelta

    from marketplace.clock import now
    from tests.agency_support import order_row, seed_orders

    fair = expo.create_expo(
        None, "apik", "Apik Banget", now() - timedelta(days=5), now() + timedelta(days=5), zones=["Fesyen"]
    )
    expo.add_exhibitor(None, fair, officer["store"], booth="F-01")
    db.session.commit()
    from types import SimpleNamespace

    store = SimpleNamespace(id=officer["store"].id, name="Batik Sari")
    shopper_id = officer["shopper"].id

    def page_statements(n: int) -> int:
        rows = [order_row(store, shopper_id, 10_000 + i, now() - timedelta(hours=i % 100)) for i in range(n)]
        seed_orders(rows)
        db.session.remove()
        with count_queries() as q:
            response = client.get("/agency/reports?expo=apik")
        assert response.status_code == 200
        return q.count

    few, many = page_statements(20), page_statements(2000)
    # the user, the expo list, the expo with zones, 6 for the report, and 4 for the expo funnel
    # ("Corong pengunjung": exhibitors, visits, the hall per day, orders per store; agency/funnel.py)
    assert few == many <= 13, (few, many)


def test_an_admin_sees_on_the_console_which_plugin_needs_configuration(make_app):
    """Development starts with a bad plugin setting (production would not): the admin is told on the console."""
    app = make_app(plugins="bank_transfer", BANK_TRANSFER_WINDOW_HOURS=0)
    client = app.test_client()
    with app.app_context():
        gen_user("admin@test.id", role="admin", name="Admin Pasar")
        people = gen_people()
        db.session.commit()
        login(client, "admin@test.id")
        page = client.get("/agency/").get_data(as_text=True)
        assert 'id="plugins-need-configuration"' in page
        assert "bank_transfer" in page and "BANK_TRANSFER_WINDOW_HOURS" in page
        officer = app.test_client()
        login(officer, people["agency"].email)
        assert "plugins-need-configuration" not in officer.get("/agency/").get_data(as_text=True)


def test_the_console_says_nothing_when_every_plugin_is_configured(make_app):
    app = make_app(plugins="bank_transfer")
    client = app.test_client()
    with app.app_context():
        gen_user("admin@test.id", role="admin", name="Admin Pasar")
        db.session.commit()
        login(client, "admin@test.id")
        assert "plugins-need-configuration" not in client.get("/agency/").get_data(as_text=True)
