"""How to pay a virtual account from each bank: short steps per way in (app, ATM, internet banking).

The menu names are the banks' own (they are not translated); the sentences around them are.
"""

from __future__ import annotations

from marketplace.i18n import gettext as _

# bank code: (mobile app and its menu, ATM menu, internet banking address and menu)
MENUS = {
    "BCA": (
        "BCA mobile",
        "m-Transfer › BCA Virtual Account",
        "Transfer Dana › Transfer ke BCA Virtual Account",
        "klikbca.com",
    ),
    "BNI": (
        "BNI Mobile Banking",
        "Transfer › Virtual Account Billing",
        "Transfer › Virtual Account Billing",
        "ibank.bni.co.id",
    ),
    "BRI": ("BRImo", "Pembayaran › BRIVA", "Transaksi Lain › Pembayaran › Lainnya › BRIVA", "ib.bri.co.id"),
    "MANDIRI": (
        "Livin' by Mandiri",
        "Bayar › Buat Baru › Multipayment",
        "Bayar/Beli › Multipayment",
        "ibank.bankmandiri.co.id",
    ),
    "PERMATA": (
        "PermataMobile X",
        "Bayar Tagihan › Virtual Account",
        "Transaksi Lainnya › Pembayaran › Virtual Account",
        "new.permatanet.com",
    ),
    "BSI": ("BSI Mobile", "Bayar › E-Commerce › Xendit", "Bayar/Beli › E-Commerce", "bsinet.bankbsi.co.id"),
    "CIMB": (
        "OCTO Mobile",
        "Transfer › Virtual Account",
        "Transfer › Rekening CIMB Niaga Lain › Virtual Account",
        "octoclicks.co.id",
    ),
    "BJB": ("DIGI by bjb", "Virtual Account", "Transaksi Lainnya › Virtual Account", "ib.bankbjb.co.id"),
    "MUAMALAT": (
        "Muamalat DIN",
        "Pembayaran › Virtual Account",
        "Pembayaran › Virtual Account",
        "ib.bankmuamalat.co.id",
    ),
}


def steps(bank: str, number: str, amount: str) -> list[tuple[str, list[str]]]:
    """``[(title, [step, ...]), ...]`` for ``bank``'s app, ATM and internet banking."""
    app, app_menu, atm_menu, web = MENUS.get(bank, (bank, "Virtual Account", "Virtual Account", ""))
    enter = _("Masukkan nomor virtual account %(number)s.", number=number)
    check = _("Pastikan nama Apik Market dan jumlah %(amount)s, lalu konfirmasi dengan PIN.", amount=amount)
    ways = [
        (_("Aplikasi %(app)s", app=app), [_("Masuk ke aplikasi, pilih menu %(menu)s.", menu=app_menu), enter, check]),
        (_("ATM"), [_("Masukkan kartu dan PIN, pilih %(menu)s.", menu=atm_menu), enter, check]),
    ]
    if web:
        ways.append(
            (
                _("Internet banking"),
                [_("Buka %(site)s, pilih %(menu)s.", site=web, menu=atm_menu), enter, check],
            )
        )
    return ways
