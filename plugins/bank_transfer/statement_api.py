"""JSON endpoints under /api/v1/finance/bank-statements (finance: agency and admin).

``POST`` a statement CSV (multipart ``file``, optional ``format`` bca|mandiri|generic) and get
what it confirmed, what waits for a decision, what matched nothing and what was skipped;
``POST .../<id>/rows/<row>/decision`` with ``{"transfer": id}`` or ``{"ignore": true}``.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from marketplace.api import auth_required, committing, current_api_user, json_body, page_args, paged
from marketplace.errors import ValidationError
from marketplace.extensions import csrf
from marketplace.i18n import gettext as _
from plugins.bank_transfer import statements
from plugins.bank_transfer.statement_formats import MAX_BYTES
from plugins.bank_transfer.statement_models import BankStatement, StatementRow

bp = Blueprint("bank_statements_api", __name__, url_prefix="/api/v1/finance/bank-statements")
csrf.exempt(bp)


def statement_json(statement: BankStatement) -> dict:
    return {
        "id": statement.id,
        "format": statement.bank_format,
        "file_name": statement.file_name,
        "account": statement.account,
        "uploaded_at": statement.uploaded_at.isoformat(),
        "counts": {
            "rows": statement.rows_read,
            "credits": statement.credits,
            "confirmed": statement.confirmed,
            "ambiguous": statement.ambiguous,
            "unmatched": statement.unmatched,
            "skipped": statement.skipped,
            "duplicates": statement.duplicates,
            "errors": statement.bad_rows,
        },
    }


def rows_json(rows: list[StatementRow]) -> dict[str, list[dict]]:
    """The rows by status, each with its transfer (confirmed) or its candidates (ambiguous)."""
    found = statements.candidates([r for r in rows if r.status in ("ambiguous", "unmatched")])
    payments = {p.id for options in found.values() for _t, p in options}
    confirmed = statements.confirmed_transfers([r for r in rows if r.status == "confirmed"])
    numbers = statements.order_numbers(payments | {t.payment_id for t in confirmed.values()})
    grouped: dict[str, list[dict]] = {"confirmed": [], "ambiguous": [], "unmatched": [], "ignored": []}
    for row in rows:
        item = _row_base(row)
        if row.status == "confirmed" and row.id in confirmed:
            transfer = confirmed[row.id]
            item.update(transfer_json(transfer, numbers[transfer.payment_id]))
        elif row.status in ("ambiguous", "unmatched"):
            item["candidates"] = [_candidate(t, numbers[t.payment_id]) for t, _p in found.get(row.id, [])]
        grouped[row.status].append(item)
    return grouped


def _row_base(row: StatementRow) -> dict:
    return {
        "row": row.id,
        "line": row.line,
        "date": row.booked_on.isoformat(),
        "amount": row.amount,
        "description": row.description,
        "status": row.status,
        "note": row.note,
    }


def transfer_json(transfer, orders: list[str]) -> dict:
    return {"transfer": transfer.id, "payment": transfer.payment_id, "orders": orders}


def _candidate(transfer, orders: list[str]) -> dict:
    return {
        **transfer_json(transfer, orders),
        "amount": transfer.transfer_amount,
        "created_at": transfer.created_at.isoformat(),
        "deadline": transfer.deadline.isoformat(),
        "status": transfer.status,
    }


def result_json(result: statements.ImportResult) -> dict:
    grouped = rows_json(result.rows)
    return {
        "statement": result.statement.id,
        **statement_json(result.statement),
        "confirmed": grouped["confirmed"],
        "ambiguous": grouped["ambiguous"],
        "unmatched": grouped["unmatched"],
        "skipped": [
            {
                "line": s.line.line,
                "date": s.line.booked_on and s.line.booked_on.isoformat(),
                "amount": str(s.line.amount),
                "description": s.line.description,
                "reason": s.reason,
            }
            for s in result.skipped
        ],
        "errors": [{"line": n, "message": m} for n, m in result.errors],
    }


@bp.post("")
@auth_required("agency")
def upload():
    """Import a statement: 201 with what it confirmed; 422 for a bad file (nothing stored); 403."""
    storage = request.files.get("file")
    if storage is None or not storage.filename:
        raise ValidationError(fields={"file": _("Pilih berkas CSV mutasi rekening.")})
    bank = (request.form.get("format") or "").strip().lower()
    if bank == "detect":
        bank = ""
    data = storage.stream.read(MAX_BYTES + 1)
    with committing():
        result = statements.import_statement(current_api_user(), data, storage.filename, bank or None)
        answer = result_json(result)  # before the commit expires every row it read
    return jsonify(answer), 201


@bp.get("")
@auth_required("agency")
def index():
    """Past uploads, newest first, paged."""
    page, per_page = page_args(20, 100)
    items, total = statements.recent(current_api_user(), per_page, (page - 1) * per_page)
    return jsonify(paged([statement_json(s) for s in items], total, page, per_page))


@bp.get("/<int:statement_id>")
@auth_required("agency")
def show(statement_id: int):
    """One upload with its rows by status and its bad rows. :raise 404:"""
    statement = statements.get(current_api_user(), statement_id)
    grouped = rows_json(statements.rows_of(statement))
    return jsonify({**statement_json(statement), **grouped, "errors": statements.errors_of(statement)})


@bp.post("/<int:statement_id>/rows/<int:row_id>/decision")
@auth_required("agency")
def decision(statement_id: int, row_id: int):
    """``{"transfer": id}`` confirms that candidate for the row; ``{"ignore": true}`` sets it
    aside. 200 with the row; 404; 409 when decided already; 422 for a transfer not a candidate."""
    body = json_body()
    ignore = body.get("ignore") is True
    transfer = body.get("transfer")
    if not ignore and (not isinstance(transfer, int) or isinstance(transfer, bool)):
        raise ValidationError(fields={"transfer": _('Kirim id transfer atau "ignore": true.')})
    with committing():
        row = statements.decide(current_api_user(), statement_id, row_id, None if ignore else transfer, ignore)
    grouped = rows_json([row])
    return jsonify(next(item for items in grouped.values() for item in items))
