"""Every call to Xendit goes through here (the edge).

The official ``xendit-python`` client, with an ApiClient built per call from the app's
settings (``XENDIT_SECRET_KEY``, ``XENDIT_API_BASE`` for the local fake in tests). Its errors
(``XenditSdkException`` for an answer that is not 2xx, urllib3's for a network failure,
``OpenApiException`` for an answer it cannot read) are logged with the call and turned into
:class:`XenditUnavailable`: a 503 ServiceError with a clear message, so the caller rolls back
and the user sees a message, never a 500. The key travels only in the Authorization header,
which neither the client nor this module logs (the client logs response bodies at DEBUG only).

Answers are handed back as plain dicts (``to_dict()``), enums as their values.
"""

from __future__ import annotations

import logging
from typing import Any

import urllib3
import xendit
from flask import current_app
from xendit.exceptions import OpenApiException
from xendit.payment_method.payment_method_api import PaymentMethodApi
from xendit.payment_request.payment_request_api import PaymentRequestApi
from xendit.payout.payout_api import PayoutApi
from xendit.refund.refund_api import RefundApi

from marketplace.i18n import gettext as _
from marketplace.payments.services import PaymentUnavailable

log = logging.getLogger("plugins.xendit")
CURRENCY = "IDR"


class XenditUnavailable(PaymentUnavailable):
    """Xendit refused or could not be reached; nothing was written."""

    code = "xendit_unavailable"

    def __init__(self, message: str | None = None, status: int | str = "", error_code: str = ""):
        super().__init__(message)
        self.http_status = status
        self.error_code = error_code

    def default_message(self) -> str:
        return _(
            "Pembayaran lewat Xendit sedang tidak bisa diproses. Tidak ada yang dicatat; coba lagi "
            "sebentar lagi atau pilih metode pembayaran lain."
        )


def _client() -> xendit.ApiClient:
    config = current_app.config
    configuration = xendit.Configuration(host=(config.get("XENDIT_API_BASE") or "").rstrip("/") or None)
    configuration.api_key = config["XENDIT_SECRET_KEY"]
    configuration.discard_unknown_keys = True  # Xendit adds fields; a new one must not break paying
    return xendit.ApiClient(configuration)


def _call(what: str, fn, *args, **kwargs) -> dict:
    kwargs.setdefault("_request_timeout", current_app.config["XENDIT_TIMEOUT"])
    try:
        answer = fn(*args, **kwargs)
    except xendit.XenditSdkException as exc:
        log.error("xendit %s failed: http %s, %s: %s", what, exc.status, exc.errorCode, exc.errorMessage)
        raise XenditUnavailable(status=exc.status, error_code=str(exc.errorCode)) from exc
    except (urllib3.exceptions.HTTPError, OpenApiException, OSError, TypeError, ValueError) as exc:
        # unreachable, or an answer the client cannot read (its models refuse a missing field)
        log.error("xendit %s failed: %s", what, type(exc).__name__)
        raise XenditUnavailable() from exc
    return answer.to_dict() if hasattr(answer, "to_dict") else dict(answer)


def amount_of(value: Any) -> int | None:
    """Xendit's amount (a JSON number) as whole rupiah; None when it is not whole (a mismatch)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
        return None
    return int(value)


# --- pay-in ---------------------------------------------------------------------------------


def create_payment_request(params: dict, idempotency_key: str) -> dict:
    """``params`` as Xendit documents the body; the client's model checks and converts it."""
    from xendit.payment_request.model.payment_request_parameters import PaymentRequestParameters

    client = _client()
    body = PaymentRequestParameters(**params, _configuration=client.configuration)
    api = PaymentRequestApi(client)
    return _call(
        "payment_requests.create",
        api.create_payment_request,
        idempotency_key=idempotency_key,
        payment_request_parameters=body,
    )


def get_payment_request(request_id: str) -> dict:
    return _call("payment_requests.get", PaymentRequestApi(_client()).get_payment_request_by_id, request_id)


def expire_payment_method(payment_method_id: str) -> dict:
    return _call("payment_methods.expire", PaymentMethodApi(_client()).expire_payment_method, payment_method_id)


def create_refund(params: dict, idempotency_key: str) -> dict:
    from xendit.refund.model.create_refund import CreateRefund

    client = _client()
    body = CreateRefund(**params, _configuration=client.configuration)
    return _call("refunds.create", RefundApi(client).create_refund, idempotency_key=idempotency_key, create_refund=body)


# --- payouts ----------------------------------------------------------------------------------


def create_payout(params: dict, idempotency_key: str) -> dict:
    from xendit.payout.model.create_payout_request import CreatePayoutRequest

    client = _client()
    body = CreatePayoutRequest(**params, _configuration=client.configuration)
    api = PayoutApi(client)
    return _call("payouts.create", api.create_payout, idempotency_key=idempotency_key, create_payout_request=body)


def get_payout(payout_id: str) -> dict:
    return _call("payouts.get", PayoutApi(_client()).get_payout_by_id, payout_id)
