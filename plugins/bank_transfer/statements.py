"""Bank statement import: credits on the marketplace's account confirm the transfers they pay.

A credit confirms a transfer when its amount is the transfer's exact amount (the payment
plus the unique code) and its date (WIB) lies between the day the transfer was created and
the day after its deadline (a late payment: the core decides what becomes of its orders).
With exactly one such transfer, claimed by no other credit of the upload, it is confirmed at
once through ``services.confirm`` (the same rule as finance's button); several candidates,
or several credits for one transfer, wait for finance's decision (ambiguous); none:
unmatched. Each credit is stored once by its fingerprint, so a second or overlapping upload
confirms nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from marketplace.agency.services import require_agency as require_finance  # finance is the agency's
from marketplace.clock import now, to_jakarta
from marketplace.errors import Conflict, NotFound, ServiceError, ValidationError
from marketplace.extensions import db
from marketplace.i18n import gettext as _
from marketplace.orders.models import Order
from marketplace.payments.models import Payment
from plugins.bank_transfer import services
from plugins.bank_transfer.models import BankTransfer
from plugins.bank_transfer.statement_formats import ParsedStatement, StatementLine, parse
from plugins.bank_transfer.statement_models import BANK_FORMATS, BankStatement, StatementRow

LATE_DAYS = 1  # a credit booked the day after the deadline still matches: a late payment
ERRORS_KEPT = 100
STORE_ATTEMPTS = 3


@dataclass
class Skipped:
    line: StatementLine
    reason: str  # debit, pending, duplicate, fraction


@dataclass
class ImportResult:
    statement: BankStatement
    rows: list[StatementRow]
    skipped: list[Skipped] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_statement(actor, data: bytes, file_name: str, bank: str | None) -> ImportResult:
    """Read the file, store its new credits, confirm what matches; a 422 for a bad file (nothing stored)."""
    require_finance(actor)
    if bank and bank not in BANK_FORMATS:
        raise ValidationError(fields={"format": _("Pilih BCA, Mandiri, atau CSV umum.")})
    parsed = parse(data, bank or None, to_jakarta(now()).date())
    statement = BankStatement(
        uploaded_by=actor.id, bank_format=parsed.bank, file_name=(file_name or "")[:255], account=parsed.account
    )
    db.session.add(statement)
    db.session.flush()  # first write: on SQLite the upload now holds the write lock
    credits, skipped = _credits(parsed)
    rows, duplicates = _store(statement, credits)
    skipped += [Skipped(line, "duplicate") for line in duplicates]
    _match(rows, actor)
    _count(statement, parsed, rows, skipped)
    db.session.flush()
    return ImportResult(statement, rows, skipped, parsed.errors)


def _credits(parsed: ParsedStatement) -> tuple[list[tuple[str, StatementLine]], list[Skipped]]:
    """Whole-rupiah booked credits with their fingerprints; the rest skipped with why."""
    credits, skipped = [], []
    occurrences: Counter = Counter()
    for line in parsed.lines:
        if line.amount <= 0:
            skipped.append(Skipped(line, "debit"))
        elif line.booked_on is None:
            skipped.append(Skipped(line, "pending"))
        elif line.amount != line.amount.to_integral_value():
            skipped.append(Skipped(line, "fraction"))
        else:
            words = " ".join(line.description.upper().split())
            key = (line.account, line.booked_on.isoformat(), int(line.amount), words)
            occurrences[key] += 1
            credits.append((_fingerprint(key, occurrences[key]), line))
    return credits, skipped


def _fingerprint(key: tuple, occurrence: int) -> str:
    return hashlib.sha256(json.dumps([*key, occurrence]).encode()).hexdigest()


def _store(statement: BankStatement, credits: list[tuple[str, StatementLine]]):
    """The credits not stored before, as rows; and the lines that were. A concurrent upload of
    the same credits makes the insert fail here: the savepoint is rolled back and tried again."""
    for _attempt in range(STORE_ATTEMPTS):
        seen = _existing([fp for fp, _line in credits])
        fresh = sorted((c for c in credits if c[0] not in seen), key=lambda c: c[0])  # one lock order
        try:
            with db.session.begin_nested():
                if fresh:  # one INSERT of many rows on both databases (no RETURNING needed)
                    db.session.execute(insert(StatementRow), [_row(statement, fp, line) for fp, line in fresh])
        except IntegrityError:
            continue
        rows = db.session.scalars(
            select(StatementRow).where(StatementRow.statement_id == statement.id).order_by(StatementRow.line)
        )
        return list(rows), [line for fp, line in credits if fp in seen]
    raise Conflict(_("Mutasi yang sama sedang diunggah petugas lain; coba lagi sebentar lagi."))


def _existing(fingerprints: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(fingerprints), 500):
        chunk = fingerprints[start : start + 500]
        found.update(db.session.scalars(select(StatementRow.fingerprint).where(StatementRow.fingerprint.in_(chunk))))
    return found


def _row(statement: BankStatement, fingerprint: str, line: StatementLine) -> dict:
    assert line.booked_on is not None
    return {
        "statement_id": statement.id,
        "fingerprint": fingerprint,
        "line": line.line,
        "booked_on": line.booked_on,
        "amount": int(line.amount),
        "description": line.description,
        "account": line.account,
        "status": "unmatched",
    }


def _match(rows: list[StatementRow], actor) -> None:
    """Confirm each row with one candidate that no other row of the upload claims."""
    found = candidates(rows)
    claims = Counter(t.id for row in rows for t, _p in found[row.id])
    unmatched = [row for row in rows if not found[row.id]]
    _note_already_confirmed(unmatched)
    for row in rows:
        options = found[row.id]
        if len(options) == 1 and claims[options[0][0].id] == 1:
            _confirm(row, options[0][0], actor)
        elif options:
            row.status = "ambiguous"


def candidates(rows: Iterable[StatementRow]) -> dict[int, list[tuple[BankTransfer, Payment]]]:
    """Per row: the unconfirmed transfers of its exact amount whose window holds its date."""
    rows = list(rows)
    by_amount = _open_transfers({r.amount for r in rows})
    return {r.id: [(t, p) for t, p in by_amount[r.amount] if _in_window(t, r.booked_on)] for r in rows}


def _open_transfers(amounts: set[int], status: str = "open") -> dict[int, list[tuple[BankTransfer, Payment]]]:
    """Transfers of these exact amounts, unconfirmed (``open``) or ``confirmed``, by amount."""
    found: dict[int, list[tuple[BankTransfer, Payment]]] = defaultdict(list)
    wanted = sorted(amounts)
    which = BankTransfer.status == "confirmed" if status == "confirmed" else BankTransfer.status != "confirmed"
    for start in range(0, len(wanted), 500):
        query = (
            select(BankTransfer, Payment)
            .join(Payment, Payment.id == BankTransfer.payment_id)
            .where(BankTransfer.transfer_amount.in_(wanted[start : start + 500]), which)
            .order_by(BankTransfer.id)
        )
        for transfer, payment in db.session.execute(query):
            found[transfer.transfer_amount].append((transfer, payment))
    return found


def _in_window(transfer: BankTransfer, booked_on: date) -> bool:
    first = to_jakarta(transfer.created_at).date()
    last = to_jakarta(transfer.deadline).date() + timedelta(days=LATE_DAYS)
    return first <= booked_on <= last


def _confirm(row: StatementRow, transfer: BankTransfer, actor) -> None:
    """Through finance's own rule; a refusal (a cancelled order, a conflict of interest)
    leaves the row unmatched with the reason, and the rest of the upload goes on."""
    locked = db.session.scalar(
        select(BankTransfer)
        .where(BankTransfer.id == transfer.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    try:
        with db.session.begin_nested():
            services.confirm(locked, actor, statement=row.statement_id, statement_line=row.line)
            row.status, row.transfer_id, row.note = "confirmed", transfer.id, None
            db.session.flush()
    except ServiceError as exc:
        row.status, row.transfer_id = "unmatched", None
        row.note = exc.message if not exc.fields else " ".join(exc.fields.values())


def _note_already_confirmed(rows: list[StatementRow]) -> None:
    """Why a credit found nothing when its transfer was confirmed already (by hand, or earlier)."""
    confirmed = _open_transfers({r.amount for r in rows}, status="confirmed")
    for row in rows:
        if any(_in_window(t, row.booked_on) for t, _p in confirmed[row.amount]):
            row.note = _("Ada transfer sejumlah ini yang sudah dikonfirmasi; tidak diubah.")


def _count(statement: BankStatement, parsed: ParsedStatement, rows: list[StatementRow], skipped) -> None:
    statuses = Counter(r.status for r in rows)
    statement.rows_read = len(parsed.lines) + len(parsed.errors)
    statement.credits = len(rows) + sum(1 for s in skipped if s.reason != "debit")
    statement.confirmed, statement.ambiguous = statuses["confirmed"], statuses["ambiguous"]
    statement.unmatched = statuses["unmatched"]
    statement.duplicates = sum(1 for s in skipped if s.reason == "duplicate")
    statement.skipped = len(skipped) - statement.duplicates
    statement.bad_rows = len(parsed.errors)
    statement.errors_json = json.dumps([{"line": n, "message": m} for n, m in parsed.errors[:ERRORS_KEPT]])


def decide(actor, statement_id: int, row_id: int, transfer_id: int | None, ignore: bool) -> StatementRow:
    """Finance's decision for an ambiguous or unmatched row: the transfer it pays (one of its
    candidates), or ignore it. :raise 404: :raise 409: the row was decided already"""
    require_finance(actor)
    row = db.session.scalar(
        select(StatementRow)
        .where(StatementRow.id == row_id, StatementRow.statement_id == statement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(_("Baris mutasi tidak ditemukan."))
    if row.status not in ("ambiguous", "unmatched"):
        raise Conflict(_("Baris mutasi ini sudah diputuskan."))
    if ignore:
        row.status, row.note = "ignored", _("Diabaikan petugas keuangan.")
    else:
        chosen = [t for t, _p in candidates([row])[row.id] if t.id == transfer_id]
        if not chosen:
            raise ValidationError(fields={"transfer": _("Pilih salah satu transfer yang cocok untuk baris ini.")})
        _confirm(row, chosen[0], actor)
        if row.status != "confirmed":
            raise Conflict(row.note or _("Transfer tidak dapat dikonfirmasi."))
    row.decided_by, row.decided_at = actor.id, now()
    _recount(row.statement_id)
    db.session.flush()
    return row


def _recount(statement_id: int) -> None:
    statement = db.session.get_one(BankStatement, statement_id)
    statuses = Counter(db.session.scalars(select(StatementRow.status).where(StatementRow.statement_id == statement_id)))
    statement.confirmed, statement.ambiguous = statuses["confirmed"], statuses["ambiguous"]
    statement.unmatched = statuses["unmatched"]


def get(actor, statement_id: int) -> BankStatement:
    require_finance(actor)
    statement = db.session.get(BankStatement, statement_id)
    if statement is None:
        raise NotFound(_("Unggahan mutasi tidak ditemukan."))
    return statement


def rows_of(statement: BankStatement) -> list[StatementRow]:
    return list(
        db.session.scalars(
            select(StatementRow).where(StatementRow.statement_id == statement.id).order_by(StatementRow.line)
        )
    )


def recent(actor, limit: int = 20, offset: int = 0) -> tuple[list[BankStatement], int]:
    require_finance(actor)
    total = db.session.scalar(select(db.func.count(BankStatement.id))) or 0
    items = db.session.scalars(
        select(BankStatement)
        .order_by(BankStatement.uploaded_at.desc(), BankStatement.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(items), total


def order_numbers(payment_ids: Iterable[int]) -> dict[int, list[str]]:
    """The orders each payment pays, by number (one query)."""
    numbers: dict[int, list[str]] = defaultdict(list)
    wanted = sorted(set(payment_ids))
    if wanted:
        query = select(Order.payment_id, Order.number).where(Order.payment_id.in_(wanted)).order_by(Order.id)
        for payment_id, number in db.session.execute(query):
            numbers[payment_id].append(number)
    return numbers


def confirmed_transfers(rows: Iterable[StatementRow]) -> dict[int, BankTransfer]:
    """The transfer each confirmed row confirmed, by row id (one query)."""
    by_transfer = {r.transfer_id: r.id for r in rows if r.transfer_id is not None}
    if not by_transfer:
        return {}
    found = db.session.scalars(select(BankTransfer).where(BankTransfer.id.in_(sorted(by_transfer))))
    return {by_transfer[t.id]: t for t in found}


def errors_of(statement: BankStatement) -> list[dict]:
    return json.loads(statement.errors_json or "[]")
