"""Bandit over the application and the bundled plugins: no HIGH-severity finding.

Medium and low findings are printed (``pytest -s`` or ``-rA`` shows them) but do
not fail; each has been read: see the comment at MEDIUM_REVIEWED.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.security

ROOT = Path(__file__).resolve().parents[2]
BANDIT = Path(sys.executable).with_name("bandit")

# Medium findings read and judged safe (test id, file). B704: the Markup is built from
# values that pass through markupsafe.escape first. B608 in spelling.py: the vocabulary's
# statements are assembled from fixed fragments (a condition chosen by dialect, branch
# numbers, the NEAREST constant); every word a visitor typed is a bound parameter. B704 in
# cardcache.py: a card is CARD filled with values each escaped (names, city, URLs, price) or
# ints (image size), and translations as Markup whose %-variables Markup escapes; a grid joins
# such cards. B704 in expo/views.py: a booth's label is a translation with the booth's code
# escaped into it. B704 in i18n.py: the templates' gettext marks the message catalogue's own
# translation as markup when the template autoescapes (what Jinja's newstyle gettext does), and
# Markup's % escapes the variables filled into it. B704 in filter_links.py: a facet's link is
# its href and label, each through markupsafe.escape, its count an int, and fixed attributes.
MEDIUM_REVIEWED = {
    ("B704", "marketplace/agency/charts.py"),
    ("B704", "marketplace/stores/forms.py"),
    ("B704", "marketplace/stores/views.py"),
    ("B608", "marketplace/catalog/spelling.py"),
    ("B704", "marketplace/catalog/cardcache.py"),
    ("B704", "marketplace/expo/views.py"),
    ("B704", "marketplace/i18n.py"),
    ("B704", "marketplace/catalog/filter_links.py"),
}


def run_bandit() -> dict:
    if not BANDIT.exists():
        pytest.fail(f"bandit is not installed in this virtualenv ({BANDIT}); `make test` installs requirements-dev.txt")
    result = subprocess.run(
        [str(BANDIT), "-r", "marketplace", "plugins", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]  # 1: findings of any severity
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    return report


def test_no_high_severity_findings():
    report = run_bandit()
    high = [r for r in report["results"] if r["issue_severity"] == "HIGH"]
    medium = [r for r in report["results"] if r["issue_severity"] == "MEDIUM"]
    for r in medium:
        print(f"bandit MEDIUM {r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}")
    assert not high, "bandit HIGH-severity findings:\n" + "\n".join(
        f"  {r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}" for r in high
    )


def test_medium_findings_have_been_reviewed():
    """A new medium finding fails until someone reads it and adds it above (or fixes it)."""
    report = run_bandit()
    new = [
        r
        for r in report["results"]
        if r["issue_severity"] == "MEDIUM" and (r["test_id"], r["filename"]) not in MEDIUM_REVIEWED
    ]
    assert not new, "unreviewed bandit MEDIUM findings:\n" + "\n".join(
        f"  {r['test_id']} {r['filename']}:{r['line_number']} {r['issue_text']}" for r in new
    )
