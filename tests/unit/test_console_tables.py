"""The tables of the agency console and the insurance add-on become stacked cards on a phone:
every table is ``class="stack"`` and every cell of a row names its column (``data-label``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [
        *ROOT.glob("marketplace/agency/templates/agency/*.html"),
        *ROOT.glob("plugins/insurance/templates/insurance/*.html"),
    ]
)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_tables_stack_and_cells_name_their_column(path):
    source = path.read_text(encoding="utf-8")
    for table in re.findall(r"<table[^>]*>", source):
        assert re.search(r'class="[^"]*\bstack\b', table), f"{path.name}: {table} does not stack on phones"
    for cell in re.findall(r"<td(?:\s[^>]*)?>", source):
        assert "data-label=" in cell or "colspan" in cell, f"{path.name}: {cell} has no data-label"
