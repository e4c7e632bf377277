"""The seller's booth editor (/seller/stores/<slug>/booths...), the "online now" sighting of the
seller pages, and booth numbers unique per expo."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from sqlalchemy import select

from marketplace.accounts.models import User
from marketplace.audit import AuditLog
from marketplace.clock import now
from marketplace.errors import Conflict
from marketplace.expo import booths
from marketplace.expo import services as expos
from marketplace.expo.models import Exhibitor
from marketplace.extensions import db
from marketplace.stores.models import StorePresence
from tests.agency_support import login, text
from tests.factories import gen_product, gen_staff, gen_store, gen_user, image_bytes
from tests.integration.test_seller_pages import error_next_to

LIST = "/seller/stores/batik-sari/booths"
EDIT = "/seller/stores/batik-sari/booths/apik-banget"

GOOD = {
    "tagline": "Batik tulis asli Tegal",
    "video_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    **{f"hours_{d}_closed": "y" for d in "234567"},
    "hours_1_open": "08:00",
    "hours_1_close": "20:00",
}


@pytest.fixture
def fair(app):
    officer = gen_user("petugas@disnakerin.test", role="agency")
    start = now() - timedelta(days=1)
    expo = expos.create_expo(officer, "apik-banget", "Apik Banget Virtual Expo", start, start + timedelta(days=400))
    sari = gen_store(gen_user("sari@test.id", role="seller"), name="Batik Sari")
    kopi = gen_store(gen_user("kopi@test.id", role="seller"), name="Kopi Tegal", sector="kuliner")
    expos.add_exhibitor(officer, expo, sari, booth="K-01")
    expos.add_exhibitor(officer, expo, kopi, booth="K-02")
    db.session.commit()
    return {"officer": officer, "expo": expo, "sari": sari, "kopi": kopi}


def booth_row(store) -> Exhibitor:
    db.session.rollback()
    return db.session.scalar(select(Exhibitor).where(Exhibitor.store_id == store.id))


def test_the_list_shows_each_booth_with_its_page_and_editor(client, fair):
    login(client, "sari@test.id")
    html = text(client.get(LIST))

    assert "Apik Banget Virtual Expo" in html and "K-01" in html and "LIVE" in html
    assert 'href="/expo/apik-banget/booths/K-01"' in html and f'href="{EDIT}"' in html
    assert 'href="/seller/stores/batik-sari/booths"' in text(client.get("/seller/stores/batik-sari/"))  # the menu


def test_a_member_saves_tagline_video_hours_and_pins_with_an_audit_row(client, fair):
    first = gen_product(fair["sari"], name="Batik Kawung")
    second = gen_product(fair["sari"], name="Selendang")
    staff = gen_staff(fair["sari"])
    login(client, staff.email)

    response = client.post(EDIT, data={**GOOD, "pin_0": str(second.id), "pin_1": str(first.id)})

    assert response.status_code == 302
    row = booth_row(fair["sari"])
    assert row.tagline == "Batik tulis asli Tegal" and row.video_url.endswith("dQw4w9WgXcQ")
    assert row.hours == {"1": ["08:00", "20:00"]}
    assert booths.pinned_ids(row.id) == [second.id, first.id]
    actions = set(db.session.scalars(select(AuditLog.action).where(AuditLog.actor_id == staff.id)))
    assert {"expo.booth_updated", "expo.booth_pins_set"} <= actions


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"tagline": "x" * 161}, "tagline", "maksimal 160"),
        ({"video_url": "https://vimeo.com/123"}, "video_url", "atau Facebook"),
        ({"hours_1_open": "8 pagi"}, "hours_1_open", "JJ:MM"),
        ({"hours_1_close": "07:00"}, "hours_1_close", "sesudah jam buka"),
        ({"pin_0": "abc"}, "pins", "dari daftar"),
        ({"pin_0": "99999999999999999999"}, "pins", "dari daftar"),
    ],
)
def test_every_bad_field_is_shown_next_to_it_and_nothing_changes(client, fair, change, field, message):
    login(client, "sari@test.id")
    response = client.post(EDIT, data={**GOOD, **change})

    assert response.status_code == 422
    assert message in error_next_to(response, field)
    row = booth_row(fair["sari"])
    assert row.tagline == "" and row.video_url == "" and row.hours == {}


def test_another_stores_or_an_inactive_product_cannot_be_pinned_and_nothing_changes(client, fair):
    theirs = gen_product(fair["kopi"], name="Kopi Tubruk")
    draft = gen_product(fair["sari"], name="Draf", status="draft")
    login(client, "sari@test.id")
    for product in (theirs, draft):
        response = client.post(EDIT, data={**GOOD, "pin_0": str(product.id)})
        assert response.status_code == 422
        assert "produk aktif toko ini" in error_next_to(response, "pins")
    row = booth_row(fair["sari"])
    assert booths.pinned_ids(row.id) == [] and row.tagline == ""


def test_a_bad_banner_file_is_refused_next_to_the_field(client, fair):
    login(client, "sari@test.id")
    response = client.post(
        EDIT + "/banner", data={"banner": (BytesIO(b"bukan gambar"), "spanduk.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert error_next_to(response, "banner")
    assert booth_row(fair["sari"]).banner is None
    empty = client.post(EDIT + "/banner", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and error_next_to(empty, "banner")


def test_a_banner_upload_is_stored_and_shown_on_the_booth_page(client, fair):
    login(client, "sari@test.id")
    response = client.post(
        EDIT + "/banner",
        data={"banner": (image_bytes(size=(1600, 500)), "spanduk.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    banner = booth_row(fair["sari"]).banner
    assert banner and banner.startswith("banners/")
    assert banner.rsplit(".", 1)[0] in client.get("/expo/apik-banget/booths/K-01").get_data(as_text=True)


def test_another_stores_member_gets_404_and_an_expo_the_store_is_not_in_too(client, fair):
    login(client, "kopi@test.id")
    assert client.get(LIST).status_code == 404
    assert client.get(EDIT).status_code == 404
    assert client.post(EDIT, data=GOOD).status_code == 404
    assert booth_row(fair["sari"]).tagline == ""
    assert client.get("/seller/stores/kopi-tegal/booths/tidak-ada").status_code == 404


def test_the_agency_may_edit_only_where_the_owner_allowed_assistance(client, fair):
    login(client, "petugas@disnakerin.test")
    assert client.get(EDIT).status_code == 403
    fair["sari"].allow_agency_assist = True
    db.session.commit()
    assert client.get(EDIT).status_code == 200
    assert client.post(EDIT, data=GOOD).status_code == 302
    assert booth_row(fair["sari"]).tagline == "Batik tulis asli Tegal"


# --- "online now" ----------------------------------------------------------------------------


def _presence_writes(statements: list[str]) -> int:
    return sum(1 for s in statements if "store_presence" in s and s.lstrip().upper().startswith(("INSERT", "UPDATE")))


def test_seller_pages_record_presence_at_most_once_a_minute(client, fair, count_queries):
    with time_machine.travel("2026-12-02 03:00:00+00:00", tick=False):
        with count_queries() as signing_in:
            login(client, "sari@test.id")  # a seller signing in is online
        with count_queries() as pages:
            client.get(LIST)
            client.get("/seller/stores/batik-sari/")
    with time_machine.travel("2026-12-02 03:01:01+00:00", tick=False), count_queries() as later:
        client.get(LIST)
        client.get("/seller/stores/batik-sari/")
    assert (_presence_writes(signing_in.statements), _presence_writes(pages.statements)) == (1, 0)
    assert not [s for s in pages.statements if "store_presence" in s]  # the session remembers: no read either
    assert _presence_writes(later.statements) == 1
    db.session.rollback()
    seen = db.session.scalar(select(StorePresence.last_seen_at).where(StorePresence.store_id == fair["sari"].id))
    assert seen.isoformat().startswith("2026-12-02T03:01:01")


def test_another_browser_of_the_store_does_not_write_again_within_the_minute(app, fair, count_queries):
    staff = gen_staff(fair["sari"])
    owner, helper = app.test_client(), app.test_client()
    with time_machine.travel("2026-12-02 03:00:00+00:00", tick=False):
        login(owner, "sari@test.id")
        with count_queries() as other:
            login(helper, staff.email)
            helper.get(LIST)
    assert _presence_writes(other.statements) == 0


def test_the_seller_home_marks_every_store_of_the_user_and_others_stay_offline(client, fair):
    owner = db.session.scalar(select(User).where(User.email == "sari@test.id"))
    second = gen_store(owner, name="Batik Sari Dua")
    login(client, "sari@test.id")
    client.get("/seller/")
    db.session.rollback()
    seen = set(db.session.scalars(select(StorePresence.store_id)))
    assert seen == {fair["sari"].id, second.id}


def test_the_agency_assisting_is_not_the_seller_online(client, fair):
    fair["sari"].allow_agency_assist = True
    db.session.commit()
    login(client, "petugas@disnakerin.test")
    assert client.get(LIST).status_code == 200
    db.session.rollback()
    assert db.session.scalar(select(StorePresence.store_id)) is None


def test_a_failing_presence_write_never_breaks_the_page(client, fair, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from marketplace.stores import presence

    def broken(*_args, **_kwargs):
        raise OperationalError("UPDATE store_presence", {}, Exception("database is locked"))

    monkeypatch.setattr(presence, "seen", broken)
    login(client, "sari@test.id")
    assert client.get(LIST).status_code == 200


# --- booth numbers are unique per expo ------------------------------------------------------


def test_a_booth_number_is_unique_per_expo_whatever_its_case(fair):
    other = gen_store(name="Logam Jaya", sector="logam-furnitur")
    with pytest.raises(Conflict) as caught:
        expos.add_exhibitor(fair["officer"], fair["expo"], other, booth="k-01")
    assert "sudah dipakai" in caught.value.message
    assert caught.value.fields == {"booth": "Stan ini sudah dipakai."}


def test_the_api_answers_409_on_a_taken_booth(api, fair):
    other = gen_store(name="Logam Jaya", sector="logam-furnitur")
    token = api.token("petugas@disnakerin.test")
    response = api.post("/expos/apik-banget/exhibitors", {"store": other.slug, "booth": "k-02"}, token=token)

    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"booth": "Stan ini sudah dipakai."}
