"""Government buying: offices (perangkat daerah) buy from IKM stores under the rules of direct
procurement — purchase, optional negotiation, the PPK's approval with a Surat Pesanan, delivery,
the handover certificate (BAST), invoice and kuitansi, payment by the bendahara (README
"Belanja instansi")."""

from marketplace.gov import audit_sentences as _audit_sentences  # noqa: F401  (registers at import)
