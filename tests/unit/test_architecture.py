"""No import cycle in marketplace/ or plugins/ (issue #16).

A cycle hides which module is the lower one: the layer contracts of `.importlinter`
cannot say it, so this test walks the import graph itself. Imports inside functions
count (grimp reads them too): deferring an import does not remove the cycle, it only
moves the failure to run time.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]


def import_graph() -> grimp.ImportGraph:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return grimp.build_graph("marketplace", "plugins", cache_dir=None)


def strongly_connected_groups(graph: grimp.ImportGraph) -> list[list[str]]:
    """Tarjan's algorithm, iterative (a deep package would exhaust Python's recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                groups.append(sorted(group))
    return groups


def describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    """The imports that tie the group together, with their lines, for the failure message."""
    members = set(group)
    lines = []
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            numbers = sorted({d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)})
            lines.append(f"    {importer} -> {imported} (line {', '.join(map(str, numbers))})")
    return "\n".join(lines)


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    graph.add_import(importer="pkg.d", imported="pkg.a")
    cycles = [g for g in strongly_connected_groups(graph) if len(g) > 1]
    assert cycles == [["pkg.a", "pkg.b", "pkg.c"]]
    assert "pkg.c -> pkg.a" in describe(graph, cycles[0])


def test_no_import_cycles_in_marketplace_or_plugins():
    graph = import_graph()
    assert "marketplace.orders.lifecycle" in graph.modules and "plugins.insurance.claims" in graph.modules
    cycles = [group for group in strongly_connected_groups(graph) if len(group) > 1]
    message = "\n".join(f"import cycle of {len(group)} modules:\n{describe(graph, group)}" for group in cycles)
    assert not cycles, message


# The agency's role is checked in one place (agency.assist.is_officer; agency.services.require_agency
# and agency.agency_only are built on it): a hand-written check elsewhere drifts, e.g. forgets admins.
HAND_WRITTEN_AGENCY_CHECK = re.compile(
    r"""has_role\(\s*["']agency["']\s*\)|["']agency["']\s+in\s+\w+\.roles|\{\s*["']agency["']\s*,\s*["']admin["']\s*\}"""
)


def test_the_agency_role_is_checked_in_one_place():
    one_place = ROOT / "marketplace" / "agency" / "assist.py"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("marketplace", "plugins")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != one_place
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HAND_WRITTEN_AGENCY_CHECK.search(line)
    ]
    assert offenders == [], "use marketplace.agency.assist.is_officer (or require_agency, agency_only)"
