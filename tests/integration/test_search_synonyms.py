"""The agency keeps the search synonym list: each kind of bad group is refused with a message
beside the field and writes nothing, a term sits in one group only (the refusal names the
other), every change is audited, and deleting asks first."""

from __future__ import annotations

import html
import json

import pytest
from sqlalchemy import select

from marketplace import audit_text
from marketplace.audit import AuditLog
from marketplace.catalog import synonyms
from marketplace.catalog.models import SearchSynonym
from marketplace.errors import Conflict, ValidationError
from marketplace.extensions import db
from tests.agency_support import login, text
from tests.factories import gen_user

SEEDED = 8  # the groups of migration 0028 (keripik/kripik, sambal/sambel, ...)


@pytest.fixture
def officer(app):
    return gen_user("petugas@disnakerin.test", role="agency", name="Bambang Sutrisno")


def group_texts() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(SearchSynonym.terms).order_by(SearchSynonym.id)))


def audit_rows() -> list[AuditLog]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.object_type == "search_synonym")))


# --- the services ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw,message",
    [
        ("keripik", "paling sedikit dua kata yang berbeda"),
        ("Kripik, kripik!, KRIPIK", "paling sedikit dua kata yang berbeda"),  # one term, three spellings of it
        ("", "paling sedikit dua kata yang berbeda"),
        (", ,;", "paling sedikit dua kata yang berbeda"),
        ("k, keripik", "“k” terlalu pendek: paling sedikit 2 huruf"),
        ("gethuk, " + "g" * 61, "terlalu panjang: paling banyak 60 karakter"),
        (", ".join(f"kata{n}" for n in range(21)), "Paling banyak 20 kata"),
        (", ".join(f"{n:02d}" + "x" * 40 for n in range(15)), "Grup terlalu panjang: paling banyak 500 karakter"),
        ("a" * 2001, "paling banyak 2000 karakter"),
        (["gethuk", "x" * 61], "terlalu panjang: paling banyak 60 karakter"),  # as sent, before normalizing
        ([f"kata{n}" for n in range(21)], "Paling banyak 20 kata"),
    ],
)
def test_each_kind_of_bad_group_is_refused_on_the_terms_field(app, officer, raw, message):
    with pytest.raises(ValidationError) as refused:
        synonyms.add_group(officer, raw)
    assert list(refused.value.fields) == ["terms"] and message in refused.value.fields["terms"]
    db.session.rollback()
    assert len(group_texts()) == SEEDED and audit_rows() == []


def test_terms_are_normalized_and_kept_in_the_order_given(app, officer):
    row = synonyms.add_group(officer, "  Gethuk ,  GETUK!, gethuk lindri,  getuk   lindri ,Gethuk")
    db.session.commit()
    assert row.terms == "gethuk, getuk, gethuk lindri, getuk lindri"
    assert synonyms.add_group(officer, ["Wingko", "wingko babat", "WINGKO"]).terms == "wingko, wingko babat"
    exact = synonyms.parse_terms(", ".join(f"{n:02d}" + "x" * 58 for n in range(8)))  # 8 x 60 + 7 x 2 = 494
    assert len(exact) == 8 and all(len(t) == 60 for t in exact)


def test_a_term_in_another_group_is_refused_naming_that_group(app, officer):
    with pytest.raises(Conflict) as refused:
        synonyms.add_group(officer, "Kripik, keripik singkong, sambel")
    assert refused.value.fields["terms"] == (
        "“kripik” sudah ada di grup lain: keripik, kripik; “sambel” sudah ada di grup lain: sambal, sambel."
    )
    db.session.rollback()
    assert len(group_texts()) == SEEDED


def test_a_group_may_keep_its_own_terms_and_take_new_ones(app, officer):
    row = db.session.scalar(select(SearchSynonym).where(SearchSynonym.terms == "keripik, kripik"))
    synonyms.update_group(officer, row, "keripik, kripik, keripik pedas")
    db.session.commit()
    assert row.terms == "keripik, kripik, keripik pedas"
    with pytest.raises(Conflict):
        synonyms.update_group(officer, row, "keripik, sambal")
    db.session.rollback()
    synonyms.update_group(officer, row, "keripik, kripik, keripik pedas")  # the same: nothing written
    db.session.commit()
    assert [r.action for r in audit_rows()] == ["search.synonyms_updated"]


def test_every_change_is_audited_and_reads_as_a_sentence(app, officer):
    row = synonyms.add_group(officer, "gethuk, getuk")
    db.session.commit()
    synonyms.update_group(officer, row, "gethuk, getuk, gethuk lindri")
    db.session.commit()
    synonyms.delete_group(officer, row)
    db.session.commit()
    rows = audit_rows()
    assert [r.action for r in rows] == ["search.synonyms_added", "search.synonyms_updated", "search.synonyms_deleted"]
    assert {r.actor_id for r in rows} == {officer.id} and {r.object_id for r in rows} == {str(row.id)}
    assert json.loads(rows[0].data) == {"terms": ["gethuk", "getuk"]}
    with app.test_request_context():
        lines = [audit_text.sentence(r, "Bambang") for r in rows]
    assert str(lines[0].sentence).startswith(f"Bambang menambah grup sinonim pencarian #{row.id} pada ")
    assert [str(d) for d in lines[1].details] == ["terms: gethuk, getuk → gethuk, getuk, gethuk lindri"]
    assert str(lines[2].sentence).startswith("Bambang menghapus grup sinonim") and all(line.known for line in lines)


def test_the_search_reads_the_list_again_after_a_change(app, officer):
    assert ("gethuk", "getuk") not in synonyms.groups()
    synonyms.add_group(officer, "gethuk, getuk")
    db.session.commit()
    assert ("gethuk", "getuk") in synonyms.groups()


