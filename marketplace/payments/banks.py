"""Indonesian banks: the one list every money path uses.

A shopper picks one to pay a virtual account, a seller to be paid out, a
shopper to be refunded by transfer, and finance's statement import names the
bank the statement came from. ``code`` is ours and stable (it is stored);
``sandi`` is the bank's code at Bank Indonesia (bulk-transfer files name banks
by it); ``digits`` is how many digits an account number of that bank has, so a
mistyped number is caught before money is sent to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Bank:
    code: str
    name: str
    sandi: str
    digits: tuple[int, int]


BANKS: tuple[Bank, ...] = (
    Bank("BCA", "BCA", "014", (10, 10)),
    Bank("BNI", "BNI", "009", (10, 10)),
    Bank("BRI", "BRI", "002", (15, 15)),
    Bank("MANDIRI", "Mandiri", "008", (13, 13)),
    Bank("PERMATA", "Permata", "013", (10, 10)),
    Bank("BSI", "Bank Syariah Indonesia (BSI)", "451", (10, 10)),
    Bank("CIMB", "CIMB Niaga", "022", (12, 14)),
    Bank("DANAMON", "Danamon", "011", (9, 12)),
    Bank("BTN", "BTN", "200", (16, 16)),
    Bank("JATENG", "Bank Jateng", "113", (10, 13)),
    Bank("BJB", "bank bjb", "110", (13, 13)),
    Bank("JATIM", "Bank Jatim", "114", (10, 10)),
    Bank("DKI", "Bank DKI", "111", (10, 11)),
    Bank("MUAMALAT", "Bank Muamalat", "147", (10, 10)),
    Bank("MEGA", "Bank Mega", "426", (12, 15)),
    Bank("OCBC", "OCBC", "028", (12, 12)),
    Bank("PANIN", "Panin Bank", "019", (10, 10)),
    Bank("MAYBANK", "Maybank Indonesia", "016", (10, 10)),
    Bank("BTPN", "SMBC Indonesia (Jenius)", "213", (11, 12)),
    Bank("JAGO", "Bank Jago", "542", (12, 12)),
    Bank("SEABANK", "SeaBank", "535", (12, 12)),
    Bank("BCA_DIGITAL", "blu by BCA Digital", "501", (10, 12)),
)
BY_CODE = {bank.code: bank for bank in BANKS}
_SEPARATORS = re.compile(r"[\s.\-]")


def get(code: str | None) -> Bank | None:
    return BY_CODE.get((code or "").strip().upper())


def choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select."""
    return [(bank.code, bank.name) for bank in BANKS]


def normalise_account(number: str | None) -> str:
    """The account number as digits only (people type spaces, dots and dashes)."""
    return _SEPARATORS.sub("", number or "")


def account_problem(code: str | None, number: str | None) -> str | None:
    """Why ``number`` cannot be an account of bank ``code``, in English for logs; None when it can.
    Callers show their own translated message."""
    bank = get(code)
    if bank is None:
        return "unknown bank"
    digits = normalise_account(number)
    if not digits.isdigit():
        return "not digits"
    low, high = bank.digits
    if not low <= len(digits) <= high:
        span = f"{low}" if low == high else f"{low}-{high}"
        return f"{bank.name} accounts have {span} digits"
    return None


def mask(number: str | None) -> str:
    """``••••••7890``: the last four digits only, for everyone but the owner and finance."""
    digits = normalise_account(number)
    return "•" * max(len(digits) - 4, 0) + digits[-4:]
