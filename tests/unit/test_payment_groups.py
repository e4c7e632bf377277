"""The checkout's payment list is grouped as shoppers know it (QRIS, Virtual Account, E-Wallet,
Transfer Bank, Kartu, Bayar di Tempat), in that order whatever order the plugins answer in."""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.payments import groups


@dataclass
class Listed:
    id: str
    group: str = ""
    pay_on_delivery: bool = False


def test_methods_fall_into_their_groups_in_the_shoppers_order():
    methods = [
        Listed("cod", pay_on_delivery=True),
        Listed("transfer", "transfer"),
        Listed("va", "virtual_account"),
        Listed("qr", "qris"),
        Listed("wallet", "ewallet"),
        Listed("va2", "virtual_account"),
    ]
    assert [(group.id, [m.id for m in members]) for group, members in groups.grouped(methods)] == [
        ("qris", ["qr"]),
        ("virtual_account", ["va", "va2"]),
        ("ewallet", ["wallet"]),
        ("transfer", ["transfer"]),
        ("cod", ["cod"]),
    ]


def test_a_method_without_a_known_group_is_placed_by_how_it_is_paid():
    assert groups.group_of(Listed("booth", pay_on_delivery=True)) == "cod"
    assert groups.group_of(Listed("voucher")) == "other"
    assert groups.group_of(Listed("crypto", "crypto")) == "other"
    assert [g.id for g, _m in groups.grouped([Listed("voucher"), Listed("card", "card")])] == ["card", "other"]


def test_every_group_has_a_name_and_a_one_line_explanation():
    for group in groups.GROUPS:
        assert str(group.name) and str(group.explanation) and "\n" not in str(group.explanation)