def test_the_list_is_searchable(app):
    assert [g.terms for g in synonyms.list_groups("KRIP")] == ["keripik, kripik"]
    assert [g.terms for g in synonyms.list_groups("batik")] == ["batik cap, batik capan", "batik tulis, batik tulisan"]
    assert len(synonyms.list_groups("%")) == SEEDED  # no wildcard: punctuation is no search at all


# --- the pages ------------------------------------------------------------------------------------


def test_officer_adds_a_group_and_sees_it_listed(client, officer):
    login(client, officer.email)
    page = text(client.get("/agency/search/synonyms"))
    assert "Kata-kata dalam satu grup dianggap sama saat pembeli mencari" in page
    assert 'name="terms"' in page and page.count('class="synonym-terms"') == SEEDED
    response = client.post("/agency/search/synonyms", data={"terms": "Gethuk, getuk"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency/search/synonyms")
    page = text(client.get("/agency/search/synonyms"))
    assert "Grup sinonim ditambahkan: gethuk, getuk." in page and ">gethuk, getuk</td>" in page


@pytest.mark.parametrize(
    "terms,status,message",
    [
        ("gethuk", 422, "Tulis paling sedikit dua kata yang berbeda"),
        ("x, gethuk", 422, "“x” terlalu pendek"),
        ("sambel, sambel goreng", 409, "“sambel” sudah ada di grup lain: sambal, sambel."),
    ],
)
def test_a_bad_group_is_shown_beside_the_field_and_nothing_changes(client, officer, terms, status, message):
    login(client, officer.email)
    response = client.post("/agency/search/synonyms", data={"terms": terms})
    assert response.status_code == status
    page = html.unescape(response.get_data(as_text=True))
    assert f'<p class="error" id="terms-error">{message}' in page and f'value="{terms}"' in page
    assert len(group_texts()) == SEEDED and audit_rows() == []


def test_officer_edits_a_group_and_a_bad_edit_changes_nothing(client, officer):
    row_id = db.session.scalar(select(SearchSynonym.id).where(SearchSynonym.terms == "jamu, jamoe"))
    login(client, officer.email)
    assert 'value="jamu, jamoe"' in text(client.get(f"/agency/search/synonyms/{row_id}"))
    refused = client.post(f"/agency/search/synonyms/{row_id}", data={"terms": "jamu, sambal"})
    assert refused.status_code == 409 and "“sambal” sudah ada di grup lain" in html.unescape(refused.get_data(True))
    assert "jamu, jamoe" in group_texts()
    saved = client.post(f"/agency/search/synonyms/{row_id}", data={"terms": "jamu, jamoe, jejamu"})
    assert saved.status_code == 302 and "jamu, jamoe, jejamu" in group_texts()
    assert "Grup sinonim tersimpan: jamu, jamoe, jejamu." in text(client.get("/agency/search/synonyms"))
    assert client.get("/agency/search/synonyms/999999").status_code == 404


def test_deleting_asks_first_then_deletes_with_a_post(client, officer):
    row_id = db.session.scalar(select(SearchSynonym.id).where(SearchSynonym.terms == "tempe, tempeh"))
    login(client, officer.email)
    listing = text(client.get("/agency/search/synonyms"))
    assert f'href="/agency/search/synonyms/{row_id}/delete"' in listing
    confirm = client.get(f"/agency/search/synonyms/{row_id}/delete")
    assert confirm.status_code == 200 and "Hapus grup sinonim?" in text(confirm) and "tempe, tempeh" in text(confirm)
    assert "tempe, tempeh" in group_texts()  # asking deleted nothing
    done = client.post(f"/agency/search/synonyms/{row_id}/delete")
    assert done.status_code == 302 and "tempe, tempeh" not in group_texts()
    assert "Grup sinonim dihapus: tempe, tempeh." in text(client.get("/agency/search/synonyms"))
    assert client.post(f"/agency/search/synonyms/{row_id}/delete").status_code == 404


def test_the_list_filters_by_a_word_and_the_console_links_to_it(client, officer):
    login(client, officer.email)
    page = text(client.get("/agency/search/synonyms?q=batik"))
    assert page.count('class="synonym-terms"') == 2 and "Tampilkan semua" in page
    none = text(client.get("/agency/search/synonyms?q=rendang"))
    assert "Tidak ada grup dengan kata “rendang”." in none
    assert 'href="/agency/search/synonyms"' in text(client.get("/agency/"))


def test_the_page_runs_a_fixed_number_of_statements(client, officer, count_queries):
    for n in range(30):
        synonyms.add_group(officer, f"kata{n}, sebutan{n}")
    db.session.commit()
    login(client, officer.email)
    client.get("/agency/search/synonyms")
    with count_queries() as q:
        page = text(client.get("/agency/search/synonyms"))
    assert page.count('class="synonym-terms"') == SEEDED + 30
    with count_queries() as more:
        client.get("/agency/search/synonyms?days=30&q=kata")
    # the user, the groups shown, the groups' terms (pagecache.memo: none while the list stands),
    # the searches without results, the header's cart count: 30 groups or 38, 7 days or 30
    assert q.count == more.count == 5, q.statements


def test_it_speaks_english_too(client, officer):
    login(client, officer.email)
    page = html.unescape(text(client.get("/agency/search/synonyms?lang=en")))
    assert "Search synonyms" in page and "count as the same when shoppers search" in page
    refused = client.post("/agency/search/synonyms", data={"terms": "sambel, sambel goreng"})
    assert "“sambel” is already in another group: sambal, sambel." in html.unescape(refused.get_data(True))
