"""The bank bulk-transfer file of a payout run without a rail (docs/PAYMENTS.md "Payout runs").

Finance uploads it to the bank's internet banking (bulk / multi transfer), then marks each
payout sent or failed on the finance page. Generic layout, one row per payout, UTF-8 CSV
with a header row:

    kode_bank,bank,nomor_rekening,nama_penerima,jumlah,referensi,keterangan

``kode_bank`` is the bank's sandi at Bank Indonesia (``marketplace.payments.banks``),
``jumlah`` whole rupiah, ``referensi`` ``APIK<payout id>`` (at most 16 characters, what bank
files allow), ``keterangan`` the store and the run (at most 35 characters). The text fields
keep to letters, digits and spaces: bank files refuse the rest, and a spreadsheet never reads
a formula in them.
"""

from __future__ import annotations

import csv
import io
import re

from marketplace.ledger.models import Payout
from marketplace.payments import banks

HEADER = ["kode_bank", "bank", "nomor_rekening", "nama_penerima", "jumlah", "referensi", "keterangan"]
_PLAIN = re.compile(r"[^A-Za-z0-9 ]+")


def plain(text: str | None, limit: int) -> str:
    return " ".join(_PLAIN.sub(" ", text or "").split())[:limit]


def reference(payout: Payout) -> str:
    return f"APIK{payout.id}"[:16]


def bulk_csv(payouts: list[Payout], store_names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for payout in payouts:
        bank = banks.get(payout.account_bank)
        writer.writerow(
            [
                bank.sandi if bank else "",
                bank.name if bank else payout.account_bank or "",
                payout.account_number or "",
                plain(payout.account_holder, 70),
                payout.amount,
                reference(payout),
                plain(f"Apik Market {store_names.get(payout.store_id, '')} {payout.batch or ''}", 35),
            ]
        )
    return out.getvalue()


def batch_file(batch: str) -> str:
    """The bulk-transfer file of the run ``batch`` (its payouts without a rail)."""
    from sqlalchemy import select

    from marketplace.extensions import db
    from marketplace.ledger.models import FILE_RAIL
    from marketplace.stores.models import Store

    payouts = list(
        db.session.scalars(select(Payout).where(Payout.batch == batch, Payout.rail == FILE_RAIL).order_by(Payout.id))
    )
    ids = {p.store_id for p in payouts}
    names = dict(db.session.execute(select(Store.id, Store.name).where(Store.id.in_(ids or {-1}))).tuples().all())
    return bulk_csv(payouts, names)
