"""The path of an ordinary order's invoice (marketplace/api/invoices.py)."""

from __future__ import annotations

from marketplace.api.openapi.builders import operation
from marketplace.api.openapi.parameters import NUMBER


def invoice_paths() -> dict:
    return {
        "/orders/{number}/invoice.pdf": {
            "get": operation(
                "getOrderInvoice",
                "The order's invoice (faktur) as a PDF",
                "orders",
                {
                    "200": {
                        "description": "The invoice, made now: the store with its NIB, the buyer and delivery "
                        "address, the lines, extras, ongkir, total and the payment status as it stands.",
                        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
                    }
                },
                auth="the shopper who placed it, the store's people, the agency",
                params=[NUMBER],
                errors=("404",),
                description="Its number is `INV/<order number>`. The payment status reads Lunas (with the date), "
                "Belum dibayar, Bayar di tempat, Dibatalkan or Dana dikembalikan; each refund is a line.",
            )
        },
    }
