"""The expo's programme: the services' rules and audit, the agency's pages, the API."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marketplace.audit import AuditLog
from marketplace.errors import ValidationError
from marketplace.expo import programme
from marketplace.expo.models import ExpoSession
from marketplace.extensions import db
from tests.agency_support import login, text, wib
from tests.programme_support import YT, gen_fair, gen_session


@pytest.fixture
def world(app):
    return gen_fair()


def sessions() -> list[ExpoSession]:
    db.session.rollback()
    return list(db.session.scalars(select(ExpoSession).order_by(ExpoSession.id)))


# --- services ---------------------------------------------------------------------------------


def test_a_session_is_stored_in_utc_at_its_booth_with_its_canonical_video_and_audited(world):
    people, fair = world
    row = programme.add_session(
        people["agency"],
        fair,
        programme.SessionInput(
            kind="demo",
            title="  Demo masak sate tegal ",
            starts_at="2026-12-02T19:00",
            ends_at="2026-12-02T20:30",
            booth="K-01",
            video_url="https://www.youtube.com/live/dQw4w9WgXcQ?feature=shared",
        ),
    )
    db.session.commit()
    assert row.title == "Demo masak sate tegal"
    assert row.starts_at == datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # 19.00 WIB
    assert row.ends_at == datetime(2026, 12, 2, 13, 30, tzinfo=UTC)
    assert row.exhibitor_id is not None and row.zone == ""
    assert row.video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "expo.session_added")).one()
    assert log.object_id == str(fair.id) and json.loads(log.data)["session_id"] == row.id


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"title": "", "kind": "konser"}, {"title", "kind"}),
        ({"starts_at": "besok", "ends_at": ""}, {"starts_at", "ends_at"}),
        ({"ends_at": "2026-12-01T09:00"}, {"ends_at"}),  # before its start
        ({"ends_at": "2026-12-01T10:00"}, {"ends_at"}),  # no length
        ({"starts_at": "2026-11-29T23:00", "ends_at": "2026-11-30T01:00"}, {"starts_at"}),  # two days early
        ({"starts_at": "2026-12-14T20:00", "ends_at": "2026-12-14T22:00"}, {"ends_at"}),  # after the close
        ({"zone": "fesyen", "booth": "Z-99"}, {"zone", "booth"}),
        ({"video_url": "https://vimeo.com/1234"}, {"video_url"}),
        ({"title": "x" * 161, "speaker": "y" * 161}, {"title", "speaker"}),
    ],
)
def test_bad_fields_are_named_each_and_nothing_is_stored(world, fields, errors):
    _people, fair = world
    values = {"title": "Pembukaan", "starts_at": "2026-12-01T10:00", "ends_at": "2026-12-01T11:00", **fields}
    with pytest.raises(ValidationError) as raised:
        programme.add_session(None, fair, programme.SessionInput(**values))
    assert set(raised.value.fields) == errors
    assert all(raised.value.fields.values())
    assert sessions() == []


def test_a_session_may_start_the_day_before_the_opening(world):
    _people, fair = world
    session_id = gen_session(fair, kind="other", starts_at="2026-11-30T00:00", ends_at="2026-11-30T09:00")
    assert [s.id for s in sessions()] == [session_id]


def test_update_and_delete_are_audited_with_the_changes(world):
    people, fair = world
    session_id = gen_session(fair)
    row = programme.get_session(fair, session_id)
    data = programme.session_input(row)
    data.title, data.zone = "Talk show pagi", "kuliner"
    programme.update_session(people["agency"], fair, row, data)
    db.session.commit()
    log = db.session.scalars(select(AuditLog).where(AuditLog.action == "expo.session_updated")).one()
    assert json.loads(log.data)["changes"] == {
        "title": ["Talk show: batik go digital", "Talk show pagi"],
        "zone": ["", "kuliner"],
    }
    programme.delete_session(people["agency"], fair, programme.get_session(fair, session_id))
    db.session.commit()
    assert sessions() == []
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.action == "expo.session_deleted"))


def test_now_and_next_and_the_programme_by_wib_day(world):
    _people, fair = world
    first = gen_session(
        fair, title="Pembukaan", kind="opening", starts_at="2026-12-01T08:00", ends_at="2026-12-01T09:00"
    )
    overlap = gen_session(fair, title="Demo", kind="demo", starts_at="2026-12-01T08:30", ends_at="2026-12-01T10:00")
    late = gen_session(fair, title="Malam", starts_at="2026-12-01T23:30", ends_at="2026-12-02T00:30")
    state = programme.now_and_next(fair, wib(2026, 12, 1, 8, 45))
    assert [s.id for s in state.on_now] == [first, overlap]
    assert state.next is not None and state.next.id == late
    assert state.changes_at == wib(2026, 12, 1, 9, 0)  # the opening ends
    after = programme.now_and_next(fair, wib(2026, 12, 2, 1, 0))
    assert after.on_now == [] and after.next is None and after.changes_at is None
    days = programme.programme(fair)
    assert [(d.date().isoformat(), [s.id for s in rows]) for d, rows in days] == [
        ("2026-12-01", [first, overlap, late])  # 23.30 WIB is still the 1st, though 16.30 UTC
    ]


# --- agency pages -----------------------------------------------------------------------------


FORM = {
    "kind": "launch",
    "title": "Peluncuran kopi Tegal",
    "speaker": "Pak Darto",
    "starts_at": "2026-12-03T13:00",
    "ends_at": "2026-12-03T14:00",
    "zone": "kuliner",
    "booth": "",
    "video_url": "https://fb.watch/abcDEF123/",
    "description": "Kopi robusta lereng Slamet.",
}


def test_officer_adds_edits_and_deletes_a_session(client, world):
    people, fair = world
    login(client, people["agency"].email)
    assert "/agency/expos/apik-2026/sessions" in text(client.get("/agency/expos/apik-2026"))
    added = client.post("/agency/expos/apik-2026/sessions", data=FORM)
    assert added.status_code == 302 and added.headers["Location"] == "/agency/expos/apik-2026/sessions"
    [row] = sessions()
    page = text(client.get("/agency/expos/apik-2026/sessions"))
    assert "Sesi Peluncuran kopi Tegal ditambahkan." in page  # the flash (test_agency_flashes.ELSEWHERE)
    assert "Peluncuran kopi Tegal" in page and "13.00–14.00 WIB" in page and "Peluncuran produk" in page
    edit = text(client.get(f"/agency/expos/apik-2026/sessions/{row.id}"))
    assert 'value="2026-12-03T13:00"' in edit and "fb.watch/abcDEF123" in edit
    saved = client.post(
        f"/agency/expos/apik-2026/sessions/{row.id}", data={**FORM, "title": "Kopi Tegal", "booth": "K-01"}
    )
    assert saved.status_code == 302
    assert "Sesi tersimpan." in text(client.get(saved.headers["Location"]))
    [row] = sessions()
    assert row.title == "Kopi Tegal" and row.exhibitor_id is not None
    gone = client.post(f"/agency/expos/apik-2026/sessions/{row.id}/delete")
    assert gone.status_code == 302 and sessions() == []
    assert "Sesi Kopi Tegal dihapus." in text(client.get(gone.headers["Location"]))


def test_bad_form_shows_errors_next_to_the_fields_and_changes_nothing(client, world):
    people, fair = world
    session_id = gen_session(fair)
    login(client, people["agency"].email)
    bad = {**FORM, "ends_at": "2026-12-03T12:00", "video_url": "https://vimeo.com/1"}
    response = client.post("/agency/expos/apik-2026/sessions", data=bad)
    assert response.status_code == 422
    body = text(response)
    assert 'id="ends_at-error"' in body and "Waktu selesai harus setelah waktu mulai." in body
    assert 'id="video_url-error"' in body and 'value="Peluncuran kopi Tegal"' in body
    edit = client.post(f"/agency/expos/apik-2026/sessions/{session_id}", data={**FORM, "ends_at": "2026-12-15T10:00"})
    assert edit.status_code == 422
    assert 'id="ends_at-error"' in text(edit) and "Sesi harus selesai sebelum expo ditutup" in text(edit)
    assert [(s.id, s.title) for s in sessions()] == [(session_id, "Talk show: batik go digital")]
    assert client.get("/agency/expos/apik-2026/sessions/999999").status_code == 404
    assert client.post("/agency/expos/tidak-ada/sessions", data=FORM).status_code == 404


def test_sellers_and_visitors_do_not_reach_the_programme_console(client, world):
    people, _fair = world
    assert client.get("/agency/expos/apik-2026/sessions").status_code == 302  # to sign in
    login(client, people["seller"].email)
    assert client.get("/agency/expos/apik-2026/sessions").status_code == 403
    assert client.post("/agency/expos/apik-2026/sessions", data=FORM).status_code == 403
    assert sessions() == []


# --- API --------------------------------------------------------------------------------------


BODY = {
    "kind": "handover",
    "title": "Penyerahan polis asuransi",
    "starts_at": "2026-12-05T09:00",
    "ends_at": "2026-12-05T10:00+07:00",
    "booth": "K-01",
    "video_url": YT,
}


def test_api_adds_lists_patches_and_deletes_sessions(api, world):
    people, _fair = world
    token = api.token(people["agency"].email)
    created = api.post("/expos/apik-2026/sessions", BODY, token=token)
    assert created.status_code == 201, created.get_json()
    item = created.get_json()
    assert item["starts_at"] == "2026-12-05T02:00:00+00:00" and item["booth"] == "K-01"
    assert item["video_url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert item["ics_url"].endswith(f"/expo/apik-2026/sessions/{item['id']}.ics")
    listed = api.get("/expos/apik-2026/sessions").get_json()["items"]
    assert [i["id"] for i in listed] == [item["id"]]
    assert set(listed[0]) == {
        "id",
        "kind",
        "title",
        "description",
        "speaker",
        "starts_at",
        "ends_at",
        "zone",
        "booth",
        "video_url",
        "ics_url",
    }
    patched = api.patch(f"/expos/apik-2026/sessions/{item['id']}", {"speaker": "Jasindo", "booth": ""}, token=token)
    assert patched.status_code == 200
    assert patched.get_json()["speaker"] == "Jasindo" and patched.get_json()["booth"] == ""
    assert patched.get_json()["starts_at"] == item["starts_at"]  # fields not given stay
    assert api.delete(f"/expos/apik-2026/sessions/{item['id']}", token=token).status_code == 204
    assert api.get("/expos/apik-2026/sessions").get_json() == {"items": []}


def test_api_refuses_bad_input_strangers_and_unknown_things(api, world):
    people, fair = world
    session_id = gen_session(fair)
    token = api.token(people["agency"].email)
    bad = api.post("/expos/apik-2026/sessions", {**BODY, "ends_at": "2026-12-05T08:00", "kind": 3}, token=token)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"kind"}
    bad = api.post("/expos/apik-2026/sessions", {**BODY, "ends_at": "2026-12-05T08:00"}, token=token)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"ends_at"}
    assert api.patch(f"/expos/apik-2026/sessions/{session_id}", {"video_url": "x"}, token=token).status_code == 422
    assert api.post("/expos/apik-2026/sessions", BODY).status_code == 401
    seller = api.token(people["seller"].email)
    assert api.post("/expos/apik-2026/sessions", BODY, token=seller).status_code == 403
    assert api.delete(f"/expos/apik-2026/sessions/{session_id}", token=seller).status_code == 403
    assert api.patch("/expos/apik-2026/sessions/999999", {}, token=token).status_code == 404
    assert api.get("/expos/tidak-ada/sessions").status_code == 404
    assert [s.title for s in sessions()] == ["Talk show: batik go digital"]
