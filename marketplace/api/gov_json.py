"""The JSON shapes of government buying's API (marketplace/api/gov.py): a store order in a
list and in full (lines, documents, history, the caller's steps, the open quote), and a purchase
with its orders. Statuses, steps and document kinds are the state machine's and the models'."""

from __future__ import annotations

from marketplace.gov import api_reads, flow, queries
from marketplace.gov.machine import STATUS_LABELS
from marketplace.gov.models import GovOrder, GovPurchase
from marketplace.urls import absolute_url


def _iso(value):
    return value.isoformat() if value is not None else None


def _order_fields(order: GovOrder, slugs: dict[int, str]) -> dict:
    """What every list of orders shows of one: its number, store, status and money."""
    return {
        "number": order.number,
        "store": slugs.get(order.store_id) if order.store_id else None,
        "store_name": order.store_name,
        "status": order.status,
        "status_label": str(STATUS_LABELS[order.status]),
        "subtotal": order.subtotal,
        "shipping_cost": order.shipping_cost,
        "total": order.total,
    }


def order_summary_json(order: GovOrder, slugs: dict[int, str]) -> dict:
    """An order in a list; its purchase (and the purchase's office) loaded."""
    purchase = order.purchase
    return {
        **_order_fields(order, slugs),
        "purchase": purchase.number,
        "office": {"code": purchase.office.code, "name": purchase.office.name},
        "delivery_date": _iso(order.delivery_date),
        "submitted_at": _iso(order.submitted_at),
    }


def _line_json(line) -> dict:
    return {
        "id": line.id,
        "product": line.product_name,
        "variant": line.variant_name,
        "sku": line.sku,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "line_total": line.line_total,
        "received_quantity": line.received_quantity,
    }


def _document_json(document) -> dict:
    return {
        "id": document.id,
        "kind": document.kind,
        "number": document.number,
        "sha256": document.sha256,
        "amount": document.amount,
        "created_at": _iso(document.created_at),
        "url": absolute_url("api.gov_document", document_id=document.id),
    }


def _event_json(line: queries.HistoryLine) -> dict:
    return {
        "action": line.action,
        "at": _iso(line.at),
        "actor": line.actor_name,
        "from_status": line.from_status,
        "to_status": line.to_status,
        "note": line.note or "",
    }


def _quote_json(quote) -> dict | None:
    if quote is None:
        return None
    return {
        "prices": {str(line_id): price for line_id, price in quote.prices.items()},
        "lead_days": quote.lead_days,
        "shipping_cost": quote.shipping_cost,
        "note": quote.note,
        "created_at": _iso(quote.created_at),
    }


def order_json(order: GovOrder, user) -> dict:
    """One order as its reader sees it: lines, totals, documents, history, open quote and the
    steps the reader may take now."""
    purchase = order.purchase
    office = api_reads.office_of(order.office_id)
    paid = order.payment_date is not None
    return {
        "number": order.number,
        "purchase": {
            "number": purchase.number,
            "rup_code": purchase.rup_code,
            "budget_code": purchase.budget_code,
            "delivery_date": _iso(purchase.delivery_date),
            "delivery_place": purchase.delivery_place,
            "note": purchase.note or "",
        },
        "office": {"code": office.code, "name": office.name} if office else None,
        "store": api_reads.store_slugs([order.store_id]).get(order.store_id) if order.store_id else None,
        "store_name": order.store_name,
        "status": order.status,
        "status_label": str(STATUS_LABELS[order.status]),
        "lead_days": order.lead_days,
        "delivery_date": _iso(order.delivery_date),
        "subtotal": order.subtotal,
        "shipping_cost": order.shipping_cost,
        "total": order.total,
        "submitted_at": _iso(order.submitted_at),
        "approved_at": _iso(order.approved_at),
        "accepted_at": _iso(order.accepted_at),
        "shipped_at": _iso(order.shipped_at),
        "received_at": _iso(order.received_at),
        "invoiced_at": _iso(order.invoiced_at),
        "paid_at": _iso(order.paid_at),
        "closed_at": _iso(order.closed_at),
        "close_reason": order.close_reason,
        "shipping": {
            "method": order.shipping_method,
            "courier": order.courier,
            "tracking_number": order.tracking_number,
        },
        "payment": {
            "paid_on": _iso(order.payment_date),
            "reference": order.payment_reference,
            "amount": order.payment_amount,
        }
        if paid
        else None,
        "lines": [_line_json(line) for line in order.lines],
        "documents": [_document_json(d) for d in queries.documents_of(order)],
        "events": [_event_json(e) for e in queries.events_of(order)],
        "allowed_actions": list(flow.allowed_actions(order, user)),
        "quote": _quote_json(api_reads.open_quote(order)),
    }


def purchase_json(purchase: GovPurchase, slugs: dict[int, str]) -> dict:
    """A purchase with its store orders; its office and orders loaded."""
    return {
        "number": purchase.number,
        "office": {"code": purchase.office.code, "name": purchase.office.name},
        "rup_code": purchase.rup_code,
        "budget_code": purchase.budget_code,
        "delivery_date": _iso(purchase.delivery_date),
        "delivery_place": purchase.delivery_place,
        "note": purchase.note or "",
        "created_at": _iso(purchase.created_at),
        "total": sum(order.total for order in purchase.orders),
        "orders": [_order_fields(order, slugs) for order in purchase.orders],
    }
