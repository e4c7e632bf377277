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

from marketplace.errors import ValidationError
from marketplace.i18n import gettext as _


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


TITLES = frozenset(
    "bapak bpk pak ibu bu sdr sdri saudara saudari tuan tn nyonya ny nona h hj haji hajah hjh "
    "dr drs dra ir prof st se sh sm skom spd ssos sp sh mm mba msi mt amd".split()
)
_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")


def normalised_name(name: str | None) -> str:
    """A holder name as banks compare it: lower case, no punctuation, no titles, and no degrees
    (written after a comma: "Siti Aminah, S.E.")."""
    words = _NOT_LETTERS.sub(" ", (name or "").split(",", 1)[0].lower()).split()
    return " ".join(word for word in words if word not in TITLES)


def checked_account(bank, number, holder) -> tuple[str, str, str]:
    """The bank's code, the account number as digits and the holder's name, from a form or JSON;
    every bad field at once as a ValidationError. Payout accounts and bank refunds share it, so an
    account one accepts the other accepts too."""
    errors = {}
    chosen = get(bank.strip().upper() if isinstance(bank, str) else None)
    digits = normalise_account(number if isinstance(number, str) else "")
    holder = " ".join(holder.split()) if isinstance(holder, str) else ""
    if chosen is None:
        errors["bank"] = _("Pilih bank dari daftar.")
    elif account_problem(chosen.code, digits) is not None:
        low, high = chosen.digits
        span = f"{low}" if low == high else f"{low}–{high}"
        errors["account_number"] = _("Nomor rekening %(bank)s terdiri dari %(n)s angka.", bank=chosen.name, n=span)
    if not holder or len(holder) > 120:
        errors["holder_name"] = _("Isi nama pemilik rekening seperti tertulis di buku tabungan.")
    elif not normalised_name(holder):
        errors["holder_name"] = _("Nama pemilik rekening harus memuat huruf.")
    if errors or chosen is None:
        raise ValidationError(fields=errors)
    return chosen.code, digits, holder
