"""The groups of the checkout's payment list, as Indonesian shoppers know them from the big
marketplaces: QRIS, virtual account, e-wallet, bank transfer, card, pay on delivery.

A method names its group in ``PaymentMethod.group`` (one of the ids below); a method that names
none, or one unknown here, goes to "Bayar di Tempat" when it is paid on delivery and to "Lainnya"
otherwise. The page still shows one radio list; the groups only put headings in it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from flask_babel import lazy_gettext as _l


class Listed(Protocol):
    """What grouping reads of a PaymentMethod (methods.py imports this module, not the reverse)."""

    group: str
    pay_on_delivery: bool


M = TypeVar("M", bound=Listed)


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    explanation: str


GROUPS: tuple[Group, ...] = (
    Group("qris", _l("QRIS"), _l("Pindai kode QR dengan aplikasi bank atau dompet digital mana pun.")),
    Group(
        "virtual_account",
        _l("Virtual Account"),
        _l("Bayar ke nomor virtual account lewat m-banking, internet banking, atau ATM."),
    ),
    Group("ewallet", _l("E-Wallet"), _l("Bayar dari aplikasi dompet digital Anda.")),
    Group("transfer", _l("Transfer Bank"), _l("Transfer ke rekening pasar dari bank mana pun.")),
    Group("card", _l("Kartu Kredit/Debit"), _l("Bayar dengan kartu di halaman pembayaran yang aman.")),
    Group("cod", _l("Bayar di Tempat"), _l("Bayar tunai saat pesanan diterima.")),
    Group("other", _l("Lainnya"), _l("Cara bayar lain yang tersedia.")),
)
BY_ID = {group.id: group for group in GROUPS}


def group_of(method: Listed) -> str:
    """The id of the group ``method`` is listed under."""
    if method.group in BY_ID:
        return method.group
    return "cod" if method.pay_on_delivery else "other"


def grouped(methods: Iterable[M]) -> list[tuple[Group, list[M]]]:
    """The groups that have methods, in GROUPS order, each with its methods in the order given."""
    members: dict[str, list[M]] = {}
    for method in methods:
        members.setdefault(group_of(method), []).append(method)
    return [(group, members[group.id]) for group in GROUPS if group.id in members]
