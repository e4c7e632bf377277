"""The Xendit payout rail: a store's payout through Xendit's payouts API (``/v2/payouts``).

``send`` creates one payout with the payout's idempotency key as both Xendit's
``Idempotency-key`` and its ``reference_id`` (so the same key twice is one transfer, and a
notification names our payout); the channel is ``ID_<bank code>``. Xendit answers ACCEPTED
and tells the outcome later (payout.succeeded / payout.failed), which :mod:`.webhooks` checks
against the payout fetched again before reporting it to the core.

Xendit offers account validation only through a separate product the official client does
not cover, so ``check_account`` answers None (the agency verifies the holder's name by hand).
"""

from __future__ import annotations

from marketplace.ledger.rails import PayoutAccount, PayoutFailed, PayoutRail, PayoutSent
from plugins.xendit import xendit_api

# Xendit's payout channel codes for the banks of marketplace.payments.banks, where they differ
CHANNELS = {"BCA_DIGITAL": "ID_BCA_DIGITAL", "BTPN": "ID_BTPN", "JATENG": "ID_JAWA_TENGAH", "JATIM": "ID_JAWA_TIMUR"}
FAILED = ("FAILED", "CANCELLED", "REVERSED")
# a refusal that will not change by asking again: the money goes back to the balance
FINAL_ERRORS = ("INVALID_DESTINATION", "CHANNEL_CODE_NOT_SUPPORTED", "INVALID_ACCOUNT_DETAILS", "API_VALIDATION_ERROR")


def channel_code(bank: str) -> str:
    return CHANNELS.get(bank, f"ID_{bank}")


def outcome(answer: dict) -> PayoutSent:
    """A payout as Xendit answers it, in the core's terms."""
    status = str(answer.get("status") or "")
    if status == "SUCCEEDED":
        return PayoutSent(reference=answer["id"], state="succeeded")
    if status in FAILED:
        return PayoutSent(reference=answer["id"], state="failed", reason=str(answer.get("failure_code") or status))
    return PayoutSent(reference=answer["id"], state="pending")


class XenditRail(PayoutRail):
    id = "xendit"
    name = "Xendit"

    def send(self, payout, account: PayoutAccount, idempotency_key: str) -> PayoutSent:
        params = {
            "reference_id": idempotency_key,
            "channel_code": channel_code(account.bank),
            "channel_properties": {"account_number": account.number, "account_holder_name": account.holder},
            "amount": float(payout.amount),
            "currency": xendit_api.CURRENCY,
            "description": f"Apik Market payout {payout.id}",
            "metadata": {"payout_id": str(payout.id)},
        }
        try:
            answer = xendit_api.create_payout(params, idempotency_key)
        except xendit_api.XenditUnavailable as exc:
            if exc.error_code in FINAL_ERRORS or str(exc.http_status) in ("400", "404", "422"):
                raise PayoutFailed(exc.error_code or f"refused ({exc.http_status})") from exc
            raise
        return outcome(answer)

    def status(self, payout) -> PayoutSent:
        return outcome(xendit_api.get_payout(payout.bank_reference))
