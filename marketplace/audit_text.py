"""The audit log read as sentences: "Petugas Disnakerin menyetujui toko Batik Sari pada
3 Des 2026, 14.25 WIB", the subject linked to its page, then only what changed (old -> new).

One sentence per action name. The core registers its own here; a plugin registers the
actions it records with :func:`register` when it is imported, so the log of a plugin that
was switched off still reads (an unknown action gets a generic sentence).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from marketplace.i18n import gettext as _
from marketplace.i18n import wib

SENTENCES: dict = {
    "store.opened": _l("%(actor)s membuka toko %(subject)s"),
    "store.registered": _l("%(actor)s mendaftarkan toko %(subject)s"),
    "store.approved": _l("%(actor)s menyetujui toko %(subject)s"),
    "store.rejected": _l("%(actor)s menolak pengajuan toko %(subject)s"),
    "store.suspended": _l("%(actor)s membekukan toko %(subject)s"),
    "store.updated": _l("%(actor)s mengubah data toko %(subject)s"),
    "store.logo_changed": _l("%(actor)s mengganti logo toko %(subject)s"),
    "store.invite_sent": _l("%(actor)s mengundang anggota ke toko %(subject)s"),
    "store.invite_accepted": _l("%(actor)s bergabung dengan toko %(subject)s"),
    "store.shipping_updated": _l("%(actor)s mengubah pengaturan pengiriman toko %(subject)s"),
    "assist.started": _l("%(actor)s mulai membantu toko %(subject)s"),
    "agency.bulk_onboard": _l("%(actor)s mendaftarkan peserta dari berkas %(subject)s"),
    "product.created": _l("%(actor)s menambah %(subject)s"),
    "product.updated": _l("%(actor)s mengubah %(subject)s"),
    "product.image_added": _l("%(actor)s menambah foto %(subject)s"),
    "product.image_removed": _l("%(actor)s menghapus foto %(subject)s"),
    "variant.created": _l("%(actor)s menambah %(subject)s"),
    "variant.updated": _l("%(actor)s mengubah %(subject)s"),
    "variant.deleted": _l("%(actor)s menghapus %(subject)s"),
    "order.placed": _l("%(actor)s membuat %(subject)s"),
    "order.pending_payment": _l("%(actor)s mengembalikan %(subject)s ke menunggu pembayaran"),
    "order.paid": _l("%(actor)s mencatat pembayaran %(subject)s"),
    "order.processing": _l("%(actor)s menerima %(subject)s"),
    "order.shipped": _l("%(actor)s mengirim %(subject)s"),
    "order.delivered": _l("%(actor)s mencatat %(subject)s sudah tiba"),
    "order.completed": _l("%(actor)s menyelesaikan %(subject)s"),
    "order.cancelled": _l("%(actor)s membatalkan %(subject)s"),
    "order.refunded": _l("%(actor)s mengembalikan seluruh dana %(subject)s"),
    "order.refund": _l("%(actor)s mengembalikan dana %(subject)s"),
    "review.created": _l("%(actor)s mengulas %(subject)s"),
    "complaint.opened": _l("%(actor)s mengajukan %(subject)s"),
    "complaint.disagreed": _l("%(actor)s tidak setuju dengan %(subject)s"),
    "complaint.offer_partial": _l("%(actor)s menawarkan pengembalian sebagian untuk %(subject)s"),
    "complaint.offer_full": _l("%(actor)s menawarkan pengembalian penuh untuk %(subject)s"),
    "complaint.accepted": _l("%(actor)s menerima tawaran %(subject)s"),
    "complaint.escalated": _l("%(actor)s meneruskan %(subject)s ke dinas"),
    "complaint.return_shipped": _l("%(actor)s mengirim balik barang %(subject)s"),
    "complaint.return_received": _l("%(actor)s menerima barang kembali untuk %(subject)s"),
    "complaint.decided_refund": _l("%(actor)s memutuskan dana dikembalikan untuk %(subject)s"),
    "complaint.decided_reject": _l("%(actor)s menolak %(subject)s"),
    "complaint.refunded": _l("%(actor)s mengembalikan dana %(subject)s"),
    "complaint.closed": _l("%(actor)s menutup %(subject)s"),
    "payout.started": _l("%(actor)s memulai %(subject)s"),
    "payout.succeeded": _l("%(actor)s mencatat %(subject)s terkirim"),
    "payout.failed": _l("%(actor)s mencatat %(subject)s gagal"),
    "payout.marked_succeeded": _l("%(actor)s menandai %(subject)s terkirim"),
    "payout.marked_failed": _l("%(actor)s menandai %(subject)s gagal"),
    "payout.recorded": _l("%(actor)s mencatat %(subject)s"),
    "notices.opt_in": _l("%(actor)s mengaktifkan notifikasi WhatsApp untuk %(subject)s"),
    "notices.opt_out": _l("%(actor)s menghentikan notifikasi WhatsApp untuk %(subject)s"),
    "payout_account.changed": _l("%(actor)s mengubah rekening pencairan toko %(subject)s"),
    "payout_account.verified": _l("%(actor)s memverifikasi rekening pencairan toko %(subject)s"),
    "payout_account.refused": _l("%(actor)s menolak rekening pencairan toko %(subject)s"),
    "settlement.recorded": _l("%(actor)s mencatat setoran %(subject)s"),
    "remittance.recorded": _l("%(actor)s mencatat penyetoran premi %(subject)s"),
    "bank_refund.owed": _l("%(actor)s mencatat pengembalian dana lewat bank untuk %(subject)s"),
    "bank_refund.account": _l("%(actor)s mengisi rekening untuk %(subject)s"),
    "bank_refund.sent": _l("%(actor)s mentransfer %(subject)s"),
    "settings.changed": _l("%(actor)s mengubah pengaturan %(subject)s"),
    "outbox.retry": _l("%(actor)s mengirim ulang %(subject)s"),
    "user.created": _l("%(actor)s membuat %(subject)s"),
    "user.password_changed": _l("%(actor)s mengganti kata sandi %(subject)s"),
    "user.email_confirmed": _l("%(actor)s mengonfirmasi e-mail %(subject)s"),
    "user.token_revoked": _l("%(actor)s mencabut token API %(subject)s"),
    "expo.created": _l("%(actor)s membuat expo %(subject)s"),
    "expo.updated": _l("%(actor)s mengubah expo %(subject)s"),
    "expo.banner_changed": _l("%(actor)s mengganti spanduk expo %(subject)s"),
    "expo.zone_added": _l("%(actor)s menambah zona di expo %(subject)s"),
    "expo.zone_renamed": _l("%(actor)s mengganti nama zona di expo %(subject)s"),
    "expo.zone_moved": _l("%(actor)s memindah urutan zona di expo %(subject)s"),
    "expo.zone_removed": _l("%(actor)s menghapus zona di expo %(subject)s"),
    "expo.exhibitor_added": _l("%(actor)s menambah peserta expo %(subject)s"),
    "expo.exhibitor_updated": _l("%(actor)s mengubah stan peserta expo %(subject)s"),
    "expo.exhibitor_removed": _l("%(actor)s mengeluarkan peserta expo %(subject)s"),
    "expo.session_added": _l("%(actor)s menambah sesi agenda expo %(subject)s"),
    "expo.session_updated": _l("%(actor)s mengubah sesi agenda expo %(subject)s"),
    "expo.session_deleted": _l("%(actor)s menghapus sesi agenda expo %(subject)s"),
    "expo.booth_updated": _l("%(actor)s mengubah halaman stan toko %(subject)s"),
    "expo.booth_pins_set": _l("%(actor)s mengatur produk unggulan stan toko %(subject)s"),
    "expo.booth_banner_changed": _l("%(actor)s mengganti spanduk stan toko %(subject)s"),
    "featured.set": _l("%(actor)s mengatur %(subject)s"),
    "search.synonyms_added": _l("%(actor)s menambah %(subject)s"),
    "search.synonyms_updated": _l("%(actor)s mengubah %(subject)s"),
    "search.synonyms_deleted": _l("%(actor)s menghapus %(subject)s"),
}

NOUNS: dict = {
    "product": _l("produk #%(id)s"),
    "variant": _l("varian #%(id)s"),
    "order": _l("pesanan %(id)s"),
    "review": _l("ulasan #%(id)s"),
    "complaint": _l("komplain #%(id)s"),
    "payout": _l("pencairan #%(id)s"),
    "payment": _l("pembayaran #%(id)s"),
    "bank_refund": _l("pengembalian dana #%(id)s"),
    "settlement": _l("#%(id)s"),
    "remittance": _l("#%(id)s"),
    "setting": _l("%(id)s"),
    "user": _l("akun #%(id)s"),
    "outbox_message": _l("pesan #%(id)s"),
    "featured": _l("toko unggulan"),
    "stores": _l("(tanpa expo)"),
    "search_synonym": _l("grup sinonim pencarian #%(id)s"),
}
# data keys that say how, not what changed: not listed under the sentence
QUIET = {"assisted", "fields", "changes", "number", "order", "old", "new"}


def register(sentences: dict, nouns: dict | None = None) -> None:
    """A plugin's sentences for the actions it records, and nouns for its object types."""
    SENTENCES.update(sentences)
    NOUNS.update(nouns or {})


