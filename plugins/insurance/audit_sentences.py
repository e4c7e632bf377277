"""What the insurance add-on's audit rows say in the agency's log (marketplace/audit_text.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace import audit_text

audit_text.register(
    {
        "insurance.policy_granted": _l("%(actor)s memberikan %(subject)s"),
        "insurance.bulk_grant": _l("%(actor)s memberikan polis kepada peserta expo %(subject)s"),
        "insurance.policy_cancelled": _l("%(actor)s membatalkan %(subject)s"),
        "insurance.claim_filed": _l("%(actor)s mengajukan %(subject)s"),
        "insurance.claim_documents": _l("%(actor)s melengkapi dokumen %(subject)s"),
        "insurance.claim_approved": _l("%(actor)s menyetujui %(subject)s"),
        "insurance.claim_rejected": _l("%(actor)s menolak %(subject)s"),
        "insurance.claim_paid": _l("%(actor)s membayar %(subject)s"),
        "insurance.product_updated": _l("%(actor)s mengubah ketentuan %(subject)s"),
    },
    {
        "insurance_policy": _l("polis #%(id)s"),
        "insurance_claim": _l("klaim asuransi #%(id)s"),
        "insurance_product": _l("produk asuransi #%(id)s"),
    },
)
