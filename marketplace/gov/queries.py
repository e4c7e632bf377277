"""INTERFACE SKELETON (issue #21): the helper "flow" replaces every body.

Reading government orders, scoped: an official sees only its office's, a seller only its
stores', the agency all. A number the reader may not see is a 404, never a 403 (no oracle).
"""

from __future__ import annotations

from marketplace.gov.models import GovDocument, GovOrder, GovPurchase


def office_orders(office_id: int, *, statuses: tuple[str, ...] | None = None, page: int = 1) -> list[GovOrder]:
    """The office's orders, newest first, 50 a page."""
    raise NotImplementedError


def store_orders(store_ids: list[int], *, statuses: tuple[str, ...] | None = None, page: int = 1) -> list[GovOrder]:
    """The stores' orders, newest first, 50 a page."""
    raise NotImplementedError


def order_for(user, number: str) -> GovOrder:
    """The order ``number`` if ``user`` may see it (its office's official, a member of its
    store, the agency), with its lines and purchase loaded; NotFound otherwise."""
    raise NotImplementedError


def purchase_for(user, number: str) -> GovPurchase:
    """The purchase ``number`` with its orders, if ``user`` is an official of its office or the
    agency; NotFound otherwise."""
    raise NotImplementedError


def documents_of(order: GovOrder) -> list[GovDocument]:
    """The order's documents, oldest first, without their bytes."""
    raise NotImplementedError


def document_for(user, document_id: int) -> GovDocument:
    """A document its order's reader may download; NotFound otherwise."""
    raise NotImplementedError


def events_of(order: GovOrder) -> list:
    """The order's history, oldest first, with each actor's name."""
    raise NotImplementedError
