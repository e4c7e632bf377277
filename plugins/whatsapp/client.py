"""Every call to the WhatsApp Business Cloud API goes through here (the edge).

Meta publishes no official Python SDK for the Cloud API, so this is a plain HTTPS call with
``requests``: ``POST {WHATSAPP_API_BASE}/{WHATSAPP_PHONE_NUMBER_ID}/messages`` with the
access token in the Authorization header. An answer that is not 2xx is read as Meta documents
its errors (``{"error": {"code", "message", "error_data": {"details"}}}``) and turned into
``ChannelError``: ``permanent`` when sending again cannot help (the e-mail goes instead),
temporary for rate limits, Meta's own trouble, any 5xx, a timeout or no connection (the
outbox tries again). The token travels only in that header; nothing here logs it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import requests

from marketplace.channels import ChannelError

log = logging.getLogger("plugins.whatsapp")

# Meta's error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes)
PERMANENT_CODES = frozenset(
    {
        100,  # invalid parameter
        131008,  # required parameter missing
        131009,  # parameter value not valid
        131026,  # message undeliverable: the number is not on WhatsApp
        131047,  # re-engagement: more than 24 hours since the user last wrote
        131051,  # unsupported message type
        132000,  # template parameter count mismatch
        132001,  # template does not exist
        132005,  # translated text too long
        132007,  # template format character policy violated
        132012,  # template parameter format mismatch
        132015,  # template paused
        132016,  # template disabled
        133010,  # phone number not registered
        190,  # access token expired or invalid: every message fails until someone changes it
    }
)
TEMPORARY_CODES = frozenset(
    {
        4,  # API calls rate limit
        80007,  # WhatsApp Business Account rate limit
        130429,  # Cloud API throughput reached
        131048,  # spam rate limit
        131056,  # too many messages to the same number
        1,  # unknown API error
        2,  # API service temporarily unavailable
        131000,  # something went wrong
        131016,  # service unavailable
    }
)
TOKEN_CODE = 190


@dataclass(frozen=True)
class Connection:
    """Where and how to call the Cloud API (from the plugin's settings)."""

    api_base: str
    phone_number_id: str
    access_token: str
    timeout: float = 10.0

    def __repr__(self) -> str:  # never the token, whoever prints this
        return f"Connection(api_base={self.api_base!r}, phone_number_id={self.phone_number_id!r})"


def to_number(to: str) -> str:
    """The recipient as the API wants it: digits without "+" (``+62 812-3456`` → ``628123456``).
    :raise ChannelError: (permanent) not a phone number."""
    digits = "".join(ch for ch in str(to) if ch not in " -+()")
    if not digits.isascii() or not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ChannelError("not a phone number WhatsApp can take", permanent=True)
    return digits


def classify(http_status: int, code: int | None) -> bool:
    """True when an error answer is permanent (send the e-mail), False when it is worth retrying."""
    if code in PERMANENT_CODES:
        return True
    if code in TEMPORARY_CODES or http_status >= 500 or http_status == 429:
        return False
    return 400 <= http_status < 500  # another refusal of this request: sending it again cannot help


def send_template(connection: Connection, to: str, template: dict) -> str:
    """Send a template message; the message id (``wamid...``) WhatsApp answers.
    :raise ChannelError: refused (``permanent`` by the error code) or not reached (temporary)."""
    payload = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to_number(to),
        "type": "template",
        "template": template,
    }
    url = f"{connection.api_base.rstrip('/')}/{connection.phone_number_id}/messages"
    try:
        answer = requests.post(
            url,
            json=payload,
            headers={"Authorization": f"Bearer {connection.access_token}"},
            timeout=connection.timeout,
        )
    except requests.Timeout as exc:
        log.warning("whatsapp send of %s timed out after %ss", template.get("name"), connection.timeout)
        raise ChannelError("WhatsApp did not answer in time") from exc
    except requests.RequestException as exc:
        log.warning("whatsapp send of %s failed: %s", template.get("name"), type(exc).__name__)
        raise ChannelError(f"WhatsApp could not be reached ({type(exc).__name__})") from exc
    if 200 <= answer.status_code < 300:
        return _message_id(answer)
    raise _error(answer, str(template.get("name")))


def _json(answer: requests.Response) -> dict:
    try:
        body = answer.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _message_id(answer: requests.Response) -> str:
    messages = _json(answer).get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    message_id = first.get("id") if isinstance(first, dict) else None
    if not isinstance(message_id, str) or not message_id:
        log.error("whatsapp answered %s without a message id", answer.status_code)
        raise ChannelError("WhatsApp's answer has no message id")
    return message_id


def _error(answer: requests.Response, template: str) -> ChannelError:
    error = _json(answer).get("error")
    error = error if isinstance(error, dict) else {}
    raw_code = error.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else None
    message = str(details or error.get("message") or answer.reason or "no message")[:300]
    permanent = classify(answer.status_code, code)
    text = f"WhatsApp {answer.status_code} error {code}: {message}"
    if code == TOKEN_CODE:
        log.error(
            "ALERT whatsapp refused the access token (error 190): no WhatsApp notice can be sent until "
            "WHATSAPP_ACCESS_TOKEN is replaced; the e-mails go instead"
        )
    else:
        log.warning("whatsapp send of %s refused (%s): %s", template, "permanent" if permanent else "temporary", text)
    return ChannelError(text, permanent=permanent)