@dataclass
class Line:
    """One audit row as the log shows it."""

    sentence: Markup
    details: list[Markup]
    known: bool


def sentence(row, actor_name, store_name=None, store_slug=None, subjects=None) -> Line:
    """The row as a sentence with its subject linked, and its changed fields (old -> new)."""
    data = _data(row)
    actor = escape(actor_name) if actor_name else escape(_("Sistem"))
    subject = _subject(row, data, store_name, store_slug, subjects or {})
    template = SENTENCES.get(row.action)
    if template is None:
        what = escape(_("%(actor)s mencatat %(action)s pada %(subject)s")) % {
            "actor": actor,
            "action": Markup("<code>%s</code>") % row.action,
            "subject": subject,
        }
    else:
        what = escape(str(template)) % {"actor": actor, "subject": subject}
    if store_slug and row.object_type != "store" and template is not None:
        what += escape(_(" di toko %(store)s")) % {"store": _store_link(store_name, store_slug)}
    full = escape(_("%(what)s pada %(at)s.")) % {"what": what, "at": wib(row.at)}
    return Line(full, _details(data), template is not None)  # escape() % ... is Markup already


def _data(row) -> dict:
    try:
        data = json.loads(row.data or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _store_link(name, slug) -> Markup:
    return Markup('<a href="%s">%s</a>') % (url_for("agency.store", slug=slug), name)


def _subject(row, data: dict, store_name, store_slug, subjects: dict) -> Markup:
    if row.object_type == "store" and store_slug:
        return _store_link(store_name, store_slug)
    known = subjects.get((row.object_type, str(row.object_id)))
    if known is not None:
        name, url = known
        return Markup('<a href="%s">%s</a>') % (url, name) if url else escape(name)
    ident = data.get("number") or data.get("order") or row.object_id
    noun = NOUNS.get(row.object_type)
    if noun is None:
        return escape(f"{row.object_type} #{row.object_id}")
    return escape(str(noun) % {"id": ident})


def _details(data: dict) -> list[Markup]:
    """Only what changed: ``changes`` as old -> new, an ``old``/``new`` pair, then the other facts."""
    changes = data.get("changes") if isinstance(data.get("changes"), dict) else {}
    out = [
        escape("%s: %s → %s") % (key, _shown(pair[0]), _shown(pair[1]))
        for key, pair in changes.items()
        if isinstance(pair, list) and len(pair) == 2
    ]
    if "old" in data and "new" in data and not isinstance(data["old"], dict):
        out.append(escape("%s → %s") % (_shown(data["old"]), _shown(data["new"])))
    out.extend(
        escape("%s: %s") % (key, _shown(value))
        for key, value in data.items()
        if key not in QUIET and value not in (None, "", [], {})
    )
    return out


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)
