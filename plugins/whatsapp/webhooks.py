"""``/webhooks/whatsapp``: Meta's webhook for the WhatsApp Business Account.

- ``GET``: the verification Meta makes when the webhook is set up (``hub.mode=subscribe``,
  ``hub.verify_token``, ``hub.challenge``): 200 with the challenge as plain text when the
  token equals ``WHATSAPP_VERIFY_TOKEN`` (compared in constant time), else 403.
- ``POST``: events, signed as Meta documents: ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256
  of the raw body with WHATSAPP_APP_SECRET>``, compared in constant time; 401 without the
  header (or without a secret to check it with), 403 when it is wrong, 400 for a body that is
  not an event; nothing is written then. A well-signed event is answered 200 quickly, even one
  this app ignores (another phone number, a field it does not use). Its delivery reports go to
  ``marketplace.channels.record_status`` (a late or repeated report changes nothing), an
  incoming "STOP", "BERHENTI" or "UNSUBSCRIBE" opts that number out of WhatsApp notices;
  everything of one event is committed together.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import logging
from dataclasses import dataclass

from flask import Blueprint, current_app, jsonify, request

from marketplace import channels
from marketplace.extensions import db

log = logging.getLogger("plugins.whatsapp")
bp = Blueprint("whatsapp_webhooks", __name__)
CHANNEL_ID = "whatsapp"
STOP_WORDS = frozenset({"STOP", "BERHENTI", "UNSUBSCRIBE"})
SIGNATURE_HEADER = "X-Hub-Signature-256"
MAX_CHALLENGE = 200


@dataclass(frozen=True)
class Status:
    message_id: str
    status: str
    error: str = ""


def _answer(result: str, status: int = 200):
    return jsonify({"result": result}), status


@bp.get("/webhooks/whatsapp")
def verify():
    """Meta's subscription check: the challenge back when the verify token is ours, else 403."""
    expected = current_app.config.get("WHATSAPP_VERIFY_TOKEN") or ""
    given = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge", "")
    if (
        request.args.get("hub.mode") != "subscribe"
        or not expected
        or not hmac.compare_digest(given.encode(), str(expected).encode())
    ):
        log.warning("whatsapp webhook verification refused")
        return _answer("forbidden", 403)
    if not challenge or len(challenge) > MAX_CHALLENGE or not challenge.isascii() or not challenge.isalnum():
        return _answer("bad_request", 400)
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}


def _signature_problem(raw: bytes) -> int | None:
    """None when the body is signed with the app secret; else the status to refuse with."""
    secret = current_app.config.get("WHATSAPP_APP_SECRET") or ""
    given = request.headers.get(SIGNATURE_HEADER)
    if not secret or not given:
        return 401
    expected = "sha256=" + hmac.new(str(secret).encode(), raw, hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(given.strip().encode(), expected.encode()) else 403


@bp.post("/webhooks/whatsapp")
def events():
    """Apply one signed event: delivery reports and opt-outs; 401/403 unsigned or wrongly, 400 malformed."""
    raw = request.get_data(cache=True)
    refused = _signature_problem(raw)
    if refused:
        log.warning("whatsapp webhook refused: %s signature", "missing" if refused == 401 else "wrong")
        return _answer("unauthorized" if refused == 401 else "forbidden", refused)
    try:
        statuses, stops = parse(json.loads(raw), str(current_app.config.get("WHATSAPP_PHONE_NUMBER_ID") or ""))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        log.warning("whatsapp webhook refused: malformed body (%s)", type(exc).__name__)
        return _answer("bad_request", 400)
    recorded = sum(channels.record_status(CHANNEL_ID, s.message_id, s.status, s.error) for s in statuses)
    for number in stops:
        opt_out(number)
    db.session.commit()
    return _answer(f"statuses:{recorded}/{len(statuses)} stops:{len(stops)}")


def opt_out(number: str) -> None:
    """The person at ``number`` (E.164) asked for no more WhatsApp notices (the channels part's rule)."""
    notice_prefs = importlib.import_module("marketplace.accounts.notice_prefs")
    notice_prefs.opt_out_number(number)


def parse(body: object, phone_number_id: str = "") -> tuple[list[Status], list[str]]:
    """The delivery reports and the numbers that asked to stop in a webhook body; ValueError
    (or TypeError, KeyError) when it is not Meta's shape. Changes for another phone number than
    ``phone_number_id`` (when set) and fields other than ``messages`` are left out."""
    if not isinstance(body, dict) or not isinstance(body.get("entry", []), list):
        raise ValueError("not an event")
    statuses: list[Status] = []
    stops: list[str] = []
    if body.get("object") != "whatsapp_business_account":
        return statuses, stops
    for entry in body.get("entry", []):
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            if change.get("field") != "messages":
                continue
            metadata = _dict(value.get("metadata"))
            if phone_number_id and str(metadata.get("phone_number_id") or phone_number_id) != phone_number_id:
                continue
            statuses.extend(_status(_dict(item)) for item in _list(value.get("statuses")))
            stops.extend(number for number in (_stop(_dict(item)) for item in _list(value.get("messages"))) if number)
    return statuses, stops


def _dict(value: object) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("an object was expected")
    return value


def _list(value: object) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("a list was expected")
    return value


def _status(item: dict) -> Status:
    message_id, status = item.get("id"), item.get("status")
    if not isinstance(message_id, str) or not isinstance(status, str):
        raise ValueError("a status without id or status")
    if not message_id.isascii() or not message_id.isprintable():  # a wamid is base64: never a NUL
        raise ValueError("a message id that is no wamid")
    errors = _list(item.get("errors"))
    error = ""
    if errors:
        first = _dict(errors[0])
        details = _dict(first.get("error_data")).get("details")
        error = f"WhatsApp error {first.get('code')}: {details or first.get('title') or first.get('message') or ''}"
    error = "".join(ch for ch in error if ch.isprintable())  # no NUL or lone surrogate reaches the database
    return Status(message_id[:120], status, error[:500])


def _stop(item: dict) -> str | None:
    """The sender's number (E.164) when the message asks to stop; None for any other message."""
    sender = item.get("from")
    if item.get("type") != "text" or not isinstance(sender, str):
        return None
    text = _dict(item.get("text")).get("body")
    if not isinstance(text, str) or text.strip().upper() not in STOP_WORDS:
        return None
    digits = sender.lstrip("+")
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("a sender that is not a phone number")
    return f"+{digits}"
