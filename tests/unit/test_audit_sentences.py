"""Every action the code records in the audit log has a sentence (found by reading the
source: a new ``audit.record(..., "x.y", ...)`` without one fails here), and the log reads
as sentences with links and only what changed."""

from __future__ import annotations

import importlib
import re
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from flask_babel import force_locale

from marketplace import audit_text
from marketplace.gov.machine import ACTIONS as GOV_ACTIONS
from marketplace.orders.models import ORDER_STATUSES

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"audit\.record(?:_many)?\(\s*(?:[^,()]|\([^()]*\))+,\s*(f?)\"([^\"]+)\"", re.S)
# the values each action built from a variable can take; a new f-string fails until listed here
EXPANSIONS = {
    "store.{status}": ("approved", "rejected", "suspended"),
    "order.{order.status}": ORDER_STATUSES,
    "payout.{state}": ("succeeded", "failed"),
    "payout.marked_{state}": ("succeeded", "failed"),
    "insurance.claim_{after}": ("approved", "rejected", "paid"),
    "gov.{action}": tuple(GOV_ACTIONS),  # machine.move records every step of government buying
}
PLUGIN_MODULES = ("plugins.insurance", "plugins.bank_transfer.services", "plugins.shipping_table.views")


def recorded_actions() -> set[str]:
    actions: set[str] = set()
    for path in [*ROOT.joinpath("marketplace").rglob("*.py"), *ROOT.joinpath("plugins").rglob("*.py")]:
        source = path.read_text(encoding="utf-8")
        calls = CALL.findall(source)
        written = len(re.findall(r"audit\.record(?:_many)?\(", source))
        assert len(calls) == written, f"{path}: an audit.record call whose action this test cannot read"
        for is_f, name in calls:
            if not is_f:
                actions.add(name)
            elif name == "complaint.{action}":
                steps = ROOT.joinpath("marketplace/complaints/steps.py").read_text(encoding="utf-8")
                found = set(re.findall(r'_record\(complaint, [^,]+, "[a-z]+", "([a-z_]+)"', steps))
                assert found, "complaint steps not found"
                actions.update(f"complaint.{a}" for a in found)
            else:
                assert name in EXPANSIONS, f"{path}: list the values of the action f{name!r} in EXPANSIONS"
                head, _sep, tail = name.partition("{")
                actions.update(head + value + tail.partition("}")[2] for value in EXPANSIONS[name])
    return actions


def test_every_recorded_action_has_a_sentence():
    for module in PLUGIN_MODULES:
        importlib.import_module(module)
    actions = recorded_actions()
    assert len(actions) > 80 and "store.approved" in actions and "bank_refund.sent" in actions
    missing = sorted(actions - set(audit_text.SENTENCES))
    assert not missing, f"actions without a sentence in the audit log: {missing}"
    for template in audit_text.SENTENCES.values():
        assert "%(actor)s" in str(template) and "%(subject)s" in str(template)


def row(action: str, object_type: str = "store", object_id: str = "7", data: str = "{}"):
    at = datetime(2026, 12, 3, 7, 25, tzinfo=UTC)
    return SimpleNamespace(action=action, object_type=object_type, object_id=object_id, data=data, at=at)


def test_a_decision_reads_as_a_sentence_with_the_store_linked(app):
    with app.test_request_context():
        line = audit_text.sentence(row("store.approved"), "Petugas Disnakerin", "Batik Sari", "batik-sari")
        assert str(line.sentence) == (
            'Petugas Disnakerin menyetujui toko <a href="/agency/stores/batik-sari">Batik Sari</a> '
            "pada 3 Des 2026, 14.25 WIB."
        )
        with force_locale("en"):
            english = str(audit_text.sentence(row("store.approved"), "Siti", "Batik Sari", "batik-sari").sentence)
        assert english.startswith("Siti approved the store <a") and english.endswith("on Dec 3, 2026, 2:25 PM WIB.")


def test_only_the_changed_fields_are_listed_with_old_and_new(app):
    data = '{"fields": ["name", "price", "stock"], "changes": {"price": [25000, 27500]}, "assisted": true}'
    with app.test_request_context():
        line = audit_text.sentence(row("variant.updated", "variant", "3", data), "Siti", "Batik Sari", "batik-sari")
    assert [str(d) for d in line.details] == ["price: 25000 → 27500"]
    assert "mengubah varian #3 di toko" in str(line.sentence)


def test_an_unknown_action_gets_a_generic_sentence_and_names_are_escaped(app):
    with app.test_request_context():
        line = audit_text.sentence(row("robot.<b>", "thing", "1", '{"x": "<i>"}'), "<script>", None, None)
    assert not line.known and "<script>" not in str(line.sentence) and "&lt;script&gt;" in str(line.sentence)
    assert "<code>robot.&lt;b&gt;</code>" in str(line.sentence) and [str(d) for d in line.details] == ["x: &lt;i&gt;"]
    with app.test_request_context():
        nobody = audit_text.sentence(row("payout.failed", "payout", "9", "not json"), None)
    assert str(nobody.sentence).startswith("Sistem mencatat pencairan #9 gagal")
