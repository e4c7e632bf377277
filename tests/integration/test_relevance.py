"""The relevance set (tests/relevance/queries.py): what must come first for each query, on the
catalogue of tests/relevance/catalogue.py, on whichever database the suite runs on."""

from __future__ import annotations

import pytest

from marketplace.catalog.search import SearchParams, parse_search_args, search_products
from tests.relevance.catalogue import seed_relevance_catalogue
from tests.relevance.queries import CASES, Case


def _failures(case: Case) -> list[str]:
    params, errors = parse_search_args({"q": case.q}, per_page=60)
    assert not errors
    result = search_products(params)
    names = [card.name for card in result.items]
    shown = f"{case.q[:40]!r} → {names[:6]} (suggestion {result.suggestion!r})"
    within = case.within or max(len(case.top), 1)
    head = names[:within]
    problems = []
    if case.empty and (result.total or names):
        problems.append(f"should find nothing: {shown}")
    if not case.empty and not names:
        problems.append(f"found nothing: {shown}")
    if case.first and names[:1] != [case.first]:
        problems.append(f"{case.first!r} should come first: {shown}")
    if case.top and not set(case.top) <= set(head):
        problems.append(f"{case.top} should be among the first {within}: {shown}")
    if case.lead and not all(case.lead in name.lower() for name in head):
        problems.append(f"the first {within} should all say {case.lead!r}: {shown}")
    if set(case.not_top) & set(head):
        problems.append(f"{sorted(set(case.not_top) & set(head))} should not be among the first {within}: {shown}")
    if not set(case.found) <= set(names):
        problems.append(f"{case.found} should be found: {shown}")
    if case.suggestion is not ... and result.suggestion != case.suggestion:
        problems.append(f"should suggest {case.suggestion!r}: {shown}")
    if case.corrected is not None and result.corrected != case.corrected:
        problems.append(f"corrected should be {case.corrected}: {shown}")
    return problems


def test_the_relevance_set_has_at_least_forty_queries():
    assert len({case.q for case in CASES}) >= 40


def test_every_query_of_the_relevance_set_finds_what_must_come_first(app):
    assert seed_relevance_catalogue() >= 90
    failures = [problem for case in CASES for problem in _failures(case)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("q", ["btaik", "tehpoci", "komputer"])
def test_a_search_is_the_same_whatever_page_size(app, q):
    """The ranking does not depend on the page: page 2 of 3 continues page 1 of 3."""
    seed_relevance_catalogue()
    whole = [c.name for c in search_products(SearchParams(q=q, per_page=60)).items]
    paged = [c.name for page in (1, 2, 3) for c in search_products(SearchParams(q=q, per_page=3, page=page)).items]
    assert paged == whole[:9]
