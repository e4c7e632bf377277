"""The audit log's sentences for every step of government buying: ``gov.submit`` and one
``gov.<action>`` per action of marketplace/gov/machine.py (machine.move records them), and the
noun of a government order. Registered when marketplace.gov is imported, which create_app does."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace import audit_text

SENTENCES = {
    "gov.submit": _l("%(actor)s mengajukan %(subject)s"),
    "gov.quote": _l("%(actor)s mengirim penawaran untuk %(subject)s"),
    "gov.accept_quote": _l("%(actor)s menerima penawaran penjual untuk %(subject)s"),
    "gov.withdraw": _l("%(actor)s menarik %(subject)s"),
    "gov.approve": _l("%(actor)s menyetujui dan menerbitkan Surat Pesanan %(subject)s"),
    "gov.reject": _l("%(actor)s menolak %(subject)s"),
    "gov.amend": _l("%(actor)s membuat adendum %(subject)s"),
    "gov.cancel": _l("%(actor)s membatalkan Surat Pesanan %(subject)s"),
    "gov.accept": _l("%(actor)s menerima Surat Pesanan %(subject)s"),
    "gov.decline": _l("%(actor)s menolak Surat Pesanan %(subject)s"),
    "gov.ship": _l("%(actor)s mengirim barang %(subject)s"),
    "gov.receive": _l("%(actor)s memeriksa barang dan menandatangani BAST %(subject)s"),
    "gov.invoice": _l("%(actor)s menerbitkan tagihan dan kuitansi %(subject)s"),
    "gov.pay": _l("%(actor)s mencatat pembayaran %(subject)s"),
    # offices, their officials and the stores' offers (offices.py, offers.py)
    "gov_office.registered": _l("%(actor)s mendaftarkan instansi %(subject)s"),
    "gov_office.updated": _l("%(actor)s mengubah data instansi %(subject)s"),
    "gov_office.deactivated": _l("%(actor)s menonaktifkan instansi %(subject)s"),
    "gov_office.reactivated": _l("%(actor)s mengaktifkan kembali instansi %(subject)s"),
    "gov_official.appointed": _l("%(actor)s mengangkat pejabat %(subject)s"),
    "gov_official.dismissed": _l("%(actor)s memberhentikan pejabat %(subject)s"),
    "gov_offer.saved": _l("%(actor)s menawarkan %(subject)s kepada instansi"),
    "gov_offer.withdrawn": _l("%(actor)s berhenti menawarkan %(subject)s kepada instansi"),
}
NOUNS = {
    "gov_order": _l("pesanan instansi %(id)s"),
    "gov_office": _l("instansi %(id)s"),
    "gov_official": _l("akun #%(id)s"),
}

audit_text.register(SENTENCES, NOUNS)
