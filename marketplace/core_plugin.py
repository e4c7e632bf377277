"""The core's own implementations of the plugin hooks, registered first in every app under
the name ``core`` (as datasette registers its defaults): the header menu's core links come
through ``nav_items`` like any plugin's, so a plugin's links sit beside them by the same rule."""

from __future__ import annotations

from flask import url_for

from marketplace.agency.assist import is_officer
from marketplace.gov.officials import official_of
from marketplace.hookspecs import hookimpl
from marketplace.i18n import gettext as _


class CorePlugin:
    name = "core"

    @hookimpl
    def nav_items(self, user) -> list:
        if user is None or not getattr(user, "is_authenticated", False):
            return []
        items = [
            {"url": url_for("orders.index"), "label": _("Pesanan"), "section": "shop"},
            {"url": url_for("bank_refunds.mine"), "label": _("Pengembalian dana"), "section": "shop"},
        ]
        if user.has_role("seller"):
            items += [
                {"url": url_for("stores.dashboard"), "label": _("Toko Saya"), "section": "store"},
                {"url": url_for("seller_orders.queue"), "label": _("Pesanan Masuk"), "section": "store"},
                {"url": url_for("seller_complaints.queue"), "label": _("Komplain"), "section": "store"},
                {"url": url_for("seller_gov.queue"), "label": _("Pesanan Instansi"), "section": "store"},
                {"url": url_for("gov_offers.index"), "label": _("Produk untuk instansi"), "section": "store"},
            ]
        if official_of(user) is not None:
            items.append({"url": url_for("gov.home"), "label": _("Pengadaan"), "section": "gov"})
        if is_officer(user):  # the one agency check: agency officers and admins
            items += [
                {"url": url_for("agency.dashboard"), "label": _("Konsol Dinas"), "section": "agency"},
                {"url": url_for("ledger.payouts"), "label": _("Pencairan dana"), "section": "agency"},
                {"url": url_for("bank_refunds.finance"), "label": _("Pengembalian dana"), "section": "agency"},
                {"url": url_for("agency.complaints_queue"), "label": _("Komplain"), "section": "agency"},
            ]
        items.append({"url": url_for("accounts.profile"), "label": _("Akun"), "section": "account"})
        items.append({"url": url_for("notice_prefs.settings"), "label": _("Notifikasi"), "section": "account"})
        return items


plugin = CorePlugin()
