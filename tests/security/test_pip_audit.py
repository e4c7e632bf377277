"""pip-audit of the runtime pins (requirements.txt) against PyPI's advisory data.

Needs the network (pypi.org). When the advisory service cannot be reached the
test is skipped with a loud reason, in CI as well: the issue asks for pip-audit
"where the advisory data is reachable". A known vulnerability fails the test
and names the pin to bump.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.security

ROOT = Path(__file__).resolve().parents[2]
PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
ADVISORY_PROBE = "https://pypi.org/pypi/flask/3.1.3/json"
UNREACHABLE_MARKERS = (
    "ConnectionError",
    "Max retries exceeded",
    "NameResolutionError",
    "Failed to establish",
    "Temporary failure in name resolution",
    "timed out",
    "Network is unreachable",
    "No matching distribution found",
)


def _skip_loudly(why: str):
    message = f"!!! pip-audit SKIPPED: the advisory data is not reachable ({why}). Dependencies were NOT audited."
    print("\n" + "!" * 100 + "\n" + message + "\n" + "!" * 100)
    pytest.skip(message)


def _advisory_service_reachable() -> str | None:
    import requests

    try:
        response = requests.get(ADVISORY_PROBE, timeout=15)
    except requests.RequestException as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.status_code != 200 or "vulnerabilities" not in response.json():
        return f"{ADVISORY_PROBE} answered {response.status_code}"
    return None


def test_no_known_vulnerabilities_in_the_runtime_pins(tmp_path):
    if not PIP_AUDIT.exists():
        pytest.fail(
            f"pip-audit is not installed in this virtualenv ({PIP_AUDIT}); `make test` installs requirements-dev.txt"
        )
    problem = _advisory_service_reachable()
    if problem:
        _skip_loudly(problem)
    out = tmp_path / "audit.json"
    result = subprocess.run(
        [
            str(PIP_AUDIT),
            "--requirement",
            "requirements.txt",
            "--vulnerability-service",
            "pypi",
            "--format",
            "json",
            "--output",
            str(out),
            "--progress-spinner",
            "off",
            "--cache-dir",
            str(tmp_path / "cache"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode not in (0, 1) or not out.exists():
        if any(marker in result.stderr for marker in UNREACHABLE_MARKERS):
            _skip_loudly(result.stderr.strip().splitlines()[-1][:300])
        pytest.fail(f"pip-audit failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    report = json.loads(out.read_text())
    found = [
        (dep["name"], dep["version"], vuln["id"], vuln.get("fix_versions") or [])
        for dep in report["dependencies"]
        for vuln in dep.get("vulns", [])
    ]
    # pip-audit says "No known vulnerabilities found" even when it could look none up:
    # each such dependency carries a skip_reason instead of a list of vulns.
    not_audited = [f"{dep['name']}: {dep['skip_reason']}" for dep in report["dependencies"] if "skip_reason" in dep]
    if not_audited and not found:
        _skip_loudly(
            f"{len(not_audited)} of {len(report['dependencies'])} dependencies could not be looked up, "
            f"e.g. {not_audited[0]}"
        )
    assert not found, "known vulnerabilities in requirements.txt (bump the pin to a fixed version):\n" + "\n".join(
        f"  {name}=={version}: {vid}, fixed in {', '.join(fixes) or 'no release yet'}"
        for name, version, vid, fixes in found
    )
